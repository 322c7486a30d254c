import { issuerPublicJwk } from '@/lib/badges/store'

export const dynamic = 'force-dynamic'

/** Public: one issuer public key as a JWK: what a badge JWT's `kid` header dereferences to (OB 3.0 §8.2.3). */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ orgId: string; kid: string }> },
) {
  const { orgId, kid } = await params
  const jwk = await issuerPublicJwk(orgId, kid)
  if (!jwk) return Response.json({ error: 'not_found' }, { status: 404 })
  return Response.json(jwk, {
    headers: {
      'content-type': 'application/jwk+json',
      'Cache-Control': 'public, max-age=300',
      'Access-Control-Allow-Origin': '*',
    },
  })
}
