import { describe, expect, test } from 'vitest'
import { ACCOUNT_POLICY, afterFailure, isLocked } from './throttle'

const t0 = new Date('2026-01-01T00:00:00Z')
const at = (ms: number) => new Date(t0.getTime() + ms)

describe('sign-in throttle', () => {
  test('locks on the fifth failure within the window, not before', () => {
    let s = null as ReturnType<typeof afterFailure> | null
    for (let i = 1; i <= 4; i++) {
      s = afterFailure(s, ACCOUNT_POLICY, at(i * 1000))
      expect(isLocked(s, at(i * 1000))).toBe(false)
    }
    s = afterFailure(s, ACCOUNT_POLICY, at(5000))
    expect(isLocked(s, at(5000))).toBe(true)
    expect(isLocked(s, at(5000 + ACCOUNT_POLICY.lockMs - 1))).toBe(true)
    expect(isLocked(s, at(5000 + ACCOUNT_POLICY.lockMs + 1))).toBe(false)
  })
  test('failures spread beyond the window start a new count', () => {
    let s = afterFailure(null, ACCOUNT_POLICY, t0)
    for (let i = 0; i < 3; i++) s = afterFailure(s, ACCOUNT_POLICY, at(1000))
    s = afterFailure(s, ACCOUNT_POLICY, at(ACCOUNT_POLICY.windowMs + 2000))
    expect(s.failures).toBe(1)
    expect(isLocked(s, at(ACCOUNT_POLICY.windowMs + 2000))).toBe(false)
  })
  test('no state is not locked', () => expect(isLocked(null, t0)).toBe(false))
})
