import { withRequest } from '@/lib/auth/session'
import { apiHandler, json } from '@/lib/api/http'
import { frameworkSummaries } from '@/lib/api/present'

export const dynamic = 'force-dynamic'

/** The frameworks the organisation can use (shipped, then its own published ones), each with attribution. */
export const GET = apiHandler(async (request) => {
  const viewer = await withRequest(request).requireApi('/api/v1/frameworks')
  if (viewer instanceof Response) return viewer
  return json({ items: await frameworkSummaries(viewer.organizationId) })
})
