import { withRequest } from '@/lib/auth/session'
import { apiError, apiHandler, json } from '@/lib/api/http'
import { careerPaths } from '@/lib/api/present'
import { removeCareerEdge } from '@/lib/roles/store'

export const dynamic = 'force-dynamic'

type Ctx = { params: Promise<{ edgeId: string }> }

/** One career step (as in the list). Needs roles:edit like the rest of this route (lib/auth/routes.ts). */
export const GET = apiHandler(async (request, ctx: Ctx) => {
  const viewer = await withRequest(request).requireApi('/api/v1/career-paths/[edgeId]')
  if (viewer instanceof Response) return viewer
  const { edgeId } = await ctx.params
  const [edge] = await careerPaths(viewer.organizationId, edgeId)
  return edge ? json(edge) : apiError(404, 'not_found', 'No such career step')
})

/** Removes a career step (the roles stay). */
export const DELETE = apiHandler(async (request, ctx: Ctx) => {
  const viewer = await withRequest(request, { write: true }).requireApi('/api/v1/career-paths/[edgeId]')
  if (viewer instanceof Response) return viewer
  const { edgeId } = await ctx.params
  await removeCareerEdge(viewer.organizationId, viewer.id, edgeId)
  return new Response(null, { status: 204 })
})
