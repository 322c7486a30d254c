/**
 * The organisation-role model (pure types and constants; no I/O).
 *
 * An org role is what HR says a position needs: statements from one specific framework version,
 * each with a required proficiency level on the single scale of docs/DESIGN.md, an optional weight,
 * and a position level. Career paths are directed edges between org roles.
 */

/** 0 none · 1 basic · 2 intermediate · 3 advanced · 4 expert. A requirement is 1..4 (0 = not required). */
export const PROFICIENCY_LEVELS = [0, 1, 2, 3, 4] as const
export type ProficiencyLevel = (typeof PROFICIENCY_LEVELS)[number]
export type RequiredLevel = Exclude<ProficiencyLevel, 0>

/** Weights let HR say some statements count more towards readiness. */
export const MIN_WEIGHT = 0.5
export const MAX_WEIGHT = 5
export const DEFAULT_WEIGHT = 1

/** Position levels: 1 entry … 5 principal (free for the org to name). */
export const POSITION_LEVELS = [1, 2, 3, 4, 5] as const

export type Requirement = {
  statementId: string
  level: RequiredLevel
  weight: number
}

export type FrameworkRef = { frameworkId: string; frameworkVersion: string }

export type OrgRoleSpec = FrameworkRef & {
  id: string
  title: string
  description: string
  positionLevel: number | null
  /** The framework work role the org role started from, or null for a blank role. */
  baselineWorkRoleId: string | null
  requirements: Requirement[]
  /** Increments on every saved edit; each version is kept. */
  version: number
  archived: boolean
}

export type CareerEdge = { fromRoleId: string; toRoleId: string }
