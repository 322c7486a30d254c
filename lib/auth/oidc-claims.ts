/**
 * The email Kenshu may trust from an OpenID Connect identity (pure). Only a verified address
 * (`email_verified: true`, boolean or the string some providers send) is used — to link an existing
 * account by email or to create one. An unverified address would let anyone who can register that
 * address at the provider take over the Kenshu account that has it ("nOAuth").
 */
export function trustedOidcEmail(claims: Record<string, unknown>): string | null {
  const email = claims.email
  const verified = claims.email_verified === true || claims.email_verified === 'true'
  return typeof email === 'string' && email.includes('@') && verified ? email.trim().toLowerCase() : null
}
