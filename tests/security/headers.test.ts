/**
 * The header rules behind tests/e2e/security-headers.spec.ts, as pure functions: HSTS only for
 * requests that reached the proxy over TLS, and the closed CSP of route handlers.
 */
import { describe, expect, test } from 'vitest'
import {
  API_CONTENT_SECURITY_POLICY,
  HSTS_VALUE,
  contentSecurityPolicy,
  strictTransportSecurity,
} from '@/lib/http/security-headers'

describe('strictTransportSecurity', () => {
  test('sent when the browser-facing hop was https', () => {
    for (const proto of ['https', 'HTTPS', ' https ', 'https, http', ['https', 'http']])
      expect(strictTransportSecurity(proto), JSON.stringify(proto)).toBe(HSTS_VALUE)
    expect(HSTS_VALUE).toMatch(/^max-age=(\d+); includeSubDomains$/)
    expect(Number(/max-age=(\d+)/.exec(HSTS_VALUE)![1])).toBeGreaterThanOrEqual(180 * 86_400)
  })
  test('not sent over plain HTTP or without the header', () => {
    for (const proto of [undefined, null, '', 'http', 'http, https', 'wss', 'httpsx', ['http', 'https']])
      expect(strictTransportSecurity(proto), JSON.stringify(proto)).toBeNull()
  })
})

describe('content security policies', () => {
  test('route handlers: nothing loads, nothing frames', () => {
    const d = API_CONTENT_SECURITY_POLICY.split('; ')
    expect(d).toContain("default-src 'none'")
    expect(d).toContain("frame-ancestors 'none'")
    expect(API_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|\*/)
  })
  test('pages in production: the nonce only, no inline or eval scripts, no plugins, no foreign base', () => {
    const csp = contentSecurityPolicy('n0nce', false)
    const script = csp.split('; ').find((x) => x.startsWith('script-src'))!
    expect(script).toBe("script-src 'self' 'nonce-n0nce' 'strict-dynamic'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).toContain("base-uri 'self'")
    expect(csp).toContain("form-action 'self'")
    expect(csp).not.toMatch(/\bhttps?:|\*/)
  })
})
