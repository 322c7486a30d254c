/**
 * The normalized shape of a skill framework (NICE, ECSF, or an organisation's own standard).
 *
 * Pure: zod schemas, inferred types and a reference check. No I/O, no database, no
 * 'server-only', so the importer script, tests, the app and the gateway can all use it.
 *
 * A framework is versioned, immutable data:
 *   { id, version, title, publisher, attribution, categories[], workRoles[], statements[], competencyAreas[] }
 * Statements are the TKS items (Task / Knowledge / Skill) that roles, content, labs and
 * evidence point at by `id`. IDs are unique within one framework version.
 */
import { z } from 'zod'

/** Format version of the normalized JSON files themselves (not of the framework). */
export const FRAMEWORK_SCHEMA_VERSION = 1

export const STATEMENT_TYPES = ['task', 'knowledge', 'skill'] as const
export const StatementTypeSchema = z.enum(STATEMENT_TYPES)
export type StatementType = z.infer<typeof StatementTypeSchema>

/** Framework ids are short slugs ("nice", "ecsf", "acme-soc"); versions are free text without spaces. */
export const FrameworkIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a lowercase slug (a-z, 0-9, -), max 40 chars')
export const FrameworkVersionSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'must be a version string without spaces')

/** Item ids (statements, roles, categories, competency areas): printable, no whitespace. */
export const ItemIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1-64 chars of A-Z a-z 0-9 . _ : - (no spaces)')

const NonEmptyText = z.string().min(1, 'must not be empty')

/** Links shown to users: web addresses only (no javascript:, data: or file: URLs from an upload). */
const WebUrl = z.url({ protocol: /^https?$/ })

/** What the UI shows next to framework data wherever it appears (licence obligations). */
export const AttributionSchema = z.strictObject({
  /** Human-readable credit line, shown verbatim. */
  text: NonEmptyText,
  /** Licence name, e.g. "CC BY 4.0" or "Public domain (US Government work, 17 U.S.C. 105)". */
  licence: NonEmptyText,
  licenceUrl: WebUrl.nullable(),
  /** Where the original publication lives; null for an organisation's own, unpublished standard. */
  sourceUrl: WebUrl.nullable(),
})
export type Attribution = z.infer<typeof AttributionSchema>

export const ProvenanceSchema = z.strictObject({
  /** Input files the content was generated from, with their SHA-256 (hex). */
  files: z.array(z.strictObject({ name: NonEmptyText, sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
  /** How the data was transformed (licence requirement for CC BY: indicate changes). */
  changes: z.array(NonEmptyText),
  notes: z.array(NonEmptyText),
})
export type Provenance = z.infer<typeof ProvenanceSchema>

export const CategorySchema = z.strictObject({
  id: ItemIdSchema,
  title: NonEmptyText,
  description: z.string(),
})
export type Category = z.infer<typeof CategorySchema>

export const StatementSchema = z.strictObject({
  id: ItemIdSchema,
  type: StatementTypeSchema,
  text: NonEmptyText,
  /** NICE: flagged "New for v<version>" in NIST's spreadsheet. Absent when the source says nothing. */
  newInThisVersion: z.boolean().optional(),
})
export type Statement = z.infer<typeof StatementSchema>

export const DeliverableSchema = z.strictObject({ name: NonEmptyText, description: z.string() })
export type Deliverable = z.infer<typeof DeliverableSchema>

/** A European e-Competence Framework (e-CF, EN 16234-1) reference with proficiency level e-1..e-5. */
export const ECompetenceSchema = z.strictObject({
  code: z.string().regex(/^[A-E]\.\d{1,2}$/, 'must look like "A.7"'),
  name: NonEmptyText,
  level: z.number().int().min(1).max(5),
})
export type ECompetence = z.infer<typeof ECompetenceSchema>

export const WorkRoleSchema = z.strictObject({
  id: ItemIdSchema,
  title: NonEmptyText,
  /** NICE: work role description. ECSF: the profile's summary statement. */
  description: z.string(),
  /** null when the framework has no categories (ECSF). */
  categoryId: ItemIdSchema.nullable(),
  taskIds: z.array(ItemIdSchema),
  knowledgeIds: z.array(ItemIdSchema),
  skillIds: z.array(ItemIdSchema),
  /** NICE: US OPM cybersecurity work role code(s); empty for roles NIST gives none (PD-WRL-005, DD-WRL-009). */
  opmCodes: z.array(z.string().regex(/^\d{3}$/, 'must be a 3-digit OPM code')).optional(),
  /** ECSF: slug of the title and PDF section number; neither is an ENISA identifier. */
  slug: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  section: z.string().optional(),
  alternativeTitles: z.array(NonEmptyText).optional(),
  mission: z.string().optional(),
  deliverables: z.array(DeliverableSchema).optional(),
  eCompetences: z.array(ECompetenceSchema).optional(),
})
export type WorkRole = z.infer<typeof WorkRoleSchema>

export const CompetencyAreaSchema = z.strictObject({
  id: ItemIdSchema,
  title: NonEmptyText,
  description: z.string(),
  /** null = the source publishes no mapping for this area (not the same as "maps to nothing"). */
  taskIds: z.array(ItemIdSchema).nullable(),
  knowledgeIds: z.array(ItemIdSchema).nullable(),
  skillIds: z.array(ItemIdSchema).nullable(),
  /** Where the TKS mapping came from, if any. */
  mappingSource: z.string().nullable(),
})
export type CompetencyArea = z.infer<typeof CompetencyAreaSchema>

export const FrameworkSchema = z.strictObject({
  schemaVersion: z.literal(FRAMEWORK_SCHEMA_VERSION),
  id: FrameworkIdSchema,
  version: FrameworkVersionSchema,
  title: NonEmptyText,
  publisher: NonEmptyText,
  attribution: AttributionSchema,
  provenance: ProvenanceSchema.optional(),
  categories: z.array(CategorySchema),
  workRoles: z.array(WorkRoleSchema),
  statements: z.array(StatementSchema),
  competencyAreas: z.array(CompetencyAreaSchema),
})
export type Framework = z.infer<typeof FrameworkSchema>

/** One problem found in a document, located by a JSONPath-like string (`$.workRoles[3].taskIds[0]`). */
export type FrameworkIssue = { path: string; message: string }

/** Renders a zod/JS property path as `$.a[0].b`. */
export function formatJsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '$'
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else if (typeof key === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) out += `.${key}`
    else out += `[${JSON.stringify(String(key))}]`
  }
  return out
}

const ROLE_LISTS = [
  ['taskIds', 'task'],
  ['knowledgeIds', 'knowledge'],
  ['skillIds', 'skill'],
] as const

/**
 * Checks what zod cannot express: unique ids, and every reference (role → category,
 * role/competency area → statement of the right type) resolving inside the framework.
 * Returns an empty array when the framework is consistent.
 */
export function checkFrameworkReferences(fw: Framework): FrameworkIssue[] {
  const issues: FrameworkIssue[] = []
  const uniq = <T extends { id: string }>(items: ReadonlyArray<T>, key: string) => {
    const seen = new Map<string, number>()
    items.forEach((item, i) => {
      const first = seen.get(item.id)
      if (first !== undefined) {
        issues.push({
          path: formatJsonPath([key, i, 'id']),
          message: `duplicate id "${item.id}" (first at ${formatJsonPath([key, first])})`,
        })
      } else seen.set(item.id, i)
    })
  }
  uniq(fw.categories, 'categories')
  uniq(fw.workRoles, 'workRoles')
  uniq(fw.statements, 'statements')
  uniq(fw.competencyAreas, 'competencyAreas')

  const categoryIds = new Set(fw.categories.map((c) => c.id))
  const typeById = new Map(fw.statements.map((s) => [s.id, s.type]))
  const checkList = (
    ids: ReadonlyArray<string>,
    type: (typeof STATEMENT_TYPES)[number],
    base: PropertyKey[],
  ) => {
    const seen = new Set<string>()
    ids.forEach((id, j) => {
      const actual = typeById.get(id)
      const path = formatJsonPath([...base, j])
      if (actual === undefined) issues.push({ path, message: `unknown statement id "${id}"` })
      else if (actual !== type)
        issues.push({ path, message: `"${id}" is a ${actual} statement, expected ${type}` })
      if (seen.has(id)) issues.push({ path, message: `"${id}" listed twice` })
      seen.add(id)
    })
  }
  fw.workRoles.forEach((role, i) => {
    if (role.categoryId !== null && !categoryIds.has(role.categoryId)) {
      issues.push({
        path: formatJsonPath(['workRoles', i, 'categoryId']),
        message: `unknown category id "${role.categoryId}"`,
      })
    }
    for (const [key, type] of ROLE_LISTS) checkList(role[key], type, ['workRoles', i, key])
  })
  fw.competencyAreas.forEach((area, i) => {
    for (const [key, type] of ROLE_LISTS) {
      const ids = area[key]
      if (ids) checkList(ids, type, ['competencyAreas', i, key])
    }
  })
  return issues
}
