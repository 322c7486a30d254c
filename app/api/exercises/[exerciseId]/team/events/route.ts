import { requireApi } from '@/lib/auth/session'
import { teamSnapshot } from '@/lib/exercises/store'
import { exerciseStream } from '@/lib/exercises/stream'
import { currentLocale } from '@/lib/i18n/current'

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
  const lang = await currentLocale()
  return exerciseStream(req, exerciseId, 'team', () => teamSnapshot(viewer, exerciseId, lang))
}
