/**
 * The lab runner's HTTP/WebSocket service (issue #8, decision 010): one process that owns the sandbox
 * driver and its session registry, reachable only by the web tier through signed requests (auth.ts).
 *
 * It knows nothing of users, organisations or the database; it starts, runs commands in, attaches to
 * and stops sandboxes for whoever holds the shared secret. What a compromised web tier could do with it
 * is therefore bounded by the sandbox: run code *inside* learner sandboxes, never on the runner's host.
 * To keep it that way the runner resolves lab packages in its own labs directory (a request names a
 * lab folder, not a path), accepts only the built-in lab service listener, and prefixes every sandbox
 * id with its runner id so several runners can share a host and reap only their own leftovers.
 *
 *   GET    /v1/poll?since=N                capacity, live sandbox ids, stop events after N
 *   GET    /v1/availability
 *   POST   /v1/sandboxes                   { spec }            → status
 *   GET    /v1/sandboxes/:id                                   → status | 404
 *   DELETE /v1/sandboxes/:id
 *   POST   /v1/sandboxes/:id/exec          { command, options } → ExecResult
 *   POST   /v1/sandboxes/:id/touch
 *   POST   /v1/sandboxes/:id/services      { services }
 *   POST   /v1/stop-all
 *   GET    /v1/sandboxes/:id/attach?cols&rows   (WebSocket upgrade) terminal
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import { realpathSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { LAB_SERVICE_SERVER, supportsLabServices } from '../runtime/lab-network'
import type { LabServiceSpec } from '../sandbox/netns'
import type { ExecOptions, SandboxDriver, SandboxSpec, SandboxStatus } from '../sandbox/types'
import { RequestVerifier } from './auth'
import { bridgeStreamToSocket, terminalSize } from './stream-socket'

export const RUNNER_ID = /^[a-z0-9]{1,16}$/
/** A sandbox id as the web tier names it (the runner adds its own prefix inside). */
export const EXTERNAL_ID = /^[a-z0-9][a-z0-9-]{0,39}$/
const LAB_FOLDER = /^[a-z0-9][a-z0-9-]{0,63}$/
const MAX_BODY = 4 * 1024 * 1024
const MAX_EVENTS = 2000

export type StopEvent = { seq: number; id: string; reason: string; at: number }

export type RunnerInfo = {
  runnerId: string
  bootId: string
  driver: string
  sessions: number
  maxSessions: number
  ids: string[]
  cpus: number
  load1: number
  memory: { totalBytes: number; freeBytes: number; rssBytes: number }
  seq: number
  events: StopEvent[]
}

export type RunnerServerOptions = {
  driver: SandboxDriver
  secret: string
  runnerId: string
  labsRoot: string
  maxSessions: number
  /** Allowed clock difference between web tier and runner for signed requests. */
  maxSkewMs?: number
}

export class RunnerService {
  readonly bootId = randomBytes(8).toString('hex')
  private readonly verifier: RequestVerifier
  private readonly live = new Set<string>()
  private readonly events: StopEvent[] = []
  private seq = 0
  private readonly labsRoot: string
  private starting = 0
  /** Requests refused by authentication, for the log and tests. */
  refused = 0

  constructor(private readonly opts: RunnerServerOptions) {
    if (!RUNNER_ID.test(opts.runnerId)) throw new Error(`runner id must match ${RUNNER_ID}`)
    this.verifier = new RequestVerifier(opts.secret, opts.maxSkewMs ?? 30_000)
    this.labsRoot = realpathSync(opts.labsRoot)
  }

  /** The driver's stop callback (time limit, idle, crash, stop()): becomes an event the web tier polls. */
  onStopped(internalId: string, reason: string) {
    const id = this.external(internalId)
    if (!id || !this.live.delete(id)) return
    this.events.push({ seq: ++this.seq, id, reason, at: Date.now() })
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS)
  }

  private internal(id: string) {
    return `${this.opts.runnerId}-${id}`
  }

  private external(internalId: string): string | undefined {
    const prefix = `${this.opts.runnerId}-`
    return internalId.startsWith(prefix) ? internalId.slice(prefix.length) : undefined
  }

  info(since = 0): RunnerInfo {
    return {
      runnerId: this.opts.runnerId,
      bootId: this.bootId,
      driver: this.opts.driver.name,
      sessions: this.live.size + this.starting,
      maxSessions: this.opts.maxSessions,
      ids: [...this.live],
      cpus: os.availableParallelism(),
      load1: os.loadavg()[0] ?? 0,
      memory: { totalBytes: os.totalmem(), freeBytes: os.freemem(), rssBytes: process.memoryUsage.rss() },
      seq: this.seq,
      events: this.events.filter((e) => e.seq > since),
    }
  }

  /** The lab folder named by the web tier, resolved inside this runner's own labs directory. */
  private labDir(folder: unknown): string {
    if (typeof folder !== 'string' || !LAB_FOLDER.test(folder)) throw new HttpError(400, 'bad lab folder')
    let real: string
    try {
      real = realpathSync(path.join(this.labsRoot, folder))
    } catch {
      throw new HttpError(404, 'no such lab on this runner')
    }
    if (path.dirname(real) !== this.labsRoot) throw new HttpError(400, 'lab folder outside the labs directory')
    return real
  }

  private sandboxId(raw: string | undefined): string {
    if (!raw || !EXTERNAL_ID.test(raw)) throw new HttpError(400, 'bad sandbox id')
    return raw
  }

  async handle(method: string, url: URL, body: unknown): Promise<{ status: number; json?: unknown }> {
    const parts = url.pathname.split('/').filter(Boolean)
    const d = this.opts.driver
    if (parts[0] !== 'v1') throw new HttpError(404, 'not found')
    if (method === 'GET' && parts[1] === 'poll' && parts.length === 2)
      return { status: 200, json: this.info(Number(url.searchParams.get('since') ?? 0) || 0) }
    if (method === 'GET' && parts[1] === 'availability' && parts.length === 2) return { status: 200, json: await d.availability() }
    if (method === 'POST' && parts[1] === 'stop-all' && parts.length === 2) {
      await d.stopAll()
      this.live.clear()
      return { status: 204 }
    }
    if (parts[1] !== 'sandboxes') throw new HttpError(404, 'not found')
    if (parts.length === 2 && method === 'POST') return { status: 201, json: await this.start(body) }
    const id = this.sandboxId(parts[2])
    const internal = this.internal(id)
    if (parts.length === 3 && method === 'GET') {
      const status = await d.status(internal)
      if (!status) throw new HttpError(404, 'no such sandbox')
      return { status: 200, json: { ...status, sessionId: id } }
    }
    if (parts.length === 3 && method === 'DELETE') {
      await d.stop(internal)
      this.live.delete(id)
      return { status: 204 }
    }
    if (parts.length !== 4 || method !== 'POST') throw new HttpError(404, 'not found')
    if (!this.live.has(id)) throw new HttpError(404, 'no such sandbox')
    const b = (body ?? {}) as Record<string, unknown>
    switch (parts[3]) {
      case 'exec': {
        if (typeof b.command !== 'string') throw new HttpError(400, 'command must be a string')
        return { status: 200, json: await d.exec(internal, b.command, execOptions(b.options)) }
      }
      case 'touch':
        d.touch?.(internal)
        return { status: 204 }
      case 'services': {
        if (!supportsLabServices(d)) throw new HttpError(501, `driver ${d.name} cannot run lab network services`)
        await d.addLabServices(internal, labServices(b.services))
        return { status: 204 }
      }
      default:
        throw new HttpError(404, 'not found')
    }
  }

  private async start(body: unknown): Promise<SandboxStatus> {
    const raw = ((body ?? {}) as { spec?: Partial<SandboxSpec> & { labFolder?: unknown } }).spec
    if (!raw || typeof raw !== 'object') throw new HttpError(400, 'spec missing')
    const id = this.sandboxId(raw.sessionId)
    if (this.live.size + this.starting >= this.opts.maxSessions) throw new HttpError(503, 'CAPACITY')
    const spec: SandboxSpec = {
      sessionId: this.internal(id),
      labDir: this.labDir(raw.labFolder),
      limits: limits(raw.limits),
      network: networkMode(raw.network),
      timeLimitSec: boundedInt(raw.timeLimitSec, 60, 24 * 3600, 'timeLimitSec'),
      runSetup: raw.runSetup === true,
      env: stringRecord(raw.env),
    }
    this.starting++
    try {
      const status = await this.opts.driver.start(spec)
      this.live.add(id)
      return { ...status, sessionId: id }
    } finally {
      this.starting--
    }
  }

  /** Authenticates a request; true when it may proceed. */
  authenticate(req: IncomingMessage, body: Buffer): boolean {
    const r = this.verifier.verify({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body })
    if (!r.ok) {
      this.refused++
      if (this.refused <= 20 || this.refused % 100 === 0)
        console.warn(`runner: refused ${req.method} ${(req.url ?? '').slice(0, 80)} from ${req.socket.remoteAddress}: ${r.reason}`)
    }
    return r.ok
  }

  /** The attach upgrade: authenticated like every request, then bridged to the sandbox's shell. */
  attachable(url: URL): string | undefined {
    const m = /^\/v1\/sandboxes\/([^/]+)\/attach$/.exec(url.pathname)
    const id = m?.[1]
    return id && EXTERNAL_ID.test(id) && this.live.has(id) ? id : undefined
  }

  internalId(id: string) {
    return this.internal(id)
  }
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

function boundedInt(v: unknown, min: number, max: number, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new HttpError(400, `${name} must be ${min}–${max}`)
  return Math.trunc(v)
}

function boundedNumber(v: unknown, min: number, max: number, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new HttpError(400, `${name} must be ${min}–${max}`)
  return v
}

function limits(v: unknown): SandboxSpec['limits'] {
  const l = (v ?? {}) as Record<string, unknown>
  return {
    memoryMb: boundedInt(l.memoryMb, 16, 8192, 'limits.memoryMb'),
    pids: boundedInt(l.pids, 8, 4096, 'limits.pids'),
    cpus: boundedNumber(l.cpus, 0.05, 8, 'limits.cpus'),
    homeMb: boundedInt(l.homeMb, 1, 4096, 'limits.homeMb'),
    tmpMb: boundedInt(l.tmpMb, 1, 4096, 'limits.tmpMb'),
  }
}

/** 'none' or 'lab'. Team networks (one lab network, several hosts) are not offered over this channel yet. */
function networkMode(v: unknown): 'none' | 'lab' {
  if (v === undefined || v === 'none') return 'none'
  if (v === 'lab') return 'lab'
  throw new HttpError(400, 'network must be none or lab (team networks are not supported by runners yet)')
}

function stringRecord(v: unknown): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'object') throw new HttpError(400, 'env must be an object')
  const out: Record<string, string> = {}
  for (const [k, val] of Object.entries(v)) {
    if (!/^[A-Z_][A-Z0-9_]{0,63}$/.test(k) || typeof val !== 'string') throw new HttpError(400, `bad env entry ${k.slice(0, 40)}`)
    out[k] = val
  }
  return out
}

function execOptions(v: unknown): ExecOptions {
  const o = (v ?? {}) as Record<string, unknown>
  return {
    asRoot: o.asRoot === true,
    timeoutMs: o.timeoutMs === undefined ? undefined : boundedInt(o.timeoutMs, 100, 600_000, 'timeoutMs'),
    stdin: typeof o.stdin === 'string' ? o.stdin : undefined,
    maxOutputBytes: o.maxOutputBytes === undefined ? undefined : boundedInt(o.maxOutputBytes, 1, 4 * 1024 * 1024, 'maxOutputBytes'),
  }
}

/** Only the built-in listener (lab-network.ts), with its three arguments, and never a host directory. */
function labServices(v: unknown): LabServiceSpec[] {
  if (!Array.isArray(v) || v.length > 16) throw new HttpError(400, 'services must be a list of at most 16')
  return v.map((s: Record<string, unknown>) => {
    const cmd = s?.command
    if (
      !Array.isArray(cmd) ||
      cmd.length !== 6 ||
      cmd[0] !== 'perl' ||
      cmd[1] !== '-e' ||
      cmd[2] !== LAB_SERVICE_SERVER ||
      !cmd.slice(3).every((a) => typeof a === 'string' && a.length <= 4096)
    )
      throw new HttpError(400, 'only the built-in lab service listener may run')
    if (s.dir !== undefined) throw new HttpError(400, 'service directories are not accepted over the runner channel')
    return {
      command: cmd as string[],
      ...(typeof s.address === 'string' ? { address: s.address } : {}),
      ...(typeof s.port === 'number' ? { port: boundedInt(s.port, 1, 65535, 'port') } : {}),
      ...(typeof s.hostname === 'string' ? { hostname: s.hostname } : {}),
    }
  })
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    if (size > MAX_BODY) throw new HttpError(413, 'body too large')
    chunks.push(c as Buffer)
  }
  return Buffer.concat(chunks)
}

function send(res: ServerResponse, status: number, json?: unknown) {
  const body = json === undefined ? '' : JSON.stringify(json)
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

function refuseUpgrade(socket: Duplex, status: number, reason: string) {
  socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  socket.destroy()
}

/** The runner's HTTP server; `service.onStopped` must be wired to the driver's stop callback. */
export function createRunnerServer(service: RunnerService, driver: SandboxDriver): Server {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  const server = createServer((req, res) => {
    void (async () => {
      let body: Buffer
      try {
        body = await readBody(req)
      } catch (err) {
        return send(res, err instanceof HttpError ? err.status : 400, { error: (err as Error).message })
      }
      if (!service.authenticate(req, body)) return send(res, 401, { error: 'unauthorized' })
      let parsed: unknown
      if (body.length) {
        try {
          parsed = JSON.parse(body.toString('utf8'))
        } catch {
          return send(res, 400, { error: 'body is not JSON' })
        }
      }
      try {
        const r = await service.handle(req.method ?? 'GET', new URL(req.url ?? '/', 'http://runner'), parsed)
        send(res, r.status, r.json)
      } catch (err) {
        if (err instanceof HttpError) return send(res, err.status, { error: err.message })
        console.error(`runner: ${req.method} ${req.url?.slice(0, 80)} failed`, (err as Error).message)
        send(res, 500, { error: (err as Error).message.slice(0, 500) })
      }
    })()
  })
  server.on('upgrade', (req, socket, head) => {
    if (!service.authenticate(req, Buffer.alloc(0))) return refuseUpgrade(socket, 401, 'Unauthorized')
    const url = new URL(req.url ?? '/', 'http://runner')
    const id = service.attachable(url)
    if (!id) return refuseUpgrade(socket, 404, 'Not Found')
    const size = terminalSize(url.searchParams.get('cols'), url.searchParams.get('rows'))
    const internal = service.internalId(id)
    driver
      .attach(internal, size)
      .then((stream) =>
        wss.handleUpgrade(req, socket, head, (ws) =>
          bridgeStreamToSocket(ws, stream, { size, onActivity: () => driver.touch?.(internal), peerFlowControl: true }),
        ),
      )
      .catch(() => refuseUpgrade(socket, 410, 'Gone'))
  })
  server.headersTimeout = 30_000
  server.requestTimeout = 15 * 60_000
  return server
}
