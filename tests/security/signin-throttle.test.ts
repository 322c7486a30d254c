/**
 * Password guessing against the real credentials `authorize` (lib/auth/options.ts) and the database
 * counters (lib/auth/throttle-store.ts), with the client address stamped the way server.ts stamps it
 * (lib/http/client-address.ts). SECURITY.md 4.5 "Password guessing", "Spoofing the client address".
 * The pure window/lock arithmetic is in lib/auth/throttle.test.ts; this adds what it does not cover.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'

vi.hoisted(() => {
  process.env.NEXTAUTH_SECRET = 'security-suite-secret-0123456789-abcdefghij'
})

import { createTestDb, useTestDb, type TestDb } from '../support/databases'
import { getDb } from '@/lib/db/client'
import { seedDemo } from '@/lib/org/seed'
import { authOptions, CLIENT_ADDRESS_HEADER, SIGNIN_ERRORS } from '@/lib/auth/options'
import { ACCOUNT_POLICY, ADDRESS_POLICY } from '@/lib/auth/throttle'
import { clientAddress } from '@/lib/http/client-address'

const PASSWORD = 'kenshu-demo-2026'
let db: TestDb

beforeAll(async () => {
  db = await createTestDb('sqlite')
  await useTestDb(db)
  await seedDemo()
})
afterAll(async () => {
  await db.drop()
})
afterEach(() => {
  vi.useRealTimers()
})

type Authorize = (
  creds: Record<string, string>,
  req: { headers: Record<string, string> },
) => Promise<{ id: string } | null>
function authorize(): Authorize {
  const provider = authOptions().providers.find((p) => p.id === 'credentials') as unknown as {
    options: { authorize: Authorize }
  }
  return provider.options.authorize
}

/** One sign-in attempt as the server sees it: the address is what server.ts would stamp from the socket. */
async function attempt(email: string, password: string, address: string): Promise<string> {
  try {
    const user = await authorize()({ email, password }, { headers: { [CLIENT_ADDRESS_HEADER]: address } })
    return user ? 'ok' : 'null'
  } catch (err) {
    return (err as Error).message
  }
}

describe('sign-in throttling through the real authorize()', () => {
  test('the account locks on the 5th failure, even for the right password, and from any address; it expires', async () => {
    const email = 'learner@demo.kenshu.local'
    expect(ACCOUNT_POLICY.maxFailures).toBe(5)
    for (let i = 1; i < ACCOUNT_POLICY.maxFailures; i++)
      expect(await attempt(email, `wrong-${i}`, `198.51.100.${i}`)).toBe(SIGNIN_ERRORS.invalid)
    expect(await attempt(email, 'wrong-5', '198.51.100.5')).toBe(SIGNIN_ERRORS.locked)
    // The right password no longer helps, from a fresh address either.
    expect(await attempt(email, PASSWORD, '203.0.113.77')).toBe(SIGNIN_ERRORS.locked)
    // The lockout ends after lockMs.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + ACCOUNT_POLICY.lockMs + 60_000 })
    expect(await attempt(email, PASSWORD, '203.0.113.77')).toBe('ok')
    // A success clears the account counter: four more failures do not lock.
    for (let i = 1; i < ACCOUNT_POLICY.maxFailures; i++)
      expect(await attempt(email, `again-${i}`, '203.0.113.78')).toBe(SIGNIN_ERRORS.invalid)
    expect(await attempt(email, PASSWORD, '203.0.113.78')).toBe('ok')
  }, 120_000)

  test('case and spaces in the email do not give an attacker fresh counters', async () => {
    const variants = [
      'Manager@demo.kenshu.local',
      'MANAGER@DEMO.KENSHU.LOCAL',
      ' manager@demo.kenshu.local ',
      'manager@Demo.Kenshu.Local',
      'mAnAgEr@demo.kenshu.local',
    ]
    const results = []
    for (const [i, email] of variants.entries())
      results.push(await attempt(email, `wrong-${i}`, `198.51.100.${20 + i}`))
    expect(results.at(-1)).toBe(SIGNIN_ERRORS.locked)
    expect(await attempt('manager@demo.kenshu.local', PASSWORD, '198.51.100.30')).toBe(SIGNIN_ERRORS.locked)
  })

  test('unknown accounts lock the same way (no enumeration) and answer like wrong passwords', async () => {
    const ghost = 'nobody-here@demo.kenshu.local'
    const answers = []
    for (let i = 0; i < ACCOUNT_POLICY.maxFailures; i++)
      answers.push(await attempt(ghost, PASSWORD, `198.51.100.${40 + i}`))
    expect(answers).toEqual([
      ...Array.from({ length: ACCOUNT_POLICY.maxFailures - 1 }, () => SIGNIN_ERRORS.invalid),
      SIGNIN_ERRORS.locked,
    ])
    // SQL-ish or malformed emails are just invalid credentials.
    for (const email of [
      "' OR 1=1 --@x.y",
      "admin@demo.kenshu.local' --",
      '%@demo.kenshu.local',
      'a'.repeat(300) + '@x.y',
    ])
      expect(await attempt(email, PASSWORD, '198.51.100.60')).toBe(SIGNIN_ERRORS.invalid)
  }, 60_000)

  test('password spraying: 30 failures from one address lock the address for every account, not other addresses', async () => {
    expect(ADDRESS_POLICY.maxFailures).toBe(30)
    const sprayer = '192.0.2.66'
    let last = ''
    for (let i = 0; i < ADDRESS_POLICY.maxFailures; i++)
      last = await attempt(`spray-${i}@demo.kenshu.local`, PASSWORD, sprayer)
    expect(last).toBe(SIGNIN_ERRORS.locked)
    // A real account with its right password, from the sprayer's address: refused.
    expect(await attempt('exec@demo.kenshu.local', PASSWORD, sprayer)).toBe(SIGNIN_ERRORS.locked)
    // The same account from another address: fine (the address lock is not an account lock).
    expect(await attempt('exec@demo.kenshu.local', PASSWORD, '192.0.2.67')).toBe('ok')
    const row = await getDb().authThrottle.findUnique({ where: { key: `ip:${sprayer}` } })
    expect(row?.failures).toBeGreaterThanOrEqual(ADDRESS_POLICY.maxFailures)
  }, 120_000)

  test('rotating X-Forwarded-For does not rotate the throttled address (untrusted and trusted proxy)', async () => {
    // Not behind a trusted proxy: the header is ignored, every attempt counts against the socket.
    const socket = '192.0.2.80'
    let last = ''
    for (let i = 0; i < ADDRESS_POLICY.maxFailures; i++) {
      const address = clientAddress(`10.0.${i}.1`, socket, false)
      expect(address).toBe(socket)
      last = await attempt(`rotate-a-${i}@demo.kenshu.local`, 'wrong-password', address)
    }
    expect(last).toBe(SIGNIN_ERRORS.locked)
    expect(await attempt('admin@demo.kenshu.local', PASSWORD, clientAddress('10.9.9.9', socket, false))).toBe(
      SIGNIN_ERRORS.locked,
    )

    // Behind a trusted proxy: the client prepends forged entries, the proxy appends the real peer last.
    const realPeer = '198.51.100.99'
    for (let i = 0; i < ADDRESS_POLICY.maxFailures; i++) {
      const address = clientAddress(`10.1.${i}.1, 10.2.${i}.2, ${realPeer}`, '127.0.0.1', true)
      expect(address).toBe(realPeer)
      last = await attempt(`rotate-b-${i}@demo.kenshu.local`, 'wrong-password', address)
    }
    expect(last).toBe(SIGNIN_ERRORS.locked)
    expect(
      await attempt(
        'admin@demo.kenshu.local',
        PASSWORD,
        clientAddress(`1.2.3.4, ${realPeer}`, '127.0.0.1', true),
      ),
    ).toBe(SIGNIN_ERRORS.locked)
    // Control: another real peer behind the same proxy signs in.
    expect(
      await attempt(
        'admin@demo.kenshu.local',
        PASSWORD,
        clientAddress(`1.2.3.4, 198.51.100.100`, '127.0.0.1', true),
      ),
    ).toBe('ok')
  }, 120_000)
})
