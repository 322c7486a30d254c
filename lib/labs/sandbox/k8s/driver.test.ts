import { EventEmitter } from 'node:events'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Readable, Writable } from 'node:stream'
import type {
  V1NetworkPolicy,
  V1Pod,
  V1PodStatus,
  V1SelfSubjectAccessReview,
  V1Status,
} from '@kubernetes/client-node'
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { labServicesFor, supportsLabServices } from '../../runtime/lab-network'
import type { LabServiceSpec } from '../netns'
import type { SandboxSpec } from '../types'
import {
  createKubernetesDriver,
  KubernetesDriver,
  podCondition,
  type KubernetesApis,
  type KubernetesDriverOptions,
} from './driver'
import {
  denyAllPolicy,
  execArgv,
  labServicePod,
  labServicePolicies,
  learnerPod,
  LOCKDOWN_SCRIPT,
  natRules,
  OVERLAY_SCRIPT,
  shellArgv,
  type PodOptions,
} from './specs'

// ---------------------------------------------------------------- an in-memory Kubernetes API

class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(`HTTP-Code: ${code}`)
    this.body = { kind: 'Status', message }
  }
  body: { kind: string; message: string }
}

type ExecCall = {
  pod: string
  container: string
  command: string[]
  tty: boolean
  /** Non-TTY: the framed script and stdin as the wrapper would read them. */
  script?: string
  stdin?: Buffer
  socket: FakeSocket
  stdout: Writable | null
  stdinStream: Readable | null
  received: Buffer[]
  sizes: { cols: number; rows: number }[]
  finish: (status: V1Status, out?: string, err?: string) => void
}
type ExecReply =
  { status?: V1Status; stdout?: string; stderr?: string; hang?: boolean; drop?: boolean } | undefined

class FakeSocket extends EventEmitter {
  closed = false
  pauses = 0
  resumes = 0
  close() {
    if (this.closed) return
    this.closed = true
    this.emit('close')
  }
  pause() {
    this.pauses++
  }
  resume() {
    this.resumes++
  }
}

function matches(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  if (!selector) return true
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=')
    return labels?.[k as string] === v
  })
}

const OK: V1Status = { status: 'Success' }
const exitStatus = (code: number): V1Status => ({
  status: 'Failure',
  reason: 'NonZeroExitCode',
  details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
})

class FakeKube {
  pods = new Map<string, V1Pod>()
  policies = new Map<string, V1NetworkPolicy>()
  calls: string[] = []
  created: V1Pod[] = []
  createdPolicies: V1NetworkPolicy[] = []
  deletes: { kind: string; name?: string; labelSelector?: string }[] = []
  denied = new Set<string>()
  reviews: V1SelfSubjectAccessReview[] = []
  reviewError?: Error
  execs: ExecCall[] = []
  status: (pod: V1Pod) => V1PodStatus = (pod) => running(pod)
  reply: (call: ExecCall) => ExecReply = () => ({ status: OK })
  private uid = 0

  readonly apis: KubernetesApis = {
    core: {
      createNamespacedPod: async ({ body }) => {
        const name = body.metadata?.name as string
        this.calls.push(`create pod ${name}`)
        if (this.pods.has(name)) throw new ApiError(409, 'exists')
        const stored = structuredClone(body)
        stored.metadata = { ...stored.metadata, uid: `uid-${++this.uid}` }
        this.pods.set(name, stored)
        this.created.push(body)
        return stored
      },
      readNamespacedPod: async ({ name }) => {
        const p = this.pods.get(name)
        if (!p) throw new ApiError(404, `pods "${name}" not found`)
        return { ...p, status: this.status(p) }
      },
      deleteNamespacedPod: async ({ name }) => {
        this.deletes.push({ kind: 'pod', name })
        if (!this.pods.delete(name)) throw new ApiError(404, 'not found')
        return {}
      },
      deleteCollectionNamespacedPod: async ({ labelSelector }) => {
        this.deletes.push({ kind: 'pods', labelSelector })
        for (const [n, p] of this.pods) if (matches(p.metadata?.labels, labelSelector)) this.pods.delete(n)
        return {}
      },
    },
    networking: {
      createNamespacedNetworkPolicy: async ({ body }) => {
        const name = body.metadata?.name as string
        this.calls.push(`create policy ${name}`)
        if (this.policies.has(name)) throw new ApiError(409, 'exists')
        this.policies.set(name, structuredClone(body))
        this.createdPolicies.push(body)
        return body
      },
      deleteCollectionNamespacedNetworkPolicy: async ({ labelSelector }) => {
        this.deletes.push({ kind: 'policies', labelSelector })
        for (const [n, p] of this.policies)
          if (matches(p.metadata?.labels, labelSelector)) this.policies.delete(n)
        return {}
      },
    },
    authorization: {
      createSelfSubjectAccessReview: async ({ body }) => {
        if (this.reviewError) throw this.reviewError
        this.reviews.push(body)
        const a = body.spec.resourceAttributes ?? {}
        const key = `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}`
        return {
          ...body,
          status: {
            allowed: !this.denied.has(key),
            reason: this.denied.has(key) ? 'no RBAC rule' : undefined,
          },
        }
      },
    },
    exec: {
      exec: async (_ns, pod, container, command, stdout, stderr, stdin, tty, cb) => {
        const socket = new FakeSocket()
        const call: ExecCall = {
          pod,
          container,
          command: [command].flat(),
          tty,
          socket,
          stdout,
          stdinStream: stdin,
          received: [],
          sizes: [],
          finish: (status, out, err) => {
            if (out) stdout?.write(Buffer.from(out))
            if (err) stderr?.write(Buffer.from(err))
            stdout?.end()
            stderr?.end()
            cb?.(status)
            socket.close()
          },
        }
        this.execs.push(call)
        if (!this.pods.has(pod)) throw new ApiError(404, 'pod not found')
        if (tty) {
          const sink = stdout as Writable & { columns: number; rows: number }
          call.sizes.push({ cols: sink.columns, rows: sink.rows })
          sink.on('resize', () => call.sizes.push({ cols: sink.columns, rows: sink.rows }))
          stdin?.on('data', (d: Buffer) => call.received.push(d))
          return socket
        }
        this.readFrame(call)
        return socket
      },
    },
  }

  /** Parse the exec frame like EXEC_WRAPPER does, then answer with `reply`. */
  private readFrame(call: ExecCall) {
    let buf = Buffer.alloc(0)
    call.stdinStream?.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d])
      const nl = buf.indexOf(10)
      if (nl < 0 || call.script !== undefined) return
      const [n, m] = buf.subarray(0, nl).toString().split(' ').map(Number) as [number, number]
      if (buf.length < nl + 1 + n + m) return
      call.script = buf.subarray(nl + 1, nl + 1 + n).toString('utf8')
      call.stdin = buf.subarray(nl + 1 + n, nl + 1 + n + m)
      setImmediate(() => this.answer(call))
    })
  }

  private answer(call: ExecCall) {
    const r = this.reply(call)
    if (r?.hang) return
    if (r?.drop) return call.socket.close()
    call.finish(r?.status ?? OK, r?.stdout, r?.stderr)
  }

  policy(name: string) {
    return this.policies.get(name)
  }
}

function running(pod: V1Pod): V1PodStatus {
  const names = pod.spec?.containers.map((c) => c.name) ?? []
  return {
    phase: 'Running',
    podIP: pod.metadata?.labels?.['kenshu.io/role'] === 'service' ? '10.244.3.9' : '10.244.3.8',
    containerStatuses: names.map((name) => ({
      name,
      image: 'x',
      imageID: 'x',
      ready: true,
      restartCount: 0,
      state: { running: {} },
    })),
  }
}

// ---------------------------------------------------------------- fixtures

const root = mkdtempSync(path.join(tmpdir(), 'kenshu-k8s-test-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function labDir(name: string, files = true): string {
  const dir = path.join(root, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'setup.sh'), 'echo setting up\n')
  if (files) {
    mkdirSync(path.join(dir, 'files/home/learner'), { recursive: true })
    mkdirSync(path.join(dir, 'files/srv/gateway'), { recursive: true })
    writeFileSync(path.join(dir, 'files/home/learner/.bashrc'), 'PS1=x\n')
    writeFileSync(path.join(dir, 'files/srv/gateway/users'), 'admin:admin\n')
  }
  return dir
}

const POD_OPTS: PodOptions = {
  namespace: 'kenshu-labs',
  image: 'registry.example/kenshu-lab:1',
  runnerId: 'r1',
}
const LIMITS = { memoryMb: 256, pids: 128, cpus: 0.5, homeMb: 16, tmpMb: 16 }

function specFor(id: string, over: Partial<SandboxSpec> = {}): SandboxSpec {
  return {
    sessionId: id,
    labDir: labDir('iot-lab'),
    limits: LIMITS,
    network: 'none',
    timeLimitSec: 600,
    ...over,
  }
}

let kube: FakeKube
let clock: number
let stopped: [string, string][]

function driver(over: Partial<KubernetesDriverOptions> = {}) {
  return new KubernetesDriver(kube.apis, {
    pod: POD_OPTS,
    pollIntervalMs: 1,
    startTimeoutMs: 1000,
    execGraceMs: 20,
    idleTimeoutSec: 60,
    now: () => clock,
    onStopped: (id, reason) => stopped.push([id, reason]),
    ...over,
  })
}

beforeEach(() => {
  kube = new FakeKube()
  clock = 1_000_000
  stopped = []
})

// ---------------------------------------------------------------- tests

describe('availability', () => {
  it('is available when every access review allows, and asks about the runner namespace', async () => {
    const a = await driver().availability()
    expect(a).toMatchObject({ available: true, driver: 'kubernetes' })
    expect(kube.reviews.map((r) => r.spec.resourceAttributes?.namespace)).toEqual(
      Array(8).fill('kenshu-labs'),
    )
    const asked = kube.reviews.map(
      (r) =>
        `${r.spec.resourceAttributes?.verb} ${r.spec.resourceAttributes?.resource}${r.spec.resourceAttributes?.subresource ? '/' + r.spec.resourceAttributes.subresource : ''}`,
    )
    expect(asked).toEqual([
      'create pods',
      'get pods',
      'delete pods',
      'deletecollection pods',
      'create pods/exec',
      'get pods/exec',
      'create networkpolicies',
      'deletecollection networkpolicies',
    ])
  })

  it('fails closed with a reason when a review denies', async () => {
    kube.denied.add('create pods/exec')
    const a = await driver().availability()
    expect(a).toEqual({
      available: false,
      driver: 'kubernetes',
      reason: 'not allowed in namespace kenshu-labs: create pods/exec (no RBAC rule)',
    })
  })

  it('fails closed when the API cannot be asked', async () => {
    kube.reviewError = new ApiError(401, 'Unauthorized')
    expect(await driver().availability()).toEqual({
      available: false,
      driver: 'kubernetes',
      reason: 'kubernetes API: 401 Unauthorized',
    })
  })

  it('caches a yes and re-asks after a no', async () => {
    const d = driver()
    kube.denied.add('create pods')
    expect((await d.availability()).available).toBe(false)
    kube.denied.clear()
    expect((await d.availability()).available).toBe(true)
    const n = kube.reviews.length
    await d.availability()
    expect(kube.reviews.length).toBe(n)
  })

  it('start refuses without permission and creates nothing', async () => {
    kube.denied.add('create networkpolicies')
    await expect(driver().start(specFor('s1'))).rejects.toThrow(
      /sandbox unavailable: .*create networkpolicies/,
    )
    expect(kube.created).toHaveLength(0)
    expect(kube.createdPolicies).toHaveLength(0)
  })
})

describe('start', () => {
  it('creates exactly the deny-all policy and the pod from specs.ts, then lock-down, files/ and setup.sh as root', async () => {
    const spec = specFor('s1', { env: { VAR_X: "a'b" } })
    const st = await driver().start(spec)
    expect(st).toMatchObject({ sessionId: 's1', state: 'ready' })
    expect(kube.calls.slice(0, 2)).toEqual(['create policy kenshu-deny-all', 'create pod ks-s1'])
    expect(kube.createdPolicies).toEqual([denyAllPolicy('kenshu-labs')])
    expect(kube.created).toEqual([learnerPod(spec, POD_OPTS)])
    expect(kube.execs.map((e) => [e.pod, e.container, e.tty])).toEqual([
      ['ks-s1', 'lab', false],
      ['ks-s1', 'lab', false],
      ['ks-s1', 'lab', false],
    ])
    const [lock, overlay, setup] = kube.execs as [ExecCall, ExecCall, ExecCall]
    expect(lock.command).toEqual(execArgv('root', 10_000))
    expect(lock.script).toBe(LOCKDOWN_SCRIPT)
    expect(overlay.script).toBe(OVERLAY_SCRIPT)
    const tar = overlay.stdin?.toString('latin1') ?? ''
    expect(tar).toContain('home/learner/.bashrc')
    expect(tar).toContain('srv/gateway/users')
    expect(tar.slice(0, 100)).not.toMatch(/^\.\//)
    expect(setup.command).toEqual(execArgv('root', 60_000))
    expect(setup.script).toBe("export VAR_X='a'\\''b'\necho setting up\n")
  })

  it('skips setup.sh when runSetup is false, and a missing files/ dir', async () => {
    await driver().start(specFor('s1', { runSetup: false, labDir: labDir('bare', false) }))
    expect(kube.execs.map((e) => e.script)).toEqual([LOCKDOWN_SCRIPT])
  })

  it('creates the shared deny-all policy once and accepts one that exists', async () => {
    kube.policies.set('kenshu-deny-all', denyAllPolicy('kenshu-labs'))
    const d = driver()
    await d.start(specFor('s1'))
    await d.start(specFor('s2'))
    expect(kube.calls.filter((c) => c.startsWith('create policy'))).toEqual(['create policy kenshu-deny-all'])
    expect(kube.created.map((p) => p.metadata?.name)).toEqual(['ks-s1', 'ks-s2'])
  })

  it('fails fast on an image that cannot be pulled, and deletes the pod', async () => {
    kube.status = () => ({
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'lab',
          image: 'x',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'ErrImagePull', message: 'not found' } },
        },
      ],
    })
    const d = driver()
    await expect(d.start(specFor('s1'))).rejects.toThrow('pod ks-s1: lab: ErrImagePull (not found)')
    expect(kube.pods.size).toBe(0)
    expect(await d.status('s1')).toMatchObject({
      state: 'stopped',
      reason: 'start failed: pod ks-s1: lab: ErrImagePull (not found)',
    })
    expect(stopped).toEqual([['s1', 'start failed: pod ks-s1: lab: ErrImagePull (not found)']])
  })

  it('gives up on a pod that never runs', async () => {
    kube.status = () => ({
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/3 nodes are available',
        },
      ],
    })
    const d = driver({ startTimeoutMs: 30, now: Date.now })
    await expect(d.start(specFor('s1'))).rejects.toThrow(
      'pod ks-s1 not running in time (Unschedulable: 0/3 nodes are available)',
    )
    expect(kube.pods.size).toBe(0)
  })

  it('rides out a passing API error while waiting, but not a deleted pod', async () => {
    const read = kube.apis.core.readNamespacedPod.bind(kube.apis.core)
    let n = 0
    kube.apis.core.readNamespacedPod = async (p) => {
      if (n++ === 0) throw new ApiError(500, 'etcdserver: leader changed')
      return read(p)
    }
    await expect(driver().start(specFor('s1'))).resolves.toMatchObject({ state: 'ready' })
    kube.apis.core.readNamespacedPod = async () => {
      throw new ApiError(404, 'not found')
    }
    await expect(driver().start(specFor('s2'))).rejects.toThrow('pod ks-s2 is gone')
  })

  it('fails when setup.sh fails, with its stderr, and cleans up', async () => {
    kube.reply = (c) =>
      c.script?.includes('setting up') ? { status: exitStatus(2), stderr: 'boom' } : { status: OK }
    await expect(driver().start(specFor('s1'))).rejects.toThrow('setup.sh failed (2): boom')
    expect(kube.pods.size).toBe(0)
  })

  it('refuses a files/ overlay outside the writable mounts', async () => {
    const dir = labDir('etc-lab', false)
    mkdirSync(path.join(dir, 'files/etc'), { recursive: true })
    await expect(driver().start(specFor('s1', { labDir: dir }))).rejects.toThrow(
      /files\/etc cannot be placed/,
    )
    expect(kube.calls).toEqual([])
  })

  it('leaves a pod it did not create alone when its name is taken', async () => {
    const foreign = learnerPod(specFor('s1'), POD_OPTS)
    kube.pods.set('ks-s1', foreign)
    kube.deletes = []
    await expect(driver().start(specFor('s1'))).rejects.toThrow('pod ks-s1 already exists')
    expect(kube.deletes).toEqual([])
    expect(kube.pods.get('ks-s1')).toBe(foreign)
  })

  it('rejects bad ids and duplicate sessions before touching the API', async () => {
    const d = driver()
    await expect(d.start(specFor('Bad_Id'))).rejects.toThrow(/invalid session id/)
    await expect(d.start(specFor('s1', { env: { 'A B': '1' } }))).rejects.toThrow(/invalid env name/)
    expect(kube.calls).toEqual([])
    await d.start(specFor('s1'))
    await expect(d.start(specFor('s1'))).rejects.toThrow(/already exists/)
  })
})

describe('exec', () => {
  async function ready(over: Partial<SandboxSpec> = {}) {
    const d = driver()
    await d.start(specFor('s1', { env: { SECRET: 'v' }, ...over }))
    kube.execs = []
    return d
  }

  it('runs root scripts with the per-session env, framed on stdin; learner scripts without it', async () => {
    const d = await ready()
    kube.reply = () => ({ status: OK, stdout: 'out', stderr: 'err' })
    const r = await d.exec('s1', 'bash --norc --noprofile -s', {
      asRoot: true,
      stdin: 'check script',
      timeoutMs: 20_000,
    })
    expect(r).toEqual({ exitCode: 0, stdout: 'out', stderr: 'err', timedOut: false })
    const [root] = kube.execs as [ExecCall]
    expect(root.command).toEqual(execArgv('root', 20_000))
    expect(root.script).toBe("export SECRET='v'\nbash --norc --noprofile -s")
    expect(root.stdin?.toString()).toBe('check script')
    expect(root.command.join(' ')).not.toContain('check script')
    await d.exec('s1', 'id -u')
    const learner = kube.execs[1] as ExecCall
    expect(learner.command).toEqual(execArgv('learner', 30_000))
    expect(learner.script).toBe('id -u')
  })

  it('maps the status channel to exit codes', async () => {
    const d = await ready()
    kube.reply = () => ({ status: exitStatus(1), stdout: 'not yet\n' })
    expect(await d.exec('s1', 'x', { asRoot: true })).toEqual({
      exitCode: 1,
      stdout: 'not yet\n',
      stderr: '',
      timedOut: false,
    })
    kube.reply = () => ({
      status: { status: 'Failure', reason: 'InternalError', message: 'container not running' },
    })
    const r = await d.exec('s1', 'x')
    expect(r.exitCode).toBe(125)
    expect(r.stderr).toContain('container not running')
  })

  it('bounds captured output', async () => {
    const d = await ready()
    kube.reply = () => ({ status: OK, stdout: 'x'.repeat(5000), stderr: 'y'.repeat(5000) })
    const r = await d.exec('s1', 'yes', { maxOutputBytes: 100 })
    expect(r.stdout).toBe('x'.repeat(100))
    expect(r.stderr).toBe('y'.repeat(100))
  })

  it('reports timeouts: the in-pod timeout (124) and the host backstop', async () => {
    const d = await ready()
    kube.reply = () => ({ status: exitStatus(124) })
    expect(await d.exec('s1', 'sleep 99', { timeoutMs: 1000 })).toMatchObject({
      exitCode: 124,
      timedOut: true,
    })
    kube.reply = () => ({ hang: true })
    const r = await d.exec('s1', 'sleep 99', { timeoutMs: 10 })
    expect(r).toMatchObject({ exitCode: 137, timedOut: true })
    expect(kube.execs.at(-1)?.socket.closed).toBe(true)
  })

  it('reports a lost connection and an API refusal as 125, never as success or failure', async () => {
    const d = await ready()
    kube.reply = () => ({ drop: true })
    expect(await d.exec('s1', 'x')).toMatchObject({ exitCode: 125, timedOut: false })
    kube.pods.delete('ks-s1')
    const r = await d.exec('s1', 'x')
    expect(r.exitCode).toBe(125)
    expect(r.stderr).toContain('404 pod not found')
  })

  it('refuses sessions that are not running', async () => {
    await expect(driver().exec('nope', 'true')).rejects.toThrow(/not running/)
  })
})

describe('attach', () => {
  async function attached() {
    const d = driver()
    await d.start(specFor('s1'))
    kube.execs = []
    const t = await d.attach('s1', { cols: 100, rows: 30 })
    return { d, t, call: kube.execs[0] as ExecCall }
  }

  it('execs the learner shell with a TTY and bridges data, input and resizes', async () => {
    const { t, call } = await attached()
    expect([call.container, call.tty, call.command]).toEqual(['lab', true, shellArgv()])
    const got: string[] = []
    t.onData((c) => got.push(Buffer.from(c).toString()))
    call.stdout?.write(Buffer.from('learner@kenshu:~$ '))
    expect(got).toEqual(['learner@kenshu:~$ '])
    t.write('ls\r')
    t.write(new Uint8Array([3]))
    await new Promise((r) => setImmediate(r))
    expect(Buffer.concat(call.received).toString()).toBe('ls\r\u0003')
    t.resize({ cols: 120, rows: 40 })
    t.resize({ cols: 9999, rows: 1 })
    expect(call.sizes).toEqual([
      { cols: 100, rows: 30 },
      { cols: 120, rows: 40 },
      { cols: 500, rows: 4 },
    ])
  })

  it('pauses the exec socket for backpressure, counted across views', async () => {
    const { d, t, call } = await attached()
    const t2 = await d.attach('s1', { cols: 100, rows: 30 })
    t.pause()
    t2.pause()
    expect(call.socket.pauses).toBe(1)
    t.resume()
    expect(call.socket.resumes).toBe(0)
    t2.close()
    expect(call.socket.resumes).toBe(1)
  })

  it('keeps the shell on close and replays its output on re-attach; a new shell after exit', async () => {
    const { d, t, call } = await attached()
    call.stdout?.write(Buffer.from('prompt$ '))
    t.close()
    expect(call.socket.closed).toBe(false)
    const again = await d.attach('s1', { cols: 80, rows: 24 })
    expect(kube.execs).toHaveLength(1)
    const got: string[] = []
    again.onData((c) => got.push(Buffer.from(c).toString()))
    expect(got).toEqual(['prompt$ '])
    const codes: number[] = []
    again.onExit((c) => codes.push(c))
    call.finish(exitStatus(130))
    expect(codes).toEqual([130])
    await d.attach('s1', { cols: 80, rows: 24 })
    expect(kube.execs).toHaveLength(2)
  })
})

describe('idle timeout and pod health', () => {
  it('deletes the pod after the idle timeout; touch() keeps it', async () => {
    const d = driver()
    await d.start(specFor('s1'))
    clock += 50_000
    d.touch('s1')
    clock += 50_000
    await d.checkSessions()
    expect((await d.status('s1'))?.state).toBe('ready')
    clock += 11_000
    await d.checkSessions()
    expect(await d.status('s1')).toMatchObject({ state: 'stopped', reason: 'idle timeout' })
    expect(kube.pods.has('ks-s1')).toBe(false)
    expect(stopped).toEqual([['s1', 'idle timeout']])
  })

  it('ends sessions whose pod hit its deadline or vanished', async () => {
    const d = driver()
    await d.start(specFor('s1'))
    await d.start(specFor('s2'))
    kube.status = (p) =>
      p.metadata?.name === 'ks-s1' ? { phase: 'Failed', reason: 'DeadlineExceeded' } : running(p)
    kube.pods.delete('ks-s2')
    await d.checkSessions()
    expect(stopped.sort()).toEqual([
      ['s1', 'time limit reached'],
      ['s2', 'pod gone'],
    ])
  })

  it('reads pod conditions', () => {
    const pod = learnerPod(specFor('s1'), POD_OPTS)
    expect(podCondition({ ...pod, status: running(pod) }, ['lab'])).toEqual({ state: 'running' })
    expect(podCondition({ ...pod, status: { phase: 'Pending' } }, ['lab'])).toEqual({
      state: 'pending',
      detail: 'Pending',
    })
    expect(
      podCondition({ ...pod, status: { phase: 'Failed', reason: 'Evicted', message: 'memory' } }, ['lab']),
    ).toEqual({ state: 'failed', reason: 'pod failed: Evicted (memory)' })
    const oom = {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'lab',
          image: '',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
        },
      ],
    }
    expect(podCondition({ ...pod, status: oom }, ['lab'])).toEqual({
      state: 'failed',
      reason: 'lab exited: OOMKilled',
    })
  })
})

describe('stop and stopAll', () => {
  it('stop deletes the pod and everything with its session label; idempotent', async () => {
    const d = driver()
    await d.start(specFor('s1'))
    kube.deletes = []
    await d.stop('s1')
    expect(kube.deletes).toEqual([
      { kind: 'pod', name: 'ks-s1' },
      { kind: 'pods', labelSelector: 'kenshu.io/session=ks-s1' },
      { kind: 'policies', labelSelector: 'kenshu.io/session=ks-s1' },
    ])
    expect(await d.status('s1')).toMatchObject({ state: 'stopped', reason: 'stopped' })
    await expect(d.stop('s1')).resolves.toBeUndefined()
    await expect(d.exec('s1', 'true')).rejects.toThrow(/not running/)
  })

  it('stop also deletes a session this process does not know (runner restart), and ignores bad ids', async () => {
    kube.deletes = []
    await driver().stop('s9')
    expect(kube.deletes.map((x) => x.name ?? x.labelSelector)).toEqual([
      'ks-s9',
      'kenshu.io/session=ks-s9',
      'kenshu.io/session=ks-s9',
    ])
    kube.deletes = []
    await driver().stop('../etc')
    expect(kube.deletes).toEqual([])
  })

  it('marks a stop that the API refused as failed', async () => {
    const d = driver()
    await d.start(specFor('s1'))
    kube.apis.networking.deleteCollectionNamespacedNetworkPolicy = async () => {
      throw new ApiError(403, 'forbidden')
    }
    await d.stop('s1')
    expect(await d.status('s1')).toMatchObject({ state: 'failed', reason: 'stopped; cleanup incomplete' })
  })

  it('stopAll deletes by runner label only', async () => {
    const d = driver()
    await d.start(specFor('s1'))
    const other = learnerPod(specFor('s2'), { ...POD_OPTS, runnerId: 'r2' })
    kube.pods.set('ks-s2', other)
    kube.deletes = []
    await d.stopAll({ reapLeftovers: true })
    expect(kube.deletes).toContainEqual({ kind: 'pods', labelSelector: 'kenshu.io/runner=r1' })
    expect(kube.deletes).toContainEqual({ kind: 'policies', labelSelector: 'kenshu.io/runner=r1' })
    expect([...kube.pods.keys()]).toEqual(['ks-s2'])
    expect(kube.policies.has('kenshu-deny-all')).toBe(true)
    expect(stopped).toEqual([['s1', 'shutdown']])
  })
})

describe('lab services', () => {
  const C2 = labServicesFor(
    {
      mode: 'lab',
      services: [{ id: 'c2', address: '{{C2_ADDR}}', port: 443, protocol: 'tcp', behaviour: 'sink' }],
    },
    { C2_ADDR: '198.51.100.7' },
  )

  it('is accepted by the lab runtime as a lab-network driver', () => {
    expect(supportsLabServices(driver())).toBe(true)
  })

  it('creates the allow policies and the service pod from specs.ts, then DNAT and a probe', async () => {
    const d = driver()
    const spec = specFor('s1', { network: 'lab' })
    await d.start(spec)
    kube.execs = []
    kube.calls = []
    await d.addLabServices('s1', C2)
    const owner = { name: 'ks-s1', uid: 'uid-1' }
    const svc = C2[0] as LabServiceSpec
    expect(kube.calls).toEqual([
      'create policy ks-s1-svc-0-egress',
      'create policy ks-s1-svc-0-ingress',
      'create pod ks-s1-svc-0',
    ])
    expect(kube.createdPolicies.slice(-2)).toEqual(labServicePolicies(spec, POD_OPTS, 0, svc, owner))
    expect(kube.created.at(-1)).toEqual(labServicePod(spec, POD_OPTS, 0, svc, owner))
    const [nat, probe] = kube.execs as [ExecCall, ExecCall]
    expect([nat.container, nat.script]).toEqual(['net', 'nft -f -'])
    expect(nat.stdin?.toString()).toBe(natRules('198.51.100.7', 443, '10.244.3.9'))
    expect(probe.container).toBe('lab')
    expect(probe.script).toContain('/dev/tcp/198.51.100.7/443')
    await d.stop('s1')
    expect(kube.pods.size).toBe(0)
    expect([...kube.policies.keys()]).toEqual(['kenshu-deny-all'])
  })

  it('fails closed: no network, unknown commands, a service that does not answer', async () => {
    const d = driver()
    await d.start(specFor('s1'))
    await expect(d.addLabServices('s1', C2)).rejects.toThrow(/no lab network/)
    await d.start(specFor('s2', { network: 'lab' }))
    kube.calls = []
    await expect(
      d.addLabServices('s2', [{ ...(C2[0] as LabServiceSpec), command: ['sh', '-c', 'x'] }]),
    ).rejects.toThrow(/built-in listener/)
    expect(kube.calls).toEqual([])
    kube.reply = (c) => (c.script?.includes('/dev/tcp/') ? { status: exitStatus(1) } : { status: OK })
    await expect(d.addLabServices('s2', C2)).rejects.toThrow(
      'lab service 198.51.100.7:443 does not answer from the learner pod',
    )
  })
})

describe('createKubernetesDriver', () => {
  it('needs the lab image and a runner id', () => {
    expect(() => createKubernetesDriver({ KENSHU_RUNNER_ID: 'r1' })).toThrow(/KENSHU_K8S_LAB_IMAGE/)
    expect(() => createKubernetesDriver({ KENSHU_K8S_LAB_IMAGE: 'img:1' })).toThrow(/KENSHU_RUNNER_ID/)
    expect(() =>
      createKubernetesDriver({ KENSHU_K8S_LAB_IMAGE: 'img:1', KENSHU_RUNNER_ID: 'bad,id' }),
    ).toThrow(/runner id/)
  })

  it('builds a driver from a kubeconfig outside a cluster (no request is made)', () => {
    const kubeconfig = path.join(root, 'kubeconfig')
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: c, cluster: { server: "https://127.0.0.1:6443" } }]',
        'users: [{ name: u, user: { token: t } }]',
        'contexts: [{ name: x, context: { cluster: c, user: u } }]',
        'current-context: x',
      ].join('\n'),
    )
    vi.stubEnv('KUBECONFIG', kubeconfig)
    try {
      const d = createKubernetesDriver({
        KENSHU_K8S_LAB_IMAGE: 'img:1',
        KENSHU_RUNNER_ID: 'r1',
        KENSHU_K8S_NODE_SELECTOR: 'pool=labs',
      })
      expect(d.name).toBe('kubernetes')
      expect(supportsLabServices(d)).toBe(true)
    } finally {
      vi.unstubAllEnvs()
    }
  })
})
