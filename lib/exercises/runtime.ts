import 'server-only'
import { createHash, randomBytes, randomInt } from 'node:crypto'
import { getDb } from '../db/client'
import { isUniqueViolation } from '../db/errors'
import { DomainError } from '../errors'
import type { Viewer } from '../auth/session'
import { audit } from '../auth/audit'
import { can } from '../auth/rbac'
import { getLab, type CatalogEntry } from '../labs/catalog'
import { labSessions } from '../labs/sessions/manager'
import { provisionSandbox, runCheck } from '../labs/runtime/provision'
import { provisionTeam, runTeamCheck, stopTeamEnvironment, type TeamEnvironment } from '../labs/runtime/team'
import { destroyTeamNetwork, listTeamNetworks } from '../labs/sandbox/team-network'
import type { SandboxDriver, TerminalSize, TerminalStream } from '../labs/sandbox/types'
import type { Language, LabTask } from '../labs/package/manifest'
import { computeLabScore, earnedPoints, gradeAnswer, gradeChoice, scoreReport, type TaskProgress } from '../labs/package/grading'
import { labFramework } from '../labs/package/framework'
import { recordEvidence } from '../progress/record'
import { publish } from '../progress/publish'
import { appTimeZone } from '../i18n/time-zone'
import { allowed, assignHosts, balanceTeams, clockOf, environmentIds, MAX_TEAMS, parseLocalDateTime, teamName, windowOver, type Transition } from './schedule'
import type { InjectKind } from './types'

/**
 * Exercise days (CYDER, issue #9, decision 011): scheduling, team environments, grading by team with
 * attribution to the member, injects, pause/extend/close. Everything that matters lives in the
 * database (state, environments' ids, attempts, results, the event timeline); the only process
 * memory is which team environments this process is starting right now.
 *
 * Access: instructor operations take an exercise of the viewer's organisation (another organisation's
 * exercise is "not found"); member operations take the viewer's own team (another team's is "not found").
 * Team environments run on this process's sandbox driver: team networks are local to one host, and
 * the lab runners' API does not carry them yet (KENSHU_RUNNERS → RUNNERS_UNSUPPORTED).
 */

export type EnvironmentRecord = { solo: boolean } & TeamEnvironment

/** A team environment outlives the window by this much at most (the close stops it sooner). */
const ENV_GRACE_SEC = 2 * 3600
const MAX_ENV_SEC = 24 * 3600
/** Team environments started at once when an exercise opens (the driver also bounds starts). */
const OPEN_CONCURRENCY = Number(process.env.KENSHU_EXERCISE_START_CONCURRENCY ?? 4)

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
const json = (v: unknown) => JSON.stringify(v)

export type CreateInput = {
  title: string
  labId: string
  startsAt: string
  durationMinutes: number
  teamSize: number
  memberIds: string[]
}

type ExerciseRow = NonNullable<Awaited<ReturnType<ReturnType<typeof getDb>['exercise']['findFirst']>>>
type TeamRow = NonNullable<Awaited<ReturnType<ReturnType<typeof getDb>['exerciseTeam']['findFirst']>>>

export class ExerciseRuntime {
  /** teamId → the start in progress in this process. */
  private readonly starting = new Map<string, Promise<void>>()
  private booted: Promise<void> | undefined

  constructor(private readonly driverOf: () => SandboxDriver = () => labSessions().driver) {}

  private get driver() {
    return this.driverOf()
  }

  // ── access ────────────────────────────────────────────────────────────────────────────────────────

  /** An exercise of the instructor's organisation, or NOT_FOUND. */
  async forInstructor(viewer: Viewer, exerciseId: string): Promise<ExerciseRow> {
    const e = await getDb().exercise.findFirst({ where: { id: exerciseId, organizationId: viewer.organizationId } })
    if (!e) throw new DomainError('NOT_FOUND', 'No such exercise')
    return e
  }

  /** The viewer's team in an exercise of their organisation, or NOT_FOUND. */
  async forMember(viewer: Viewer, exerciseId: string) {
    const db = getDb()
    const member = await db.exerciseMember.findUnique({ where: { exerciseId_userId: { exerciseId, userId: viewer.id } } })
    const exercise = member ? await db.exercise.findFirst({ where: { id: exerciseId, organizationId: viewer.organizationId } }) : null
    if (!member || !exercise) throw new DomainError('NOT_FOUND', 'No such exercise')
    const team = await db.exerciseTeam.findUniqueOrThrow({ where: { id: member.teamId } })
    return { exercise: await this.settleClock(exercise), team, member }
  }

  private async labOf(labId: string): Promise<CatalogEntry> {
    const entry = await getLab(labId)
    if (!entry) throw new DomainError('NOT_FOUND', 'No such lab')
    return entry
  }

  /** An open exercise whose window ran out is closed on the next look (any instance, any reader). */
  async settleClock(e: ExerciseRow): Promise<ExerciseRow> {
    if (!windowOver(e, Date.now())) return e
    await this.closeExercise(e, 'en', null, 'time').catch((err: unknown) => console.error('exercises: auto-close failed', err))
    return getDb().exercise.findUniqueOrThrow({ where: { id: e.id } })
  }

  private async transition(e: ExerciseRow, action: Transition, data: Record<string, unknown>) {
    if (!allowed(action, e.state)) throw new DomainError('CONFLICT', `INVALID_STATE: ${action} while ${e.state}`)
    // Compare-and-swap on the state: two instructors (or two instances) never both open or close.
    const r = await getDb().exercise.updateMany({ where: { id: e.id, state: e.state }, data })
    if (r.count !== 1) throw new DomainError('CONFLICT', `INVALID_STATE: ${action} raced`)
  }

  private async event(exerciseId: string, type: string, rest: { teamId?: string | null; userId?: string | null; taskId?: string | null; passed?: boolean | null; detail?: Record<string, unknown> } = {}) {
    await getDb().exerciseEvent.create({
      data: {
        exerciseId,
        type,
        teamId: rest.teamId ?? null,
        userId: rest.userId ?? null,
        taskId: rest.taskId ?? null,
        passed: rest.passed ?? null,
        detail: rest.detail ? json(rest.detail).slice(0, 2000) : null,
      },
    })
  }

  // ── instructor ────────────────────────────────────────────────────────────────────────────────────

  async create(viewer: Viewer, input: CreateInput): Promise<string> {
    const db = getDb()
    const entry = await this.labOf(input.labId)
    const startsAt = parseLocalDateTime(input.startsAt, appTimeZone())
    if (!startsAt) throw new DomainError('INVALID', 'INVALID_TIME', 'startsAt')
    const ids = [...new Set(input.memberIds)]
    if (!ids.length) throw new DomainError('INVALID', 'NO_MEMBERS', 'member')
    // Participants: members of the instructor's organisation who may use labs.
    const memberships = await db.membership.findMany({
      where: { organizationId: viewer.organizationId, userId: { in: ids }, user: { disabled: false } },
      select: { userId: true, role: true },
    })
    const people = ids.filter((id) => memberships.some((m) => m.userId === id && can(m.role, 'lab:use')))
    if (people.length !== ids.length) throw new DomainError('INVALID', 'NO_MEMBERS', 'member')
    const teams = balanceTeams(people, input.teamSize)
    if (teams.length > MAX_TEAMS) throw new DomainError('INVALID', 'TOO_MANY_TEAMS', 'member')
    const terminalHosts = (entry.lab.manifest.hosts ?? []).filter((h) => h.terminal !== false).map((h) => h.name)
    const maxScore = entry.lab.manifest.tasks.reduce((n, t) => n + t.points, 0)
    const exercise = await db.$transaction(async (tx) => {
      const e = await tx.exercise.create({
        data: {
          organizationId: viewer.organizationId,
          title: input.title,
          labId: input.labId,
          createdById: viewer.id,
          startsAt,
          endsAt: new Date(startsAt.getTime() + input.durationMinutes * 60_000),
          state: 'scheduled',
          seed: randomInt(1, 2 ** 31 - 1),
        },
      })
      for (const [i, members] of teams.entries()) {
        const hosts = assignHosts(members, terminalHosts)
        await tx.exerciseTeam.create({
          data: {
            exerciseId: e.id,
            name: teamName(i + 1),
            slot: i + 1,
            maxScore,
            members: { create: members.map((userId) => ({ exerciseId: e.id, userId, host: hosts.get(userId) ?? null })) },
          },
        })
      }
      return e
    })
    await this.event(exercise.id, 'schedule', { userId: viewer.id, detail: { teams: teams.length, members: people.length } })
    await audit({ action: 'exercise.create', organizationId: viewer.organizationId, actorId: viewer.id, target: exercise.id, detail: `${input.labId}, ${teams.length} teams` })
    return exercise.id
  }

  /** Moves a member to team `slot` (a new team when slot = teams + 1) before the opening. */
  async moveMember(viewer: Viewer, exerciseId: string, userId: string, slot: number) {
    const e = await this.forInstructor(viewer, exerciseId)
    if (!allowed('edit', e.state)) throw new DomainError('CONFLICT', 'INVALID_STATE')
    const db = getDb()
    const member = await db.exerciseMember.findUnique({ where: { exerciseId_userId: { exerciseId, userId } } })
    if (!member) throw new DomainError('NOT_FOUND', 'No such member')
    const teams = await db.exerciseTeam.findMany({ where: { exerciseId }, include: { _count: { select: { members: true } } }, orderBy: { slot: 'asc' } })
    let target = teams.find((t) => t.slot === slot)
    if (!target && slot === teams.length + 1 && slot <= MAX_TEAMS) {
      target = { ...(await db.exerciseTeam.create({ data: { exerciseId, name: teamName(slot), slot, maxScore: teams[0]?.maxScore ?? 0 } })), _count: { members: 0 } }
    }
    if (!target) throw new DomainError('INVALID', 'NO_SUCH_TEAM', 'slot')
    if (target.id === member.teamId) return
    if (target._count.members >= 4) throw new DomainError('CONFLICT', 'TEAM_FULL')
    const entry = await this.labOf(e.labId)
    const terminalHosts = (entry.lab.manifest.hosts ?? []).filter((h) => h.terminal !== false).map((h) => h.name)
    const host = terminalHosts.length ? terminalHosts[target._count.members % terminalHosts.length] : null
    await db.exerciseMember.update({ where: { exerciseId_userId: { exerciseId, userId } }, data: { teamId: target.id, host } })
    await this.event(exerciseId, 'teams', { teamId: target.id, userId: viewer.id, detail: { moved: userId } })
    // A team left empty is removed so that no environment starts for nobody.
    const left = await db.exerciseMember.count({ where: { teamId: member.teamId } })
    if (left === 0) await db.exerciseTeam.delete({ where: { id: member.teamId } })
  }

  /** Opens the exercise: every team's environment starts (in the background); members can join. */
  async open(viewer: Viewer, exerciseId: string, lang: Language) {
    const e = await this.forInstructor(viewer, exerciseId)
    await this.assertCanRun()
    const teams = await getDb().exerciseTeam.findMany({ where: { exerciseId }, orderBy: { slot: 'asc' } })
    if (!teams.length) throw new DomainError('CONFLICT', 'NO_MEMBERS')
    await this.transition(e, 'open', { state: 'open', openedAt: new Date() })
    await this.event(exerciseId, 'open', { userId: viewer.id })
    await audit({ action: 'exercise.open', organizationId: viewer.organizationId, actorId: viewer.id, target: exerciseId })
    void this.startTeams(exerciseId, teams, lang)
  }

  /** Starts the environments of `teams`, a few at a time. Resolves when all are ready or failed. */
  async startTeams(exerciseId: string, teams: ReadonlyArray<TeamRow>, lang: Language): Promise<void> {
    const queue = [...teams]
    const worker = async () => {
      for (let t = queue.shift(); t; t = queue.shift()) await this.startTeam(exerciseId, t.id, lang)
    }
    await Promise.all(Array.from({ length: Math.max(1, OPEN_CONCURRENCY) }, worker))
  }

  /** Starts one team's environment unless it is already starting or ready. Never throws. */
  startTeam(exerciseId: string, teamId: string, lang: Language): Promise<void> {
    const running = this.starting.get(teamId)
    if (running) return running
    const p = this.doStartTeam(exerciseId, teamId, lang)
      .catch((err: unknown) => console.error(`exercises: team ${teamId} failed to start`, err))
      .finally(() => this.starting.delete(teamId))
    this.starting.set(teamId, p)
    return p
  }

  private async doStartTeam(exerciseId: string, teamId: string, lang: Language) {
    const db = getDb()
    // Claim: only one process starts a team (idle/failed/stopped → starting).
    const claimed = await db.exerciseTeam.updateMany({ where: { id: teamId, envState: { in: ['idle', 'failed', 'stopped'] } }, data: { envState: 'starting', envError: null } })
    if (claimed.count !== 1) return
    const e = await db.exercise.findUniqueOrThrow({ where: { id: exerciseId } })
    const team = await db.exerciseTeam.findUniqueOrThrow({ where: { id: teamId } })
    const entry = await getLab(e.labId)
    const attempt = randomInt(0, 36 ** 2)
    const ids = environmentIds(teamId, attempt)
    const seed = teamSeed(e, team)
    // Until the end of the window plus a grace, but never beyond a day: an exercise opened weeks
    // before its scheduled window must not ask for a sandbox life of weeks (the close stops it anyway).
    const timeLimitSec = Math.min(MAX_ENV_SEC, Math.ceil(clockOf(e, Date.now()).remainingMs / 1000) + ENV_GRACE_SEC)
    const t0 = performance.now()
    try {
      if (!entry) throw new Error('lab no longer exists')
      let env: EnvironmentRecord
      if (entry.lab.manifest.hosts) {
        const p = await provisionTeam(this.driver, entry.lab, ids, { lang, seed, timeLimitSec, idleTimeoutSec: 0 })
        env = { solo: false, networkId: p.networkId, hosts: p.hosts, variables: p.variables }
      } else {
        // A solo lab run as a team exercise: one shared sandbox, one host.
        const sandboxId = ids.sandboxId('lab')
        const p = await provisionSandbox(this.driver, entry.lab, sandboxId, { lang, seed, timeLimitSec })
        env = { solo: true, networkId: '', hosts: [{ name: 'lab', address: '', sandboxId, listed: true, terminal: true }], variables: p.variables }
      }
      // Closed (or the team removed) while starting: take it down again.
      const current = await db.exercise.findUnique({ where: { id: exerciseId }, select: { state: true } })
      const stored = await db.exerciseTeam.updateMany({ where: { id: teamId, envState: 'starting' }, data: { envState: 'ready', environment: json(env) } })
      if (stored.count !== 1 || current?.state === 'closed') {
        await this.stopEnvironment(env)
        await db.exerciseTeam.updateMany({ where: { id: teamId }, data: { envState: 'stopped' } })
        return
      }
      await this.event(exerciseId, 'env', { teamId, detail: { state: 'ready', ms: Math.round(performance.now() - t0), hosts: env.hosts.length } })
    } catch (err) {
      const message = (err as Error).message.slice(0, 300)
      await db.exerciseTeam.updateMany({ where: { id: teamId }, data: { envState: 'failed', envError: message } })
      await this.event(exerciseId, 'env', { teamId, detail: { state: 'failed' } })
      throw err
    }
  }

  /** Sandboxes this runtime stops on purpose: their stop callbacks are not losses. */
  private readonly deliberate = new Set<string>()
  private readonly inflight = new Set<Promise<unknown>>()

  /**
   * A host sandbox ended without being asked to (crash, time limit, out of memory): the team's
   * environment is incomplete, so the rest of it stops and a new one starts (progress, evidence and
   * the report are in the database; what was on the hosts is not, as with a solo lab's resume).
   * Called by the driver's onStopped for exercise sandboxes (`srv-x…`, lib/labs/sessions/manager.ts).
   */
  onSandboxStopped(sandboxId: string, reason: string) {
    if (this.deliberate.delete(sandboxId)) return
    const p = this.recoverTeamOf(sandboxId, reason)
      .catch((err: unknown) => console.error('exercises: recovering an environment failed', err))
      .finally(() => this.inflight.delete(p))
    this.inflight.add(p)
  }

  private async recoverTeamOf(sandboxId: string, reason: string) {
    const db = getDb()
    const teams = await db.exerciseTeam.findMany({ where: { envState: 'ready', environment: { contains: `"${sandboxId}"` } } })
    for (const t of teams) {
      const env = envOf(t)
      if (!env?.hosts.some((h) => h.sandboxId === sandboxId)) continue
      const e = await db.exercise.findUnique({ where: { id: t.exerciseId }, select: { id: true, state: true } })
      if (!e || e.state === 'closed') continue
      const claimed = await db.exerciseTeam.updateMany({ where: { id: t.id, envState: 'ready', environment: t.environment }, data: { envState: 'failed', envError: `host stopped: ${reason}`.slice(0, 300) } })
      if (claimed.count !== 1) continue
      await this.event(e.id, 'env', { teamId: t.id, detail: { state: 'failed', reason: reason.slice(0, 100) } })
      await this.stopEnvironment(env).catch(() => {})
      await this.event(e.id, 'env', { teamId: t.id, detail: { state: 'restarting' } })
      await this.startTeam(e.id, t.id, 'en')
    }
  }

  private async stopEnvironment(env: EnvironmentRecord) {
    for (const h of env.hosts) this.deliberate.add(h.sandboxId)
    if (env.solo) await Promise.all(env.hosts.map((h) => this.driver.stop(h.sandboxId)))
    else await stopTeamEnvironment(this.driver, env)
  }

  private async assertCanRun() {
    if (process.env.KENSHU_RUNNERS) throw new DomainError('CONFLICT', 'RUNNERS_UNSUPPORTED')
    const availability = await this.driver.availability()
    if (!availability.available) throw new DomainError('CONFLICT', `SANDBOX_UNAVAILABLE: ${availability.reason}`)
  }

  async pause(viewer: Viewer, exerciseId: string) {
    const e = await this.settleClock(await this.forInstructor(viewer, exerciseId))
    await this.transition(e, 'pause', { state: 'paused', pausedAt: new Date() })
    await this.event(exerciseId, 'pause', { userId: viewer.id })
  }

  async resume(viewer: Viewer, exerciseId: string) {
    const e = await this.forInstructor(viewer, exerciseId)
    const pausedFor = e.pausedAt ? Date.now() - e.pausedAt.getTime() : 0
    await this.transition(e, 'resume', { state: 'open', pausedAt: null, pausedMs: e.pausedMs + pausedFor })
    await this.event(exerciseId, 'resume', { userId: viewer.id, detail: { pausedSec: Math.round(pausedFor / 1000) } })
  }

  async extend(viewer: Viewer, exerciseId: string, minutes: number) {
    const e = await this.settleClock(await this.forInstructor(viewer, exerciseId))
    if (e.extraMinutes + minutes > 480) throw new DomainError('INVALID', 'TOO_LONG', 'minutes')
    await this.transition(e, 'extend', { extraMinutes: e.extraMinutes + minutes })
    await this.event(exerciseId, 'extend', { userId: viewer.id, detail: { minutes } })
  }

  async close(viewer: Viewer, exerciseId: string, lang: Language) {
    const e = await this.forInstructor(viewer, exerciseId)
    await this.closeExercise(e, lang, viewer, 'instructor')
  }

  /**
   * Closes: state first (so no new work is accepted), then a final run of every unpassed check task
   * per team (recorded as the team's, without a member), then every environment stops. Evidence,
   * attempts, reports and the timeline stay.
   */
  private async closeExercise(e: ExerciseRow, lang: Language, viewer: Viewer | null, by: 'instructor' | 'time') {
    const pausedFor = e.state === 'paused' && e.pausedAt ? Date.now() - e.pausedAt.getTime() : 0
    await this.transition(e, 'close', { state: 'closed', closedAt: new Date(), pausedAt: null, pausedMs: e.pausedMs + pausedFor })
    await this.event(e.id, 'close', { userId: viewer?.id ?? null, detail: { by } })
    if (viewer) await audit({ action: 'exercise.close', organizationId: viewer.organizationId, actorId: viewer.id, target: e.id })
    const db = getDb()
    const entry = await getLab(e.labId)
    const teams = await db.exerciseTeam.findMany({ where: { exerciseId: e.id } })
    // A start still running in this process finishes first, then sees the closed state and stops.
    await Promise.allSettled(teams.map((t) => this.starting.get(t.id) ?? Promise.resolve()))
    await Promise.allSettled(
      teams.map(async (t) => {
        const env = envOf(t)
        if (!env || t.envState !== 'ready') return
        try {
          if (entry) await this.finalChecks(e, t, env, entry, lang)
        } finally {
          await this.stopEnvironment(env).catch((err: unknown) => console.error('exercises: stop failed', err))
          await db.exerciseTeam.update({ where: { id: t.id }, data: { envState: 'stopped' } })
          // An event, so that the live views (which re-read on a new event) show the stop at once.
          await this.event(e.id, 'env', { teamId: t.id, detail: { state: 'stopped' } })
        }
      }),
    )
  }

  private async finalChecks(e: ExerciseRow, t: TeamRow, env: EnvironmentRecord, entry: CatalogEntry, lang: Language) {
    const passed = new Set((await getDb().exerciseTaskResult.findMany({ where: { teamId: t.id }, select: { taskId: true } })).map((r) => r.taskId))
    for (const task of entry.lab.manifest.tasks) {
      if (task.kind !== 'check' || passed.has(task.id)) continue
      const outcome = await this.runTaskCheck(entry, env, task.id, { lang, seed: teamSeed(e, t) }).catch(() => null)
      if (!outcome) continue
      await this.record(e, t, entry, task, null, { kind: 'final-check', input: null, passed: outcome.status === 'pass', points: outcome.status === 'pass' ? task.points : 0, message: outcome.message })
    }
  }

  private runTaskCheck(entry: CatalogEntry, env: EnvironmentRecord, taskId: string, opts: { lang: Language; seed: number }) {
    const solo = env.solo ? env.hosts[0] : undefined
    if (solo) return runCheck(this.driver, entry.lab, solo.sandboxId, taskId, env.variables, opts)
    return runTeamCheck(this.driver, entry.lab, env, taskId, opts)
  }

  async inject(viewer: Viewer, exerciseId: string, input: { teamId: string | null; kind: InjectKind; title: string; body: string }) {
    const e = await this.settleClock(await this.forInstructor(viewer, exerciseId))
    if (!allowed('inject', e.state)) throw new DomainError('CONFLICT', 'INVALID_STATE')
    if (input.teamId && !(await getDb().exerciseTeam.findFirst({ where: { id: input.teamId, exerciseId } })))
      throw new DomainError('NOT_FOUND', 'No such team')
    const inject = await getDb().exerciseInject.create({
      data: { exerciseId, teamId: input.teamId, kind: input.kind, title: input.title, body: input.body, sentById: viewer.id },
    })
    await this.event(exerciseId, 'inject', { teamId: input.teamId, userId: viewer.id, detail: { injectId: inject.id, kind: input.kind, title: input.title.slice(0, 120) } })
  }

  // ── members ───────────────────────────────────────────────────────────────────────────────────────

  async join(viewer: Viewer, exerciseId: string) {
    const { exercise, member, team } = await this.forMember(viewer, exerciseId)
    if (exercise.state === 'scheduled') throw new DomainError('CONFLICT', 'NOT_OPEN')
    if (exercise.state === 'closed') throw new DomainError('CONFLICT', 'CLOSED')
    const now = new Date()
    await getDb().exerciseMember.update({ where: { exerciseId_userId: { exerciseId, userId: viewer.id } }, data: { joinedAt: member.joinedAt ?? now, lastSeenAt: now } })
    if (!member.joinedAt) await this.event(exerciseId, 'join', { teamId: team.id, userId: viewer.id })
    // An environment lost to a server restart or a failed start comes back when someone joins.
    if (team.envState !== 'ready' && team.envState !== 'starting') void this.startTeam(exerciseId, team.id, 'en')
  }

  /** Marks the member as present (their team view polls or streams). */
  async seen(exerciseId: string, userId: string) {
    // At most one write per member every 15 s (the team stream reads every second).
    const now = new Date()
    await getDb().exerciseMember.updateMany({
      where: { exerciseId, userId, joinedAt: { not: null }, OR: [{ lastSeenAt: null }, { lastSeenAt: { lt: new Date(now.getTime() - 15_000) } }] },
      data: { lastSeenAt: now },
    })
  }

  /** Work is accepted only while the exercise runs and the team's environment is ready. */
  private async working(viewer: Viewer, exerciseId: string, needEnv: boolean) {
    const m = await this.forMember(viewer, exerciseId)
    if (m.exercise.state === 'scheduled') throw new DomainError('CONFLICT', 'NOT_OPEN')
    if (m.exercise.state === 'paused') throw new DomainError('CONFLICT', 'PAUSED')
    if (m.exercise.state === 'closed') throw new DomainError('CONFLICT', 'CLOSED')
    const env = envOf(m.team)
    if (needEnv && (m.team.envState !== 'ready' || !env)) throw new DomainError('CONFLICT', 'NOT_READY')
    const entry = await this.labOf(m.exercise.labId)
    return { ...m, env, entry }
  }

  async issueTicket(viewer: Viewer, exerciseId: string, host: string): Promise<string> {
    const { team, env } = await this.working(viewer, exerciseId, true)
    const h = env?.hosts.find((x) => x.name === host)
    // Only the team's own terminal hosts: never a hidden host (e.g. the attacker's) nor another team's.
    if (!h || !h.terminal) throw new DomainError('NOT_FOUND', 'No such host')
    const ticket = randomBytes(24).toString('base64url')
    const db = getDb()
    await db.terminalTicket.deleteMany({ where: { expiresAt: { lt: new Date(Date.now() - 3600_000) } } })
    await db.terminalTicket.create({ data: { id: sha256(ticket), userId: viewer.id, labSessionId: team.id, kind: 'exercise', host, expiresAt: new Date(Date.now() + 60_000) } })
    await db.exerciseMember.update({ where: { exerciseId_userId: { exerciseId, userId: viewer.id } }, data: { activeHost: host, lastSeenAt: new Date() } })
    return ticket
  }

  /**
   * Consumes an exercise ticket for the terminal gateway: unexpired, unused, this user's, and the user
   * still a member of that team while it runs. Returns the host's sandbox and the member's own shell.
   */
  async redeemTicket(id: string, userId: string): Promise<{ sandboxId: string; shell: string } | null> {
    const db = getDb()
    const t = await db.terminalTicket.findUnique({ where: { id } })
    if (!t || t.kind !== 'exercise' || !t.host) return null
    const team = await db.exerciseTeam.findUnique({ where: { id: t.labSessionId } })
    const member = team ? await db.exerciseMember.findFirst({ where: { teamId: team.id, userId } }) : null
    const exercise = team ? await db.exercise.findUnique({ where: { id: team.exerciseId }, select: { state: true } }) : null
    if (!team || !member || !exercise || exercise.state === 'closed' || team.envState !== 'ready') return null
    const host = envOf(team)?.hosts.find((h) => h.name === t.host && h.terminal)
    if (!host) return null
    return { sandboxId: host.sandboxId, shell: shellName(userId) }
  }

  attach(sandboxId: string, size: TerminalSize, shell: string): Promise<TerminalStream> {
    return this.driver.attach(sandboxId, size, { shell })
  }

  async check(viewer: Viewer, exerciseId: string, taskId: string, lang: Language) {
    const w = await this.working(viewer, exerciseId, true)
    const task = taskOf(w.entry, taskId)
    if (task.kind !== 'check') throw new DomainError('INVALID', 'Not a check task')
    const outcome = await this.runTaskCheck(w.entry, w.env as EnvironmentRecord, taskId, { lang, seed: teamSeed(w.exercise, w.team) })
    const passed = outcome.status === 'pass'
    await this.record(w.exercise, w.team, w.entry, task, viewer.id, { kind: 'check', input: null, passed, points: passed ? task.points : 0, message: outcome.message })
    return { passed, status: outcome.status, message: outcome.message }
  }

  private async history(teamId: string, taskId: string) {
    const db = getDb()
    const [previousIncorrect, passed] = await Promise.all([
      db.exerciseAttempt.count({ where: { teamId, taskId, passed: false, kind: { in: ['answer', 'choice'] } } }),
      db.exerciseTaskResult.findUnique({ where: { teamId_taskId: { teamId, taskId } } }),
    ])
    return { previousIncorrect, alreadyPassed: !!passed }
  }

  async answer(viewer: Viewer, exerciseId: string, taskId: string, input: string): Promise<Record<string, string>> {
    const w = await this.working(viewer, exerciseId, false)
    const task = taskOf(w.entry, taskId)
    if (task.kind !== 'answer') throw new DomainError('INVALID', 'Not an answer task')
    const h = await this.history(w.team.id, taskId)
    if (h.alreadyPassed) return { status: 'already-passed' }
    const grade = gradeAnswer(task, input, envOf(w.team)?.variables ?? {}, h)
    if (grade.status === 'rejected') return { status: 'rejected', reason: grade.reason }
    if (grade.status === 'error') return { status: 'error' }
    const passed = grade.status === 'correct'
    await this.record(w.exercise, w.team, w.entry, task, viewer.id, { kind: 'answer', input: input.slice(0, 256), passed, points: passed ? task.points : 0, message: null })
    return { status: grade.status, ...(grade.status === 'incorrect' && grade.attemptsLeft !== null ? { attemptsLeft: String(grade.attemptsLeft) } : {}) }
  }

  async choose(viewer: Viewer, exerciseId: string, taskId: string, selected: string[]): Promise<Record<string, string>> {
    const w = await this.working(viewer, exerciseId, false)
    const task = taskOf(w.entry, taskId)
    if (task.kind !== 'choice') throw new DomainError('INVALID', 'Not a choice task')
    const h = await this.history(w.team.id, taskId)
    if (h.alreadyPassed) return { status: 'already-passed' }
    const grade = gradeChoice(task, selected, h)
    if (grade.status === 'rejected') return { status: 'rejected', reason: grade.reason }
    const passed = grade.status === 'correct'
    await this.record(w.exercise, w.team, w.entry, task, viewer.id, { kind: 'choice', input: json(selected.slice(0, 12)), passed, points: earnedPoints(task, { passed, fraction: grade.fraction }), message: null })
    return { status: grade.status, ...(grade.attemptsLeft !== null ? { attemptsLeft: String(grade.attemptsLeft) } : {}) }
  }

  /**
   * Saves one section of the team report if `version` is the stored one (0 = not yet written);
   * otherwise nothing is written and the current text comes back, so a teammate's edit is never lost.
   */
  async saveSection(viewer: Viewer, exerciseId: string, taskId: string, sectionId: string, text: string, version: number) {
    const w = await this.working(viewer, exerciseId, false)
    const task = taskOf(w.entry, taskId)
    if (task.kind !== 'report' || !task.rubric.sections.some((s) => s.id === sectionId)) throw new DomainError('NOT_FOUND', 'No such section')
    const db = getDb()
    const key = { teamId: w.team.id, taskId, sectionId }
    const stale = async () => {
      const cur = await db.exerciseReportSection.findUnique({ where: { teamId_taskId_sectionId: key } })
      const by = cur ? await db.user.findUnique({ where: { id: cur.updatedById }, select: { name: true } }) : null
      return { saved: false as const, current: { text: cur?.text ?? '', version: cur?.version ?? 0, updatedBy: by?.name ?? null } }
    }
    if (version === 0) {
      try {
        await db.exerciseReportSection.create({ data: { ...key, text, version: 1, updatedById: viewer.id } })
      } catch (err) {
        if (!isUniqueViolation(err)) throw err
        return stale()
      }
    } else {
      const r = await db.exerciseReportSection.updateMany({ where: { ...key, version }, data: { text, version: version + 1, updatedById: viewer.id } })
      if (r.count !== 1) return stale()
    }
    await this.event(exerciseId, 'report-edit', { teamId: w.team.id, userId: viewer.id, taskId, detail: { sectionId, chars: text.length } })
    return { saved: true as const, version: version + 1 }
  }

  /** Grades the team report as saved (every section's latest version). */
  async submitReport(viewer: Viewer, exerciseId: string, taskId: string): Promise<Record<string, string>> {
    const w = await this.working(viewer, exerciseId, false)
    const task = taskOf(w.entry, taskId)
    if (task.kind !== 'report') throw new DomainError('INVALID', 'Not a report task')
    const rows = await getDb().exerciseReportSection.findMany({ where: { teamId: w.team.id, taskId } })
    const sections = Object.fromEntries(rows.map((r) => [r.sectionId, r.text]))
    const score = scoreReport(task, sections, envOf(w.team)?.variables ?? {})
    await this.record(w.exercise, w.team, w.entry, task, viewer.id, {
      kind: 'report',
      input: json(sections).slice(0, 60_000),
      passed: score.passed,
      points: earnedPoints(task, { passed: score.passed, rubricScore: score.score }),
      message: null,
    })
    return {
      status: score.passed ? 'correct' : 'incorrect',
      score: String(score.score),
      maxScore: String(score.maxScore),
      passMark: String(score.passMark),
      missing: score.missingSections.join(','),
      found: score.facts.filter((f) => f.found).length + '/' + score.facts.length,
    }
  }

  async revealHint(viewer: Viewer, exerciseId: string, taskId: string, hintIndex: number, lang: Language): Promise<string> {
    const w = await this.working(viewer, exerciseId, false)
    const task = taskOf(w.entry, taskId)
    const hint = task.hints[hintIndex]
    if (!hint) throw new DomainError('NOT_FOUND', 'No such hint')
    const db = getDb()
    const opened = await db.exerciseHint.count({ where: { teamId: w.team.id, taskId } })
    if (hintIndex > opened) throw new DomainError('INVALID', 'Open the earlier hints first')
    try {
      await db.exerciseHint.create({ data: { teamId: w.team.id, taskId, hintIndex, penalty: hint.penalty, userId: viewer.id } })
      await this.event(exerciseId, 'hint', { teamId: w.team.id, userId: viewer.id, taskId, detail: { hintIndex, penalty: hint.penalty } })
      await this.rescore(w.team.id, w.entry)
    } catch (err) {
      if (!isUniqueViolation(err)) throw err
    }
    return hint.text[lang]
  }

  /**
   * One attempt: the append-only row, the timeline event, and on the team's first pass the result
   * (attributed to the member) with the member's evidence, atomically; then the team's score.
   */
  private async record(
    e: ExerciseRow,
    t: TeamRow,
    entry: CatalogEntry,
    task: LabTask,
    userId: string | null,
    a: { kind: string; input: string | null; passed: boolean; points: number; message: string | null },
  ) {
    const db = getDb()
    const attempt = await db.exerciseAttempt.create({ data: { teamId: t.id, taskId: task.id, userId, kind: a.kind, input: a.input, passed: a.passed, points: a.points, message: a.message?.slice(0, 500) ?? null } })
    const statements = task.statements.length ? task.statements : entry.lab.manifest.framework.statements
    const frameworkId = labFramework(entry.lab.manifest.framework.id).id
    let first = false
    if (a.passed) {
      try {
        await db.$transaction(async (tx) => {
          await tx.exerciseTaskResult.create({ data: { teamId: t.id, taskId: task.id, userId, points: a.points } })
          if (userId)
            await recordEvidence(
              { userId, organizationId: e.organizationId, frameworkId, statementIds: statements, kind: 'lab-task', score: task.points ? a.points / task.points : 1, sourceType: 'exercise-task', sourceId: `${t.id}:${task.id}` },
              tx,
            )
        })
        first = true
      } catch (err) {
        if (!isUniqueViolation(err)) throw err
      }
    }
    await this.event(e.id, a.kind === 'final-check' ? 'check' : a.kind, { teamId: t.id, userId, taskId: task.id, passed: a.passed, detail: { points: a.points, first, final: a.kind === 'final-check' || undefined, input: a.kind === 'answer' && !a.passed ? a.input : undefined } })
    await this.rescore(t.id, entry)
    if (userId)
      await publish({
        type: 'lab-task',
        who: { userId, organizationId: e.organizationId },
        labId: e.labId,
        taskId: task.id,
        labSessionId: t.id,
        attemptId: attempt.id,
        passed: a.passed,
        scaled: task.points ? Math.max(0, Math.min(1, a.points / task.points)) : a.passed ? 1 : 0,
        frameworkId,
        statementIds: statements,
        at: attempt.createdAt,
      })
  }

  private async rescore(teamId: string, entry: CatalogEntry) {
    const db = getDb()
    const [attempts, results, hints, team] = await Promise.all([
      db.exerciseAttempt.groupBy({ by: ['taskId'], where: { teamId }, _max: { points: true } }),
      db.exerciseTaskResult.findMany({ where: { teamId }, select: { taskId: true } }),
      db.exerciseHint.findMany({ where: { teamId }, select: { taskId: true, hintIndex: true } }),
      db.exerciseTeam.findUniqueOrThrow({ where: { id: teamId }, select: { completedAt: true, exerciseId: true } }),
    ])
    const progress: Record<string, TaskProgress> = {}
    for (const t of entry.lab.manifest.tasks)
      progress[t.id] = {
        earned: attempts.find((a) => a.taskId === t.id)?._max.points ?? 0,
        passed: results.some((r) => r.taskId === t.id),
        hintsTaken: hints.filter((h) => h.taskId === t.id).map((h) => h.hintIndex),
      }
    const score = computeLabScore(entry.lab.manifest.tasks, progress)
    const completing = score.allPassed && !team.completedAt
    await db.exerciseTeam.update({
      where: { id: teamId },
      data: { score: score.score, maxScore: score.maxScore, hintPenalty: score.tasks.reduce((n, x) => n + x.penalty, 0), ...(completing ? { completedAt: new Date() } : {}) },
    })
    if (completing) await this.event(team.exerciseId, 'complete', { teamId, detail: { score: score.score } })
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * Server start (after the lab manager reaped its `srv-*` sandboxes): team networks of a previous
   * server are destroyed, environments of running exercises are marked stopped and started again.
   */
  boot(): Promise<void> {
    this.booted ??= (async () => {
      if (process.env.KENSHU_RUNNERS) return
      const db = getDb()
      for (const n of await listTeamNetworks().catch(() => [])) {
        if (n.id.startsWith('srv-x')) await destroyTeamNetwork(n.id).catch(() => {})
      }
      await db.exerciseTeam.updateMany({ where: { envState: { in: ['starting', 'ready'] } }, data: { envState: 'stopped', envError: 'server restart' } })
      const running = await db.exercise.findMany({ where: { state: { in: ['open', 'paused'] } }, include: { teams: true } })
      for (const e of running) {
        await this.event(e.id, 'env', { detail: { state: 'restarting' } })
        void this.startTeams(e.id, e.teams, 'en')
      }
    })()
    return this.booted
  }

  /** Waits for environment starts and recoveries of this process (tests, shutdown). */
  async settle() {
    while (this.starting.size || this.inflight.size) await Promise.allSettled([...this.starting.values(), ...this.inflight])
  }
}

/** Each team's scenario is drawn from its own seed (answers differ between teams). */
export function teamSeed(e: { seed: number }, t: { slot: number }): number {
  return (e.seed + t.slot * 7919) % 2 ** 31
}

/** A member's own shell on a shared host: derived from their user id. */
export function shellName(userId: string): string {
  return `m-${userId.toLowerCase().replace(/[^a-z0-9]/g, '').slice(-30)}`
}

export function envOf(team: { environment: string | null }): EnvironmentRecord | null {
  if (!team.environment) return null
  try {
    return JSON.parse(team.environment) as EnvironmentRecord
  } catch {
    return null
  }
}

function taskOf(entry: CatalogEntry, taskId: string): LabTask {
  const task = entry.lab.manifest.tasks.find((t) => t.id === taskId)
  if (!task) throw new DomainError('NOT_FOUND', 'No such task')
  return task
}

const g = globalThis as unknown as { kenshuExercises?: ExerciseRuntime }

/** The process-wide exercise runtime (shares the lab manager's sandbox driver). */
export function exerciseRuntime(): ExerciseRuntime {
  g.kenshuExercises ??= new ExerciseRuntime()
  return g.kenshuExercises
}
