/**
 * Sign-in throttling rules. Pure: the database-backed store is in throttle-store.ts, so every web
 * instance shares the same counters (process memory would let an attacker spread guesses across
 * instances).
 */
export type ThrottleState = { failures: number; windowStart: Date; lockedUntil: Date | null }
export type ThrottlePolicy = { maxFailures: number; windowMs: number; lockMs: number }

/** Per account (keyed by the submitted email, existing or not, so locking reveals nothing). */
export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 }
/** Per client address: slows password spraying across many accounts. */
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 30, windowMs: 15 * 60_000, lockMs: 15 * 60_000 }

export function isLocked(state: ThrottleState | null, now: Date): boolean {
  return !!state?.lockedUntil && state.lockedUntil > now
}

/** The state after one more failed attempt. */
export function afterFailure(state: ThrottleState | null, policy: ThrottlePolicy, now: Date): ThrottleState {
  const fresh = !state || now.getTime() - state.windowStart.getTime() > policy.windowMs
  const failures = fresh ? 1 : state.failures + 1
  const windowStart = fresh ? now : state.windowStart
  const lockedUntil = failures >= policy.maxFailures ? new Date(now.getTime() + policy.lockMs) : (state?.lockedUntil ?? null)
  return { failures, windowStart, lockedUntil }
}
