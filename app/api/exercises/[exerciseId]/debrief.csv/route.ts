import { requireApi } from '@/lib/auth/session'
import { isDomainError } from '@/lib/errors'
import { debriefCsv } from '@/lib/exercises/store'
import { currentLocale } from '@/lib/i18n/current'

export const dynamic = 'force-dynamic'

/** The debrief of one exercise of the instructor's organisation as CSV (per-team timeline and scores). */
export async function GET(_req: Request, ctx: { params: Promise<{ exerciseId: string }> }) {
  const viewer = await requireApi('/api/exercises/[exerciseId]/debrief.csv')
  if (viewer instanceof Response) return viewer
  const { exerciseId } = await ctx.params
  if (!/^[a-z0-9]{1,40}$/i.test(exerciseId)) return Response.json({ error: 'not_found' }, { status: 404 })
  try {
    const csv = await debriefCsv(viewer, exerciseId, await currentLocale())
    return new Response(csv, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="exercise-${exerciseId}-debrief.csv"`,
        'Cache-Control': 'no-store',
      },
    })
  } catch (err) {
    if (isDomainError(err) && err.code === 'NOT_FOUND')
      return Response.json({ error: 'not_found' }, { status: 404 })
    throw err
  }
}
