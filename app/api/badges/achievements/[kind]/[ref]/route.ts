import { publicAchievement } from '@/lib/badges/store'

export const dynamic = 'force-dynamic'

/** Public: the Achievement (name, criteria, skill alignment) that an Open Badge's achievement id names. */
export async function GET(_request: Request, { params }: { params: Promise<{ kind: string; ref: string }> }) {
  const { kind, ref } = await params
  const achievement = await publicAchievement(kind, decodeURIComponent(ref))
  if (!achievement)
    return Response.json({ error: 'not_found' }, { status: 404, headers: { 'Cache-Control': 'no-store' } })
  return Response.json(achievement, {
    headers: { 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' },
  })
}
