import { describe, expect, it } from 'vitest'
import { assertSecret, NONCE_HEADER, RequestVerifier, SIGNATURE_HEADER, signRequest, TIME_HEADER } from './auth'

const SECRET = 'x'.repeat(40)
const T = 1_800_000_000_000

function signed(over: Partial<{ method: string; path: string; body: string }> = {}, at = T) {
  const req = { method: 'POST', path: '/v1/sandboxes/s1/exec', body: '{"command":"id"}', ...over }
  return { ...req, headers: signRequest(SECRET, req, at) as Record<string, string> }
}

describe('runner request signatures', () => {
  it('accepts a correctly signed request once', () => {
    const v = new RequestVerifier(SECRET, 30_000, () => T + 1000)
    const req = signed()
    expect(v.verify(req)).toEqual({ ok: true })
    expect(v.verify(req)).toEqual({ ok: false, reason: 'replay' })
  })

  it('refuses a changed body, path, method or a different secret', () => {
    const v = new RequestVerifier(SECRET, 30_000, () => T)
    const req = signed()
    expect(v.verify({ ...req, body: '{"command":"rm -rf /"}' })).toEqual({ ok: false, reason: 'signature' })
    expect(v.verify({ ...req, path: '/v1/sandboxes/s2/exec' })).toEqual({ ok: false, reason: 'signature' })
    expect(v.verify({ ...req, method: 'DELETE' })).toEqual({ ok: false, reason: 'signature' })
    const other = new RequestVerifier('y'.repeat(40), 30_000, () => T)
    expect(other.verify(signed())).toEqual({ ok: false, reason: 'signature' })
  })

  it('refuses stale and future timestamps', () => {
    const v = new RequestVerifier(SECRET, 30_000, () => T)
    expect(v.verify(signed({}, T - 31_000))).toEqual({ ok: false, reason: 'skew' })
    expect(v.verify(signed({}, T + 31_000))).toEqual({ ok: false, reason: 'skew' })
    expect(v.verify(signed({}, T - 29_000))).toEqual({ ok: true })
  })

  it('refuses missing or malformed headers without throwing', () => {
    const v = new RequestVerifier(SECRET, 30_000, () => T)
    const req = signed()
    for (const h of [SIGNATURE_HEADER, TIME_HEADER, NONCE_HEADER]) {
      const headers = { ...req.headers }
      delete headers[h]
      expect(v.verify({ ...req, headers })).toEqual({ ok: false, reason: 'missing' })
    }
    expect(v.verify({ ...req, headers: { ...req.headers, [SIGNATURE_HEADER]: 'zz' } })).toEqual({ ok: false, reason: 'missing' })
    expect(v.verify({ ...req, headers: { ...req.headers, [TIME_HEADER]: '1e99' } })).toEqual({ ok: false, reason: 'missing' })
  })

  it('forgets nonces after the window and bounds their number', () => {
    let now = T
    const v = new RequestVerifier(SECRET, 1000, () => now, 3)
    for (let i = 0; i < 3; i++) expect(v.verify(signed({ path: `/p${i}` }, now))).toEqual({ ok: true })
    expect(v.verify(signed({ path: '/p4' }, now))).toEqual({ ok: false, reason: 'replay' })
    now += 2500
    expect(v.verify(signed({ path: '/p5' }, now))).toEqual({ ok: true })
  })

  it('insists on a long secret', () => {
    expect(() => assertSecret(undefined)).toThrow(/KENSHU_RUNNER_SECRET/)
    expect(() => assertSecret('short')).toThrow(/at least 32/)
    expect(assertSecret(SECRET)).toBe(SECRET)
  })
})
