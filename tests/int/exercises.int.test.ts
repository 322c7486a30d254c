import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestDb, postgresReachable, useTestDb, type TestDb } from '../support/databases'
import { getDb } from '@/lib/db/client'
import { seedDemo } from '@/lib/org/seed'
import { LabSessionManager } from '@/lib/labs/sessions/manager'
import { BwrapDriver } from '@/lib/labs/sandbox/bwrap-driver'
import { checkAvailability } from '@/lib/labs/sandbox/availability'
import { readTeamNetwork } from '@/lib/labs/sandbox/team-network'
import { getLab } from '@/lib/labs/catalog'
import { runTeamSolve } from '@/lib/labs/runtime/team'
import { ExerciseRuntime, envOf, teamSeed } from '@/lib/exercises/runtime'
import { consoleSnapshot, debriefCsv, debriefView, teamSnapshot } from '@/lib/exercises/store'
import type { Viewer } from '@/lib/auth/session'
import type { TerminalStream } from '@/lib/labs/sandbox/types'

// Exercise days against a real database (SQLite and PostgreSQL) and real sandboxes on team networks:
// scoping (organisation, team), environments per team, one shell per member on a shared host,
// attribution, injects to one team, optimistic report sections, pause, and a close that keeps evidence.
const sandbox = await checkAvailability()
const pgOk = await postgresReachable()
const kinds = (['sqlite', ...(pgOk ? ['postgres'] : [])] as const) as readonly ('sqlite' | 'postgres')[]
const LAB = 'iot-botnet-team'
const hasLab = !!(await getLab(LAB))

const until = async (what: string, fn: () => Promise<boolean>, ms = 120_000) => {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await fn()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** Reads a terminal until `needle` appears (or fails after `ms`). */
function expectOutput(stream: TerminalStream, needle: string, ms = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(() => {
      off()
      reject(new Error(`no ${JSON.stringify(needle)} in ${JSON.stringify(seen.slice(-400))}`))
    }, ms)
    const off = stream.onData((c) => {
      seen += Buffer.from(c).toString('utf8')
      if (seen.includes(needle)) {
        clearTimeout(timer)
        off()
        resolve(seen)
      }
    })
  })
}

describe.skipIf(!sandbox.available || !hasLab).each(kinds)('exercise days on %s', (kind) => {
  let db: TestDb
  let rt: ExerciseRuntime
  /** Set by the crash test: a dead process gets no stop callbacks. */
  let crashed = false
  const driver = new BwrapDriver({ maxConcurrentStarts: 4, reapScope: 'srv', onStopped: (id, reason) => void (crashed || rt.onSandboxStopped(id, reason)) })
  /** The driver of the current "server" (replaced by the crash test). */
  let driverNow = driver
  let instructor: Viewer
  let foreign: Viewer
  let learners: Viewer[]
  let outsider: Viewer
  let exerciseId: string

  const viewer = async (email: string): Promise<Viewer> => {
    const u = await getDb().user.findUniqueOrThrow({ where: { email }, include: { memberships: { include: { organization: true } } } })
    const m = u.memberships[0]!
    return { id: u.id, email: u.email, name: u.name, locale: null, role: m.role as Viewer['role'], organizationId: m.organizationId, organizationName: m.organization.name }
  }

  beforeAll(async () => {
    db = await createTestDb(kind)
    await useTestDb(db)
    await seedDemo()
    instructor = await viewer('instructor@demo.kenshu.local')
    learners = await Promise.all(['learner@demo.kenshu.local', 'learner2@demo.kenshu.local', 'learner3@demo.kenshu.local', 'learner4@demo.kenshu.local'].map(viewer))
    outsider = await viewer('ot-engineer@demo.kenshu.local')
    // An instructor of another organisation.
    const other = await getDb().organization.create({ data: { slug: 'other', name: 'Other' } })
    const f = await getDb().user.create({ data: { email: 'i@other.example', name: 'Foreign Instructor', memberships: { create: { organizationId: other.id, role: 'instructor' } } } })
    foreign = { id: f.id, email: f.email, name: f.name, locale: null, role: 'instructor', organizationId: other.id, organizationName: 'Other' }
    // The store's reads go through the process-wide runtime; they only read the (shared) database.
    rt = new ExerciseRuntime(() => driver)
  }, 120_000)

  afterAll(async () => {
    await rt.settle()
    await driver.stopAll()
    await driverNow.stopAll()
    await db.drop()
  })

  test('scheduling forms balanced teams of the chosen size; teams change only before the opening', async () => {
    exerciseId = await rt.create(instructor, { title: 'CYDER day', labId: LAB, startsAt: '2026-12-01T09:00', durationMinutes: 120, teamSize: 2, memberIds: learners.map((l) => l.id) })
    const teams = await getDb().exerciseTeam.findMany({ where: { exerciseId }, include: { members: true }, orderBy: { slot: 'asc' } })
    expect(teams.map((t) => t.members.length)).toEqual([2, 2])
    // Each member of a team starts on a different host.
    for (const t of teams) expect(new Set(t.members.map((m) => m.host)).size).toBe(2)
    // Someone outside the organisation cannot be scheduled.
    await expect(rt.create(instructor, { title: 'x', labId: LAB, startsAt: '2026-12-01T09:00', durationMinutes: 60, teamSize: 2, memberIds: [foreign.id] })).rejects.toThrow(/NO_MEMBERS/)
  })

  test('an instructor of another organisation and a non-member see nothing', async () => {
    await expect(consoleSnapshot(foreign, exerciseId, 'en')).rejects.toThrow(/No such exercise/)
    await expect(rt.open(foreign, exerciseId, 'en')).rejects.toThrow(/No such exercise/)
    await expect(teamSnapshot(outsider, exerciseId, 'en')).rejects.toThrow(/No such exercise/)
    await expect(rt.join(outsider, exerciseId)).rejects.toThrow(/No such exercise/)
    await expect(rt.join(learners[0]!, exerciseId)).rejects.toThrow(/NOT_OPEN/)
  })

  test('opening starts one isolated multi-host environment per team', async () => {
    const t0 = Date.now()
    await rt.open(instructor, exerciseId, 'en')
    await until('both environments ready', async () => (await getDb().exerciseTeam.count({ where: { exerciseId, envState: 'ready' } })) === 2)
    console.log(`exercise: 2 team environments ready in ${Date.now() - t0} ms`)
    const teams = await getDb().exerciseTeam.findMany({ where: { exerciseId } })
    const envs = teams.map((t) => envOf(t)!)
    expect(envs[0]!.networkId).not.toBe(envs[1]!.networkId)
    for (const env of envs) {
      expect(env.hosts.length).toBeGreaterThanOrEqual(2)
      expect(await readTeamNetwork(env.networkId)).toBeDefined()
      for (const h of env.hosts) expect((await driver.status(h.sandboxId))?.state).toBe('ready')
    }
    // A second open is refused (compare-and-swap on the state).
    await expect(rt.open(instructor, exerciseId, 'en')).rejects.toThrow(/INVALID_STATE/)
  }, 180_000)

  test('members join, get terminals only on their own team hosts, and each has their own shell', async () => {
    for (const l of learners) await rt.join(l, exerciseId)
    const [a, b] = await Promise.all([teamSnapshot(learners[0]!, exerciseId, 'en'), teamSnapshot(learners[1]!, exerciseId, 'en')])
    const mate = a.team.id === b.team.id ? learners[1]! : a.team.id === (await teamSnapshot(learners[2]!, exerciseId, 'en')).team.id ? learners[2]! : learners[3]!
    const snapA = await teamSnapshot(learners[0]!, exerciseId, 'en')
    const host = snapA.hosts[0]!.name
    // Tickets: the team's terminal hosts only; a hidden host (terminal: false) is refused.
    const env = envOf((await getDb().exerciseTeam.findUniqueOrThrow({ where: { id: snapA.team.id } })))!
    const hidden = env.hosts.find((h) => !h.terminal)
    if (hidden) await expect(rt.issueTicket(learners[0]!, exerciseId, hidden.name)).rejects.toThrow(/No such host/)
    const manager = new LabSessionManager(driver, { reapOnBoot: false })
    const tA = await rt.issueTicket(learners[0]!, exerciseId, host)
    const tM = await rt.issueTicket(mate, exerciseId, host)
    // Another user cannot redeem it (bound to the user); the owner gets their team's sandbox.
    const stranger = learners.find((l) => l.id !== learners[0]!.id && l.id !== mate.id)!
    expect(await manager.redeemTicket(tA, stranger.id)).toBeNull()
    const rA = await manager.redeemTicket(tA, learners[0]!.id)
    const rM = await manager.redeemTicket(tM, mate.id)
    expect(rA?.sandboxId).toBe(env.hosts.find((h) => h.name === host)!.sandboxId)
    expect(rM?.sandboxId).toBe(rA?.sandboxId)
    expect(rA?.shell).not.toBe(rM?.shell)
    // Two members on one host: two shells. What one types does not appear in the other's terminal,
    // but what one does to the host (a file) the other sees.
    const sA = await manager.attach(rA!.sandboxId, { cols: 80, rows: 24 }, rA!.shell)
    const sM = await manager.attach(rM!.sandboxId, { cols: 80, rows: 24 }, rM!.shell)
    let leaked = ''
    const off = sM.onData((c) => (leaked += Buffer.from(c).toString()))
    const marker = `MARK${Date.now()}`
    // The needle must not be in the typed line (the terminal echoes it before the command runs).
    const seenA = expectOutput(sA, 'WRITTEN-42')
    sA.write(`echo ${marker} > /tmp/shared-evidence; echo WRITTEN-$((6 * 7))\n`)
    await seenA
    off()
    expect(leaked).not.toContain(marker)
    const seenM = expectOutput(sM, marker)
    sM.write('cat /tmp/shared-evidence\n')
    await seenM
    sA.close()
    sM.close()
    // The other team's host is not reachable with this team's ticket.
    const otherTeam = await getDb().exerciseTeam.findFirstOrThrow({ where: { exerciseId, id: { not: snapA.team.id } } })
    const otherEnv = envOf(otherTeam)!
    expect(otherEnv.hosts.map((h) => h.sandboxId)).not.toContain(rA!.sandboxId)
  }, 120_000)

  test('a check fails before the fix, passes after, once per team, attributed to the member who ran it', async () => {
    const entry = (await getLab(LAB))!
    const check = entry.lab.manifest.tasks.find((t) => t.kind === 'check')!
    const me = learners[0]!
    const snap = await teamSnapshot(me, exerciseId, 'en')
    const before = await rt.check(me, exerciseId, check.id, 'en')
    expect(before.passed).toBe(false)
    const e = await getDb().exercise.findUniqueOrThrow({ where: { id: exerciseId } })
    const team = await getDb().exerciseTeam.findUniqueOrThrow({ where: { id: snap.team.id } })
    await runTeamSolve(driver, entry.lab, envOf(team)!, { lang: 'en', seed: teamSeed(e, team) })
    const mate = snap.members.find((m) => m.userId !== me.id)!
    const mateViewer = learners.find((l) => l.id === mate.userId)!
    const after = await rt.check(mateViewer, exerciseId, check.id, 'en')
    expect(after.passed).toBe(true)
    await rt.check(me, exerciseId, check.id, 'en')
    const results = await getDb().exerciseTaskResult.findMany({ where: { teamId: team.id, taskId: check.id } })
    expect(results).toHaveLength(1)
    expect(results[0]!.userId).toBe(mateViewer.id)
    // Evidence for the member who did the work, not for the teammate.
    const ev = await getDb().evidence.findMany({ where: { sourceType: 'exercise-task', sourceId: `${team.id}:${check.id}` } })
    expect(ev.length).toBeGreaterThan(0)
    expect(new Set(ev.map((x) => x.userId))).toEqual(new Set([mateViewer.id]))
    const view = await teamSnapshot(me, exerciseId, 'en')
    expect(view.tasks.find((t) => t.taskId === check.id)).toMatchObject({ passed: true, passedBy: mateViewer.name })
    expect(view.team.score).toBeGreaterThan(0)
    // The other team is untouched.
    const other = await getDb().exerciseTeam.findFirstOrThrow({ where: { exerciseId, id: { not: team.id } } })
    expect(other.score).toBe(0)
  }, 120_000)

  test('an inject to one team reaches that team only; an inject to all reaches both', async () => {
    const a = await teamSnapshot(learners[0]!, exerciseId, 'en')
    const otherMember = learners.find((l) => !a.members.some((m) => m.userId === l.id))!
    await rt.inject(instructor, exerciseId, { teamId: a.team.id, kind: 'call', title: 'Press on the line', body: '<b>NHK</b> asks about the outage' })
    await rt.inject(instructor, exerciseId, { teamId: null, kind: 'message', title: 'CISO', body: 'Status in 10 minutes' })
    const mine = await teamSnapshot(learners[0]!, exerciseId, 'en')
    const theirs = await teamSnapshot(otherMember, exerciseId, 'en')
    expect(mine.injects.map((i) => i.title)).toEqual(['CISO', 'Press on the line'])
    expect(mine.injects[1]!.body).toBe('<b>NHK</b> asks about the outage')
    expect(theirs.injects.map((i) => i.title)).toEqual(['CISO'])
    await expect(rt.inject(foreign, exerciseId, { teamId: null, kind: 'alert', title: 'x', body: 'y' })).rejects.toThrow(/No such exercise/)
    // A team id of another exercise is refused.
    await expect(rt.inject(instructor, exerciseId, { teamId: 'nope', kind: 'alert', title: 'x', body: 'y' })).rejects.toThrow(/No such team/)
  })

  test('report sections: a stale save never overwrites a teammate; it returns their text', async () => {
    const entry = (await getLab(LAB))!
    const report = entry.lab.manifest.tasks.find((t) => t.kind === 'report')
    if (!report || report.kind !== 'report') return
    const section = report.rubric.sections[0]!.id
    const snap = await teamSnapshot(learners[0]!, exerciseId, 'en')
    const mate = learners.find((l) => l.id === snap.members.find((m) => m.userId !== learners[0]!.id)!.userId)!
    const first = await rt.saveSection(learners[0]!, exerciseId, report.id, section, 'Timeline by A', 0)
    expect(first).toEqual({ saved: true, version: 1 })
    const stale = await rt.saveSection(mate, exerciseId, report.id, section, 'Timeline by B', 0)
    expect(stale).toMatchObject({ saved: false, current: { text: 'Timeline by A', version: 1, updatedBy: learners[0]!.name } })
    const merged = await rt.saveSection(mate, exerciseId, report.id, section, 'Timeline by A + B', 1)
    expect(merged).toEqual({ saved: true, version: 2 })
    // Concurrent saves of the same version: exactly one wins.
    const race = await Promise.all([rt.saveSection(learners[0]!, exerciseId, report.id, section, 'X', 2), rt.saveSection(mate, exerciseId, report.id, section, 'Y', 2)])
    expect(race.filter((r) => r.saved)).toHaveLength(1)
    const view = await teamSnapshot(mate, exerciseId, 'en')
    expect(view.reports[report.id]!.find((s) => s.sectionId === section)!.version).toBe(3)
  })

  test('malformed or hostile input gets a clear refusal and changes nothing', async () => {
    const me = learners[0]!
    const team = (await teamSnapshot(me, exerciseId, 'en')).team
    const before = { results: await getDb().exerciseTaskResult.count(), attempts: await getDb().exerciseAttempt.count(), exercises: await getDb().exercise.count() }
    const base = { title: 'x', labId: LAB, startsAt: '2026-12-01T09:00', durationMinutes: 60, teamSize: 2, memberIds: [me.id] }
    await expect(rt.create(instructor, { ...base, labId: 'no-such-lab' })).rejects.toThrow(/No such lab/)
    await expect(rt.create(instructor, { ...base, startsAt: '2026-02-30T09:00' })).rejects.toThrow(/INVALID_TIME/)
    await expect(rt.create(instructor, { ...base, memberIds: [] })).rejects.toThrow(/NO_MEMBERS/)
    await expect(rt.create(instructor, { ...base, memberIds: ['not-a-user'] })).rejects.toThrow(/NO_MEMBERS/)
    await expect(rt.check(me, exerciseId, 'no-such-task', 'en')).rejects.toThrow(/No such task/)
    await expect(rt.answer(me, exerciseId, 'incident-report', 'x')).rejects.toThrow(/Not an answer task/)
    await expect(rt.revealHint(me, exerciseId, 'patient-zero', 9, 'en')).rejects.toThrow(/No such hint/)
    await expect(rt.saveSection(me, exerciseId, 'incident-report', '__proto__', 'x', 0)).rejects.toThrow(/No such section/)
    await expect(rt.issueTicket(me, exerciseId, '../../etc')).rejects.toThrow(/No such host/)
    await expect(rt.moveMember(instructor, exerciseId, me.id, 1)).rejects.toThrow(/INVALID_STATE/)
    // An oversized answer is refused without being graded or counted (the team's one attempt stays).
    expect(await rt.answer(me, exerciseId, 'patient-zero', 'w'.repeat(10_000))).toEqual({ status: 'rejected', reason: 'too-long' })
    // A save naming a version that never existed writes nothing and returns what is stored.
    const section = (await teamSnapshot(me, exerciseId, 'en')).reports['incident-report']![0]!
    expect(await rt.saveSection(me, exerciseId, 'incident-report', section.sectionId, 'overwrite?', 99)).toMatchObject({ saved: false, current: { text: section.text, version: section.version } })
    expect({ results: await getDb().exerciseTaskResult.count(), attempts: await getDb().exerciseAttempt.count(), exercises: await getDb().exercise.count() }).toEqual(before)
    expect((await teamSnapshot(me, exerciseId, 'en')).team.score).toBe(team.score)
  })

  test('pause stops work; resume continues; extend moves the end', async () => {
    const before = (await consoleSnapshot(instructor, exerciseId, 'en')).clock.endsAt
    await rt.pause(instructor, exerciseId)
    const check = (await getLab(LAB))!.lab.manifest.tasks.find((t) => t.kind === 'check')!
    await expect(rt.check(learners[0]!, exerciseId, check.id, 'en')).rejects.toThrow(/PAUSED/)
    await rt.resume(instructor, exerciseId)
    await rt.extend(instructor, exerciseId, 15)
    const after = await consoleSnapshot(instructor, exerciseId, 'en')
    expect(after.clock.endsAt - before).toBeGreaterThanOrEqual(15 * 60_000)
    expect(after.exercise.state).toBe('open')
    expect(after.teams).toHaveLength(2)
    expect(after.teams.some((t) => t.tasksPassed > 0)).toBe(true)
  })

  test('a host that dies on its own (not stopped by the exercise): the team gets a new environment, the other team is untouched', async () => {
    const teams = await getDb().exerciseTeam.findMany({ where: { exerciseId }, orderBy: { slot: 'asc' } })
    const [victim, other] = [envOf(teams[0]!)!, envOf(teams[1]!)!]
    const results = await getDb().exerciseTaskResult.count({ where: { teamId: teams[0]!.id } })
    // Stopped behind the runtime's back, as a crash or the time limit would.
    await driver.stop(victim.hosts[0]!.sandboxId)
    await until('a new environment', async () => {
      const t = await getDb().exerciseTeam.findUniqueOrThrow({ where: { id: teams[0]!.id } })
      return t.envState === 'ready' && envOf(t)!.networkId !== victim.networkId
    })
    await rt.settle()
    const now = envOf(await getDb().exerciseTeam.findUniqueOrThrow({ where: { id: teams[0]!.id } }))!
    for (const h of now.hosts) expect((await driver.status(h.sandboxId))?.state).toBe('ready')
    // The rest of the broken environment is gone, the other team's is as it was.
    for (const h of victim.hosts) expect((await driver.status(h.sandboxId))?.state ?? 'stopped').toBe('stopped')
    expect(await readTeamNetwork(victim.networkId)).toBeUndefined()
    expect(envOf(await getDb().exerciseTeam.findUniqueOrThrow({ where: { id: teams[1]!.id } }))!.networkId).toBe(other.networkId)
    for (const h of other.hosts) expect((await driver.status(h.sandboxId))?.state).toBe('ready')
    expect(await getDb().exerciseTaskResult.count({ where: { teamId: teams[0]!.id } })).toBe(results)
    const ev = await getDb().exerciseEvent.findMany({ where: { exerciseId, teamId: teams[0]!.id, type: 'env' } })
    expect(ev.some((e) => e.detail?.includes('"failed"'))).toBe(true)
  }, 120_000)

  test('a server crash mid-exercise: the next boot brings every team environment back, progress kept', async () => {
    const before = await getDb().exerciseTeam.findMany({ where: { exerciseId }, orderBy: { slot: 'asc' } })
    const results = await getDb().exerciseTaskResult.count({ where: { teamId: { in: before.map((t) => t.id) } } })
    // The crash: every sandbox dies with the process (which hears nothing more); team networks and
    // database rows stay behind.
    crashed = true
    await driver.stopAll()
    for (const t of before) expect(await readTeamNetwork(envOf(t)!.networkId)).toBeDefined()
    // The next server: a fresh driver and runtime, booted like server.ts does.
    const driver2 = new BwrapDriver({ maxConcurrentStarts: 4, reapScope: 'srv' })
    const rt2 = new ExerciseRuntime(() => driver2)
    await rt2.boot()
    await until('environments back', async () => (await getDb().exerciseTeam.count({ where: { exerciseId, envState: 'ready' } })) === 2)
    const after = await getDb().exerciseTeam.findMany({ where: { exerciseId }, orderBy: { slot: 'asc' } })
    for (const [i, t] of after.entries()) {
      const env = envOf(t)!
      const old = envOf(before[i]!)!
      expect(env.networkId).not.toBe(old.networkId)
      // The crashed server's network is gone; the new one is up with every host running.
      expect(await readTeamNetwork(old.networkId)).toBeUndefined()
      for (const h of env.hosts) expect((await driver2.status(h.sandboxId))?.state).toBe('ready')
    }
    expect(await getDb().exerciseTaskResult.count({ where: { teamId: { in: after.map((t) => t.id) } } })).toBe(results)
    const ev = await getDb().exerciseEvent.findMany({ where: { exerciseId, type: 'env' } })
    expect(ev.some((e) => e.detail?.includes('restarting'))).toBe(true)
    // Members work on: a terminal on the new sandbox through a fresh ticket.
    const manager = new LabSessionManager(driver2, { reapOnBoot: false })
    const snap = await teamSnapshot(learners[0]!, exerciseId, 'en')
    const r = await manager.redeemTicket(await rt2.issueTicket(learners[0]!, exerciseId, snap.hosts[0]!.name), learners[0]!.id)
    expect(after.flatMap((t) => envOf(t)!.hosts.map((h) => h.sandboxId))).toContain(r?.sandboxId)
    // From here on the test's runtime drives the new server's sandboxes.
    rt = rt2
    driverNow = driver2
  }, 180_000)

  test('closing runs the final checks, stops every environment, keeps evidence; the debrief has both timelines', async () => {
    const teams = await getDb().exerciseTeam.findMany({ where: { exerciseId } })
    const envs = teams.map((t) => envOf(t)!)
    const evidence = await getDb().evidence.count({ where: { sourceType: 'exercise-task' } })
    await rt.close(instructor, exerciseId, 'en')
    for (const env of envs) {
      expect(await readTeamNetwork(env.networkId)).toBeUndefined()
      for (const h of env.hosts) expect((await driverNow.status(h.sandboxId))?.state ?? 'stopped').toBe('stopped')
    }
    expect(await getDb().exerciseTeam.count({ where: { exerciseId, envState: 'stopped' } })).toBe(2)
    expect(await getDb().evidence.count({ where: { sourceType: 'exercise-task' } })).toBe(evidence)
    expect(await getDb().exerciseAttempt.count({ where: { teamId: { in: teams.map((t) => t.id) }, kind: 'final-check' } })).toBeGreaterThan(0)
    // Nothing is accepted any more.
    await expect(rt.join(learners[0]!, exerciseId)).rejects.toThrow(/CLOSED/)
    const d = await debriefView(instructor, exerciseId, 'en')
    expect(d.teams).toHaveLength(2)
    for (const t of d.teams) {
      expect(t.timeline.some((e) => e.type === 'open')).toBe(true)
      expect(t.timeline.some((e) => e.type === 'join')).toBe(true)
    }
    expect(d.modelAnswers.length).toBe((await getLab(LAB))!.lab.manifest.tasks.length)
    const csv = await debriefCsv(instructor, exerciseId, 'en')
    expect(csv.split('\r\n').length).toBe(2 + 2 * (await getLab(LAB))!.lab.manifest.tasks.length)
    await expect(debriefView(foreign, exerciseId, 'en')).rejects.toThrow(/No such exercise/)
  }, 120_000)
})
