import { issuerProfile } from '@/lib/badges/store'

export const dynamic = 'force-dynamic'

/**
 * Public: the issuer Profile of an organisation that issues Open Badges, with its public keys
 * (`verificationMethod[].publicKeyJwk`; the ids are the URLs badge JWTs name as `kid`).
 */
export async function GET(_request: Request, { params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params
  const profile = await issuerProfile(orgId)
  if (!profile) return Response.json({ error: 'not_found' }, { status: 404 })
  return Response.json(profile, {
    headers: { 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' },
  })
}
