import { revocationList } from '@/lib/badges/store'

export const dynamic = 'force-dynamic'

/** Public: the organisation's 1EdTech revocation list (ids of revoked credentials and when; no holders). */
export async function GET(_request: Request, { params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params
  const list = await revocationList(orgId)
  if (!list)
    return Response.json({ error: 'not_found' }, { status: 404, headers: { 'Cache-Control': 'no-store' } })
  return Response.json(list, { headers: { 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' } })
}
