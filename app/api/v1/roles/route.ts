import { withRequest } from '@/lib/auth/session'
import { apiHandler, json, queryOf, readJson, validate } from '@/lib/api/http'
import { presentRoleListItem, roleDetail } from '@/lib/api/present'
import { IncludeArchivedQuerySchema, RoleCreateSchema } from '@/lib/api/schemas'
import { createRole, listRoles } from '@/lib/roles/store'
import type { RequiredLevel } from '@/lib/roles/types'

export const dynamic = 'force-dynamic'

/** The organisation's roles (active ones; `includeArchived=1` for all), without requirement lists. */
export const GET = apiHandler(async (request) => {
  const viewer = await withRequest(request).requireApi('/api/v1/roles')
  if (viewer instanceof Response) return viewer
  const query = validate(IncludeArchivedQuerySchema, queryOf(request), ['query'])
  if (!query.ok) return query.response
  const includeArchived = query.data.includeArchived === '1' || query.data.includeArchived === 'true'
  const roles = await listRoles(viewer.organizationId, { includeArchived })
  return json({ items: roles.map(presentRoleListItem) })
})

/** Creates a role, blank or from a framework work role (its statements at defaultLevel). */
export const POST = apiHandler(async (request) => {
  const viewer = await withRequest(request, { write: true }).requireApi('/api/v1/roles')
  if (viewer instanceof Response) return viewer
  const body = await readJson(request, RoleCreateSchema)
  if (!body.ok) return body.response
  const input = body.data
  const { id } = await createRole(viewer.organizationId, viewer.id, {
    title: input.title,
    description: input.description ?? '',
    positionLevel: input.positionLevel ?? null,
    frameworkId: input.framework.id,
    frameworkVersion: input.framework.version,
    baselineWorkRoleId: input.baselineWorkRoleId ?? null,
    defaultLevel: (input.defaultLevel ?? 2) as RequiredLevel,
  })
  const role = await roleDetail(viewer.organizationId, id)
  return json(role, { status: 201, headers: { Location: `/api/v1/roles/${id}` } })
})
