/**
 * Coverage (pure): which required statements of a role are trained by which content (labs, modules,
 * briefings — anything tagged with statement ids), and which have no content at all.
 */
import type { Requirement } from './types'

export type ContentKind = 'lab' | 'module' | 'briefing'

/** A piece of training content and the framework statements it is tagged with. */
export type ContentItem = {
  kind: ContentKind
  id: string
  title: string
  href: string
  /** `${frameworkId}@${version}` of the statement ids below. */
  frameworkKey: string
  statementIds: ReadonlyArray<string>
}

export type StatementCoverage = { statementId: string; level: number; weight: number; items: ContentItem[] }

export type RoleCoverage = {
  statements: StatementCoverage[]
  covered: number
  gaps: number
  /** Weighted share of required statements with at least one content item, 0..1. */
  share: number
  /** Per content item, how many of the role's statements it trains (only items that train any). */
  byItem: { item: ContentItem; count: number }[]
}

/** Index content by statement once, then ask per role. */
export function indexContent(items: ReadonlyArray<ContentItem>): Map<string, ContentItem[]> {
  const map = new Map<string, ContentItem[]>()
  for (const item of items) {
    for (const s of new Set(item.statementIds)) {
      const key = `${item.frameworkKey}|${s}`
      const list = map.get(key)
      if (list) list.push(item)
      else map.set(key, [item])
    }
  }
  return map
}

export function roleCoverage(
  frameworkKey: string,
  requirements: ReadonlyArray<Requirement>,
  index: ReadonlyMap<string, ReadonlyArray<ContentItem>>,
): RoleCoverage {
  const statements: StatementCoverage[] = []
  const counts = new Map<ContentItem, number>()
  let covered = 0
  let weightAll = 0
  let weightCovered = 0
  for (const r of requirements) {
    const items = [...(index.get(`${frameworkKey}|${r.statementId}`) ?? [])]
    statements.push({ statementId: r.statementId, level: r.level, weight: r.weight, items })
    weightAll += r.weight
    if (items.length) {
      covered += 1
      weightCovered += r.weight
      for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1)
    }
  }
  const byItem = [...counts]
    .map(([item, count]) => ({ item, count }))
    .sort((a, b) => b.count - a.count || a.item.title.localeCompare(b.item.title))
  return {
    statements,
    covered,
    gaps: requirements.length - covered,
    share: weightAll ? weightCovered / weightAll : 0,
    byItem,
  }
}
