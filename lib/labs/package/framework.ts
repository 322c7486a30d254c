/**
 * Lab manifests name their framework as `<id>-v<version>` (e.g. `nice-v2.1.0`, docs: labs/README.md);
 * the rest of Kenshu says `id@version` for a framework and `id` alone on evidence. One mapping, pure.
 */
const KNOWN: Record<string, { id: string; version: string }> = {
  'nice-v2.1.0': { id: 'nice', version: '2.1.0' },
}

export function labFramework(manifestFrameworkId: string): { id: string; version: string; key: string } {
  const f = KNOWN[manifestFrameworkId] ?? parse(manifestFrameworkId)
  return { ...f, key: `${f.id}@${f.version}` }
}

function parse(id: string): { id: string; version: string } {
  const m = /^(.+)-v(\d[\w.-]*)$/.exec(id)
  return m ? { id: m[1]!, version: m[2]! } : { id, version: '' }
}
