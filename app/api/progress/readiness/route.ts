import { requireApi } from '@/lib/auth/session'
import { organisationPeople, readinessOf } from '@/lib/progress/store'
import { csvCell } from '@/lib/frameworks/case'

export const dynamic = 'force-dynamic'

/** CSV of every person's readiness for every organisation role (HR; org:readiness). */
export async function GET() {
  const viewer = await requireApi('/api/progress/readiness')
  if (viewer instanceof Response) return viewer
  const { roles, people } = await readinessOf(
    viewer.organizationId,
    await organisationPeople(viewer.organizationId),
  )
  const lines = [
    ['name', 'email', ...roles.map((r) => r.title)].map(csvCell).join(','),
    ...people.map((p) =>
      [p.name, p.email, ...roles.map((r) => (p.byRole.get(r.id) ?? 0).toFixed(3))].map(csvCell).join(','),
    ),
  ]
  return new Response('\uFEFF' + lines.join('\r\n') + '\r\n', {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="readiness.csv"',
      'cache-control': 'no-store',
    },
  })
}
