/**
 * Session attacks against the code that turns a cookie into a person (SECURITY.md 4.2, 4.3, 4.5):
 * next-auth's JWE decoding with the app's secret, then the user from the database. Driven through
 * `authorizeUpgrade` (server/terminal-gateway.ts), which runs the same `decode` + `loadViewerById` as
 * pages (`getViewer` needs Next's request scope, so pages are covered by tests/e2e/auth.spec.ts and
 * tests/e2e/security-headers.spec.ts). Real SQLite database with the demo seed.
 */
import type { IncomingMessage } from 'node:http'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'

const SECRET = vi.hoisted(() => {
  const s = 'security-suite-secret-0123456789-abcdefghij'
  process.env.NEXTAUTH_SECRET = s
  return s
})

import { encode } from 'next-auth/jwt'
import { createTestDb, useTestDb, type TestDb } from '../support/databases'
import { getDb } from '@/lib/db/client'
import { seedDemo } from '@/lib/org/seed'
import { authorizeUpgrade, type TicketVerifier } from '@/server/terminal-gateway'
import { authOptions } from '@/lib/auth/options'

const HOST = 'kenshu.test'
let db: TestDb
const ids: Record<'learner' | 'exec' | 'hr', string> = { learner: '', exec: '', hr: '' }

beforeAll(async () => {
  db = await createTestDb('sqlite')
  await useTestDb(db)
  await seedDemo()
  for (const [k, email] of [
    ['learner', 'learner@demo.kenshu.local'],
    ['exec', 'exec@demo.kenshu.local'],
    ['hr', 'hr@demo.kenshu.local'],
  ] as const)
    ids[k] = (await getDb().user.findUniqueOrThrow({ where: { email } })).id
})
afterAll(async () => {
  await db.drop()
})

function upgrade(cookie: string | undefined, origin: string | undefined = `http://${HOST}`) {
  const headers: Record<string, string> = { host: HOST }
  if (cookie !== undefined) headers.cookie = cookie
  if (origin !== undefined) headers.origin = origin
  return { headers } as unknown as IncomingMessage
}
const URL_WITH_TICKET = new URL(`http://${HOST}/ws/terminal?ticket=t1`)
/** A ticket store that accepts ticket t1 for whoever asks, and records who asked. */
function tickets() {
  const askedFor: string[] = []
  const verify: TicketVerifier = async (ticket, userId) => {
    askedFor.push(userId)
    return ticket === 't1' ? { sessionId: 'sandbox-1' } : null
  }
  return { verify, askedFor }
}
const cookieOf = (jwe: string, name = 'next-auth.session-token') => `${name}=${jwe}`

describe('session cookie attacks', () => {
  test('positive control: a fresh token signed with the server secret for a learner is accepted', async () => {
    const t = tickets()
    const jwe = await encode({ token: { sub: ids.learner }, secret: SECRET })
    expect(await authorizeUpgrade(upgrade(cookieOf(jwe)), URL_WITH_TICKET, t.verify)).toEqual({
      ok: true,
      userId: ids.learner,
      sessionId: 'sandbox-1',
    })
    // The __Secure- cookie (NEXTAUTH_URL https) works the same way.
    expect(
      (
        await authorizeUpgrade(
          upgrade(cookieOf(jwe, '__Secure-next-auth.session-token')),
          URL_WITH_TICKET,
          t.verify,
        )
      ).ok,
    ).toBe(true)
    // The ticket is redeemed for the cookie's user, never a user named elsewhere.
    expect(t.askedFor).toEqual([ids.learner, ids.learner])
  })

  test('a token encrypted with another secret is refused', async () => {
    const jwe = await encode({
      token: { sub: ids.learner },
      secret: 'another-deployment-secret-0123456789-xyz',
    })
    expect(await authorizeUpgrade(upgrade(cookieOf(jwe)), URL_WITH_TICKET, tickets().verify)).toMatchObject({
      ok: false,
      status: 401,
    })
  })

  test('an expired token is refused', async () => {
    const jwe = await encode({ token: { sub: ids.learner }, secret: SECRET, maxAge: -120 })
    expect(await authorizeUpgrade(upgrade(cookieOf(jwe)), URL_WITH_TICKET, tickets().verify)).toMatchObject({
      ok: false,
      status: 401,
    })
  })

  test('a tampered, unsigned (alg none) or truncated token is refused', async () => {
    const jwe = await encode({ token: { sub: ids.learner }, secret: SECRET })
    const parts = jwe.split('.')
    const flip = (s: string) =>
      s[5] === 'A' ? `${s.slice(0, 5)}B${s.slice(6)}` : `${s.slice(0, 5)}A${s.slice(6)}`
    const tampered = [parts[0], parts[1], parts[2], flip(parts[3]!), parts[4]].join('.')
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: ids.learner, exp: Math.floor(Date.now() / 1000) + 3600 })}.`
    for (const raw of [tampered, none, jwe.slice(0, -10), '', 'null', '{"sub":"x"}'])
      expect(
        await authorizeUpgrade(upgrade(cookieOf(raw)), URL_WITH_TICKET, tickets().verify),
        raw,
      ).toMatchObject({ ok: false, status: 401 })
  })

  test('a valid token for a disabled user is refused at once; re-enabling restores it', async () => {
    const jwe = await encode({ token: { sub: ids.hr }, secret: SECRET })
    // HR has no lab:use: 403 while enabled (the user is known) …
    expect(await authorizeUpgrade(upgrade(cookieOf(jwe)), URL_WITH_TICKET, tickets().verify)).toMatchObject({
      status: 403,
    })
    const learnerJwe = await encode({ token: { sub: ids.learner }, secret: SECRET })
    await getDb().user.update({ where: { id: ids.learner }, data: { disabled: true } })
    try {
      expect(
        await authorizeUpgrade(upgrade(cookieOf(learnerJwe)), URL_WITH_TICKET, tickets().verify),
      ).toMatchObject({ ok: false, status: 401 })
    } finally {
      await getDb().user.update({ where: { id: ids.learner }, data: { disabled: false } })
    }
    expect(
      (await authorizeUpgrade(upgrade(cookieOf(learnerJwe)), URL_WITH_TICKET, tickets().verify)).ok,
    ).toBe(true)
  })

  test('a token for an unknown or removed user, or without a subject, is refused', async () => {
    for (const token of [
      { sub: 'doesnotexist' },
      { sub: '../' + ids.learner },
      { email: 'learner@demo.kenshu.local' },
      {},
    ]) {
      const jwe = await encode({ token, secret: SECRET })
      expect(
        await authorizeUpgrade(upgrade(cookieOf(jwe)), URL_WITH_TICKET, tickets().verify),
        JSON.stringify(token),
      ).toMatchObject({ ok: false, status: 401 })
    }
  })

  test('claims in the cookie grant nothing: role and organisation come from the database', async () => {
    // An executive (no lab:use) with a cookie claiming admin is still an executive.
    const jwe = await encode({
      token: { sub: ids.exec, role: 'admin', organizationId: 'other-org', permissions: ['lab:use'] },
      secret: SECRET,
    })
    expect(await authorizeUpgrade(upgrade(cookieOf(jwe)), URL_WITH_TICKET, tickets().verify)).toMatchObject({
      ok: false,
      status: 403,
    })
    // The app's own callbacks put only the user id into the token and the session.
    const cb = authOptions().callbacks!
    const token = await cb.jwt!({ token: { sub: 'old' }, user: { id: ids.learner, email: 'x@y' } } as never)
    expect(token).toEqual({ sub: ids.learner })
    const session = await cb.session!({
      session: { expires: '' },
      token: { sub: ids.learner, role: 'admin' },
    } as never)
    expect(session).toEqual({ expires: '', userId: ids.learner })
  })

  test('cross-site WebSocket hijacking: a foreign, malformed or null Origin is refused', async () => {
    const jwe = await encode({ token: { sub: ids.learner }, secret: SECRET })
    for (const origin of [
      'http://evil.example',
      `http://${HOST}.evil.example`,
      `http://${HOST}:1`,
      'null',
      'not a url',
    ])
      expect(
        await authorizeUpgrade(upgrade(cookieOf(jwe), origin), URL_WITH_TICKET, tickets().verify),
        origin,
      ).toMatchObject({
        ok: false,
        status: 403,
      })
  })

  test('a valid session without a ticket, or with a ticket the store refuses, gets no terminal', async () => {
    const jwe = await encode({ token: { sub: ids.learner }, secret: SECRET })
    expect(
      await authorizeUpgrade(upgrade(cookieOf(jwe)), new URL(`http://${HOST}/ws/terminal`), tickets().verify),
    ).toMatchObject({ status: 403 })
    expect(
      await authorizeUpgrade(
        upgrade(cookieOf(jwe)),
        new URL(`http://${HOST}/ws/terminal?ticket=other`),
        tickets().verify,
      ),
    ).toMatchObject({
      status: 403,
    })
  })
})
