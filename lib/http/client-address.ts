/**
 * The client address used for sign-in throttling (pure). Behind a trusted reverse proxy
 * (KENSHU_TRUST_PROXY=1) it is the **last** X-Forwarded-For entry: the one the proxy appended from the
 * connection it accepted. Earlier entries are whatever the client sent and can be forged — taking the
 * first would let an attacker rotate "addresses" to dodge the throttle. Without a trusted proxy the
 * header is ignored.
 */
export function clientAddress(
  forwardedFor: string | string[] | undefined,
  socketAddress: string | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy) {
    const raw = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '')
    const last = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1)
    if (last && last.length <= 64) return last
  }
  return socketAddress || 'unknown'
}
