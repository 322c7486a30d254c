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
