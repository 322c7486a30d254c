import { requireApi } from '@/lib/auth/session'
import { isDomainError } from '@/lib/errors'
import { consoleSnapshot, exerciseProbe } from '@/lib/exercises/store'
import { currentLocale } from '@/lib/i18n/current'
import { sseSnapshots } from '@/lib/http/sse'

export const dynamic = 'force-dynamic'

/**
 * The facilitator console's live feed (Server-Sent Events): the whole ConsoleSnapshot at once and again
 * whenever it changes. Only exercises of the instructor's organisation; anything else is a 404.
 */
export async function GET(req: Request, ctx: { params: Promise<{ exerciseId: string }> }) {
  const viewer = await requireApi('/api/exercises/[exerciseId]/events')
  if (viewer instanceof Response) return viewer
  const { exerciseId } = await ctx.params
  if (!/^[a-z0-9]{1,40}$/i.test(exerciseId)) return Response.json({ error: 'not_found' }, { status: 404 })
  const lang = await currentLocale()
  try {
    return await sseSnapshots(req, () => consoleSnapshot(viewer, exerciseId, lang), {
      probe: () => exerciseProbe(exerciseId),
      onError: (err) => {
        if (!(isDomainError(err) && err.code === 'NOT_FOUND'))
          console.error('exercise console stream:', (err as Error).message)
      },
    })
  } catch (err) {
    if (isDomainError(err) && err.code === 'NOT_FOUND')
      return Response.json({ error: 'not_found' }, { status: 404 })
    throw err
  }
}
