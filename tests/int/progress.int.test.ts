import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestDb, postgresReachable, useTestDb, type TestDb } from '../support/databases'
import { getDb } from '@/lib/db/client'
import { seedDemo } from '@/lib/org/seed'
import { recordEvidence } from '@/lib/progress/record'
import { invalidate, organisationOverview, readinessMatrix } from '@/lib/progress/cache'
import { proficiency, readiness } from '@/lib/progress/readiness'
import { organisationPeople } from '@/lib/progress/store'
import { careerOf, setCareer } from '@/lib/progress/career'
import { orgReadiness } from '@/lib/progress/overview'
import { listRolesWithRequirements } from '@/lib/roles/store'

// The readiness cache against real databases: what it returns always equals readiness computed from
// evidence directly, after new evidence, a role edit and concurrent writes; career positions are scoped.
const pgOk = await postgresReachable()
const kinds = ['sqlite', ...(pgOk ? ['postgres'] : [])] as const as readonly ('sqlite' | 'postgres')[]

describe.each(kinds)('readiness cache on %s', (kind) => {
  let db: TestDb
  let orgId: string
  let people: { id: string; name: string; email: string }[]
  const direct = async (userId: string) => {
    const ev = await getDb().evidence.findMany({ where: { userId } })
    const roles = await listRolesWithRequirements(orgId)
    return new Map(
      roles.map((r) => [
        r.id,
        readiness(r.requirements, proficiency(ev, { now: new Date(), frameworkId: r.frameworkId })).share,
      ]),
    )
  }
  const staleFlag = async (userId: string) =>
    (await getDb().membership.findFirstOrThrow({ where: { userId, organizationId: orgId } })).readinessStale
  const pass = (
    userId: string,
    statementIds: string[],
    sourceId: string,
    kind: 'lab-task' | 'quiz' = 'lab-task',
  ) =>
    recordEvidence({
      userId,
      organizationId: orgId,
      frameworkId: 'nice',
      statementIds,
      kind,
      sourceType: kind,
      sourceId,
    })

  beforeAll(async () => {
    db = await createTestDb(kind)
    await useTestDb(db)
    await seedDemo()
    const org = await getDb().organization.findFirstOrThrow()
    orgId = org.id
    for (const [i, ids] of [
      ['T1084', 'T1085', 'K1002'],
      ['T1084', 'S0001', 'K0001', 'K0002'],
    ].entries())
      await getDb().orgRole.create({
        data: {
          organizationId: orgId,
          title: `Test role ${i}`,
          frameworkId: 'nice',
          frameworkVersion: '2.1.0',
          requirements: {
            create: ids.map((statementId, j) => ({ statementId, level: j === 0 ? 2 : 1, weight: 1 + j })),
          },
        },
      })
    people = await organisationPeople(orgId)
  })
  afterAll(async () => db.drop())

  test('computes once, stores, and serves the same numbers as the evidence', async () => {
    const roles = await listRolesWithRequirements(orgId)
    const learner = people[0]!
    await pass(learner.id, ['T1084', 'K1002'], 'c1')
    const first = await readinessMatrix(orgId, [learner.id], roles)
    expect(await getDb().roleReadiness.count({ where: { userId: learner.id } })).toBe(roles.length)
    const again = await readinessMatrix(orgId, [learner.id], roles)
    const want = await direct(learner.id)
    for (const r of roles) {
      expect(first.get(learner.id)!.get(r.id)!.share).toBeCloseTo(want.get(r.id)!, 9)
      expect(again.get(learner.id)!.get(r.id)!.share).toBeCloseTo(want.get(r.id)!, 9)
    }
    expect(Math.max(...want.values())).toBeGreaterThan(0)
  })

  test('new evidence invalidates the person, and only that person', async () => {
    const roles = await listRolesWithRequirements(orgId)
    const [a, b] = [people[0]!, people[1]!]
    await readinessMatrix(orgId, [a.id, b.id], roles)
    const before = (await readinessMatrix(orgId, [a.id], roles)).get(a.id)!
    expect(await pass(a.id, ['T1085', 'S0001'], 'c2')).toBe(2)
    expect(await staleFlag(a.id)).toBe(true)
    expect(await staleFlag(b.id)).toBe(false)
    const after = (await readinessMatrix(orgId, [a.id], roles)).get(a.id)!
    const want = await direct(a.id)
    expect(roles.some((r) => after.get(r.id)!.share > before.get(r.id)!.share)).toBe(true)
    for (const r of roles) expect(after.get(r.id)!.share).toBeCloseTo(want.get(r.id)!, 9)
    // A retried write (same source) records nothing and keeps the cache.
    expect(await staleFlag(a.id)).toBe(false)
    expect(await pass(a.id, ['T1085', 'S0001'], 'c2')).toBe(0)
    expect(await staleFlag(a.id)).toBe(false)
    expect(await getDb().roleReadiness.count({ where: { userId: a.id } })).toBe(roles.length)
  })

  test('an edited role (new version) is recomputed, never served from the old version', async () => {
    const roles = await listRolesWithRequirements(orgId)
    const a = people[0]!
    await readinessMatrix(orgId, [a.id], roles)
    const role = roles[0]!
    await getDb().$transaction([
      getDb().orgRoleRequirement.create({
        data: { roleId: role.id, statementId: 'K0003', level: 1, weight: 5 },
      }),
      getDb().orgRole.update({ where: { id: role.id }, data: { version: { increment: 1 } } }),
    ])
    const edited = await listRolesWithRequirements(orgId)
    const cell = (await readinessMatrix(orgId, [a.id], edited)).get(a.id)!.get(role.id)!
    expect(cell.total).toBe(role.requirements.length + 1)
    expect(cell.share).toBeCloseTo((await direct(a.id)).get(role.id)!, 9)
  })

  test('the organisation overview equals a direct count, and stays right as evidence arrives', async () => {
    const check = async () => {
      const roles = await listRolesWithRequirements(orgId)
      const ov = await organisationOverview(
        orgId,
        people.map((p) => p.id),
        roles,
      )
      for (const r of roles) {
        const shares = await Promise.all(people.map(async (p) => (await direct(p.id)).get(r.id)!))
        const o = ov.find((x) => x.roleId === r.id)!
        expect(o.people).toBe(people.length)
        expect(o.ready).toBe(shares.filter((s) => s >= 0.8).length)
        expect(o.mean).toBeCloseTo(shares.reduce((a, b) => a + b, 0) / shares.length, 9)
      }
    }
    await check()
    await pass(people[2]!.id, ['T1084', 'T1085', 'K1002'], 'o1')
    await pass(people[3]!.id, ['T1084', 'S0001', 'K0001', 'K0002', 'K0003'], 'o2')
    await check()
  })

  test('concurrent evidence and reads never leave a stale cell behind', async () => {
    const roles = await listRolesWithRequirements(orgId)
    const p = people[4]!
    const ids = ['T1084', 'T1085', 'K1002', 'S0001', 'K0001', 'K0002', 'K0003']
    for (let i = 0; i < ids.length; i++) {
      await invalidate(p.id, orgId)
      await Promise.all([
        readinessMatrix(orgId, [p.id], roles),
        pass(p.id, [ids[i]!], `race-${i}`),
        readinessMatrix(orgId, [p.id], roles),
      ])
      const cached = (await readinessMatrix(orgId, [p.id], roles)).get(p.id)!
      const want = await direct(p.id)
      for (const r of roles) expect(cached.get(r.id)!.share).toBeCloseTo(want.get(r.id)!, 9)
    }
  })

  test('career position: own organisation roles only; the pipeline lists people ≥ 80% ready', async () => {
    const roles = await listRolesWithRequirements(orgId)
    const who = { userId: people[0]!.id, organizationId: orgId }
    const other = await getDb().organization.create({ data: { slug: 'other-org', name: 'Other' } })
    const foreign = await getDb().orgRole.create({
      data: { organizationId: other.id, title: 'Foreign', frameworkId: 'nice', frameworkVersion: '2.1.0' },
    })
    await expect(setCareer(who, { currentRoleId: foreign.id, targetRoleId: null })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    await expect(
      setCareer(who, { currentRoleId: roles[0]!.id, targetRoleId: roles[0]!.id }),
    ).rejects.toMatchObject({
      code: 'INVALID',
    })
    await setCareer(who, { currentRoleId: roles[1]!.id, targetRoleId: roles[0]!.id })
    expect(await careerOf(who)).toEqual({ currentRoleId: roles[1]!.id, targetRoleId: roles[0]!.id })
    await getDb().careerPathEdge.create({
      data: { organizationId: orgId, fromRoleId: roles[1]!.id, toRoleId: roles[0]!.id },
    })
    // Meet every requirement of roles[0] at its level.
    const r0 = roles[0]!
    await recordEvidence({
      userId: who.userId,
      organizationId: orgId,
      frameworkId: 'nice',
      statementIds: r0.requirements.map((r) => r.statementId),
      kind: 'assessment',
      sourceType: 'assessment',
      sourceId: 'pipeline',
    })
    const org = await orgReadiness(orgId)
    const step = org.pipeline.find((s) => s.from.id === roles[1]!.id && s.to.id === r0.id)!
    expect(step.holders).toBe(1)
    expect(step.ready.map((x) => x.userId)).toEqual([who.userId])
  })
})

describe.each(kinds)('attestations on %s', (kind) => {
  let db: TestDb
  let orgId: string
  beforeAll(async () => {
    db = await createTestDb(kind)
    await useTestDb(db)
    await seedDemo()
    orgId = (await getDb().organization.findFirstOrThrow()).id
    await getDb().orgRole.create({
      data: {
        organizationId: orgId,
        title: 'Attested role',
        frameworkId: 'nice',
        frameworkVersion: '2.1.0',
        requirements: { create: [{ statementId: 'T1084', level: 3, weight: 1 }] },
      },
    })
  })
  afterAll(async () => db.drop())
  const actor = async (email: string) => {
    const u = await getDb().user.findUniqueOrThrow({ where: { email }, include: { memberships: true } })
    return { id: u.id, organizationId: orgId, role: u.memberships[0]!.role }
  }

  test('a team lead attests a level with a note; it counts; nobody else can, and never for themselves', async () => {
    const { attest } = await import('@/lib/progress/attest')
    const manager = await actor('manager@demo.kenshu.local')
    const learner = await actor('learner@demo.kenshu.local')
    const hr = await actor('hr@demo.kenshu.local')
    const role = (await listRolesWithRequirements(orgId)).find((r) => r.title === 'Attested role')!
    const input = {
      userId: learner.id,
      roleId: role.id,
      statementId: 'T1084',
      level: 3,
      note: 'Led the triage on 12 Nov.',
    }
    const before = (await readinessMatrix(orgId, [learner.id], [role])).get(learner.id)!.get(role.id)!
    expect(before.met).toBe(0)
    expect(await attest(manager, input)).toEqual({ written: 1 })
    const ev = await getDb().evidence.findFirstOrThrow({ where: { userId: learner.id, kind: 'attestation' } })
    expect(ev).toMatchObject({
      level: 3,
      statementId: 'T1084',
      frameworkId: 'nice',
      note: 'Led the triage on 12 Nov.',
    })
    expect(ev.sourceId.startsWith(`${manager.id}:`)).toBe(true)
    expect((await readinessMatrix(orgId, [learner.id], [role])).get(learner.id)!.get(role.id)!.met).toBe(1)
    // Forged attestations: by a learner (for themselves or a colleague), by HR (not an assessor), for
    // a statement the role does not require, for someone in another organisation.
    await expect(attest(learner, { ...input, userId: learner.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await expect(attest(hr, input)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(attest(manager, { ...input, userId: manager.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await expect(attest(manager, { ...input, statementId: 'K0001' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    const other = await getDb().organization.create({ data: { slug: 'other-attest', name: 'Other' } })
    const stranger = await getDb().user.create({
      data: {
        email: 'stranger@other.local',
        name: 'Stranger',
        memberships: { create: { organizationId: other.id, role: 'learner' } },
      },
    })
    await expect(attest(manager, { ...input, userId: stranger.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    expect(await getDb().evidence.count({ where: { kind: 'attestation' } })).toBe(1)
    expect(await getDb().auditEvent.count({ where: { action: 'evidence.attest' } })).toBe(1)
  })
})

describe.each(kinds)('learning events on %s', (kind) => {
  let db: TestDb
  let who: { userId: string; organizationId: string }
  beforeAll(async () => {
    // Badge keys are sealed with the session secret (the server always has one).
    process.env.NEXTAUTH_SECRET ??= 'progress-int-test-secret-0123456789abcdef'
    db = await createTestDb(kind)
    await useTestDb(db)
    await seedDemo()
    const u = await getDb().user.findUniqueOrThrow({
      where: { email: 'learner@demo.kenshu.local' },
      include: { memberships: true },
    })
    who = { userId: u.id, organizationId: u.memberships[0]!.organizationId }
  })
  afterAll(async () => db.drop())

  test('one event reaches every consumer: LRS, readiness, assignments, badges (role badge at 100%)', async () => {
    const { publish } = await import('@/lib/progress/publish')
    const { contentCatalog } = await import('@/lib/content/catalog')
    const curriculum = (await contentCatalog()).curricula[0]!
    const role = await getDb().orgRole.create({
      data: {
        organizationId: who.organizationId,
        title: 'One-statement role',
        frameworkId: 'nice',
        frameworkVersion: '2.1.0',
        requirements: { create: [{ statementId: 'K0001', level: 1, weight: 1 }] },
      },
    })
    await getDb().assignment.create({
      data: {
        organizationId: who.organizationId,
        userId: who.userId,
        assignedById: who.userId,
        itemKind: 'curriculum',
        itemId: curriculum.id,
        dueAt: new Date(Date.now() + 86_400_000),
      },
    })
    const at = new Date()
    await publish({
      type: 'completed',
      who,
      itemType: 'curriculum',
      itemId: curriculum.id,
      frameworkId: 'nice',
      statementIds: [],
      at,
    })
    await publish({
      type: 'completed',
      who,
      itemType: 'curriculum',
      itemId: curriculum.id,
      frameworkId: 'nice',
      statementIds: [],
      at,
    })
    expect(await getDb().xapiStatement.count({ where: { userId: who.userId } })).toBe(1)
    expect(
      await getDb().badgeCredential.count({ where: { userId: who.userId, achievementType: 'curriculum' } }),
    ).toBe(1)
    expect(
      (await getDb().assignment.findFirstOrThrow({ where: { userId: who.userId } })).completedAt,
    ).not.toBeNull()
    // A passed quiz proving the role's only statement: readiness 100 % → a role badge.
    await recordEvidence({
      ...who,
      frameworkId: 'nice',
      statementIds: ['K0001'],
      kind: 'quiz',
      sourceType: 'quiz',
      sourceId: 'module:x:1',
    })
    await publish({
      type: 'quiz',
      who,
      itemType: 'module',
      itemId: 'x',
      attemptId: 'a1',
      passed: true,
      scaled: 1,
      frameworkId: 'nice',
      statementIds: ['K0001'],
      at,
    })
    expect(
      await getDb().badgeCredential.count({
        where: { userId: who.userId, achievementType: 'role', achievementRef: role.id },
      }),
    ).toBe(1)
    expect(await getDb().xapiStatement.count({ where: { userId: who.userId } })).toBe(2)
  })
})
