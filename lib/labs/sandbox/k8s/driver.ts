import { existsSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { PassThrough, Writable, type Readable } from 'node:stream'
import {
  AuthorizationV1Api,
  CoreV1Api,
  Exec,
  KubeConfig,
  NetworkingV1Api,
  type V1NetworkPolicy,
  type V1Pod,
  type V1ResourceAttributes,
  type V1SelfSubjectAccessReview,
  type V1Status,
} from '@kubernetes/client-node'
import type { LabServiceSpec } from '../netns'
import { CappedBuffer, clampCols, clampRows, Semaphore, sleep, tarOf } from '../proc'
import { Ring } from '../ring'
import type {
  ExecOptions,
  ExecResult,
  SandboxAvailability,
  SandboxDriver,
  SandboxSpec,
  SandboxStatus,
  TerminalSize,
  TerminalStream,
} from '../types'
import {
  denyAllPolicy,
  execArgv,
  execPayload,
  EXIT_INFRA,
  EXIT_KILLED,
  exitCodeOf,
  hostsLine,
  LAB_CONTAINER,
  labServicePod,
  labServicePolicies,
  LABEL,
  learnerPod,
  LOCKDOWN_SCRIPT,
  natRules,
  NET_CONTAINER,
  OVERLAY_SCRIPT,
  overlayMembers,
  probeScript,
  SERVICE_CONTAINER,
  serviceCommand,
  serviceEndpoint,
  sessionName,
  shellArgv,
  type PodOptions,
} from './specs'

/**
 * The Kubernetes driver (decision 007): one pod per session in a dedicated namespace, driven through
 * the API with `@kubernetes/client-node`. specs.ts builds every object and argv (and explains the
 * identity design: container starts as root with six capabilities, the learner enters via setpriv);
 * this file only talks to the API.
 *
 *   start    ensure deny-all policy → create pod → wait Running → lock-down exec → files/ tar exec → setup.sh
 *   exec     `env -i … timeout … bash -c WRAPPER` in the lab container; script + stdin framed on stdin
 *   attach   exec of `setpriv … bash -l` with a TTY; one shell per session, re-attach replays output
 *   stop     delete the pod, its service pods and policies (by session label); idempotent
 *   stopAll  delete everything labelled kenshu.io/runner=<runnerId>
 *
 * The pod's activeDeadlineSeconds is the time limit even if this process dies; the idle timeout and
 * pod health are checked here (`checkSessions`). Clients are injected (the interfaces below are
 * the few methods used) so driver.test.ts drives it against an in-memory fake. No `server-only`.
 */

export interface CoreApi {
  createNamespacedPod(p: { namespace: string; body: V1Pod }): Promise<V1Pod>
  readNamespacedPod(p: { name: string; namespace: string }): Promise<V1Pod>
  deleteNamespacedPod(p: { name: string; namespace: string; propagationPolicy?: string }): Promise<unknown>
  deleteCollectionNamespacedPod(p: {
    namespace: string
    labelSelector?: string
    propagationPolicy?: string
  }): Promise<unknown>
}
export interface NetworkingApi {
  createNamespacedNetworkPolicy(p: { namespace: string; body: V1NetworkPolicy }): Promise<V1NetworkPolicy>
  deleteCollectionNamespacedNetworkPolicy(p: { namespace: string; labelSelector?: string }): Promise<unknown>
}
export interface AuthorizationApi {
  createSelfSubjectAccessReview(p: { body: V1SelfSubjectAccessReview }): Promise<V1SelfSubjectAccessReview>
}
/** The exec WebSocket as far as we use it (ws 8 has pause/resume: real backpressure to the kubelet). */
export type ExecSocket = {
  close(): void
  on(event: 'close', listener: () => void): unknown
  pause?(): void
  resume?(): void
}
/** Shape of `Exec.exec` from @kubernetes/client-node. */
export interface ExecApi {
  exec(
    namespace: string,
    podName: string,
    containerName: string,
    command: string | string[],
    stdout: Writable | null,
    stderr: Writable | null,
    stdin: Readable | null,
    tty: boolean,
    statusCallback?: (status: V1Status) => void,
  ): Promise<ExecSocket>
}
export type KubernetesApis = {
  core: CoreApi
  networking: NetworkingApi
  authorization: AuthorizationApi
  exec: ExecApi
}

export type KubernetesDriverOptions = {
  pod: PodOptions
  /** Idle timeout in seconds (no input and no touch()); 0 disables it. Default 1800. */
  idleTimeoutSec?: number
  /** How long start() waits for the pod to run (scheduling, image pull). Default 120 s. */
  startTimeoutMs?: number
  /** Poll interval while waiting for a pod. Default 500 ms. */
  pollIntervalMs?: number
  /** Interval of checkSessions() (idle timeout, pod health). Default 30 s. */
  checkIntervalMs?: number
  /** Host-side backstop after an exec's own timeout. Default 3 s. */
  execGraceMs?: number
  /** Concurrent start() calls; the rest queue. Default 8. */
  maxConcurrentStarts?: number
  /** Bytes of recent terminal output kept for re-attach. Default 64 KiB. */
  replayBytes?: number
  onStopped?: (sessionId: string, reason: string) => void
  /** Clock (tests). */
  now?: () => number
}

type Shell = {
  socket?: ExecSocket
  stdin: PassThrough
  sink: TerminalSink
  replay: Ring
  data: Set<(chunk: Uint8Array) => void>
  exit: Set<(code: number) => void>
  paused: number
  exited: boolean
  code: number
}

type Session = {
  spec: SandboxSpec
  name: string
  uid?: string
  status: SandboxStatus
  lastActivity: number
  timers: NodeJS.Timeout[]
  shell?: Shell
  services: number
  stopping?: Promise<void>
  /** false when another pod already had our name: a failed start must not delete what it did not create. */
  owned: boolean
}

const SESSION_ID = /^[a-z0-9-]{1,64}$/
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
/** Waiting reasons that will not resolve by waiting. */
const FATAL_WAITING = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
])

/** What the runner must be allowed to do in the namespace (availability()). */
export const REQUIRED_ACCESS: readonly V1ResourceAttributes[] = [
  { verb: 'create', resource: 'pods' },
  { verb: 'get', resource: 'pods' },
  { verb: 'delete', resource: 'pods' },
  { verb: 'deletecollection', resource: 'pods' },
  // WebSocket exec is authorised as `get` on older clusters and as `create` on newer ones.
  { verb: 'create', resource: 'pods', subresource: 'exec' },
  { verb: 'get', resource: 'pods', subresource: 'exec' },
  { verb: 'create', group: 'networking.k8s.io', resource: 'networkpolicies' },
  { verb: 'deletecollection', group: 'networking.k8s.io', resource: 'networkpolicies' },
]

export type PodCondition =
  { state: 'running' } | { state: 'pending'; detail?: string } | { state: 'failed'; reason: string }

/** Reads a pod's status: running (every named container), still pending, or failed for good. */
export function podCondition(pod: V1Pod, containers: readonly string[]): PodCondition {
  const st = pod.status
  if (st?.phase === 'Failed' || st?.phase === 'Succeeded') {
    if (st.reason === 'DeadlineExceeded') return { state: 'failed', reason: 'time limit reached' }
    return {
      state: 'failed',
      reason: `pod ${st.phase.toLowerCase()}${st.reason ? `: ${st.reason}` : ''}${st.message ? ` (${st.message})` : ''}`,
    }
  }
  const statuses = (st?.containerStatuses ?? []).filter((c) => containers.includes(c.name))
  for (const c of statuses) {
    const w = c.state?.waiting
    if (w?.reason && FATAL_WAITING.has(w.reason))
      return { state: 'failed', reason: `${c.name}: ${w.reason}${w.message ? ` (${w.message})` : ''}` }
    const t = c.state?.terminated
    if (t) return { state: 'failed', reason: `${c.name} exited: ${t.reason ?? `code ${t.exitCode}`}` }
  }
  if (
    st?.phase === 'Running' &&
    containers.every((n) => statuses.some((c) => c.name === n && c.state?.running))
  )
    return { state: 'running' }
  const cond = st?.conditions?.find((c) => c.status === 'False' && c.message)
  return { state: 'pending', detail: cond ? `${cond.reason ?? cond.type}: ${cond.message}` : st?.phase }
}

/** HTTP status of an API error (ApiException.code), if any. */
export function httpCode(e: unknown): number | undefined {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'number' ? code : undefined
}

/** A short message for an API error: the Status message from the body, not the whole dump with headers. */
export function apiMessage(e: unknown): string {
  const body = (e as { body?: unknown } | null)?.body
  let parsed: unknown = body
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body)
    } catch {
      parsed = undefined
    }
  }
  const msg = (parsed as { message?: unknown } | undefined)?.message
  if (typeof msg === 'string') return `${httpCode(e) ?? ''} ${msg}`.trim()
  const text = e instanceof Error ? e.message : String(e)
  return text.split('\n', 1)[0]?.slice(0, 300) ?? 'error'
}

/** The Kubernetes implementation of {@link SandboxDriver}. */
export class KubernetesDriver implements SandboxDriver {
  readonly name = 'kubernetes'
  private readonly sessions = new Map<string, Session>()
  private readonly ended = new Map<string, SandboxStatus>()
  private readonly gate: Semaphore
  private readonly namespace: string
  private availabilityCache?: SandboxAvailability
  private denyAllReady = false
  private checker?: NodeJS.Timeout
  private checking = false
  private readonly now: () => number

  constructor(
    private readonly api: KubernetesApis,
    private readonly options: KubernetesDriverOptions,
  ) {
    // Validate the pod options now (bad image, namespace or runner id fails at boot, not at first start).
    learnerPod(
      {
        sessionId: 'probe',
        labDir: '/probe',
        limits: { memoryMb: 64, pids: 64, cpus: 1, homeMb: 1, tmpMb: 1 },
        network: 'none',
        timeLimitSec: 60,
      },
      options.pod,
    )
    this.namespace = options.pod.namespace
    this.gate = new Semaphore(options.maxConcurrentStarts ?? 8)
    this.now = options.now ?? Date.now
  }

  private get idleMs(): number {
    return (this.options.idleTimeoutSec ?? 1800) * 1000
  }

  /** SelfSubjectAccessReview of every permission the driver uses; fails closed on any doubt. Positive answers are cached. */
  async availability(): Promise<SandboxAvailability> {
    if (this.availabilityCache?.available) return this.availabilityCache
    const ns = this.namespace
    let denied: string[]
    try {
      const reviews = await Promise.all(
        REQUIRED_ACCESS.map((a) =>
          this.api.authorization.createSelfSubjectAccessReview({
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SelfSubjectAccessReview',
              spec: { resourceAttributes: { ...a, namespace: ns } },
            },
          }),
        ),
      )
      denied = reviews.flatMap((r, i) => {
        if (r.status?.allowed === true && r.status.denied !== true) return []
        const a = REQUIRED_ACCESS[i] as V1ResourceAttributes
        const what = `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}`
        return [`${what}${r.status?.reason ? ` (${r.status.reason})` : ''}`]
      })
    } catch (e) {
      return { available: false, driver: this.name, reason: `kubernetes API: ${apiMessage(e)}` }
    }
    if (denied.length)
      return {
        available: false,
        driver: this.name,
        reason: `not allowed in namespace ${ns}: ${denied.join(', ')}`,
      }
    this.availabilityCache = {
      available: true,
      driver: this.name,
      cgroup: 'none',
      // Shown on the public health endpoint: no image or registry names.
      details: 'one pod per session; limits by the kubelet (pids: podPidsLimit)',
    }
    return this.availabilityCache
  }

  /** Create the pod, copy the lab's files/ in, run setup.sh as root (unless runSetup is false). */
  async start(spec: SandboxSpec): Promise<SandboxStatus> {
    const pod = learnerPod(spec, this.options.pod) // validates everything
    for (const k of Object.keys(spec.env ?? {}))
      if (!ENV_NAME.test(k)) throw new Error(`invalid env name ${k}`)
    if (this.sessions.has(spec.sessionId)) throw new Error(`session ${spec.sessionId} already exists`)
    const members = overlayOf(spec.labDir) // a files/ tree the pod cannot take fails before any API call
    const avail = await this.availability()
    if (!avail.available) throw new Error(`sandbox unavailable: ${avail.reason}`)
    const s: Session = {
      spec,
      name: pod.metadata?.name as string,
      status: { sessionId: spec.sessionId, state: 'starting', startedAt: this.now() },
      lastActivity: this.now(),
      timers: [],
      services: 0,
      owned: true,
    }
    this.sessions.set(spec.sessionId, s)
    this.ended.delete(spec.sessionId)
    const release = await this.gate.acquire()
    try {
      await this.ensureDenyAll()
      await this.createPod(s, pod)
      await this.waitRunning(s.name, pod.spec?.containers.map((c) => c.name) ?? [LAB_CONTAINER])
      if (s.stopping) throw new Error('stopped during start')
      await this.initialise(s, members)
      s.status = { ...s.status, state: 'ready' }
      this.armTimers(s)
      return { ...s.status }
    } catch (e) {
      await this.teardown(s, `start failed: ${e instanceof Error ? e.message : String(e)}`)
      throw e
    } finally {
      release()
    }
  }

  private async ensureDenyAll(): Promise<void> {
    if (this.denyAllReady) return
    try {
      await this.api.networking.createNamespacedNetworkPolicy({
        namespace: this.namespace,
        body: denyAllPolicy(this.namespace),
      })
    } catch (e) {
      // 409: it exists (deploy/k8s applies it too). Anything else: no pod without the policy.
      if (httpCode(e) !== 409) throw new Error(`deny-all network policy: ${apiMessage(e)}`)
    }
    this.denyAllReady = true
  }

  private async createPod(s: Session, pod: V1Pod): Promise<void> {
    try {
      const created = await this.api.core.createNamespacedPod({ namespace: this.namespace, body: pod })
      s.uid = created.metadata?.uid
    } catch (e) {
      if (httpCode(e) === 409) {
        s.owned = false
        throw new Error(`pod ${s.name} already exists`)
      }
      throw new Error(`creating pod ${s.name}: ${apiMessage(e)}`)
    }
  }

  /** Poll until every named container runs; fail fast on image or config errors; give up after startTimeoutMs. */
  private async waitRunning(name: string, containers: readonly string[]): Promise<V1Pod> {
    const until = this.now() + (this.options.startTimeoutMs ?? 120_000)
    for (;;) {
      let c: PodCondition
      let pod: V1Pod | undefined
      try {
        pod = await this.api.core.readNamespacedPod({ name, namespace: this.namespace })
        c = podCondition(pod, containers)
      } catch (e) {
        // Gone (stopped meanwhile) is final; anything else may be a passing API hiccup.
        if (httpCode(e) === 404) throw new Error(`pod ${name} is gone`)
        c = { state: 'pending', detail: apiMessage(e) }
      }
      if (c.state === 'running' && pod) return pod
      if (c.state === 'failed') throw new Error(`pod ${name}: ${c.reason}`)
      if (this.now() >= until)
        throw new Error(
          `pod ${name} not running in time${c.state === 'pending' && c.detail ? ` (${c.detail})` : ''}`,
        )
      await sleep(this.options.pollIntervalMs ?? 500)
    }
  }

  /** Root work before anyone else enters: directory modes, files/ overlay, setup.sh. */
  private async initialise(s: Session, members: string[]): Promise<void> {
    const lock = await this.run(s, LAB_CONTAINER, 'root', LOCKDOWN_SCRIPT, { timeoutMs: 10_000 })
    if (lock.exitCode !== 0)
      throw new Error(`pod lock-down failed (${lock.exitCode}): ${lock.stderr.trim().slice(0, 300)}`)
    if (members.length) {
      // Streamed into a root process inside: nothing on the runner's disk is ever shared with the pod.
      const tar = await tarOf(path.join(s.spec.labDir, 'files'), members)
      const x = await this.run(s, LAB_CONTAINER, 'root', OVERLAY_SCRIPT, { stdin: tar, timeoutMs: 60_000 })
      if (x.exitCode !== 0)
        throw new Error(`copying files/ failed (${x.exitCode}): ${x.stderr.trim().slice(0, 500)}`)
    }
    const setup = path.join(s.spec.labDir, 'setup.sh')
    if (s.spec.runSetup !== false && existsSync(setup)) {
      const script = await readFile(setup, 'utf8')
      const r = await this.run(s, LAB_CONTAINER, 'root', script, { timeoutMs: 60_000, env: s.spec.env })
      if (r.exitCode !== 0)
        throw new Error(`setup.sh failed (${r.exitCode}): ${r.stderr.trim().slice(0, 500)}`)
    }
  }

  private armTimers(s: Session): void {
    if (s.spec.timeLimitSec > 0) {
      // The pod's activeDeadlineSeconds enforces it too, even if this process is gone.
      const t = setTimeout(() => void this.teardown(s, 'time limit reached'), s.spec.timeLimitSec * 1000)
      t.unref()
      s.timers.push(t)
    }
    if (!this.checker) {
      this.checker = setInterval(() => void this.checkSessions(), this.options.checkIntervalMs ?? 30_000)
      this.checker.unref()
    }
  }

  /**
   * Idle timeout and pod health, for every ready session: stops sessions idle for longer than
   * idleTimeoutSec and those whose pod is gone or failed (deadline, eviction, OOM). Runs on an interval.
   */
  async checkSessions(): Promise<void> {
    if (this.checking) return
    this.checking = true
    try {
      const ready = [...this.sessions.values()].filter((s) => s.status.state === 'ready')
      await Promise.all(ready.map((s) => this.checkSession(s)))
    } finally {
      this.checking = false
    }
  }

  private async checkSession(s: Session): Promise<void> {
    if (this.idleMs > 0 && this.now() - s.lastActivity > this.idleMs) return this.teardown(s, 'idle timeout')
    let pod: V1Pod
    try {
      pod = await this.api.core.readNamespacedPod({ name: s.name, namespace: this.namespace })
    } catch (e) {
      if (httpCode(e) === 404) return this.teardown(s, 'pod gone')
      return // API trouble: try again next round
    }
    const c = podCondition(pod, [LAB_CONTAINER])
    if (c.state === 'failed') return this.teardown(s, c.reason)
  }

  private ready(sessionId: string): Session {
    const s = this.sessions.get(sessionId)
    if (!s || s.status.state !== 'ready') throw new Error(`session ${sessionId} is not running`)
    return s
  }

  /**
   * Run bash script text in the session's pod. As root it also gets `spec.env` (per-session
   * variables, as exports inside the framed script); as the learner it never does.
   */
  async exec(sessionId: string, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const s = this.ready(sessionId)
    const role = options.asRoot ? 'root' : 'learner'
    return this.run(s, LAB_CONTAINER, role, command, {
      stdin: options.stdin,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxOutputBytes: options.maxOutputBytes,
      env: options.asRoot ? s.spec.env : undefined,
    })
  }

  private run(
    s: Session,
    container: string,
    role: 'root' | 'learner',
    script: string,
    o: {
      stdin?: string | Uint8Array
      timeoutMs: number
      maxOutputBytes?: number
      env?: Record<string, string>
    },
  ): Promise<ExecResult> {
    const max = o.maxOutputBytes ?? 64 * 1024
    const out = new CappedBuffer(max)
    const err = new CappedBuffer(max)
    const stdin = new PassThrough()
    // Never ended: the frame tells the wrapper where stdin stops (see EXEC_WRAPPER).
    stdin.write(execPayload(script, o.stdin, o.env))
    const started = this.now()
    return new Promise((resolve) => {
      let done = false
      let socket: ExecSocket | undefined
      const finish = (exitCode: number, timedOut: boolean, note?: string) => {
        if (done) return
        done = true
        clearTimeout(hard)
        stdin.destroy()
        socket?.close()
        if (note) err.push(Buffer.from(note))
        resolve({ exitCode, stdout: out.toString(), stderr: err.toString(), timedOut })
      }
      const hard = setTimeout(
        () => finish(EXIT_KILLED, true, '\n[kenshu] exec timed out'),
        o.timeoutMs + (this.options.execGraceMs ?? 3000),
      )
      const onStatus = (status: V1Status) => {
        const code = exitCodeOf(status)
        const timedOut = code === 124 || (code === EXIT_KILLED && this.now() - started >= o.timeoutMs)
        finish(
          code,
          timedOut,
          code === EXIT_INFRA && status.message ? `\n[kenshu] ${status.message}` : undefined,
        )
      }
      this.api.exec
        .exec(
          this.namespace,
          s.name,
          container,
          execArgv(role, o.timeoutMs),
          sinkTo(out),
          sinkTo(err),
          stdin,
          false,
          onStatus,
        )
        .then((ws) => {
          socket = ws
          if (done) ws.close()
          else
            ws.on('close', () =>
              finish(EXIT_INFRA, false, '\n[kenshu] exec connection closed without a status'),
            )
        })
        .catch((e: unknown) => finish(EXIT_INFRA, false, `[kenshu] exec failed: ${apiMessage(e)}`))
    })
  }

  /** Attach to (or re-attach to) the session's single learner shell. */
  async attach(sessionId: string, size: TerminalSize): Promise<TerminalStream> {
    const s = this.ready(sessionId)
    s.lastActivity = this.now()
    if (!s.shell || s.shell.exited) s.shell = await this.openShell(s, size)
    s.shell.sink.setSize(size)
    return this.view(s, s.shell)
  }

  private async openShell(s: Session, size: TerminalSize): Promise<Shell> {
    const shell: Shell = {
      stdin: new PassThrough(),
      sink: new TerminalSink(size, (b) => {
        shell.replay.push(b)
        for (const l of shell.data) l(b)
      }),
      replay: new Ring(this.options.replayBytes ?? 64 * 1024),
      data: new Set(),
      exit: new Set(),
      paused: 0,
      exited: false,
      code: 0,
    }
    const onStatus = (status: V1Status) => this.shellExited(shell, exitCodeOf(status))
    // TTY: the API merges stderr into stdout, so no stderr stream; resizes go over the exec's resize channel.
    const ws = await this.api.exec.exec(
      this.namespace,
      s.name,
      LAB_CONTAINER,
      shellArgv(),
      shell.sink,
      null,
      shell.stdin,
      true,
      onStatus,
    )
    shell.socket = ws
    ws.on('close', () => this.shellExited(shell, EXIT_INFRA))
    if (shell.exited) ws.close()
    return shell
  }

  private shellExited(shell: Shell, code: number): void {
    if (shell.exited) return
    shell.exited = true
    shell.code = code
    shell.stdin.destroy()
    shell.socket?.close()
    for (const l of [...shell.exit]) l(code)
  }

  private view(s: Session, shell: Shell): TerminalStream {
    let closed = false
    let pausedHere = false
    const mine = { data: new Set<(c: Uint8Array) => void>(), exit: new Set<(c: number) => void>() }
    const unpause = () => {
      if (!pausedHere) return
      pausedHere = false
      if (--shell.paused === 0) shell.socket?.resume?.()
    }
    return {
      write: (data) => {
        if (closed || shell.exited) return
        s.lastActivity = this.now()
        shell.stdin.write(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data))
      },
      resize: (size) => {
        if (!closed && !shell.exited) shell.sink.setSize(size)
      },
      onData: (listener) => {
        // Replay recent output first (the screen of a re-attached shell), then live data.
        const snap = shell.replay.snapshot()
        if (snap.length) listener(new Uint8Array(snap))
        shell.data.add(listener)
        mine.data.add(listener)
        return () => {
          shell.data.delete(listener)
          mine.data.delete(listener)
        }
      },
      onExit: (listener) => {
        if (shell.exited) queueMicrotask(() => listener(shell.code))
        shell.exit.add(listener)
        mine.exit.add(listener)
        return () => {
          shell.exit.delete(listener)
          mine.exit.delete(listener)
        }
      },
      // Backpressure: stop reading the exec WebSocket; TCP pushes back through the API server to the pty.
      pause: () => {
        if (closed || pausedHere) return
        pausedHere = true
        if (shell.paused++ === 0) shell.socket?.pause?.()
      },
      resume: unpause,
      close: () => {
        // Detach this view only: the shell keeps running for a re-attach.
        if (closed) return
        closed = true
        for (const l of mine.data) shell.data.delete(l)
        for (const l of mine.exit) shell.exit.delete(l)
        unpause()
      },
    }
  }

  async status(sessionId: string): Promise<SandboxStatus | undefined> {
    const s = this.sessions.get(sessionId)
    return s ? { ...s.status } : this.ended.get(sessionId)
  }

  /** Record learner activity (input, heartbeats) for the idle timeout. */
  touch(sessionId: string): void {
    const s = this.sessions.get(sessionId)
    if (s) s.lastActivity = this.now()
  }

  /**
   * Add lab services to a running `network: 'lab'` session (after setup.sh, see lab-network.ts): per
   * service, the two allow policies, the service pod, the DNAT rule in the learner pod's `net`
   * container, then a connection from the learner pod proves the path. Fails closed at any step.
   */
  async addLabServices(sessionId: string, services: LabServiceSpec[]): Promise<void> {
    const s = this.ready(sessionId)
    if (s.spec.network !== 'lab') throw new Error(`session ${sessionId} has no lab network`)
    for (const svc of services) serviceCommand(svc) // validate all before creating anything
    for (const svc of services) await this.addService(s, svc)
  }

  private async addService(s: Session, svc: LabServiceSpec): Promise<void> {
    const index = s.services++
    const owner = s.uid ? { name: s.name, uid: s.uid } : undefined
    const opts = this.options.pod
    const { address, port } = serviceEndpoint(svc)
    for (const body of labServicePolicies(s.spec, opts, index, svc, owner))
      await this.api.networking.createNamespacedNetworkPolicy({ namespace: this.namespace, body })
    const pod = labServicePod(s.spec, opts, index, svc, owner)
    await this.api.core.createNamespacedPod({ namespace: this.namespace, body: pod })
    const running = await this.waitRunning(pod.metadata?.name as string, [SERVICE_CONTAINER])
    const nat = await this.run(s, NET_CONTAINER, 'root', 'nft -f -', {
      stdin: natRules(address, port, running.status?.podIP ?? ''),
      timeoutMs: 10_000,
    })
    if (nat.exitCode !== 0)
      throw new Error(`lab service NAT failed (${nat.exitCode}): ${nat.stderr.trim().slice(0, 200)}`)
    const probe = await this.run(s, LAB_CONTAINER, 'root', probeScript(address, port), { timeoutMs: 20_000 })
    if (probe.exitCode !== 0)
      throw new Error(`lab service ${address}:${port} does not answer from the learner pod`)
    if (svc.hostname) {
      const r = await this.run(s, LAB_CONTAINER, 'root', 'cat >> /etc/hosts', {
        stdin: hostsLine(address, svc.hostname),
        timeoutMs: 10_000,
      })
      if (r.exitCode !== 0) throw new Error(`adding lab hostnames failed: ${r.stderr.trim().slice(0, 200)}`)
    }
  }

  /** Delete the session's pod, service pods and policies. Idempotent; works for sessions this process no longer knows. */
  async stop(sessionId: string): Promise<void> {
    const s = this.sessions.get(sessionId)
    if (s) return this.teardown(s, 'stopped')
    if (!SESSION_ID.test(sessionId)) return
    await this.deleteSessionObjects(sessionName(sessionId))
  }

  private teardown(s: Session, reason: string): Promise<void> {
    if (s.stopping) return s.stopping
    s.stopping = (async () => {
      s.status = { ...s.status, state: 'stopping', reason }
      for (const t of s.timers) clearTimeout(t)
      s.timers = []
      if (s.shell) this.shellExited(s.shell, EXIT_KILLED)
      const clean = s.owned ? await this.deleteSessionObjects(s.name) : true
      s.status = {
        ...s.status,
        state: clean ? 'stopped' : 'failed',
        reason: clean ? reason : `${reason}; cleanup incomplete`,
      }
      if (this.sessions.get(s.spec.sessionId) === s) this.sessions.delete(s.spec.sessionId)
      this.ended.set(s.spec.sessionId, { ...s.status })
      if (this.ended.size > 1000) this.ended.delete(this.ended.keys().next().value as string)
      if (this.sessions.size === 0 && this.checker) {
        clearInterval(this.checker)
        this.checker = undefined
      }
      try {
        this.options.onStopped?.(s.spec.sessionId, reason)
      } catch {
        /* listener errors must not break teardown */
      }
    })()
    return s.stopping
  }

  /** true when every delete was accepted or found nothing. The kubelet kills within the 1 s grace period. */
  private async deleteSessionObjects(name: string): Promise<boolean> {
    const namespace = this.namespace
    const labelSelector = `${LABEL.session}=${name}`
    const results = await Promise.allSettled([
      this.api.core.deleteNamespacedPod({ name, namespace, propagationPolicy: 'Background' }),
      this.api.core.deleteCollectionNamespacedPod({
        namespace,
        labelSelector,
        propagationPolicy: 'Background',
      }),
      this.api.networking.deleteCollectionNamespacedNetworkPolicy({ namespace, labelSelector }),
    ])
    return results.every((r) => r.status === 'fulfilled' || httpCode(r.reason) === 404)
  }

  /** Stop every session, then delete every pod and policy labelled with this runner's id (also a crashed predecessor's). */
  async stopAll(_options: { reapLeftovers?: boolean } = {}): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => this.teardown(s, 'shutdown')))
    const namespace = this.namespace
    const labelSelector = `${LABEL.runner}=${this.options.pod.runnerId}`
    const results = await Promise.allSettled([
      this.api.core.deleteCollectionNamespacedPod({
        namespace,
        labelSelector,
        propagationPolicy: 'Background',
      }),
      this.api.networking.deleteCollectionNamespacedNetworkPolicy({ namespace, labelSelector }),
    ])
    const failed = results.flatMap((r) =>
      r.status === 'rejected' && httpCode(r.reason) !== 404 ? [apiMessage(r.reason)] : [],
    )
    if (failed.length) throw new Error(`stopAll: ${failed.join('; ')}`)
  }
}

/**
 * The driver from the environment, for the lab runner: KENSHU_K8S_NAMESPACE (default kenshu-labs),
 * KENSHU_K8S_LAB_IMAGE, KENSHU_RUNNER_ID (required: stopAll deletes by it), optional
 * KENSHU_K8S_USER_NAMESPACES=1, KENSHU_K8S_RUNTIME_CLASS, KENSHU_K8S_NODE_SELECTOR (k=v,k=v),
 * KENSHU_IDLE_TIMEOUT_SEC. In-cluster credentials when KUBERNETES_SERVICE_HOST is set, else kubeconfig.
 */
export function createKubernetesDriver(
  env: Readonly<Record<string, string | undefined>> = process.env,
  extra: Omit<KubernetesDriverOptions, 'pod'> = {},
): KubernetesDriver {
  const image = env.KENSHU_K8S_LAB_IMAGE
  if (!image) throw new Error('KENSHU_K8S_LAB_IMAGE must name the lab image (deploy/k8s/lab-image)')
  const runnerId = env.KENSHU_RUNNER_ID
  if (!runnerId) throw new Error('KENSHU_RUNNER_ID must be set: stopAll() deletes every pod labelled with it')
  const idle = env.KENSHU_IDLE_TIMEOUT_SEC ? Number(env.KENSHU_IDLE_TIMEOUT_SEC) : undefined
  if (idle !== undefined && !(Number.isFinite(idle) && idle >= 0))
    throw new Error('KENSHU_IDLE_TIMEOUT_SEC must be a number ≥ 0')
  const kc = new KubeConfig()
  if (env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster()
  else kc.loadFromDefault()
  const apis: KubernetesApis = {
    core: kc.makeApiClient(CoreV1Api),
    networking: kc.makeApiClient(NetworkingV1Api),
    authorization: kc.makeApiClient(AuthorizationV1Api),
    exec: new Exec(kc),
  }
  return new KubernetesDriver(apis, {
    idleTimeoutSec: idle,
    ...extra,
    pod: {
      namespace: env.KENSHU_K8S_NAMESPACE || 'kenshu-labs',
      image,
      runnerId,
      userNamespace: env.KENSHU_K8S_USER_NAMESPACES === '1',
      runtimeClassName: env.KENSHU_K8S_RUNTIME_CLASS || undefined,
      nodeSelector: parseSelector(env.KENSHU_K8S_NODE_SELECTOR),
    },
  })
}

/** tar members of a lab's files/ overlay (see overlayMembers); none when there is no files/. */
function overlayOf(labDir: string): string[] {
  const filesDir = path.join(labDir, 'files')
  if (!existsSync(filesDir)) return []
  const home = path.join(filesDir, 'home')
  return overlayMembers(readdirSync(filesDir), existsSync(home) ? readdirSync(home) : [])
}

function parseSelector(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined
  const out: Record<string, string> = {}
  for (const part of text.split(',')) {
    const [k, v, ...rest] = part.trim().split('=')
    if (!k || v === undefined || rest.length)
      throw new Error(`KENSHU_K8S_NODE_SELECTOR: bad entry ${JSON.stringify(part)}`)
    out[k] = v
  }
  return out
}

/** A Writable that appends to a capped buffer (the rest of an untrusted output is dropped). */
function sinkTo(buf: CappedBuffer): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      buf.push(chunk)
      cb()
    },
  })
}

/** stdout of the TTY exec; `columns`/`rows` + 'resize' make the client send resizes on the exec's resize channel. */
class TerminalSink extends Writable {
  columns: number
  rows: number
  constructor(
    size: TerminalSize,
    private readonly onChunk: (b: Buffer) => void,
  ) {
    super()
    this.columns = clampCols(size.cols)
    this.rows = clampRows(size.rows)
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.onChunk(chunk)
    cb()
  }
  setSize(size: TerminalSize): void {
    const cols = clampCols(size.cols)
    const rows = clampRows(size.rows)
    if (cols === this.columns && rows === this.rows) return
    this.columns = cols
    this.rows = rows
    this.emit('resize')
  }
}

