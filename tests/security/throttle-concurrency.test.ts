/**
 * Sign-in failure counters under concurrency, as several web instances behind a load balancer produce
 * them (issue #8): a parallel password guesser must not gain attempts through lost increments.
 * SECURITY.md 4.5 "Password guessing". Runs on SQLite and, when reachable, PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestDb, postgresReachable, useTestDb, type TestDb } from '../support/databases'
import { getDb } from '@/lib/db/client'
import { recordSignInFailure, signInLocked } from '@/lib/auth/throttle-store'
import { ACCOUNT_POLICY } from '@/lib/auth/throttle'

const kinds = ['sqlite', ...((await postgresReachable()) ? ['postgres' as const] : [])] as const

describe.each(kinds)('sign-in failure counting under concurrency (%s)', (kind) => {
  let db: TestDb
  beforeAll(async () => {
    db = await createTestDb(kind)
    await useTestDb(db)
  })
  afterAll(async () => {
    await db.drop()
  })

  test('40 simultaneous failures for one account are all counted, and it is locked', async () => {
    const email = `victim-${kind}@example.test`
    const now = new Date()
    await Promise.all(Array.from({ length: 40 }, (_, i) => recordSignInFailure(email, `198.51.100.${i + 1}`, now)))
    const row = await getDb().authThrottle.findUnique({ where: { key: `acct:${email}` } })
    expect(row?.failures).toBe(40)
    expect(row?.lockedUntil?.getTime()).toBe(now.getTime() + ACCOUNT_POLICY.lockMs)
    expect(await signInLocked(email, undefined, now)).toBe(true)
  })

  test('failures from one address across many accounts are all counted', async () => {
    const now = new Date()
    await Promise.all(Array.from({ length: 25 }, (_, i) => recordSignInFailure(`spray${i}-${kind}@example.test`, '203.0.113.9', now)))
    const row = await getDb().authThrottle.findUnique({ where: { key: 'ip:203.0.113.9' } })
    expect(row?.failures).toBe(25)
  })
})
