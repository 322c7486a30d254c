/**
 * `RunnerPool`: the sandbox driver the web tier uses when labs run on separate runner processes
 * (`KENSHU_RUNNERS`, decision 010). It implements the same {@link SandboxDriver} contract as the
 * in-process bubblewrap driver, so the session manager, grading and the terminal gateway do not know
 * where a sandbox lives.
 *
 * - **Placement**: a new sandbox goes to the healthy runner with the lowest load (live sandboxes ÷
 *   capacity, as last reported); a runner at capacity answers 503 and the next one is tried.
 * - **Finding a sandbox** started by another web instance: ask every healthy runner once, remember.
 * - **Health**: every runner is polled (`/v1/poll`) every `pollMs`. The poll carries the runner's stop
 *   events (time limit, idle timeout, crash) — they reach the session manager through `onStopped`,
 *   exactly like the in-process driver's callback. A runner that misses `failuresToLose` polls in a
 *   row is declared lost: each of its sandboxes is reported stopped ("runner lost"), so the learners
 *   are told and can resume elsewhere; evidence lives in the database and is untouched. A runner that
 *   comes back with a new boot id lost its sandboxes too (it reaped them at start).
 */
import path from 'node:path'
import type {
  ExecOptions,
  ExecResult,
  SandboxAvailability,
  SandboxDriver,
  SandboxSpec,
  SandboxStatus,
  TerminalSize,
  TerminalStream,
} from '../sandbox/types'
import type { LabServiceSpec } from '../sandbox/netns'
import { assertSecret } from './auth'
import { RunnerClient, RunnerRequestError } from './client'
import type { RunnerInfo } from './server'

export type RunnerHealth = {
  url: string
  runnerId?: string
  healthy: boolean
  sessions: number
  maxSessions: number
  load1?: number
  memory?: RunnerInfo['memory']
  lastSeenAt?: number
  failures: number
}

type Runner = {
  client: RunnerClient
  info?: RunnerInfo
  healthy: boolean
  failures: number
  lastSeenAt?: number
  bootId?: string
  seq: number
  ids: Set<string>
  /** Starts this instance has sent and not yet seen answered: counted as load, so a burst spreads. */
  pending: number
}

export type RunnerPoolOptions = {
  urls: string[]
  secret: string
  /** The web tier's labs directory: spec.labDir is sent as a folder name relative to it. */
  labsRoot: string
  pollMs?: number
  failuresToLose?: number
  onStopped?: (sandboxId: string, reason: string) => void
}

export class RunnerPool implements SandboxDriver {
  readonly name = 'runners'
  private readonly runners: Runner[]
  private readonly owner = new Map<string, Runner>()
  private readonly touched = new Map<string, number>()
  private timer: NodeJS.Timeout | undefined
  private firstPoll: Promise<void> | undefined

  constructor(private readonly opts: RunnerPoolOptions) {
    if (!opts.urls.length) throw new Error('KENSHU_RUNNERS names no runner')
    const secret = assertSecret(opts.secret)
    this.runners = opts.urls.map((u) => ({
      client: new RunnerClient(u, secret),
      healthy: false,
      failures: 0,
      seq: 0,
      ids: new Set(),
      pending: 0,
    }))
  }

  close() {
    if (this.timer) clearInterval(this.timer)
  }

  health(): RunnerHealth[] {
    return this.runners.map((r) => ({
      url: r.client.toString(),
      runnerId: r.info?.runnerId,
      healthy: r.healthy,
      sessions: r.info?.sessions ?? 0,
      maxSessions: r.info?.maxSessions ?? 0,
      load1: r.info?.load1,
      memory: r.info?.memory,
      lastSeenAt: r.lastSeenAt,
      failures: r.failures,
    }))
  }

  /** Sandbox ids live on healthy runners (boot reconciliation of the session manager). */
  liveIds(): Set<string> {
    const all = new Set<string>()
    for (const r of this.runners) if (r.healthy) for (const id of r.ids) all.add(id)
    return all
  }

  private async pollAll() {
    await Promise.all(this.runners.map((r) => this.poll(r)))
  }

  private async poll(r: Runner) {
    try {
      const info = await r.client.request<RunnerInfo>('GET', `/v1/poll?since=${r.seq}`, undefined, 5000)
      if (r.bootId && r.bootId !== info.bootId) {
        // Restarted: whatever it ran before is gone (it reaps its leftovers at boot).
        this.lose(r, 'runner restarted')
        r.seq = 0
      }
      r.bootId = info.bootId
      r.info = info
      r.failures = 0
      r.lastSeenAt = Date.now()
      if (!r.healthy) console.log(`labs: runner ${info.runnerId} at ${r.client.toString()} is up (${info.sessions}/${info.maxSessions})`)
      r.healthy = true
      for (const e of info.events) {
        if (e.seq <= r.seq) continue
        r.seq = e.seq
        this.forget(e.id)
        this.opts.onStopped?.(e.id, e.reason)
      }
      r.ids = new Set(info.ids)
    } catch (err) {
      r.failures++
      if (r.healthy && r.failures >= (this.opts.failuresToLose ?? 3)) {
        console.error(`labs: runner at ${r.client.toString()} lost after ${r.failures} failed polls: ${(err as Error).message.slice(0, 200)}`)
        r.healthy = false
        this.lose(r, 'runner lost')
      }
    }
  }

  /** Every sandbox of `r` is gone: tell the session manager about each. */
  private lose(r: Runner, reason: string) {
    const ids = new Set(r.ids)
    for (const [id, owner] of this.owner) if (owner === r) ids.add(id)
    r.ids.clear()
    for (const id of ids) {
      this.forget(id)
      this.opts.onStopped?.(id, reason)
    }
  }

  private forget(id: string) {
    this.owner.delete(id)
    this.touched.delete(id)
  }

  /** Healthy runners, least loaded first. */
  private candidates(): Runner[] {
    const used = (r: Runner) => (r.info?.sessions ?? 0) + r.pending
    const load = (r: Runner) => (r.info ? used(r) / Math.max(1, r.info.maxSessions) : 1)
    return this.runners.filter((r) => r.healthy).sort((a, b) => load(a) - load(b) || used(a) - used(b))
  }

  async availability(): Promise<SandboxAvailability> {
    await this.ready()
    const healthy = this.candidates()
    if (!healthy.length) return { available: false, driver: this.name, reason: `no lab runner reachable (${this.runners.length} configured)` }
    const free = healthy.some((r) => !r.info || r.info.sessions < r.info.maxSessions)
    if (!free) return { available: false, driver: this.name, reason: 'every lab runner is at capacity' }
    return { available: true, driver: this.name, cgroup: 'none', details: `${healthy.length}/${this.runners.length} runners healthy` }
  }

  async start(spec: SandboxSpec): Promise<SandboxStatus> {
    await this.ready()
    const labFolder = path.relative(this.opts.labsRoot, spec.labDir)
    if (!labFolder || labFolder.includes(path.sep) || labFolder.startsWith('.'))
      throw new Error(`lab ${spec.labDir} is not a folder of ${this.opts.labsRoot}`)
    const { labDir: _omit, ...rest } = spec
    const full = new Set<Runner>()
    // Chosen one at a time (least loaded *now*, this instance's pending starts included), so a burst spreads.
    for (let r = this.candidates()[0]; r; r = this.candidates().find((c) => !full.has(c))) {
      r.pending++
      try {
        const status = await r.client.request<SandboxStatus>('POST', '/v1/sandboxes', { spec: { ...rest, labFolder } }, 180_000)
        this.owner.set(spec.sessionId, r)
        r.ids.add(spec.sessionId)
        if (r.info) r.info.sessions++
        return status
      } catch (err) {
        // Unreachable before the request arrived (connection refused: the runner just died and this
        // instance has not missed enough polls to know): nothing started there, so the next runner
        // is safe. Found by the topology test: a resume placed on the killed runner failed.
        if (refusedConnection(err)) {
          full.add(r)
          continue
        }
        // Full: try the next runner. Anything else is the lab's or the sandbox's problem: report it.
        if (!(err instanceof RunnerRequestError && err.status === 503)) throw err
        full.add(r)
        if (r.info) r.info.sessions = r.info.maxSessions
      } finally {
        r.pending--
      }
    }
    throw new Error(`no lab runner could take the sandbox (${full.size ? `${full.size} full` : 'none healthy'})`)
  }

  /** Starts health polling; resolves after the first round (every runner answered or failed once). */
  ready(): Promise<void> {
    if (!this.firstPoll) {
      this.firstPoll = this.pollAll()
      this.timer = setInterval(() => void this.pollAll(), this.opts.pollMs ?? 2000)
      this.timer.unref()
    }
    return this.firstPoll
  }

  /** The runner holding `id`: remembered, or found by asking every healthy runner. */
  private async locate(id: string): Promise<Runner | undefined> {
    const known = this.owner.get(id)
    if (known?.healthy) return known
    const found = this.candidates().find((r) => r.ids.has(id))
    if (found) {
      this.owner.set(id, found)
      return found
    }
    const answers = await Promise.all(
      this.candidates().map((r) =>
        r.client.request('GET', `/v1/sandboxes/${encodeURIComponent(id)}`, undefined, 5000).then(
          () => r,
          () => undefined,
        ),
      ),
    )
    const r = answers.find(Boolean)
    if (r) this.owner.set(id, r)
    return r
  }

  private async must(id: string): Promise<Runner> {
    const r = await this.locate(id)
    if (!r) throw new Error(`sandbox ${id} is not on any reachable runner`)
    return r
  }

  async attach(sessionId: string, size: TerminalSize): Promise<TerminalStream> {
    return (await this.must(sessionId)).client.attach(sessionId, size)
  }

  async exec(sessionId: string, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const r = await this.must(sessionId)
    return r.client.request<ExecResult>(
      'POST',
      `/v1/sandboxes/${encodeURIComponent(sessionId)}/exec`,
      { command, options },
      (options.timeoutMs ?? 30_000) + 15_000,
    )
  }

  async addLabServices(sessionId: string, services: LabServiceSpec[]): Promise<void> {
    const r = await this.must(sessionId)
    await r.client.request('POST', `/v1/sandboxes/${encodeURIComponent(sessionId)}/services`, { services }, 60_000)
  }

  async status(sessionId: string): Promise<SandboxStatus | undefined> {
    const r = await this.locate(sessionId)
    if (!r) return undefined
    try {
      return await r.client.request<SandboxStatus>('GET', `/v1/sandboxes/${encodeURIComponent(sessionId)}`, undefined, 5000)
    } catch (err) {
      if (err instanceof RunnerRequestError && err.status === 404) return undefined
      throw err
    }
  }

  /** Activity reaches the runner with every keystroke over the terminal channel; this is for checks. */
  touch(sessionId: string): void {
    const last = this.touched.get(sessionId) ?? 0
    if (Date.now() - last < 20_000) return
    this.touched.set(sessionId, Date.now())
    void this.locate(sessionId)
      .then((r) => r?.client.request('POST', `/v1/sandboxes/${encodeURIComponent(sessionId)}/touch`, undefined, 5000))
      .catch(() => {})
  }

  async stop(sessionId: string): Promise<void> {
    const r = await this.locate(sessionId)
    this.forget(sessionId)
    if (!r) return
    r.ids.delete(sessionId)
    await r.client.request('DELETE', `/v1/sandboxes/${encodeURIComponent(sessionId)}`, undefined, 60_000).catch((err: unknown) => {
      if (!(err instanceof RunnerRequestError && err.status === 404)) throw err
    })
  }

  /**
   * A web instance shutting down must not stop the sandboxes of learners served by the other
   * instances: nothing to do here (its warm pool is drained by the session manager). Runners reap
   * their own leftovers when they restart.
   */
  async stopAll(): Promise<void> {}
}

/** The pool from the environment, or undefined when labs run in process (`KENSHU_RUNNERS` unset). */
export function runnerPoolFromEnv(
  env: NodeJS.ProcessEnv,
  labsRoot: string,
  onStopped: (sandboxId: string, reason: string) => void,
): RunnerPool | undefined {
  const urls = (env.KENSHU_RUNNERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (!urls.length) return undefined
  return new RunnerPool({ urls, secret: env.KENSHU_RUNNER_SECRET ?? '', labsRoot, onStopped })
}

/**
 * Whether a request failed before reaching the runner at all (fetch's TypeError with a connect error
 * as its cause). A reset or a timeout is not this: the runner may have acted on the request.
 */
export function refusedConnection(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause
  const code = typeof cause?.code === 'string' ? cause.code : undefined
  return err instanceof TypeError && (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
}
