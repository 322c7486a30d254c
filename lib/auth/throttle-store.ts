import 'server-only'
import { getDb } from '../db/client'
import { isUniqueViolation } from '../db/errors'
import { ACCOUNT_POLICY, ADDRESS_POLICY, afterFailure, isLocked, type ThrottlePolicy } from './throttle'

const keys = (email: string, address: string | undefined) =>
  [
    { key: `acct:${email}`, policy: ACCOUNT_POLICY },
    ...(address ? [{ key: `ip:${address}`, policy: ADDRESS_POLICY }] : []),
  ] satisfies { key: string; policy: ThrottlePolicy }[]

/** True when the account or the client address is currently locked out. */
export async function signInLocked(email: string, address: string | undefined, now = new Date()): Promise<boolean> {
  const rows = await getDb().authThrottle.findMany({ where: { key: { in: keys(email, address).map((k) => k.key) } } })
  return rows.some((r) => isLocked(r, now))
}

/**
 * Counts a failed attempt against the account and the address. Returns whether either is now locked.
 * Compare-and-swap, not read-then-write: several web instances counting the same key at once must
 * not lose increments (a parallel guesser would otherwise get extra attempts per instance).
 */
export async function recordSignInFailure(email: string, address: string | undefined, now = new Date()) {
  let locked = false
  for (const { key, policy } of keys(email, address)) locked = (await countFailure(key, policy, now)) || locked
  return locked
}

async function countFailure(key: string, policy: ThrottlePolicy, now: Date): Promise<boolean> {
  const db = getDb()
  for (let attempt = 0; attempt < 50; attempt++) {
    const current = await db.authThrottle.findUnique({ where: { key } })
    const next = afterFailure(current, policy, now)
    if (!current) {
      try {
        await db.authThrottle.create({ data: { key, ...next } })
        return isLocked(next, now)
      } catch (err) {
        if (isUniqueViolation(err)) continue // another instance created it first: count on top of theirs
        throw err
      }
    }
    const { count } = await db.authThrottle.updateMany({
      where: { key, failures: current.failures, windowStart: current.windowStart },
      data: next,
    })
    if (count === 1) return isLocked(next, now)
  }
  throw new Error(`sign-in throttle: could not count a failure for ${key} (contention)`)
}

/** A successful sign-in clears the account's counter (not the address's). */
export async function clearSignInFailures(email: string) {
  await getDb().authThrottle.deleteMany({ where: { key: `acct:${email}` } })
}
