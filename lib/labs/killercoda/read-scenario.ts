/**
 * Reads a Killercoda scenario directory into the in-memory form convert.ts takes. Host-side, for
 * scripts/import-killercoda.ts and tests; no database. Symlinks are refused (a scenario is data
 * from elsewhere: it must not make the importer read files outside it), as are files over 1 MiB.
 */
import { lstat, readdir, readFile } from 'node:fs/promises'
import path from 'node:path'

export const SCENARIO_LIMITS = { files: 500, fileBytes: 1024 * 1024 } as const

/** All regular files under `dir` (relative POSIX paths → bytes); `.git` and dot-directories are skipped. */
export async function readScenarioDir(dir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>()
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(path.join(dir, rel))).sort()) {
      if (name.startsWith('.')) continue
      const r = rel ? `${rel}/${name}` : name
      const st = await lstat(path.join(dir, r))
      if (st.isSymbolicLink()) throw new Error(`${r}: symlinks are not imported`)
      if (st.isDirectory()) await walk(r)
      else if (st.isFile()) {
        if (st.size > SCENARIO_LIMITS.fileBytes) throw new Error(`${r}: larger than 1 MiB`)
        if (out.size >= SCENARIO_LIMITS.files) throw new Error(`more than ${SCENARIO_LIMITS.files} files`)
        out.set(r, await readFile(path.join(dir, r)))
      }
    }
  }
  await walk('')
  return out
}
