import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestDb, postgresReachable, useTestDb, type TestDb } from '../support/databases'
import { getDb } from '@/lib/db/client'
import { seedDemo } from '@/lib/org/seed'
import { contentCatalog } from '@/lib/content/catalog'
import { labCatalog } from '@/lib/labs/catalog'
import {
  assign,
  assignmentsFor,
  canManagePerson,
  cancel,
  completeFromEvent,
  overdue,
  teamAssignments,
  type Actor,
} from '@/lib/assignments/store'
import { personProfile } from '@/lib/assignments/person'

// Manager assignments against real databases: who may assign to whom (team leads: their team members;
// HR/admin: their organisation; nobody across organisations), duplicates, completion from events and
// from work done before the assignment, overdue, and cancelling.
const pgOk = await postgresReachable()
const kinds = ['sqlite', ...(pgOk ? ['postgres'] : [])] as const as readonly ('sqlite' | 'postgres')[]

const DAY = 86_400_000
const inDays = (d: number) => new Date(Date.now() + d * DAY)

describe.each(kinds)('assignments on %s', (kind) => {
  let db: TestDb
  const who: Record<string, Actor> = {}
  let orgId: string
  let otherOrgId: string
  let modules: string[]
  let curricula: { id: string; modules: string[] }[]
  let briefing: string
  let labs: string[]

  const actor = async (email: string): Promise<Actor> => {
    const u = await getDb().user.findUniqueOrThrow({ where: { email }, include: { memberships: true } })
    return { id: u.id, organizationId: u.memberships[0]!.organizationId, role: u.memberships[0]!.role }
  }

  beforeAll(async () => {
    db = await createTestDb(kind)
    await useTestDb(db)
    await seedDemo()
    for (const [k, email] of [
      ['manager', 'manager@demo.kenshu.local'],
      ['learner', 'learner@demo.kenshu.local'],
      ['learner2', 'learner2@demo.kenshu.local'],
      ['ot', 'ot-engineer@demo.kenshu.local'],
      ['hr', 'hr@demo.kenshu.local'],
      ['admin', 'admin@demo.kenshu.local'],
    ] as const)
      who[k] = await actor(email)
    orgId = who.manager!.organizationId
    const d = getDb()
    // Same organisation, in no team of the manager.
    await d.user.create({
      data: {
        email: 'outsider@demo.kenshu.local',
        name: 'Outsider',
        memberships: { create: { organizationId: orgId, role: 'learner' } },
      },
    })
    who.outsider = await actor('outsider@demo.kenshu.local')
    // A second manager in the demo organisation leading only the OT team.
    await d.user.create({
      data: {
        email: 'manager2@demo.kenshu.local',
        name: 'Second Manager',
        memberships: { create: { organizationId: orgId, role: 'manager' } },
      },
    })
    who.manager2 = await actor('manager2@demo.kenshu.local')
    const ot = await d.team.findFirstOrThrow({ where: { organizationId: orgId, name: 'OT Engineering' } })
    await d.teamMember.create({ data: { teamId: ot.id, userId: who.manager2.id, isLead: true } })
    // Another organisation with its own manager, team and learner.
    const other = await d.organization.create({ data: { slug: 'other', name: 'Other' } })
    otherOrgId = other.id
    for (const [email, role] of [
      ['boss@other.local', 'manager'],
      ['eng@other.local', 'learner'],
      ['hr@other.local', 'hr'],
    ] as const)
      await d.user.create({
        data: { email, name: email, memberships: { create: { organizationId: other.id, role } } },
      })
    who.otherManager = await actor('boss@other.local')
    who.otherLearner = await actor('eng@other.local')
    who.otherHr = await actor('hr@other.local')
    await d.team.create({
      data: {
        organizationId: other.id,
        name: 'Other team',
        members: {
          create: [
            { userId: who.otherManager.id, isLead: true },
            { userId: who.otherLearner.id },
            // A team row pointing at a demo learner must not open them to the other organisation.
            { userId: who.learner!.id },
          ],
        },
      },
    })
    const c = await contentCatalog()
    modules = [...c.modules.keys()]
    curricula = c.curricula.map((x) => ({ id: x.id, modules: x.modules }))
    briefing = [...c.briefings.keys()][0]!
    labs = [...(await labCatalog()).labs.keys()]
    expect(modules.length).toBeGreaterThan(2)
    expect(labs.length).toBeGreaterThan(1)
  })
  afterAll(async () => db.drop())

  test('canManagePerson: leads manage their team members, HR/admin their organisation, nobody else', async () => {
    const m = who.manager!
    expect(await canManagePerson(m, who.learner!.id)).toBe(true)
    expect(await canManagePerson(m, who.ot!.id)).toBe(true)
    expect(await canManagePerson(m, who.outsider!.id)).toBe(false)
    expect(await canManagePerson(m, who.otherLearner!.id)).toBe(false)
    expect(await canManagePerson(m, m.id)).toBe(false)
    expect(await canManagePerson(m, 'no-such-user')).toBe(false)
    expect(await canManagePerson(who.manager2!, who.ot!.id)).toBe(true)
    expect(await canManagePerson(who.manager2!, who.learner!.id)).toBe(false)
    expect(await canManagePerson(who.learner!, who.learner2!.id)).toBe(false)
    expect(await canManagePerson(who.hr!, who.outsider!.id)).toBe(true)
    expect(await canManagePerson(who.admin!, who.learner!.id)).toBe(true)
    expect(await canManagePerson(who.hr!, who.otherLearner!.id)).toBe(false)
    // The other organisation's lead has a (bad) team row for a demo learner: still not theirs.
    expect(await canManagePerson(who.otherManager!, who.learner!.id)).toBe(false)
    expect(await canManagePerson(who.otherManager!, who.otherLearner!.id)).toBe(true)
    expect(await personProfile(who.manager!, who.outsider!.id)).toBeNull()
    expect((await personProfile(who.manager!, who.learner!.id))?.person).toMatchObject({
      name: 'Aoi Tanaka',
      teams: ['SOC / CSIRT'],
    })
  })

  test('a lead assigns to a team member; duplicates and bad input are refused', async () => {
    const a = await assign(who.manager!, {
      userId: who.learner!.id,
      itemKind: 'module',
      itemId: modules[0]!,
      dueAt: inDays(10),
      note: '  Before the audit  ',
    })
    expect(a).toMatchObject({
      status: 'open',
      userName: 'Aoi Tanaka',
      assignedByName: 'Daiki Sato',
      note: 'Before the audit',
    })
    await expect(
      assign(who.manager!, {
        userId: who.learner!.id,
        itemKind: 'module',
        itemId: modules[0]!,
        dueAt: inDays(3),
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
    // Two managers' clicks at once: one assignment.
    const both = await Promise.allSettled([
      assign(who.manager!, {
        userId: who.learner!.id,
        itemKind: 'module',
        itemId: modules[1]!,
        dueAt: inDays(5),
      }),
      assign(who.manager!, {
        userId: who.learner!.id,
        itemKind: 'module',
        itemId: modules[1]!,
        dueAt: inDays(6),
      }),
    ])
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(
      await getDb().assignment.count({
        where: { userId: who.learner!.id, itemId: modules[1]!, cancelledAt: null },
      }),
    ).toBe(1)
    const base = { userId: who.learner!.id, dueAt: inDays(5) }
    await expect(
      assign(who.manager!, { ...base, itemKind: 'module', itemId: 'no-such-module' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    await expect(
      assign(who.manager!, { ...base, itemKind: 'module', itemId: modules[2]!, dueAt: inDays(-2) }),
    ).rejects.toMatchObject({ code: 'INVALID', field: 'dueAt' })
    await expect(
      assign(who.manager!, { ...base, itemKind: 'module', itemId: modules[2]!, note: 'x'.repeat(501) }),
    ).rejects.toMatchObject({ code: 'INVALID', field: 'note' })
    // Learners cannot open briefings: not assignable to them.
    await expect(
      assign(who.manager!, { ...base, itemKind: 'briefing', itemId: briefing }),
    ).rejects.toMatchObject({
      code: 'INVALID',
    })
    const mine = await assignmentsFor(who.learner!.id)
    expect(mine.map((r) => r.itemId).sort()).toEqual([modules[0], modules[1]].sort())
    expect((await teamAssignments(who.manager!)).some((r) => r.userId === who.learner!.id)).toBe(true)
    expect(await teamAssignments(who.manager2!)).toEqual([])
    expect(await teamAssignments(who.otherManager!)).toEqual([])
    expect(await teamAssignments(who.manager2!, { userId: who.learner!.id })).toEqual([])
  })

  test('assigning outside one’s teams, across organisations, or as a learner is denied', async () => {
    const item = { itemKind: 'module' as const, itemId: modules[0]!, dueAt: inDays(7) }
    await expect(assign(who.manager!, { ...item, userId: who.outsider!.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await expect(assign(who.manager!, { ...item, userId: who.otherLearner!.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await expect(assign(who.otherManager!, { ...item, userId: who.learner!.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await expect(assign(who.otherHr!, { ...item, userId: who.learner2!.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await expect(assign(who.learner!, { ...item, userId: who.learner2!.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await expect(assign(who.manager!, { ...item, userId: who.manager!.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    expect(
      await getDb().assignment.count({ where: { userId: { in: [who.outsider!.id, who.otherLearner!.id] } } }),
    ).toBe(0)
    // HR may assign within the organisation.
    const a = await assign(who.hr!, { ...item, userId: who.outsider!.id })
    expect(a.status).toBe('open')
    expect((await teamAssignments(who.hr!)).some((r) => r.id === a.id)).toBe(true)
    expect((await teamAssignments(who.otherHr!)).some((r) => r.id === a.id)).toBe(false)
  })

  test('completion: from events, and from work done before the assignment', async () => {
    const [labA, labB] = labs
    const m = who.manager!
    const lab = await assign(m, {
      userId: who.learner2!.id,
      itemKind: 'lab',
      itemId: labA!,
      dueAt: inDays(4),
    })
    expect(lab.status).toBe('open')
    const ev = {
      who: { userId: who.learner2!.id, organizationId: orgId },
      labId: labA!,
      labSessionId: 'ls1',
      scaled: 1,
      passedWithoutHints: true,
      frameworkId: 'nice',
      statementIds: [],
      at: new Date(),
    }
    // Other events, another person, or another organisation complete nothing.
    expect(
      await completeFromEvent({
        type: 'lab-task',
        ...ev,
        taskId: 't1',
        attemptId: 'a1',
        passed: true,
      }),
    ).toBe(0)
    expect(
      await completeFromEvent({
        type: 'lab-complete',
        ...ev,
        who: { ...ev.who, organizationId: otherOrgId },
      }),
    ).toBe(0)
    expect(
      await completeFromEvent({ type: 'lab-complete', ...ev, who: { ...ev.who, userId: who.learner!.id } }),
    ).toBe(0)
    expect(await completeFromEvent({ type: 'lab-complete', ...ev })).toBe(1)
    expect(await completeFromEvent({ type: 'lab-complete', ...ev })).toBe(0)
    expect((await assignmentsFor(who.learner2!.id)).find((r) => r.id === lab.id)?.status).toBe('done')

    // A module assignment completed by a `completed` event.
    const mod = await assign(m, {
      userId: who.learner2!.id,
      itemKind: 'module',
      itemId: modules[0]!,
      dueAt: inDays(4),
    })
    expect(
      await completeFromEvent({
        type: 'completed',
        who: { userId: who.learner2!.id, organizationId: orgId },
        itemType: 'module',
        itemId: modules[0]!,
        frameworkId: 'nice',
        statementIds: [],
        at: new Date(),
      }),
    ).toBe(1)
    expect((await assignmentsFor(who.learner2!.id)).find((r) => r.id === mod.id)?.status).toBe('done')

    // Done before it was assigned: a module completion row, a completed lab session.
    const d = getDb()
    const earlier = new Date(Date.now() - 20 * DAY)
    await d.contentCompletion.create({
      data: {
        userId: who.ot!.id,
        organizationId: orgId,
        itemType: 'module',
        itemId: modules[1]!,
        completedAt: earlier,
      },
    })
    await d.labSession.create({
      data: {
        userId: who.ot!.id,
        organizationId: orgId,
        labId: labB!,
        labVersion: 'v',
        state: 'completed',
        seed: 1,
        maxScore: 10,
        completedAt: earlier,
      },
    })
    const pre = await assign(m, {
      userId: who.ot!.id,
      itemKind: 'module',
      itemId: modules[1]!,
      dueAt: inDays(2),
    })
    expect(pre).toMatchObject({ status: 'done', completedAt: earlier })
    const preLab = await assign(m, { userId: who.ot!.id, itemKind: 'lab', itemId: labB!, dueAt: inDays(2) })
    expect(preLab.status).toBe('done')
    // Done again: a new assignment of a completed item is allowed and done at once.
    expect(
      (await assign(m, { userId: who.ot!.id, itemKind: 'module', itemId: modules[1]!, dueAt: inDays(9) }))
        .status,
    ).toBe('done')

    // Completed after assigning, without an event (a curriculum completes with its last module): the
    // listing settles it.
    const cur = curricula[0]!
    const open = await assign(m, {
      userId: who.ot!.id,
      itemKind: 'curriculum',
      itemId: cur.id,
      dueAt: inDays(2),
    })
    expect(open.status).toBe('due-soon')
    await d.contentCompletion.create({
      data: { userId: who.ot!.id, organizationId: orgId, itemType: 'curriculum', itemId: cur.id },
    })
    const settled = (await teamAssignments(m, { userId: who.ot!.id })).find((r) => r.id === open.id)!
    expect(settled.status).toBe('done')
    expect((await getDb().assignment.findUnique({ where: { id: open.id } }))?.completedAt).not.toBeNull()
  })

  test('overdue is computed for the people one manages', async () => {
    const d = getDb()
    const late = await d.assignment.create({
      data: {
        organizationId: orgId,
        userId: who.ot!.id,
        assignedById: who.manager!.id,
        itemKind: 'module',
        itemId: modules[2]!,
        dueAt: new Date(Date.now() - 3 * DAY),
        createdAt: new Date(Date.now() - 10 * DAY),
      },
    })
    const lateDone = await d.assignment.create({
      data: {
        organizationId: orgId,
        userId: who.learner!.id,
        assignedById: who.manager!.id,
        itemKind: 'lab',
        itemId: labs[0]!,
        dueAt: new Date(Date.now() - 3 * DAY),
        completedAt: new Date(Date.now() - DAY),
      },
    })
    const list = await overdue(who.manager!)
    expect(list.map((r) => r.id)).toContain(late.id)
    expect(list.every((r) => r.status === 'overdue')).toBe(true)
    expect((await overdue(who.manager2!)).map((r) => r.id)).toEqual([late.id])
    expect(await overdue(who.otherManager!)).toEqual([])
    expect((await teamAssignments(who.manager!)).find((r) => r.id === lateDone.id)?.status).toBe('done-late')
    // Most urgent first.
    expect((await teamAssignments(who.manager!))[0]!.status).toBe('overdue')
  })

  test('cancel: only by someone who manages the person; never across organisations', async () => {
    const a = await assign(who.manager!, {
      userId: who.learner!.id,
      itemKind: 'lab',
      itemId: labs[1]!,
      dueAt: inDays(8),
    })
    await expect(cancel(who.otherManager!, a.id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(cancel(who.otherHr!, a.id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(cancel(who.manager2!, a.id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(cancel(who.learner!, a.id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect((await getDb().assignment.findUnique({ where: { id: a.id } }))?.cancelledAt).toBeNull()
    await cancel(who.manager!, a.id)
    await cancel(who.manager!, a.id) // idempotent
    expect((await getDb().assignment.findUnique({ where: { id: a.id } }))?.cancelledAt).not.toBeNull()
    expect((await assignmentsFor(who.learner!.id)).some((r) => r.id === a.id)).toBe(false)
    expect(
      (await teamAssignments(who.manager!, { userId: who.learner!.id, includeCancelled: true })).find(
        (r) => r.id === a.id,
      )?.status,
    ).toBe('cancelled')
    // Once cancelled, the item can be assigned again.
    expect(
      (
        await assign(who.manager!, {
          userId: who.learner!.id,
          itemKind: 'lab',
          itemId: labs[1]!,
          dueAt: inDays(8),
        })
      ).status,
    ).toBe('open')
    // A done assignment cannot be cancelled.
    const done = (await assignmentsFor(who.learner2!.id)).find((r) => r.status === 'done')!
    await expect(cancel(who.manager!, done.id)).rejects.toMatchObject({ code: 'CONFLICT' })
  })
})
