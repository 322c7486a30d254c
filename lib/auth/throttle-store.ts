import 'server-only'
import { getDb } from '../db/client'
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

/** Counts a failed attempt against the account and the address. Returns whether either is now locked. */
export async function recordSignInFailure(email: string, address: string | undefined, now = new Date()) {
  const db = getDb()
  let locked = false
  for (const { key, policy } of keys(email, address)) {
    await db.$transaction(async (tx) => {
      const current = await tx.authThrottle.findUnique({ where: { key } })
      const next = afterFailure(current, policy, now)
      locked ||= isLocked(next, now)
      await tx.authThrottle.upsert({ where: { key }, create: { key, ...next }, update: next })
    })
  }
  return locked
}

/** A successful sign-in clears the account's counter (not the address's). */
export async function clearSignInFailures(email: string) {
  await getDb().authThrottle.deleteMany({ where: { key: `acct:${email}` } })
}
