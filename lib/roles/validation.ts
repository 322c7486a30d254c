/** Input schemas for role requirements and career paths. Pure: server actions, the API and tests share them. */
import { z } from 'zod'
import { IdSchema } from '../org/validation'
import { MAX_WEIGHT, MIN_WEIGHT } from './types'

// Messages are i18n keys under `errors.*`.
export const RoleTitleSchema = z.string().trim().min(1, 'required').max(120, 'tooLong')
export const RoleDescriptionSchema = z.string().trim().max(2000, 'tooLong')
/** '' (not set) or 1..5 from a <select>. */
export const PositionLevelSchema = z.union([
  z.literal('').transform(() => null),
  z.coerce.number().int('invalid').min(1, 'invalid').max(5, 'invalid'),
])
export const RequiredLevelSchema = z.coerce.number().int('invalid').min(1, 'invalid').max(4, 'invalid')

/** `<frameworkId>@<version>#<workRoleId>`, or `<frameworkId>@<version>#` for a blank role on that framework. */
export const BaselineSchema = z
  .string()
  .max(200, 'tooLong')
  .regex(
    /^[a-z0-9][a-z0-9-]{0,39}@[A-Za-z0-9][A-Za-z0-9._-]{0,31}#([A-Za-z0-9][A-Za-z0-9._:-]{0,63})?$/,
    'invalid',
  )
  .transform((v) => {
    const [key, workRole] = v.split('#') as [string, string]
    const at = key.indexOf('@')
    return {
      frameworkId: key.slice(0, at),
      frameworkVersion: key.slice(at + 1),
      workRoleId: workRole || null,
    }
  })

export const CreateRoleSchema = z.object({
  title: RoleTitleSchema,
  description: RoleDescriptionSchema.default(''),
  positionLevel: PositionLevelSchema,
  baseline: BaselineSchema,
  defaultLevel: RequiredLevelSchema,
})

const StatementIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'invalid')

export const RequirementRowSchema = z.object({
  statementId: StatementIdSchema,
  level: z.number().int().min(0).max(4),
  weight: z.number().min(MIN_WEIGHT).max(MAX_WEIGHT).optional(),
})

/** The editor posts the whole desired list as JSON in one field (a role can have 300+ statements). */
export const MAX_REQUIREMENTS = 2000
export const RequirementsJsonSchema = z
  .string()
  .max(200_000, 'tooLong')
  .transform((raw, ctx) => {
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      ctx.addIssue({ code: 'custom', message: 'invalid' })
      return z.NEVER
    }
    const parsed = z.array(RequirementRowSchema).max(MAX_REQUIREMENTS).safeParse(value)
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: 'invalid' })
      return z.NEVER
    }
    return parsed.data
  })

export const UpdateRoleSchema = z.object({
  roleId: IdSchema,
  expectedVersion: z.coerce.number().int().min(1),
  title: RoleTitleSchema,
  description: RoleDescriptionSchema.default(''),
  positionLevel: PositionLevelSchema,
  requirements: RequirementsJsonSchema,
})

export const CloneRoleSchema = z.object({ roleId: IdSchema, title: RoleTitleSchema })
export const ArchiveRoleSchema = z.object({ roleId: IdSchema, archived: z.enum(['true', 'false']) })
export const CareerEdgeSchema = z.object({ fromRoleId: IdSchema, toRoleId: IdSchema })
export const RemoveCareerEdgeSchema = z.object({ edgeId: IdSchema })
export const DraftSchema = z.object({ draftId: IdSchema })

/**
 * Turns the editor's desired list into edits against the current requirements: rows as given, and
 * level 0 for current statements the list no longer contains.
 */
export function editsFromDesired(
  currentIds: ReadonlyArray<string>,
  desired: ReadonlyArray<{ statementId: string; level: number; weight?: number | undefined }>,
): { statementId: string; level: number; weight?: number }[] {
  const listed = new Set(desired.map((d) => d.statementId))
  return [
    ...currentIds.filter((id) => !listed.has(id)).map((statementId) => ({ statementId, level: 0 })),
    ...desired.map((d) =>
      d.weight === undefined
        ? { statementId: d.statementId, level: d.level }
        : { statementId: d.statementId, level: d.level, weight: d.weight },
    ),
  ]
}
