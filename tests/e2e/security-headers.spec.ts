import { expect, test, type APIResponse } from '@playwright/test'
import { signInAPI, USERS } from './helpers'

// Security headers on every kind of response (SECURITY.md 4.4 "XSS", 5 "Web"): pages get a CSP with a
// fresh nonce and no 'unsafe-inline' scripts (proxy.ts), route handlers a closed CSP (next.config.ts),
// all of them framing, sniffing and referrer protection (lib/http/security-headers.ts), and HSTS on
// every response when the request came through TLS (server.ts), not on plain HTTP.

const HSTS = 'max-age=31536000; includeSubDomains'
const directive = (csp: string, name: string) =>
  csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d === name || d.startsWith(`${name} `))
const nonceOf = (csp: string) => /'nonce-([^']+)'/.exec(directive(csp, 'script-src') ?? '')?.[1]

/** What every response must carry, page or handler. */
function expectCommon(res: APIResponse, what: string) {
  const h = res.headers()
  expect(h['x-content-type-options'], what).toBe('nosniff')
  expect(h['referrer-policy'], what).toBe('same-origin')
  expect(h['x-frame-options'], what).toBe('DENY')
  expect(h['permissions-policy'], what).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/)
  expect(h['x-powered-by'], what).toBeUndefined()
  const csp = h['content-security-policy'] ?? ''
  expect(directive(csp, 'frame-ancestors'), what).toBe("frame-ancestors 'none'")
  expect(h['strict-transport-security'], `${what}: no HSTS over plain HTTP`).toBeUndefined()
}

/** A page's CSP: a nonce, 'strict-dynamic', nothing inline or eval'd for scripts. Returns the nonce. */
function expectPageCsp(res: APIResponse, what: string): string {
  const csp = res.headers()['content-security-policy'] ?? ''
  const script = directive(csp, 'script-src') ?? ''
  expect(script, what).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'$/)
  expect(script, what).not.toContain('unsafe-inline')
  expect(script, what).not.toContain('unsafe-eval')
  expect(directive(csp, 'default-src'), what).toBe("default-src 'self'")
  expect(directive(csp, 'object-src'), what).toBe("object-src 'none'")
  expect(directive(csp, 'base-uri'), what).toBe("base-uri 'self'")
  expect(directive(csp, 'form-action'), what).toBe("form-action 'self'")
  return nonceOf(csp)!
}

test('pages, handlers and 404s carry the security headers; page nonces are fresh and used', async ({
  playwright,
  baseURL,
}) => {
  const anon = await playwright.request.newContext({ baseURL })
  const learner = await playwright.request.newContext({ baseURL })
  await signInAPI(learner, USERS.learner.email)

  const pages: [string, typeof anon, string, number][] = [
    ['signed-out page', anon, '/signin', 200],
    ['signed-in page', learner, '/learn', 200],
    ['signed-in 403 page', learner, '/admin/users', 403],
    ['unknown path (404)', anon, '/no-such-page-at-all', 404],
    ['public badge that does not exist (404)', anon, '/badges/00000000-0000-4000-8000-000000000000', 404],
  ]
  for (const [what, ctx, url, status] of pages) {
    const first = await ctx.get(url, { maxRedirects: 0 })
    expect(first.status(), what).toBe(status)
    expectCommon(first, what)
    const nonce = expectPageCsp(first, what)
    // The nonce is per request…
    const second = await ctx.get(url, { maxRedirects: 0 })
    expect(expectPageCsp(second, what), `${what}: a new nonce per request`).not.toBe(nonce)
    // …and it is the one on the page's scripts: every <script> carries it, none carries another.
    const html = await first.text()
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])
    expect(scripts.length, `${what}: has scripts`).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag, what).toContain(`nonce="${nonce}"`)
  }

  const handlers: [string, typeof anon, string, number][] = [
    ['health handler', anon, '/api/health', 200],
    ['OpenAPI document', anon, '/api/v1/openapi.json', 200],
    ['signed-in handler', learner, '/api/me', 200],
    ['handler refusing a visitor', anon, '/api/me', 401],
    ['public badge JSON that does not exist', anon, '/api/badges/00000000-0000-4000-8000-000000000000', 404],
  ]
  for (const [what, ctx, url, status] of handlers) {
    const res = await ctx.get(url, { maxRedirects: 0 })
    expect(res.status(), what).toBe(status)
    expectCommon(res, what)
    // No scripts in a handler response: nothing may load at all.
    expect(directive(res.headers()['content-security-policy'] ?? '', 'default-src'), what).toBe(
      "default-src 'none'",
    )
  }
  await anon.dispose()
  await learner.dispose()
})

test('HSTS on every response behind TLS (X-Forwarded-Proto: https), pages and /api/* alike; never on plain HTTP', async ({
  playwright,
  baseURL,
}) => {
  const tls = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { 'X-Forwarded-Proto': 'https' },
  })
  const chain = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { 'X-Forwarded-Proto': 'https, http' },
  })
  const plain = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { 'X-Forwarded-Proto': 'http' },
  })
  for (const url of [
    '/signin',
    '/no-such-page-at-all',
    '/api/health',
    '/api/v1/openapi.json',
    '/api/me',
    '/favicon.ico',
  ]) {
    for (const [ctx, expected] of [
      [tls, HSTS],
      [chain, HSTS],
      [plain, undefined],
    ] as const) {
      const res = await ctx.get(url, { maxRedirects: 0 })
      expect(res.headers()['strict-transport-security'], url).toBe(expected)
    }
  }
  await Promise.all([tls.dispose(), chain.dispose(), plain.dispose()])
})

test('the session cookie is HttpOnly and SameSite=Lax; the pages run under their CSP without violations', async ({
  context,
  page,
}) => {
  await signInAPI(context.request, USERS.learner.email)
  const cookies = await context.cookies()
  const session = cookies.find((c) => c.name === 'next-auth.session-token')
  expect(session, 'session cookie').toBeDefined()
  expect(session!.httpOnly).toBe(true)
  expect(session!.sameSite).toBe('Lax')
  expect(session!.path).toBe('/')
  const csrf = cookies.find((c) => c.name.endsWith('next-auth.csrf-token'))
  expect(csrf?.httpOnly).toBe(true)
  // `Secure` and the __Secure- prefix need NEXTAUTH_URL=https://, which this server does not have.

  // The strict CSP does not break the app: Next's own scripts run (nonce) and nothing is refused.
  const violations: string[] = []
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) violations.push(m.text())
  })
  await page.goto('/learn')
  await expect(page.getByTestId('viewer-name')).toHaveText(USERS.learner.name)
  await page.goto('/progress')
  await page.waitForLoadState('networkidle')
  expect(violations).toEqual([])
  // The cookie is not readable from scripts.
  expect(await page.evaluate(() => document.cookie)).not.toContain('session-token')
})
