import { badgeJwt } from '@/lib/badges/store'

export const dynamic = 'force-dynamic'

/** Public: the credential as issued, a compact VC-JWT (OB 3.0 §8.2), for wallets and verifiers. */
export async function GET(_request: Request, { params }: { params: Promise<{ credentialId: string }> }) {
  const { credentialId } = await params
  const jwt = await badgeJwt(credentialId)
  if (!jwt)
    return new Response('Not found\n', {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    })
  return new Response(jwt, {
    headers: {
      'content-type': 'application/vc+jwt',
      'content-disposition': `inline; filename="${credentialId}.jwt"`,
      'cache-control': 'no-store',
      'access-control-allow-origin': '*',
      'x-content-type-options': 'nosniff',
    },
  })
}
