/**
 * Pure rules over role requirements: building them from a framework baseline, applying HR's edits,
 * and comparing two requirement sets (role versions, or the two ends of a career-path step).
 */
import type { FrameworkIndex } from '../frameworks/catalog'
import type { StatementType } from '../frameworks/schema'
import { DEFAULT_WEIGHT, MAX_WEIGHT, MIN_WEIGHT, type Requirement, type RequiredLevel } from './types'

/** The statements of a framework work role (tasks, then knowledge, then skills), each at `level`. */
export function baselineRequirements(
  index: FrameworkIndex,
  workRoleId: string,
  level: RequiredLevel,
): Requirement[] {
  const role = index.workRoles.get(workRoleId)
  if (!role) return []
  return [...role.taskIds, ...role.knowledgeIds, ...role.skillIds].map((statementId) => ({
    statementId,
    level,
    weight: DEFAULT_WEIGHT,
  }))
}

export type RequirementEdit = { statementId: string; level: number; weight?: number }

/**
 * Applies edits to a requirement list: level 0 drops a statement, 1–4 adds or re-levels it; weights are
 * clamped to [MIN_WEIGHT, MAX_WEIGHT]. Statements unknown to the framework are reported, not applied.
 * The result keeps the original order, with new statements appended in edit order.
 */
export function applyRequirementEdits(
  current: ReadonlyArray<Requirement>,
  edits: ReadonlyArray<RequirementEdit>,
  knownStatement: (id: string) => boolean,
): { requirements: Requirement[]; unknown: string[] } {
  const byId = new Map(current.map((r) => [r.statementId, { ...r }]))
  const order = current.map((r) => r.statementId)
  const unknown: string[] = []
  for (const e of edits) {
    if (!knownStatement(e.statementId)) {
      unknown.push(e.statementId)
      continue
    }
    const level = Math.trunc(e.level)
    if (level <= 0) {
      byId.delete(e.statementId)
      continue
    }
    const prev = byId.get(e.statementId)
    const weight = clampWeight(e.weight ?? prev?.weight ?? DEFAULT_WEIGHT)
    if (!prev) order.push(e.statementId)
    byId.set(e.statementId, {
      statementId: e.statementId,
      level: Math.min(4, level) as RequiredLevel,
      weight,
    })
  }
  const seen = new Set<string>()
  const requirements: Requirement[] = []
  for (const id of order) {
    const r = byId.get(id)
    if (r && !seen.has(id)) {
      seen.add(id)
      requirements.push(r)
    }
  }
  return { requirements, unknown }
}

export function clampWeight(w: number): number {
  if (!Number.isFinite(w)) return DEFAULT_WEIGHT
  return Math.round(Math.min(MAX_WEIGHT, Math.max(MIN_WEIGHT, w)) * 100) / 100
}

export type RequirementDiff = {
  /** In `to`, not in `from`. */
  added: Requirement[]
  /** In `from`, not in `to`. */
  removed: Requirement[]
  /** In both, at a higher level in `to`. */
  raised: { statementId: string; from: RequiredLevel; to: RequiredLevel }[]
  /** In both, at a lower level in `to`. */
  lowered: { statementId: string; from: RequiredLevel; to: RequiredLevel }[]
  /** In both, same level, different weight. */
  reweighted: { statementId: string; from: number; to: number }[]
}

/** What changes from one requirement set to another (a role's versions, or a career step). */
export function diffRequirements(
  from: ReadonlyArray<Requirement>,
  to: ReadonlyArray<Requirement>,
): RequirementDiff {
  const a = new Map(from.map((r) => [r.statementId, r]))
  const b = new Map(to.map((r) => [r.statementId, r]))
  const diff: RequirementDiff = { added: [], removed: [], raised: [], lowered: [], reweighted: [] }
  for (const r of to) {
    const prev = a.get(r.statementId)
    if (!prev) diff.added.push(r)
    else if (r.level > prev.level)
      diff.raised.push({ statementId: r.statementId, from: prev.level, to: r.level })
    else if (r.level < prev.level)
      diff.lowered.push({ statementId: r.statementId, from: prev.level, to: r.level })
    else if (r.weight !== prev.weight)
      diff.reweighted.push({ statementId: r.statementId, from: prev.weight, to: r.weight })
  }
  for (const r of from) if (!b.has(r.statementId)) diff.removed.push(r)
  return diff
}

/** Whether a diff changes anything. */
export function isEmptyDiff(d: RequirementDiff): boolean {
  return !d.added.length && !d.removed.length && !d.raised.length && !d.lowered.length && !d.reweighted.length
}

/**
 * What a career step asks of someone moving from one role to the next: statements the next role adds,
 * and statements it requires at a higher level. Roles on different frameworks share no statements, so
 * every requirement of `to` counts as added.
 */
export function careerStepDelta(
  from: { frameworkKey: string; requirements: ReadonlyArray<Requirement> },
  to: { frameworkKey: string; requirements: ReadonlyArray<Requirement> },
): Pick<RequirementDiff, 'added' | 'raised'> {
  const d = diffRequirements(from.frameworkKey === to.frameworkKey ? from.requirements : [], to.requirements)
  return { added: d.added, raised: d.raised }
}

/** Counts per statement type, for summaries ("34 tasks · 20 knowledge · 12 skills"). */
export function countByType(
  requirements: ReadonlyArray<Requirement>,
  typeOf: (id: string) => StatementType | undefined,
): Record<StatementType, number> {
  const out: Record<StatementType, number> = { task: 0, knowledge: 0, skill: 0 }
  for (const r of requirements) {
    const t = typeOf(r.statementId)
    if (t) out[t] += 1
  }
  return out
}
