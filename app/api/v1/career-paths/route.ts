import { withRequest } from '@/lib/auth/session'
import { apiHandler, json, readJson } from '@/lib/api/http'
import { careerPaths } from '@/lib/api/present'
import { CareerEdgeCreateSchema } from '@/lib/api/schemas'
import { addCareerEdge } from '@/lib/roles/store'

export const dynamic = 'force-dynamic'

/** Every career step with both roles and what the step asks for (statements added or raised). */
export const GET = apiHandler(async (request) => {
  const viewer = await withRequest(request).requireApi('/api/v1/career-paths')
  if (viewer instanceof Response) return viewer
  return json({ items: await careerPaths(viewer.organizationId) })
})

/** Adds a step from one active role to another. A step that would close a cycle or exists already is a 409. */
export const POST = apiHandler(async (request) => {
  const viewer = await withRequest(request, { write: true }).requireApi('/api/v1/career-paths')
  if (viewer instanceof Response) return viewer
  const body = await readJson(request, CareerEdgeCreateSchema)
  if (!body.ok) return body.response
  const { id } = await addCareerEdge(viewer.organizationId, viewer.id, body.data)
  const [edge] = await careerPaths(viewer.organizationId, id)
  return json(edge, { status: 201, headers: { Location: `/api/v1/career-paths/${id}` } })
})
