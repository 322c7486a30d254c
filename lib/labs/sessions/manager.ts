import 'server-only'
import { isUniqueViolation } from '../../db/errors'
import { createHash, randomBytes, randomInt } from 'node:crypto'
import { getDb } from '../../db/client'
import { DomainError } from '../../errors'
import { getLab, type CatalogEntry } from '../catalog'
import { provisionSandbox, runCheck } from '../runtime/provision'
import { BwrapDriver } from '../sandbox/bwrap-driver'
import { checkAvailability } from '../sandbox/availability'
import type { SandboxDriver, TerminalSize, TerminalStream } from '../sandbox/types'
import type { Language } from '../package/manifest'
import {
  gradeAnswer,
  gradeChoice,
  scoreReport,
  earnedPoints,
  computeLabScore,
  type TaskProgress,
} from '../package/grading'
import { recordEvidence } from '../../progress/record'
import { labCompletionKind } from '../../progress/evidence'
import { publish } from '../../progress/publish'
import { labFramework } from '../package/framework'
import { runnerPoolFromEnv } from '../runner/pool'
import { labsDir } from '../../paths'

/**
 * Lab sessions: the start queue (queued → starting → ready, with the learner's position), a small
 * warm pool per lab, per-user and global caps, tickets for the terminal WebSocket, grading and
 * evidence. One instance per process (globalThis), shared by Next's server code and the custom
 * server's WebSocket gateway. Sandboxes live in the driver; everything that must survive a restart
 * (state, variables, attempts, results, evidence) lives in the database.
 */

export const LIVE_STATES = ['queued', 'starting', 'ready'] as const
export type SessionState = (typeof LIVE_STATES)[number] | 'interrupted' | 'stopped' | 'failed' | 'completed'

export type Progress = { state: SessionState; position: number; queueLength: number; error?: string }

type PoolEntry = { sandboxId: string; variables: Record<string, string>; seed: number; version: string; createdAt: number }

/** A warm sandbox older than this is replaced: its scenario clock and time limit started at setup. */
const MAX_WARM_AGE_MS = 15 * 60_000

export type ManagerOptions = {
  concurrency: number
  warmPerLab: number
  maxSessions: number
  maxPerUser: number
  ticketTtlMs: number
  /** Reap every sandbox left on the host at boot (the server: yes; tools and tests sharing the host: no). */
  reapOnBoot: boolean
  /**
   * Sandboxes live on separate lab runners shared by several web instances (`KENSHU_RUNNERS`): boot
   * must not interrupt sessions other instances serve, and a queued session whose instance died is
   * released after {@link STALE_START_MS}.
   */
  shared: boolean
}

/** A session queued or starting on another web instance for this long without progress is released. */
export const STALE_START_MS = 10 * 60_000

const defaults = (): ManagerOptions => ({
  concurrency: Number(process.env.KENSHU_START_CONCURRENCY ?? 2),
  warmPerLab: Number(process.env.KENSHU_WARM_POOL ?? 1),
  maxSessions: Number(process.env.KENSHU_MAX_SESSIONS ?? 250),
  maxPerUser: Number(process.env.KENSHU_MAX_SESSIONS_PER_USER ?? 2),
  ticketTtlMs: 60_000,
  reapOnBoot: true,
  shared: false,
})

export { isUniqueViolation }

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
/**
 * Sandbox ids start with `srv-`: the in-process server reaps only `srv-*` leftovers at boot, so it never
 * takes sandboxes of lab runners, labs:check or tests sharing the host (BwrapDriver `reapScope`).
 */
export const SANDBOX_SCOPE = 'srv'
const newSandboxId = () => `${SANDBOX_SCOPE}-${randomBytes(9).toString('hex')}`

export class LabSessionManager {
  private queue: string[] = []
  private starting = 0
  private progress = new Map<string, Progress>()
  private pool = new Map<string, PoolEntry[]>()
  private filling = new Set<string>()
  /** sandboxId → labSessionId, for driver callbacks (time limit, idle). */
  private bySandbox = new Map<string, string>()
  private deliberate = new Set<string>()
  private booted: Promise<void> | undefined
  readonly options: ManagerOptions

  constructor(
    readonly driver: SandboxDriver,
    options: Partial<ManagerOptions> = {},
  ) {
    this.options = { ...defaults(), ...options }
  }

  /** Called once at server start: reap sandboxes of a crashed server, mark their sessions interrupted. */
  boot(): Promise<void> {
    this.booted ??= (async () => {
      // At server start this driver has no sessions yet; what is there belongs to a crashed predecessor.
      if (this.options.shared) return this.reconcileShared()
      if (this.options.reapOnBoot)
        await this.driver
          .stopAll({ reapLeftovers: true })
          .catch((err: unknown) => console.error('labs: reaping leftovers failed', err))
      const { count } = await getDb().labSession.updateMany({
        where: { state: { in: [...LIVE_STATES] } },
        data: { state: 'interrupted', endReason: 'server restart', sandboxId: null, endedAt: new Date() },
      })
      if (count) console.log(`labs: ${count} session(s) interrupted by the restart can be resumed`)
    })()
    return this.booted
  }

  /**
   * Shared runners: sessions whose sandbox is on no reachable runner are interrupted (their runner died
   * or restarted while no web instance watched); everything else belongs to a live instance and stays.
   */
  private async reconcileShared() {
    const pool = this.driver as SandboxDriver & { ready?: () => Promise<void>; liveIds?: () => Set<string> }
    await pool.ready?.()
    const live = pool.liveIds?.()
    if (!live) return
    const ready = await getDb().labSession.findMany({
      where: { state: 'ready', sandboxId: { not: null } },
      select: { id: true, sandboxId: true },
    })
    const gone = ready.filter((s) => !live.has(s.sandboxId as string))
    for (const s of gone) this.onSandboxStopped(s.sandboxId as string, 'runner lost')
    await this.settle()
    if (gone.length) console.log(`labs: ${gone.length} session(s) whose runner is gone can be resumed`)
  }

  /**
   * Sandbox stopped by the driver (time limit, idle timeout, crash, lost runner): the learner is told
   * on next poll. Looked up by sandbox id, so with shared runners any web instance can record it.
   */
  onSandboxStopped(sandboxId: string, reason: string) {
    const id = this.bySandbox.get(sandboxId)
    this.bySandbox.delete(sandboxId)
    if (this.deliberate.delete(sandboxId)) return
    if (id) this.progress.delete(id)
    const write = getDb()
      .labSession.updateMany({
        where: { sandboxId, state: { in: [...LIVE_STATES] } },
        data: { state: 'interrupted', endReason: reason, endedAt: new Date(), sandboxId: null },
      })
      .catch((err: unknown) => console.error('labs: could not record stop', err))
      .finally(() => this.inflight.delete(write))
    this.inflight.add(write)
  }

  /** Writes started by driver callbacks that nobody awaits (stop records). */
  private readonly inflight = new Set<Promise<unknown>>()

  /** Resolves once every background write has finished: call before closing the database. */
  async settle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight])
  }

  // ── starting ────────────────────────────────────────────────────────────────────────────────────

  /** Starts (or returns the live) session of `userId` for `labId`. */
  async start(user: { id: string; organizationId: string }, labId: string, lang: Language): Promise<string> {
    await this.boot()
    const entry = await getLab(labId)
    if (!entry) throw new DomainError('NOT_FOUND', 'No such lab')
    if (entry.lab.manifest.hosts) throw new DomainError('INVALID', 'TEAM_LAB')
    const availability = await this.availability()
    if (!availability.available)
      throw new DomainError('CONFLICT', `SANDBOX_UNAVAILABLE: ${availability.reason}`)
    const db = getDb()
    const live = await db.labSession.findFirst({
      where: { userId: user.id, labId, state: { in: [...LIVE_STATES] } },
      select: { id: true },
    })
    if (live) return live.id
    const [globalLive, userLive] = await Promise.all([
      db.labSession.count({ where: { state: { in: [...LIVE_STATES] } } }),
      db.labSession.count({ where: { userId: user.id, state: { in: [...LIVE_STATES] } } }),
    ])
    if (userLive >= this.options.maxPerUser) throw new DomainError('CONFLICT', 'USER_LIMIT')
    if (globalLive >= this.options.maxSessions) throw new DomainError('CONFLICT', 'CAPACITY')
    const maxScore = entry.lab.manifest.tasks.reduce((n, t) => n + t.points, 0)
    const session = await db.labSession.create({
      data: {
        userId: user.id,
        organizationId: user.organizationId,
        labId,
        labVersion: entry.version,
        state: 'queued',
        seed: randomInt(1, 2 ** 31 - 1),
        maxScore,
      },
      select: { id: true },
    })
    this.enqueue(session.id, lang)
    return session.id
  }

  /** A new sandbox for an existing session (after a reset, restart, time-out or failure); progress is kept. */
  async resume(userId: string, labSessionId: string, lang: Language): Promise<void> {
    await this.boot()
    const s = await this.owned(userId, labSessionId)
    if ((LIVE_STATES as readonly string[]).includes(s.state)) return
    if (s.state === 'stopped') throw new DomainError('CONFLICT', 'SESSION_ENDED')
    const availability = await this.availability()
    if (!availability.available)
      throw new DomainError('CONFLICT', `SANDBOX_UNAVAILABLE: ${availability.reason}`)
    await getDb().labSession.update({
      where: { id: s.id },
      data: { state: 'queued', endReason: null, endedAt: null, lastActivityAt: new Date() },
    })
    this.enqueue(s.id, lang)
  }

  /** Throws away the sandbox and starts a fresh one with the same progress. */
  async reset(userId: string, labSessionId: string, lang: Language): Promise<void> {
    const s = await this.owned(userId, labSessionId)
    await this.stopSandbox(s.id, s.sandboxId)
    await getDb().labSession.update({
      where: { id: s.id },
      data: { state: 'interrupted', sandboxId: null, endReason: 'reset' },
    })
    await this.resume(userId, labSessionId, lang)
  }

  /** Ends the session for good (a retake starts a new one). */
  async stop(userId: string, labSessionId: string): Promise<void> {
    const s = await this.owned(userId, labSessionId)
    await this.stopSandbox(s.id, s.sandboxId)
    await getDb().labSession.update({
      where: { id: s.id },
      data: {
        state: s.state === 'completed' ? 'completed' : 'stopped',
        sandboxId: null,
        endedAt: new Date(),
        endReason: 'stopped by learner',
      },
    })
  }

  private async stopSandbox(labSessionId: string, sandboxId: string | null) {
    this.queue = this.queue.filter((q) => q !== labSessionId)
    this.progress.delete(labSessionId)
    if (!sandboxId) return
    this.deliberate.add(sandboxId)
    this.bySandbox.delete(sandboxId)
    await this.driver.stop(sandboxId)
  }

  private langOf = new Map<string, Language>()
  private availabilityCache: { at: number; value: ReturnType<typeof checkAvailability> } | undefined

  /** The sandbox probe spawns processes: cache it for a minute (a burst of starts asks 50 times). */
  private availability() {
    if (process.env.KENSHU_SANDBOX === 'off')
      return Promise.resolve({ available: false as const, driver: this.driver.name, reason: 'disabled by KENSHU_SANDBOX=off' })
    // Runners report their health with every poll: no probe to cache.
    if (this.options.shared) return this.driver.availability()
    if (!this.availabilityCache || Date.now() - this.availabilityCache.at > 60_000)
      this.availabilityCache = { at: Date.now(), value: checkAvailability() }
    return this.availabilityCache.value
  }

  /** Fills the warm pool of every lab, one lab after another (server start). */
  async warmAll(): Promise<void> {
    const { labCatalog } = await import('../catalog')
    for (const entry of (await labCatalog()).labs.values()) await this.fillPool(entry)
  }

  /** Stops this instance's warm sandboxes (shutdown: with shared runners nobody else would). */
  async drainPool(): Promise<void> {
    const entries = [...this.pool.values()].flat()
    this.pool.clear()
    await Promise.allSettled(entries.map((p) => this.driver.stop(p.sandboxId)))
  }

  /** Ready sandboxes waiting in the warm pool of a lab. */
  poolSize(labId: string): number {
    return this.pool.get(labId)?.length ?? 0
  }

  private enqueue(labSessionId: string, lang: Language) {
    this.langOf.set(labSessionId, lang)
    this.queue.push(labSessionId)
    this.refreshPositions()
    this.pump()
  }

  private refreshPositions() {
    this.queue.forEach((id, i) =>
      this.progress.set(id, { state: 'queued', position: i + 1, queueLength: this.queue.length }),
    )
  }

  private pump() {
    while (this.starting < this.options.concurrency && this.queue.length > 0) {
      const id = this.queue.shift() as string
      this.starting++
      this.progress.set(id, { state: 'starting', position: 0, queueLength: this.queue.length })
      void this.provision(id).finally(() => {
        this.starting--
        this.pump()
      })
    }
    this.refreshPositions()
  }

  private async provision(labSessionId: string) {
    const db = getDb()
    // Needed only for this start (a resume enqueues it again): not kept for the session's lifetime.
    const lang = this.langOf.get(labSessionId) ?? 'en'
    this.langOf.delete(labSessionId)
    try {
      const s = await db.labSession.findUniqueOrThrow({ where: { id: labSessionId } })
      const entry = await getLab(s.labId)
      if (!entry) throw new Error('lab no longer exists')
      await db.labSession.update({ where: { id: s.id }, data: { state: 'starting', lastActivityAt: new Date() } })
      const warm = this.takeWarm(entry)
      let sandboxId: string
      let variables: Record<string, string>
      if (warm) {
        ;({ sandboxId, variables } = warm)
      } else {
        sandboxId = newSandboxId()
        this.bySandbox.set(sandboxId, labSessionId)
        variables = (
          await provisionSandbox(this.driver, entry.lab, sandboxId, {
            lang,
            seed: s.seed,
          })
        ).variables
      }
      this.bySandbox.set(sandboxId, labSessionId)
      // The session may have been stopped while its sandbox was starting.
      const updated = await db.labSession.updateMany({
        where: { id: s.id, state: 'starting' },
        data: {
          state: 'ready',
          sandboxId,
          variables: JSON.stringify(variables),
          readyAt: new Date(),
          lastActivityAt: new Date(),
        },
      })
      if (updated.count !== 1) {
        this.deliberate.add(sandboxId)
        await this.driver.stop(sandboxId)
        return
      }
      this.progress.set(s.id, { state: 'ready', position: 0, queueLength: this.queue.length })
      void this.fillPool(entry)
    } catch (err) {
      const message = (err as Error).message.slice(0, 300)
      console.error(`labs: session ${labSessionId} failed to start: ${message}`)
      this.progress.set(labSessionId, {
        state: 'failed',
        position: 0,
        queueLength: this.queue.length,
        error: 'START_FAILED',
      })
      await db.labSession
        .update({
          where: { id: labSessionId },
          data: { state: 'failed', endReason: message, endedAt: new Date() },
        })
        .catch(() => {})
    }
  }

  private takeWarm(entry: CatalogEntry): PoolEntry | undefined {
    const list = this.pool.get(entry.lab.manifest.id) ?? []
    for (let k = list.length - 1; k >= 0; k--) {
      const p = list[k] as PoolEntry
      if (Date.now() - p.createdAt > MAX_WARM_AGE_MS || p.version !== entry.version) {
        list.splice(k, 1)
        void this.driver.stop(p.sandboxId).catch(() => {})
      }
    }
    const i = list.findIndex((p) => p.version === entry.version)
    if (i < 0) return undefined
    return list.splice(i, 1)[0]
  }

  /** Keeps `warmPerLab` ready sandboxes for a lab (started in the background, outside the queue). */
  async fillPool(entry: CatalogEntry) {
    const id = entry.lab.manifest.id
    if (this.options.warmPerLab <= 0 || this.filling.has(id)) return
    this.filling.add(id)
    try {
      const list = this.pool.get(id) ?? []
      this.pool.set(id, list)
      while (list.length < this.options.warmPerLab) {
        // Never let warming compete with learners who are waiting.
        if (this.queue.length > 0) break
        const sandboxId = newSandboxId()
        const seed = randomInt(1, 2 ** 31 - 1)
        // Pool sandboxes get no time limit until claimed would be ideal; a generous one bounds leaks.
        const { variables } = await provisionSandbox(this.driver, entry.lab, sandboxId, {
          lang: 'en',
          seed,
          timeLimitSec: entry.lab.manifest.timeLimitMinutes * 60 + 3600,
        })
        list.push({ sandboxId, variables, seed, version: entry.version, createdAt: Date.now() })
      }
    } catch (err) {
      console.error(`labs: warm pool for ${id} failed: ${(err as Error).message.slice(0, 200)}`)
    } finally {
      this.filling.delete(id)
    }
  }

  /** Where a session stands, for the progress poll. */
  async status(userId: string, labSessionId: string): Promise<Progress> {
    const mem = this.progress.get(labSessionId)
    const s = await this.owned(userId, labSessionId)
    if (mem && (LIVE_STATES as readonly string[]).includes(s.state)) return mem
    if (!mem && this.options.shared && (s.state === 'queued' || s.state === 'starting') && Date.now() - s.lastActivityAt.getTime() > STALE_START_MS) {
      // Queued on a web instance that went away: release it so the learner can resume.
      await getDb().labSession.updateMany({
        where: { id: s.id, state: s.state, lastActivityAt: s.lastActivityAt },
        data: { state: 'interrupted', endReason: 'start lost', endedAt: new Date() },
      })
      return { state: 'interrupted', position: 0, queueLength: this.queue.length }
    }
    return {
      state: s.state as SessionState,
      position: 0,
      queueLength: this.queue.length,
      ...(s.state === 'failed' ? { error: 'START_FAILED' } : {}),
    }
  }

  // ── terminal ────────────────────────────────────────────────────────────────────────────────────

  /** A single-use ticket (valid one minute) for opening this session's terminal. */
  async issueTicket(userId: string, labSessionId: string): Promise<string> {
    const s = await this.owned(userId, labSessionId)
    if (s.state !== 'ready' && s.state !== 'completed') throw new DomainError('CONFLICT', 'NOT_READY')
    if (!s.sandboxId) throw new DomainError('CONFLICT', 'NOT_READY')
    const ticket = randomBytes(24).toString('base64url')
    const db = getDb()
    await db.terminalTicket.deleteMany({ where: { expiresAt: { lt: new Date(Date.now() - 3600_000) } } })
    await db.terminalTicket.create({
      data: {
        id: sha256(ticket),
        userId,
        labSessionId,
        expiresAt: new Date(Date.now() + this.options.ticketTtlMs),
      },
    })
    return ticket
  }

  /** Consumes a ticket: valid, unexpired, unused and issued to this user. Atomic (a reuse fails). */
  async redeemTicket(
    ticket: string,
    userId: string,
  ): Promise<{ labSessionId: string; sandboxId: string; shell?: string } | null> {
    if (!/^[A-Za-z0-9_-]{20,64}$/.test(ticket)) return null
    const db = getDb()
    const id = sha256(ticket)
    const claimed = await db.terminalTicket.updateMany({
      where: { id, userId, usedAt: null, expiresAt: { gt: new Date() } },
      data: { usedAt: new Date() },
    })
    if (claimed.count !== 1) return null
    const t = await db.terminalTicket.findUniqueOrThrow({ where: { id } })
    if (t.kind === 'exercise') {
      // A member's shell on a host of their exercise team (lib/exercises): checked there.
      const { exerciseRuntime } = await import('../../exercises/runtime')
      const r = await exerciseRuntime().redeemTicket(id, userId)
      return r ? { labSessionId: t.labSessionId, ...r } : null
    }
    if (t.kind !== 'lab') return null
    const s = await db.labSession.findUnique({
      where: { id: t.labSessionId },
      select: { sandboxId: true, userId: true, state: true },
    })
    if (!s?.sandboxId || s.userId !== userId) return null
    return { labSessionId: t.labSessionId, sandboxId: s.sandboxId }
  }

  /** `shell`: a member's own shell on a shared exercise host (tickets of kind 'exercise'). */
  attach(sandboxId: string, size: TerminalSize, shell?: string): Promise<TerminalStream> {
    return shell ? this.driver.attach(sandboxId, size, { shell }) : this.driver.attach(sandboxId, size)
  }

  touch(sandboxId: string) {
    this.driver.touch?.(sandboxId)
  }

  // ── grading ─────────────────────────────────────────────────────────────────────────────────────

  private async owned(userId: string, labSessionId: string) {
    const s = await getDb().labSession.findUnique({ where: { id: labSessionId } })
    // Another learner's session looks exactly like a missing one (no IDOR oracle).
    if (!s || s.userId !== userId) throw new DomainError('NOT_FOUND', 'No such lab session')
    return s
  }

  private async gradable(userId: string, labSessionId: string, taskId: string) {
    const s = await this.owned(userId, labSessionId)
    const entry = await getLab(s.labId)
    const task = entry?.lab.manifest.tasks.find((t) => t.id === taskId)
    if (!entry || !task) throw new DomainError('NOT_FOUND', 'No such task')
    const variables = s.variables ? (JSON.parse(s.variables) as Record<string, string>) : {}
    const previousIncorrect = await getDb().labTaskAttempt.count({
      where: { labSessionId, taskId, passed: false, kind: { in: ['answer', 'choice'] } },
    })
    const alreadyPassed = !!(await getDb().labTaskResult.findUnique({
      where: { labSessionId_taskId: { labSessionId, taskId } },
    }))
    return { s, entry, task, variables, previousIncorrect, alreadyPassed }
  }

  /** Runs a task's check script in the learner's sandbox. */
  async check(userId: string, labSessionId: string, taskId: string, lang: Language) {
    const g = await this.gradable(userId, labSessionId, taskId)
    if (g.task.kind !== 'check') throw new DomainError('INVALID', 'Not a check task')
    if (!g.s.sandboxId || g.s.state !== 'ready') throw new DomainError('CONFLICT', 'NOT_READY')
    this.driver.touch?.(g.s.sandboxId)
    const outcome = await runCheck(this.driver, g.entry.lab, g.s.sandboxId, taskId, g.variables, {
      lang,
      seed: g.s.seed,
    })
    const passed = outcome.status === 'pass'
    await this.recordAttempt(g, {
      kind: 'check',
      input: null,
      passed,
      points: passed ? g.task.points : 0,
      message: outcome.message,
    })
    return { passed, status: outcome.status, message: outcome.message }
  }

  async answer(userId: string, labSessionId: string, taskId: string, input: string) {
    const g = await this.gradable(userId, labSessionId, taskId)
    if (g.task.kind !== 'answer') throw new DomainError('INVALID', 'Not an answer task')
    if (g.alreadyPassed) return { status: 'already-passed' as const }
    const grade = gradeAnswer(g.task, input, g.variables, { previousIncorrect: g.previousIncorrect })
    if (grade.status === 'rejected' || grade.status === 'error') return grade
    const passed = grade.status === 'correct'
    await this.recordAttempt(g, {
      kind: 'answer',
      input: input.slice(0, 256),
      passed,
      points: passed ? g.task.points : 0,
      message: null,
    })
    return grade
  }

  async choose(userId: string, labSessionId: string, taskId: string, selected: string[]) {
    const g = await this.gradable(userId, labSessionId, taskId)
    if (g.task.kind !== 'choice') throw new DomainError('INVALID', 'Not a choice task')
    if (g.alreadyPassed) return { status: 'already-passed' as const }
    const grade = gradeChoice(g.task, selected, { previousIncorrect: g.previousIncorrect })
    if (grade.status === 'rejected') return grade
    const passed = grade.status === 'correct'
    await this.recordAttempt(g, {
      kind: 'choice',
      input: JSON.stringify(selected.slice(0, 12)),
      passed,
      points: earnedPoints(g.task, { passed, fraction: grade.fraction }),
      message: null,
    })
    return grade
  }

  async report(userId: string, labSessionId: string, taskId: string, sections: Record<string, string>) {
    const g = await this.gradable(userId, labSessionId, taskId)
    if (g.task.kind !== 'report') throw new DomainError('INVALID', 'Not a report task')
    const score = scoreReport(g.task, sections, g.variables)
    await this.recordAttempt(g, {
      kind: 'report',
      input: JSON.stringify(sections).slice(0, 60_000),
      passed: score.passed,
      points: earnedPoints(g.task, { passed: score.passed, rubricScore: score.score }),
      message: null,
    })
    // The learner sees which sections are missing and which facts were found, never the expected values.
    return {
      passed: score.passed,
      score: score.score,
      maxScore: score.maxScore,
      passMark: score.passMark,
      missingSections: score.missingSections,
      facts: score.facts.map((f) => ({ id: f.id, found: f.found })),
    }
  }

  async revealHint(userId: string, labSessionId: string, taskId: string, hintIndex: number) {
    const g = await this.gradable(userId, labSessionId, taskId)
    const hint = g.task.hints[hintIndex]
    if (!hint) throw new DomainError('NOT_FOUND', 'No such hint')
    // Hints open in order, so a penalty is never paid for skipping ahead by accident.
    const opened = await getDb().labHintReveal.count({ where: { labSessionId, taskId } })
    if (hintIndex > opened) throw new DomainError('INVALID', 'Open the earlier hints first')
    // A double click races two upserts (read, then insert): the loser's unique violation means open.
    await getDb()
      .labHintReveal.upsert({
        where: { labSessionId_taskId_hintIndex: { labSessionId, taskId, hintIndex } },
        create: { labSessionId, taskId, hintIndex, penalty: hint.penalty },
        update: {},
      })
      .catch((err: unknown) => {
        if (!isUniqueViolation(err)) throw err
      })
    await this.rescore(labSessionId)
    return hint
  }

  private async recordAttempt(
    g: Awaited<ReturnType<LabSessionManager['gradable']>>,
    a: { kind: string; input: string | null; passed: boolean; points: number; message: string | null },
  ) {
    const db = getDb()
    const { s, task, entry } = g
    const attempt = await db.labTaskAttempt.create({
      data: {
        labSessionId: s.id,
        taskId: task.id,
        userId: s.userId,
        kind: a.kind,
        input: a.input,
        passed: a.passed,
        points: a.points,
        message: a.message,
      },
    })
    if (a.passed) await this.recordPass(g, a.points)
    await this.rescore(s.id)
    await publish({
      type: 'lab-task',
      who: { userId: s.userId, organizationId: s.organizationId },
      labId: s.labId,
      taskId: task.id,
      labSessionId: s.id,
      attemptId: attempt.id,
      passed: a.passed,
      scaled: task.points ? Math.max(0, Math.min(1, a.points / task.points)) : a.passed ? 1 : 0,
      frameworkId: labFramework(entry.lab.manifest.framework.id).id,
      statementIds: task.statements.length ? task.statements : entry.lab.manifest.framework.statements,
      at: attempt.createdAt,
    })
  }

  /**
   * The first pass of a task and its evidence, atomically. Two concurrent passes race on the
   * LabTaskResult primary key: the loser's transaction rolls back (evidence included) and it is
   * simply "already passed", so a pass is counted exactly once on SQLite and PostgreSQL alike.
   */
  private async recordPass(g: Awaited<ReturnType<LabSessionManager['gradable']>>, points: number) {
    const { s, task, entry } = g
    try {
      await getDb().$transaction(async (tx) => {
        await tx.labTaskResult.create({
          data: { labSessionId: s.id, taskId: task.id, userId: s.userId, points },
        })
        const statements = task.statements.length ? task.statements : entry.lab.manifest.framework.statements
        await recordEvidence(
          {
            userId: s.userId,
            organizationId: s.organizationId,
            frameworkId: labFramework(entry.lab.manifest.framework.id).id,
            statementIds: statements,
            kind: 'lab-task',
            score: task.points ? points / task.points : 1,
            sourceType: 'lab-task',
            sourceId: `${s.id}:${task.id}`,
          },
          tx,
        )
      })
    } catch (err) {
      if (!isUniqueViolation(err)) throw err
    }
  }

  /** Recomputes the session score from stored attempts and hints; records completion once. */
  async rescore(labSessionId: string) {
    const db = getDb()
    const s = await db.labSession.findUniqueOrThrow({ where: { id: labSessionId } })
    const entry = await getLab(s.labId)
    if (!entry) return null
    const [attempts, results, hints] = await Promise.all([
      db.labTaskAttempt.groupBy({ by: ['taskId'], where: { labSessionId }, _max: { points: true } }),
      db.labTaskResult.findMany({ where: { labSessionId }, select: { taskId: true } }),
      db.labHintReveal.findMany({ where: { labSessionId }, select: { taskId: true, hintIndex: true } }),
    ])
    const progress: Record<string, TaskProgress> = {}
    for (const t of entry.lab.manifest.tasks) {
      progress[t.id] = {
        earned: attempts.find((a) => a.taskId === t.id)?._max.points ?? 0,
        passed: results.some((r) => r.taskId === t.id),
        hintsTaken: hints.filter((h) => h.taskId === t.id).map((h) => h.hintIndex),
      }
    }
    const score = computeLabScore(entry.lab.manifest.tasks, progress)
    const penalty = score.tasks.reduce((n, t) => n + t.penalty, 0)
    const completing = score.allPassed && !s.completedAt
    await db.labSession.update({
      where: { id: s.id },
      data: {
        score: score.score,
        maxScore: score.maxScore,
        hintPenalty: penalty,
        ...(completing ? { completedAt: new Date(), state: s.state === 'ready' ? 'ready' : s.state } : {}),
      },
    })
    if (completing) {
      const kind = labCompletionKind(entry.lab.manifest.level, score.passedWithoutHints)
      if (kind)
        await recordEvidence({
          userId: s.userId,
          organizationId: s.organizationId,
          frameworkId: labFramework(entry.lab.manifest.framework.id).id,
          statementIds: entry.lab.manifest.framework.statements,
          kind,
          score: score.maxScore ? score.score / score.maxScore : 1,
          sourceType: 'lab-complete',
          sourceId: s.id,
        })
      await publish({
        type: 'lab-complete',
        who: { userId: s.userId, organizationId: s.organizationId },
        labId: s.labId,
        labSessionId: s.id,
        scaled: score.maxScore ? score.score / score.maxScore : 1,
        passedWithoutHints: score.passedWithoutHints,
        frameworkId: labFramework(entry.lab.manifest.framework.id).id,
        statementIds: entry.lab.manifest.framework.statements,
        at: new Date(),
      })
    }
    return score
  }
}

const g = globalThis as unknown as { kenshuLabs?: LabSessionManager }
/** The exercise runtime registers itself here (no import: it imports this module). */
const exerciseHooks = globalThis as unknown as { kenshuExercises?: { onSandboxStopped(sandboxId: string, reason: string): void } }

/** The process-wide manager (created by the custom server at boot, or lazily). */
export function labSessions(): LabSessionManager {
  if (!g.kenshuLabs) {
    const onStopped = (sandboxId: string, reason: string) => {
      // Exercise team hosts (`srv-x…`, lib/exercises/runtime.ts) are the exercise runtime's; a lab
      // session's sandbox id is `srv-<hex>` and never contains an x.
      if (sandboxId.startsWith(`${SANDBOX_SCOPE}-x`)) return exerciseHooks.kenshuExercises?.onSandboxStopped(sandboxId, reason)
      g.kenshuLabs?.onSandboxStopped(sandboxId, reason)
    }
    // Separate lab runners (docs/deploy/scale-out.md) or sandboxes in this process.
    const pool = runnerPoolFromEnv(process.env, labsDir(), onStopped)
    const driver: SandboxDriver =
      pool ??
      new BwrapDriver({
        maxConcurrentStarts: Number(process.env.KENSHU_START_CONCURRENCY ?? 2),
        idleTimeoutSec: Number(process.env.KENSHU_IDLE_TIMEOUT_SEC ?? 1800),
        onStopped,
        reapScope: SANDBOX_SCOPE,
      })
    g.kenshuLabs = new LabSessionManager(driver, pool ? { shared: true, reapOnBoot: false } : {})
  }
  return g.kenshuLabs
}
