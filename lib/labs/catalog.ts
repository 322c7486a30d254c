import 'server-only'
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { labsDir } from '../paths'
import { formatLabError, loadAllLabs, type LoadedLab } from './package/load'
import type { Language } from './package/manifest'

export type CatalogEntry = { lab: LoadedLab; version: string }
type Catalog = { labs: Map<string, CatalogEntry>; errors: string[] }

const g = globalThis as unknown as { kenshuLabCatalog?: Promise<Catalog> }

export { labsDir }

/**
 * Every valid lab package under labs/, loaded once per process. Invalid packages are left out (and
 * reported by `npm run labs:check` and in the server log); learners never see a half-valid lab.
 */
export function labCatalog(): Promise<Catalog> {
  g.kenshuLabCatalog ??= (async () => {
    const labs = new Map<string, CatalogEntry>()
    const errors: string[] = []
    for (const { id, result } of await loadAllLabs(labsDir())) {
      if (!result.ok) {
        errors.push(...result.errors.map(formatLabError))
        continue
      }
      const manifest = await readFile(path.join(result.lab.dir, 'lab.yaml'))
      labs.set(id, { lab: result.lab, version: createHash('sha256').update(manifest).digest('hex').slice(0, 16) })
    }
    if (errors.length) console.error(`labs: ${errors.length} problem(s) in lab packages:\n  ${errors.join('\n  ')}`)
    return { labs, errors }
  })()
  return g.kenshuLabCatalog
}

export async function getLab(labId: string): Promise<CatalogEntry | null> {
  if (!/^[a-z0-9-]{1,48}$/.test(labId)) return null
  return (await labCatalog()).labs.get(labId) ?? null
}

/** A step's MDX source in the requested language (falls back to the other language). */
export async function stepSource(lab: LoadedLab, stepId: string, lang: Language): Promise<{ source: string; lang: Language } | null> {
  // Own keys only: `__proto__` or `constructor` must not reach readFile.
  const files = Object.hasOwn(lab.stepFiles, stepId) ? lab.stepFiles[stepId] : undefined
  if (!files) return null
  try {
    return { source: await readFile(files[lang], 'utf8'), lang }
  } catch {
    const other: Language = lang === 'ja' ? 'en' : 'ja'
    return { source: await readFile(files[other], 'utf8'), lang: other }
  }
}
