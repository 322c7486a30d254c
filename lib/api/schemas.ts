/**
 * The shapes of /api/v1: zod schemas for what clients send (validated in the handlers) and for what
 * they get back (used only to write the OpenAPI document, lib/api/openapi.ts, and checked against real
 * responses in tests/int/api.int.test.ts). Pure.
 *
 * Request bodies are strict: an unknown field (a typo, or a forged `organizationId`) is a 422, not
 * silently ignored, because an HR sync job that believes it set something must find out it did not.
 */
import { z } from 'zod'
import {
  AttributionSchema,
  FrameworkIdSchema,
  FrameworkVersionSchema,
  ItemIdSchema,
  StatementTypeSchema,
} from '../frameworks/schema'
import { MAX_WEIGHT, MIN_WEIGHT, type Requirement } from '../roles/types'
import type { RequirementEdit } from '../roles/requirements'
import { API_ERROR_CODES } from './http'

const Id = z.string().min(1).max(64).describe('An opaque id')
const Title = z.string().trim().min(1, 'must not be empty').max(120, 'at most 120 characters')
const Description = z.string().trim().max(4000, 'at most 4000 characters')
const PositionLevel = z
  .number()
  .int()
  .min(1)
  .max(5)
  .nullable()
  .describe('1 entry … 5 principal; null = not set')
const DateTime = z.iso.datetime().describe('ISO 8601, UTC')

// ---------------------------------------------------------------------------------------------------
// Requests

export const FrameworkRefSchema = z.strictObject({ id: FrameworkIdSchema, version: FrameworkVersionSchema })

export const RoleCreateSchema = z.strictObject({
  title: Title,
  description: Description.optional(),
  positionLevel: PositionLevel.optional(),
  framework: FrameworkRefSchema.describe(
    'The framework version the role draws its statements from; fixed for the role',
  ),
  baselineWorkRoleId: ItemIdSchema.nullable()
    .optional()
    .describe(
      'Start from this work role of the framework (all its statements at defaultLevel); omit for a blank role',
    ),
  defaultLevel: z
    .number()
    .int()
    .min(1)
    .max(4)
    .optional()
    .describe('Level of the baseline statements; default 2 (intermediate)'),
})
export type RoleCreateBody = z.output<typeof RoleCreateSchema>

export const RequirementInputSchema = z.strictObject({
  statementId: ItemIdSchema,
  level: z
    .number()
    .int()
    .min(0)
    .max(4)
    .describe('0 drops the statement; 1 basic · 2 intermediate · 3 advanced · 4 expert'),
  weight: z
    .number()
    .min(MIN_WEIGHT)
    .max(MAX_WEIGHT)
    .optional()
    .describe('Default: the current weight, or 1 for a new statement'),
})

export const MAX_REQUIREMENTS = 2000

export const RoleUpdateSchema = z
  .strictObject({
    expectedVersion: z
      .number()
      .int()
      .min(1)
      .describe('The `version` you read; a 409 when someone saved in between'),
    title: Title,
    description: Description,
    positionLevel: PositionLevel,
    requirements: z
      .array(RequirementInputSchema)
      .max(MAX_REQUIREMENTS)
      .describe('The complete desired list: statements of the role that are not listed are dropped'),
  })
  .superRefine((body, ctx) => {
    const seen = new Set<string>()
    body.requirements.forEach((r, i) => {
      if (seen.has(r.statementId))
        ctx.addIssue({
          code: 'custom',
          path: ['requirements', i, 'statementId'],
          message: `"${r.statementId}" is listed twice`,
        })
      seen.add(r.statementId)
    })
  })
export type RoleUpdateBody = z.output<typeof RoleUpdateSchema>

/**
 * The full desired list of a PUT → the store's edit list: every listed statement as given (level 0
 * drops it), every current statement that is not listed dropped.
 */
export function requirementEditsFor(
  current: ReadonlyArray<Requirement>,
  desired: ReadonlyArray<{ statementId: string; level: number; weight?: number }>,
): RequirementEdit[] {
  const listed = new Set(desired.map((d) => d.statementId))
  return [
    ...current
      .filter((r) => !listed.has(r.statementId))
      .map((r) => ({ statementId: r.statementId, level: 0 })),
    ...desired.map((d) => ({
      statementId: d.statementId,
      level: d.level,
      ...(d.weight === undefined ? {} : { weight: d.weight }),
    })),
  ]
}

export const CareerEdgeCreateSchema = z.strictObject({ fromRoleId: Id, toRoleId: Id })

export const IncludeArchivedQuerySchema = z.object({
  includeArchived: z.enum(['0', '1', 'true', 'false']).optional(),
})

export const FrameworkFormatSchema = z.enum(['json', 'case', 'csv'])
export const RolesExportFormatSchema = z.enum(['case', 'csv'])

export const MAX_STATEMENT_LIMIT = 200
export const StatementsQuerySchema = z.object({
  q: z.string().max(200).optional().describe('Full-text search (NFKC, case-insensitive; ids match too)'),
  type: StatementTypeSchema.optional(),
  workRole: ItemIdSchema.optional().describe('Only statements of this work role'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_STATEMENT_LIMIT)
    .optional()
    .describe('Default 50, at most 200'),
})

/** JSON alternative to multipart for uploads: the file's content as text, or base64 for other encodings. */
export const ImportJsonSchema = z.strictObject({
  fileName: z.string().min(1).max(200).describe('Picks the format: .csv/.tsv/.txt → CSV, .json → JSON'),
  content: z.string().describe('The file: UTF-8 text, or base64 when contentEncoding is "base64"'),
  contentEncoding: z.enum(['text', 'base64']).optional(),
  id: z.string().max(40).optional(),
  version: z.string().max(32).optional(),
  title: z.string().max(200).optional(),
  publisher: z.string().max(200).optional(),
  licence: z.string().max(200).optional(),
  sourceUrl: z.string().max(2000).optional(),
})

// ---------------------------------------------------------------------------------------------------
// Responses (documentation and tests)

export const ApiIssueSchema = z.object({ path: z.string(), message: z.string() })
export const UploadIssueSchema = z.object({
  line: z
    .number()
    .int()
    .nullable()
    .describe('1-based physical line of the CSV; null for JSON and file-level problems'),
  column: z.string().nullable().describe('CSV column header as written, or a JSON path'),
  reason: z.string(),
})
export const ErrorSchema = z.object({
  error: z.enum(API_ERROR_CODES),
  message: z.string().optional(),
  issues: z.array(z.union([ApiIssueSchema, UploadIssueSchema])).optional(),
})

export const AttributionOutSchema = AttributionSchema

export const FrameworkSummarySchema = z.object({
  key: z.string().describe('`id@version`'),
  id: z.string(),
  version: z.string(),
  title: z.string(),
  publisher: z.string(),
  source: z.enum(['builtin', 'organisation']),
  workRoles: z.number().int(),
  statements: z.number().int(),
  attribution: AttributionOutSchema,
})
export const FrameworkListSchema = z.object({ items: z.array(FrameworkSummarySchema) })

export const StatementItemSchema = z.object({
  id: z.string(),
  type: StatementTypeSchema,
  text: z.string(),
  workRoleIds: z.array(z.string()).describe('Work roles of the framework that list the statement'),
})
export const StatementListSchema = z.object({
  framework: z.object({ key: z.string(), attribution: AttributionOutSchema }),
  total: z.number().int().describe('Matches before the limit'),
  items: z.array(StatementItemSchema),
})

const RoleFrameworkSchema = z.object({ id: z.string(), version: z.string(), key: z.string() })

export const RoleListItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  positionLevel: z.number().int().nullable(),
  framework: RoleFrameworkSchema,
  baselineWorkRoleId: z.string().nullable(),
  version: z.number().int(),
  archived: z.boolean(),
  requirementCount: z.number().int(),
  createdAt: DateTime,
  updatedAt: DateTime,
})
export const RoleListSchema = z.object({ items: z.array(RoleListItemSchema) })

export const RoleRequirementSchema = z.object({
  statementId: z.string(),
  type: StatementTypeSchema.nullable().describe('null when the statement is missing from the framework'),
  text: z.string().nullable(),
  level: z.number().int().min(1).max(4),
  weight: z.number(),
})
export const RoleDetailSchema = RoleListItemSchema.extend({
  requirements: z.array(RoleRequirementSchema),
  attribution: AttributionOutSchema.nullable().describe(
    'Of the role’s framework; null if it is no longer available',
  ),
})
export const RoleUpdateResultSchema = RoleDetailSchema.extend({
  changed: z.boolean().describe('false when the body equalled the current version (no new version)'),
})

const RoleRefSchema = z.object({ id: z.string(), title: z.string(), archived: z.boolean() })
export const CareerPathSchema = z.object({
  id: z.string(),
  fromRoleId: z.string(),
  toRoleId: z.string(),
  from: RoleRefSchema,
  to: RoleRefSchema,
  adds: z
    .array(
      z.object({
        statementId: z.string(),
        type: StatementTypeSchema.nullable(),
        text: z.string().nullable(),
        level: z.number().int(),
      }),
    )
    .describe('Statements the next role requires that the current one does not'),
  raises: z
    .array(
      z.object({
        statementId: z.string(),
        type: StatementTypeSchema.nullable(),
        text: z.string().nullable(),
        from: z.number().int(),
        to: z.number().int(),
      }),
    )
    .describe('Statements both require, at a higher level in the next role'),
})
export const CareerPathListSchema = z.object({ items: z.array(CareerPathSchema) })

export const UploadPreviewSchema = z.object({
  format: z.enum(['csv', 'json']),
  encoding: z.string(),
  categories: z.number().int(),
  workRoles: z.number().int(),
  tasks: z.number().int(),
  knowledge: z.number().int(),
  skills: z.number().int(),
  roles: z.array(z.object({ id: z.string(), title: z.string(), statements: z.number().int() })),
})
export const ImportResultSchema = z.object({
  draftId: z.string(),
  key: z.string(),
  preview: UploadPreviewSchema,
  warnings: z.array(UploadIssueSchema),
  previewUrl: z.string().describe('Page where a person reviews and publishes the draft'),
})
export const ImportInfoSchema = z.object({
  maxBytes: z.number().int(),
  formats: z.array(z.string()),
  fields: z.array(z.string()),
  documentation: z.string().describe('Where the file formats are documented'),
})
