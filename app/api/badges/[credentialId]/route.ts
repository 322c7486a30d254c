import { getPublicBadge } from '@/lib/badges/store'

export const dynamic = 'force-dynamic'

/**
 * Public: one Open Badges 3.0 credential with its VC-JWT and a verification done now (signature with
 * the issuer's published key, claims, key not retired before issuance, not revoked). Anyone holding the
 * link may check it; it carries no email (only a salted hash) and nothing about the holder's other badges.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ credentialId: string }> }) {
  const { credentialId } = await params
  const badge = await getPublicBadge(credentialId)
  if (!badge)
    return Response.json({ error: 'not_found' }, { status: 404, headers: { 'Cache-Control': 'no-store' } })
  return Response.json(
    { credential: badge.credential, jwt: badge.jwt, verification: badge.verification },
    { headers: { 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' } },
  )
}
