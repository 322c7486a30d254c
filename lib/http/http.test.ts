import { clientAddress } from './client-address'
import { describe, expect, test } from 'vitest'
import { safeCallbackUrl } from './callback-url'
import { parseCookies } from './cookies'
import { formFields, MAX_FIELD_LENGTH } from './action-result'
import { contentSecurityPolicy, securityHeaders } from './security-headers'

describe('safeCallbackUrl', () => {
  test('keeps same-site paths', () => expect(safeCallbackUrl('/admin/users?x=1')).toBe('/admin/users?x=1'))
  test.each(['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '', '/a\nb', `/${'a'.repeat(600)}`])(
    'rejects %s',
    (v) => expect(safeCallbackUrl(v)).toBeUndefined(),
  )
})

describe('parseCookies', () => {
  test('parses, decodes, keeps the first of duplicates', () => {
    expect(parseCookies('a=1; b=hello%20world; a=2; junk; =x')).toEqual({ a: '1', b: 'hello world' })
    expect(parseCookies('bad=%E0%A4%A')).toEqual({ bad: '%E0%A4%A' })
    expect(parseCookies(undefined)).toEqual({})
  })
})

describe('formFields', () => {
  test('drops Next internals, refuses files and oversized values', () => {
    const fd = new FormData()
    fd.set('$ACTION_ID_abc', '')
    fd.set('name', 'Aoi')
    expect(formFields(fd)).toEqual({ ok: true, fields: { name: 'Aoi' } })
    fd.set('big', 'x'.repeat(MAX_FIELD_LENGTH + 1))
    expect(formFields(fd)).toEqual({ ok: false, code: 'TOO_LARGE' })
    const withFile = new FormData()
    withFile.set('f', new Blob(['x']), 'x.txt')
    expect(formFields(withFile)).toEqual({ ok: false, code: 'INVALID' })
    const many = new FormData()
    for (let i = 0; i < 150; i++) many.set(`k${i}`, 'v')
    expect(formFields(many)).toEqual({ ok: false, code: 'TOO_LARGE' })
  })
})

describe('security headers', () => {
  test('CSP has no unsafe-inline scripts in production and forbids framing', () => {
    const csp = contentSecurityPolicy('abc', false)
    const script = csp.split('; ').find((d) => d.startsWith('script-src')) ?? ''
    expect(script).toContain("'nonce-abc'")
    expect(script).not.toContain('unsafe-inline')
    expect(script).not.toContain('unsafe-eval')
    expect(csp).toContain("frame-ancestors 'none'")
    expect(securityHeaders().map((h) => h.key)).toEqual(
      expect.arrayContaining(['X-Content-Type-Options', 'Referrer-Policy', 'X-Frame-Options']),
    )
  })
})

describe('clientAddress', () => {
  test('behind a trusted proxy: the entry the proxy appended (the last), never a client-sent one', () => {
    expect(clientAddress('198.51.100.7, 203.0.113.9', '127.0.0.1', true)).toBe('203.0.113.9')
    expect(clientAddress(['1.1.1.1', '203.0.113.9'], '127.0.0.1', true)).toBe('203.0.113.9')
    expect(clientAddress('', '127.0.0.1', true)).toBe('127.0.0.1')
    expect(clientAddress('x'.repeat(100), '127.0.0.1', true)).toBe('127.0.0.1')
  })
  test('without a trusted proxy the header is ignored', () => {
    expect(clientAddress('203.0.113.9', '192.0.2.1', false)).toBe('192.0.2.1')
    expect(clientAddress(undefined, undefined, false)).toBe('unknown')
  })
})
