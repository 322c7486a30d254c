import { NextResponse, type NextRequest } from 'next/server'
import { contentSecurityPolicy } from './lib/http/security-headers'

/**
 * Runs before every page request (Next 16 "proxy", Node runtime). Two jobs:
 * 1. a per-request CSP nonce, so scripts need no 'unsafe-inline';
 * 2. a convenience redirect to /signin when no session cookie is present on an app page.
 * It is NOT the authorization guard: every page, action and handler checks permissions itself
 * (lib/auth/session.ts), because the proxy can be bypassed by anything that skips its matcher.
 */
const APP_PREFIXES = ['/learn', '/exec', '/team', '/hr', '/admin', '/settings']
const SESSION_COOKIES = ['next-auth.session-token', '__Secure-next-auth.session-token']

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl
  const hasSession = SESSION_COOKIES.some((c) => request.cookies.has(c))
  if (!hasSession && APP_PREFIXES.some((p) => pathname === p || pathname.startsWith(`${p}/`))) {
    const url = request.nextUrl.clone()
    url.pathname = '/signin'
    url.search = `?callbackUrl=${encodeURIComponent(pathname + search)}`
    return NextResponse.redirect(url)
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64')
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV !== 'production')
  const requestHeaders = new Headers(request.headers)
  requestHeaders.set('x-nonce', nonce)
  requestHeaders.set('Content-Security-Policy', csp)
  const response = NextResponse.next({ request: { headers: requestHeaders } })
  response.headers.set('Content-Security-Policy', csp)
  // HSTS is set by server.ts on every response, pages and route handlers alike.
  return response
}

export const config = {
  // Not the terminal WebSocket path, not static assets, not the auth API (its own CSRF checks).
  matcher: ['/((?!ws/|_next/static|_next/image|favicon.ico|api/).*)'],
}
