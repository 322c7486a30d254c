import { requireApi } from '@/lib/auth/session'
import { isDomainError } from '@/lib/errors'
import { exerciseProbe, teamSnapshot } from '@/lib/exercises/store'
import { currentLocale } from '@/lib/i18n/current'
import { sseSnapshots } from '@/lib/http/sse'

export const dynamic = 'force-dynamic'

/**
 * A member's live team view (Server-Sent Events): the whole TeamSnapshot at once and again whenever it
 * changes. Only the viewer's own team; another team's or organisation's exercise is a 404. Reading the
 * snapshot also records the member as present (the store does that).
 */
export async function GET(req: Request, ctx: { params: Promise<{ exerciseId: string }> }) {
  const viewer = await requireApi('/api/exercises/[exerciseId]/team/events')
  if (viewer instanceof Response) return viewer
  const { exerciseId } = await ctx.params
  if (!/^[a-z0-9]{1,40}$/i.test(exerciseId)) return Response.json({ error: 'not_found' }, { status: 404 })
  const lang = await currentLocale()
  try {
    return await sseSnapshots(req, () => teamSnapshot(viewer, exerciseId, lang), {
      probe: () => exerciseProbe(exerciseId),
      onError: (err) => {
        if (!(isDomainError(err) && err.code === 'NOT_FOUND'))
          console.error('exercise team stream:', (err as Error).message)
      },
    })
  } catch (err) {
    if (isDomainError(err) && err.code === 'NOT_FOUND')
      return Response.json({ error: 'not_found' }, { status: 404 })
    throw err
  }
}
