/**
 * Response headers applied to every page and API response. Pure.
 * CSP: scripts only from our own origin. Next's App Router inlines its bootstrap scripts, so
 * 'unsafe-inline' for scripts would be needed without nonces; we issue a per-request nonce in proxy.ts
 * instead (see docs/decisions/004-csp.md). Styles allow 'unsafe-inline' (React style attributes, next/font).
 */
export function securityHeaders(): { key: string; value: string }[] {
  return [
    { key: 'X-Content-Type-Options', value: 'nosniff' },
    { key: 'Referrer-Policy', value: 'same-origin' },
    { key: 'X-Frame-Options', value: 'DENY' },
    { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
    { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  ]
}

/**
 * The Content-Security-Policy of route handlers (`/api/*`, which proxy.ts does not see): they answer
 * JSON, CSV or redirects, never a page with scripts, so nothing may load and nothing may frame them.
 * (next-auth's plain sign-out confirmation under /api/auth keeps its form working: form-action 'self'.)
 */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

/** HSTS: one year, subdomains included. */
export const HSTS_VALUE = 'max-age=31536000; includeSubDomains'

/**
 * The Strict-Transport-Security value for a response, or null. Sent when the request reached the
 * reverse proxy over TLS (its `X-Forwarded-Proto` says `https`; with a chain of proxies, the first
 * entry, the one facing the browser). Browsers ignore HSTS received over plain HTTP, so a forged header
 * gains an attacker nothing. Applied to every response by server.ts (pages, route handlers under
 * /api/*, static files); proxy.ts does not see route handlers, so it is not the place.
 */
export function strictTransportSecurity(forwardedProto: string | string[] | null | undefined): string | null {
  const raw = Array.isArray(forwardedProto) ? forwardedProto[0] : forwardedProto
  const first = (raw ?? '').split(',')[0]!.trim().toLowerCase()
  return first === 'https' ? HSTS_VALUE : null
}

/** The Content-Security-Policy for a page response carrying `nonce` on its scripts. */
export function contentSecurityPolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'" + (dev ? ' ws: wss:' : ' ws: wss:'),
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ')
}
