import { withRequest } from '@/lib/auth/session'
import { apiError, apiHandler, json, readJson } from '@/lib/api/http'
import { presentRole, roleDetail } from '@/lib/api/present'
import { RoleUpdateSchema, requirementEditsFor } from '@/lib/api/schemas'
import { resolveFramework } from '@/lib/frameworks/registry'
import { getRole, setRoleArchived, updateRole } from '@/lib/roles/store'

export const dynamic = 'force-dynamic'

type Ctx = { params: Promise<{ roleId: string }> }

const notFound = () => apiError(404, 'not_found', 'No such role')

/** One role with its requirements (statement type and text from the role's framework version). */
export const GET = apiHandler(async (request, ctx: Ctx) => {
  const viewer = await withRequest(request).requireApi('/api/v1/roles/[roleId]')
  if (viewer instanceof Response) return viewer
  const { roleId } = await ctx.params
  const role = await roleDetail(viewer.organizationId, roleId)
  return role ? json(role) : notFound()
})

/**
 * Replaces a role's details and requirement list (the body is the complete desired state; listed
 * statements are added or re-levelled, unlisted ones dropped) as its next version. `expectedVersion`
 * must be the version the client read: a 409 means someone saved in between, re-read and retry.
 * Statement ids the role's framework does not have are a 422 and change nothing.
 */
export const PUT = apiHandler(async (request, ctx: Ctx) => {
  const viewer = await withRequest(request, { write: true }).requireApi('/api/v1/roles/[roleId]')
  if (viewer instanceof Response) return viewer
  const { roleId } = await ctx.params
  const body = await readJson(request, RoleUpdateSchema)
  if (!body.ok) return body.response
  const input = body.data
  const current = await getRole(viewer.organizationId, roleId)
  if (!current) return notFound()
  const fw = await resolveFramework(viewer.organizationId, current.frameworkId, current.frameworkVersion)
  if (!fw) return apiError(409, 'conflict', 'The role’s framework is no longer available')
  const unknown = input.requirements.flatMap((r, i) =>
    fw.statements.has(r.statementId)
      ? []
      : [
          {
            path: `$.requirements[${i}].statementId`,
            message: `"${r.statementId}" is not a statement of ${fw.key}`,
          },
        ],
  )
  if (unknown.length) return apiError(422, 'invalid', 'Unknown statements', { issues: unknown })
  // The edits are computed from `current`; if the role changes before updateRole reads it again, its
  // version no longer equals expectedVersion and updateRole refuses with CONFLICT.
  const result = await updateRole(viewer.organizationId, viewer.id, roleId, {
    expectedVersion: input.expectedVersion,
    title: input.title,
    description: input.description,
    positionLevel: input.positionLevel,
    edits: requirementEditsFor(current.requirements, input.requirements),
  })
  const saved = await getRole(viewer.organizationId, roleId)
  if (!saved) return notFound()
  return json({ ...presentRole(saved, fw), changed: result.changed })
})

/** Archives the role (never deletes: people's history and role versions point at it). Idempotent. */
export const DELETE = apiHandler(async (request, ctx: Ctx) => {
  const viewer = await withRequest(request, { write: true }).requireApi('/api/v1/roles/[roleId]')
  if (viewer instanceof Response) return viewer
  const { roleId } = await ctx.params
  const current = await getRole(viewer.organizationId, roleId)
  if (!current) return notFound()
  if (!current.archived) await setRoleArchived(viewer.organizationId, viewer.id, roleId, true)
  return new Response(null, { status: 204 })
})
