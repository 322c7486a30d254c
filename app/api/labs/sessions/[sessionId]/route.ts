import { requireApi } from '@/lib/auth/session'
import { labSessions } from '@/lib/labs/sessions/manager'
import { isDomainError } from '@/lib/errors'

export const dynamic = 'force-dynamic'

/** Start progress of one of the viewer's lab sessions (queued → starting → ready), polled by the player. */
export async function GET(_req: Request, ctx: { params: Promise<{ sessionId: string }> }) {
  const viewer = await requireApi('/api/labs/sessions/[sessionId]')
  if (viewer instanceof Response) return viewer
  const { sessionId } = await ctx.params
  if (!/^[a-z0-9]{1,40}$/i.test(sessionId)) return Response.json({ error: 'not_found' }, { status: 404 })
  try {
    const p = await labSessions().status(viewer.id, sessionId)
    return Response.json(p, { headers: { 'Cache-Control': 'no-store' } })
  } catch (err) {
    if (isDomainError(err) && err.code === 'NOT_FOUND') return Response.json({ error: 'not_found' }, { status: 404 })
    throw err
  }
}
