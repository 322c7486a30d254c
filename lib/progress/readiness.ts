/**
 * Evidence → proficiency → readiness → what to do next (pure; docs/DESIGN.md "Proficiency scale").
 *
 * - Proficiency of a person for a statement = the highest level any of their *current* evidence for it
 *   supports (LEVEL_OF in ./evidence.ts). Evidence older than `staleAfterDays` is stale: it is shown, with
 *   its date, but proves nothing until renewed. Every level keeps the evidence ids behind it.
 * - Readiness for a role = weighted share of required statements whose proficiency ≥ the required level.
 * - Recommendations = content that trains gap statements, ranked by the weighted gap it closes, with
 *   prerequisites placed before the modules that need them.
 */
import type { ContentItem } from '../roles/coverage'
import type { Requirement } from '../roles/types'

export type EvidenceRow = {
  id: string
  statementId: string
  frameworkId: string
  level: number
  kind: string
  createdAt: Date
}

export type StatementProficiency = {
  statementId: string
  level: number
  /** Evidence that sets the level (current), newest first. */
  evidence: string[]
  /** The level stale evidence would give, when higher than the current one (renew it). */
  staleLevel: number
  lastAt: Date | null
}

export const DEFAULT_STALE_AFTER_DAYS = 730

export function proficiency(
  rows: ReadonlyArray<EvidenceRow>,
  opts: { now: Date; staleAfterDays?: number; frameworkId?: string },
): Map<string, StatementProficiency> {
  const cutoff = opts.now.getTime() - (opts.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS) * 86_400_000
  const out = new Map<string, StatementProficiency>()
  const sorted = [...rows]
    .filter((r) => !opts.frameworkId || r.frameworkId === opts.frameworkId)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
  for (const r of sorted) {
    const p = out.get(r.statementId) ?? {
      statementId: r.statementId,
      level: 0,
      evidence: [],
      staleLevel: 0,
      lastAt: null,
    }
    if (!p.lastAt || r.createdAt > p.lastAt) p.lastAt = r.createdAt
    if (r.createdAt.getTime() >= cutoff) {
      if (r.level > p.level) {
        p.level = r.level
        p.evidence = [r.id]
      } else if (r.level === p.level) p.evidence.push(r.id)
    } else if (r.level > p.staleLevel) p.staleLevel = r.level
    out.set(r.statementId, p)
  }
  for (const p of out.values()) if (p.staleLevel <= p.level) p.staleLevel = 0
  return out
}

export type Gap = { statementId: string; required: number; current: number; weight: number; stale: boolean }

export type Readiness = { share: number; met: number; total: number; gaps: Gap[] }

export function readiness(
  requirements: ReadonlyArray<Requirement>,
  prof: ReadonlyMap<string, StatementProficiency>,
): Readiness {
  let weightAll = 0
  let weightMet = 0
  let met = 0
  const gaps: Gap[] = []
  for (const r of requirements) {
    const p = prof.get(r.statementId)
    const current = p?.level ?? 0
    weightAll += r.weight
    if (current >= r.level) {
      met++
      weightMet += r.weight
    } else
      gaps.push({
        statementId: r.statementId,
        required: r.level,
        current,
        weight: r.weight,
        stale: (p?.staleLevel ?? 0) >= r.level,
      })
  }
  // Biggest gaps first: weight × missing levels.
  gaps.sort(
    (a, b) =>
      b.weight * (b.required - b.current) - a.weight * (a.required - a.current) ||
      a.statementId.localeCompare(b.statementId),
  )
  return { share: weightAll ? weightMet / weightAll : 0, met, total: requirements.length, gaps }
}

/** The highest level a kind of content can prove (a quiz or briefing: 1; a lab: 2, or 3 without hints). */
const CONTENT_LEVEL: Record<ContentItem['kind'], number> = { briefing: 1, module: 1, lab: 3 }

export type Recommendation = { item: ContentItem; closes: string[]; value: number }

/**
 * Content that closes gaps, best first. An item only helps with a statement if it can prove the
 * required level (a quiz never makes someone "advanced"). Prerequisites of a recommended module that are
 * not done yet come right before it.
 */
export function recommend(
  gaps: ReadonlyArray<Gap>,
  items: ReadonlyArray<ContentItem>,
  opts: {
    frameworkKey: string
    done?: ReadonlySet<string>
    prerequisites?: (moduleId: string) => ReadonlyArray<string>
    limit?: number
  },
): Recommendation[] {
  const gapBy = new Map(gaps.map((g) => [g.statementId, g]))
  const scored: Recommendation[] = []
  for (const item of items) {
    if (item.frameworkKey !== opts.frameworkKey || opts.done?.has(`${item.kind}:${item.id}`)) continue
    const closes = [...new Set(item.statementIds)].filter((s) => {
      const g = gapBy.get(s)
      return g && CONTENT_LEVEL[item.kind] > g.current
    })
    if (!closes.length) continue
    const value = closes.reduce((a, s) => {
      const g = gapBy.get(s)!
      return a + g.weight * (Math.min(CONTENT_LEVEL[item.kind], g.required) - g.current)
    }, 0)
    scored.push({ item, closes: closes.sort(), value })
  }
  scored.sort((a, b) => b.value - a.value || a.item.id.localeCompare(b.item.id))
  const ordered: Recommendation[] = []
  const placed = new Set<string>()
  const byKey = new Map(items.map((i) => [`${i.kind}:${i.id}`, i]))
  const place = (r: Recommendation, depth = 0) => {
    const key = `${r.item.kind}:${r.item.id}`
    if (placed.has(key) || depth > 10) return
    if (r.item.kind === 'module')
      for (const p of opts.prerequisites?.(r.item.id) ?? []) {
        const pre = byKey.get(`module:${p}`)
        if (pre && !opts.done?.has(`module:${p}`))
          place(scored.find((s) => s.item === pre) ?? { item: pre, closes: [], value: 0 }, depth + 1)
      }
    placed.add(key)
    ordered.push(r)
  }
  for (const r of scored) place(r)
  return ordered.slice(0, opts.limit ?? 8)
}

/**
 * Readiness at each of `points` (ascending dates), counting only evidence that existed then and was not
 * yet stale then: the learner's trend line. The same rules as `readiness`, replayed.
 */
export function readinessHistory(
  rows: ReadonlyArray<EvidenceRow>,
  requirements: ReadonlyArray<Requirement>,
  frameworkId: string,
  points: ReadonlyArray<Date>,
  staleAfterDays = DEFAULT_STALE_AFTER_DAYS,
): Array<{ at: Date; share: number; met: number }> {
  return points.map((at) => {
    const known = rows.filter((r) => r.createdAt.getTime() <= at.getTime())
    const r = readiness(requirements, proficiency(known, { now: at, staleAfterDays, frameworkId }))
    return { at, share: r.share, met: r.met }
  })
}

/** Points for a trend: the end of each of the last `n` months up to `now`, then `now`. */
export function monthlyPoints(now: Date, n = 6): Date[] {
  const out: Date[] = []
  for (let i = n; i >= 1; i--)
    out.push(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i + 1, 1) - 1))
  out.push(now)
  return out
}
