import { requireApi } from '@/lib/auth/session'
import { consoleSnapshot } from '@/lib/exercises/store'
import { exerciseStream } from '@/lib/exercises/stream'
import { currentLocale } from '@/lib/i18n/current'

export const dynamic = 'force-dynamic'

/**
 * The facilitator console's live feed (Server-Sent Events): the whole ConsoleSnapshot at once and again
 * whenever it changes. Only exercises of the instructor's organisation; anything else is a 404.
 */
export async function GET(req: Request, ctx: { params: Promise<{ exerciseId: string }> }) {
  const viewer = await requireApi('/api/exercises/[exerciseId]/events')
  if (viewer instanceof Response) return viewer
  const { exerciseId } = await ctx.params
  const lang = await currentLocale()
  return exerciseStream(req, exerciseId, 'console', () => consoleSnapshot(viewer, exerciseId, lang))
}
