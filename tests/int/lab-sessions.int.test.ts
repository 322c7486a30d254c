import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestDb, postgresReachable, useTestDb, type TestDb } from '../support/databases'
import { getDb } from '@/lib/db/client'
import { seedDemo } from '@/lib/org/seed'
import { LabSessionManager } from '@/lib/labs/sessions/manager'
import { BwrapDriver } from '@/lib/labs/sandbox/bwrap-driver'
import { checkAvailability } from '@/lib/labs/sandbox/availability'

// The session manager against a real database and real sandboxes: queue positions, caps, tickets,
// grading into evidence exactly once, and recovery after a "crash" (a new manager on the same DB).
const sandbox = await checkAvailability()
const pgOk = await postgresReachable()
const kinds = (['sqlite', ...(pgOk ? ['postgres'] : [])] as const) as readonly ('sqlite' | 'postgres')[]
const LAB = 'iot-botnet-telnet'

describe.skipIf(!sandbox.available).each(kinds)('lab sessions on %s', (kind) => {
  let db: TestDb
  let users: { id: string; organizationId: string }[]
  let manager: LabSessionManager
  const driver = new BwrapDriver({ maxConcurrentStarts: 2, onStopped: (id, reason) => manager.onSandboxStopped(id, reason) })

  beforeAll(async () => {
    db = await createTestDb(kind)
    await useTestDb(db)
    await seedDemo()
    const org = await getDb().organization.findUniqueOrThrow({ where: { slug: 'demo' } })
    const rows = await getDb().user.findMany({ where: { memberships: { some: { organizationId: org.id } } }, orderBy: { email: 'asc' } })
    users = rows.map((u) => ({ id: u.id, organizationId: org.id }))
    manager = new LabSessionManager(driver, { concurrency: 1, warmPerLab: 0, maxPerUser: 1, maxSessions: 3, ticketTtlMs: 300, reapOnBoot: false })
    await manager.boot()
  }, 120_000)

  afterAll(async () => {
    await driver.stopAll()
    // Stop records are written in the background; closing the database under them hung PostgreSQL.
    await manager.settle()
    await db.drop()
  })

  const waitReadyWith = async (m: LabSessionManager, userId: string, id: string) => {
    for (let i = 0; i < 300; i++) {
      const p = await m.status(userId, id)
      if (p.state !== 'queued' && p.state !== 'starting') return p
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error('never ready')
  }

  const waitReady = async (userId: string, id: string) => {
    for (let i = 0; i < 300; i++) {
      const p = await manager.status(userId, id)
      if (p.state !== 'queued' && p.state !== 'starting') return p
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error('never ready')
  }

  test('the queue reports positions, starts in order, and caps apply', async () => {
    const [a, b, c, d] = users
    const ids = [await manager.start(a!, LAB, 'en'), await manager.start(b!, LAB, 'en'), await manager.start(c!, LAB, 'en')]
    const positions = await Promise.all(ids.map((id, i) => manager.status(users[i]!.id, id)))
    expect(positions[0]!.state).toBe('starting')
    expect(positions.slice(1).map((p) => [p.state, p.position])).toEqual([
      ['queued', 1],
      ['queued', 2],
    ])
    // The global cap (3) refuses a fourth learner with a clear reason; the per-user cap (1) returns the live one.
    await expect(manager.start(d!, LAB, 'en')).rejects.toMatchObject({ code: 'CONFLICT', message: 'CAPACITY' })
    expect(await manager.start(a!, LAB, 'en')).toBe(ids[0])
    for (let i = 0; i < 3; i++) expect((await waitReady(users[i]!.id, ids[i]!)).state).toBe('ready')
    for (let i = 1; i < 3; i++) await manager.stop(users[i]!.id, ids[i]!)
  }, 120_000)

  test('tickets are single-use, bound to the user, and expire', async () => {
    const [a, b] = users
    const id = (await getDb().labSession.findFirstOrThrow({ where: { userId: a!.id, state: 'ready' } })).id
    const t1 = await manager.issueTicket(a!.id, id)
    expect(await manager.redeemTicket(t1, b!.id)).toBeNull()
    expect(await manager.redeemTicket(t1, a!.id)).toMatchObject({ labSessionId: id })
    expect(await manager.redeemTicket(t1, a!.id)).toBeNull()
    const t2 = await manager.issueTicket(a!.id, id)
    await new Promise((r) => setTimeout(r, 400))
    expect(await manager.redeemTicket(t2, a!.id)).toBeNull()
    await expect(manager.issueTicket(b!.id, id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  test('a passed task is scored and recorded as evidence exactly once, even when submitted concurrently', async () => {
    const [a] = users
    const s = await getDb().labSession.findFirstOrThrow({ where: { userId: a!.id, state: 'ready' } })
    const vars = JSON.parse(s.variables!) as Record<string, string>
    const results = await Promise.all([1, 2, 3].map(() => manager.answer(a!.id, s.id, 'attacker-ip', vars.ATTACKER_IP!)))
    expect(results.filter((r) => r.status === 'correct').length).toBeGreaterThanOrEqual(1)
    expect(await getDb().labTaskResult.count({ where: { labSessionId: s.id, taskId: 'attacker-ip' } })).toBe(1)
    const evidence = await getDb().evidence.findMany({ where: { userId: a!.id, sourceId: `${s.id}:attacker-ip` } })
    expect(evidence.map((e) => e.statementId).sort()).toEqual(['S0866', 'T1250', 'T1489'])
    expect(evidence.every((e) => e.level === 2 && e.kind === 'lab-task')).toBe(true)
    // Under the framework id roles use ('nice', not the manifest's 'nice-v2.1.0'), so it counts for readiness.
    expect(evidence.every((e) => e.frameworkId === 'nice')).toBe(true)
    expect((await getDb().labSession.findUniqueOrThrow({ where: { id: s.id } })).score).toBe(10)
    // A check that fails is an attempt, not a pass.
    const check = await manager.check(a!.id, s.id, 'stop-bot', 'en')
    expect(check.passed).toBe(false)
    expect(await getDb().labTaskResult.count({ where: { labSessionId: s.id, taskId: 'stop-bot' } })).toBe(0)
  }, 60_000)

  test('after a crash the session is interrupted, keeps its progress, and resumes in a new sandbox', async () => {
    const [a] = users
    const s = await getDb().labSession.findFirstOrThrow({ where: { userId: a!.id, state: 'ready' } })
    // Simulate the server dying: its sandboxes are gone; a new manager boots on the same database.
    const fresh = new LabSessionManager(new BwrapDriver(), { concurrency: 1, warmPerLab: 0, reapOnBoot: false })
    await fresh.boot()
    const after = await getDb().labSession.findUniqueOrThrow({ where: { id: s.id } })
    expect(after).toMatchObject({ state: 'interrupted', sandboxId: null, score: 10 })
    await fresh.resume(a!.id, s.id, 'en')
    let state = 'queued'
    for (let i = 0; i < 300 && (state === 'queued' || state === 'starting'); i++) {
      await new Promise((r) => setTimeout(r, 100))
      state = (await fresh.status(a!.id, s.id)).state
    }
    expect(state).toBe('ready')
    const resumed = await getDb().labSession.findUniqueOrThrow({ where: { id: s.id } })
    expect(resumed.sandboxId).not.toBe(s.sandboxId)
    expect(resumed.score).toBe(10)
    expect(await getDb().labTaskResult.count({ where: { labSessionId: s.id } })).toBe(1)
    await fresh.stop(a!.id, s.id)
    await fresh.driver.stopAll()
  }, 120_000)
  // Last: its start() boots a manager, which marks every other live session interrupted.
  test('a warm sandbox is claimed at once and the pool refills', async () => {
    const [, , , d] = users
    const pooled = new LabSessionManager(driver, { concurrency: 1, warmPerLab: 1, reapOnBoot: false, maxSessions: 50 })
    const { getLab } = await import('@/lib/labs/catalog')
    await pooled.fillPool((await getLab(LAB))!)
    expect(pooled.poolSize(LAB)).toBe(1)
    const t0 = performance.now()
    const id = await pooled.start(d!, LAB, 'en')
    expect((await waitReadyWith(pooled, d!.id, id)).state).toBe('ready')
    expect(performance.now() - t0).toBeLessThan(1500) // no setup.sh on the learner's clock
    for (let i = 0; i < 200 && pooled.poolSize(LAB) < 1; i++) await new Promise((r) => setTimeout(r, 100))
    expect(pooled.poolSize(LAB)).toBe(1)
    await pooled.stop(d!.id, id)
  }, 120_000)

})

describe('labs fail closed', () => {
  test('with sandboxing off, starting a lab is refused with a clear reason and nothing runs', async () => {
    const db = await createTestDb('sqlite')
    await useTestDb(db)
    await seedDemo()
    const user = await getDb().user.findUniqueOrThrow({ where: { email: 'learner@demo.kenshu.local' }, include: { memberships: true } })
    const driver = new BwrapDriver()
    const m = new LabSessionManager(driver, { reapOnBoot: false, warmPerLab: 0 })
    process.env.KENSHU_SANDBOX = 'off'
    try {
      await expect(m.start({ id: user.id, organizationId: user.memberships[0]!.organizationId }, LAB, 'en')).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('SANDBOX_UNAVAILABLE') as string,
      })
      expect(await getDb().labSession.count()).toBe(0)
    } finally {
      delete process.env.KENSHU_SANDBOX
      await db.drop()
    }
  })
})
