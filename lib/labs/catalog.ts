import 'server-only'
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { labsDir } from '../paths'
import { formatLabError, loadAllLabs, type LoadedLab } from './package/load'
import { isTeamLab, type Language } from './package/manifest'

export type CatalogEntry = { lab: LoadedLab; version: string }
type Catalog = {
  /** Solo labs: one learner, one sandbox (the /labs catalog, warm pools, assignments, coverage). */
  labs: Map<string, CatalogEntry>
  /** Team labs (`hosts:` in lab.yaml): run as exercise days, never started as a solo session. */
  teamLabs: Map<string, CatalogEntry>
  errors: string[]
}

const g = globalThis as unknown as { kenshuLabCatalog?: Promise<Catalog> }

export { labsDir }

/**
 * Every valid lab package under labs/, loaded once per process. Invalid packages are left out (and
 * reported by `npm run labs:check` and in the server log); learners never see a half-valid lab.
 * Team labs are kept apart from the solo ones (`teamLabs`): everything that lists or starts solo labs
 * reads `labs`, so a team lab can never be started, warmed or assigned as one learner's sandbox.
 * `getLab(id)` finds both kinds.
 */
export function labCatalog(): Promise<Catalog> {
  g.kenshuLabCatalog ??= (async () => {
    const labs = new Map<string, CatalogEntry>()
    const teamLabs = new Map<string, CatalogEntry>()
    const errors: string[] = []
    for (const { id, result } of await loadAllLabs(labsDir())) {
      if (!result.ok) {
        errors.push(...result.errors.map(formatLabError))
        continue
      }
      const manifest = await readFile(path.join(result.lab.dir, 'lab.yaml'))
      const entry = { lab: result.lab, version: createHash('sha256').update(manifest).digest('hex').slice(0, 16) }
      if (isTeamLab(result.lab.manifest)) teamLabs.set(id, entry)
      else labs.set(id, entry)
    }
    if (errors.length) console.error(`labs: ${errors.length} problem(s) in lab packages:\n  ${errors.join('\n  ')}`)
    return { labs, teamLabs, errors }
  })()
  return g.kenshuLabCatalog
}

/** A solo or team lab by id (check `entry.lab.manifest.hosts` before starting it as a solo session). */
export async function getLab(labId: string): Promise<CatalogEntry | null> {
  if (!/^[a-z0-9-]{1,48}$/.test(labId)) return null
  const { labs, teamLabs } = await labCatalog()
  return labs.get(labId) ?? teamLabs.get(labId) ?? null
}

/** Every valid team lab, sorted by id (exercise scheduling). */
export async function listTeamLabs(): Promise<CatalogEntry[]> {
  return [...(await labCatalog()).teamLabs.values()].sort((a, b) => a.lab.manifest.id.localeCompare(b.lab.manifest.id))
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
