import { spawn, type StdioOptions } from 'node:child_process'

/**
 * Small process helpers shared by the sandbox modules. Every host command is started with an
 * explicit, minimal environment: the server's own environment (DATABASE_URL, secrets) must never
 * reach a helper that could hand it on to a sandbox.
 */

/**
 * `sh -c JOIN_SCRIPT kenshu-join <cgroup.procs files...> -- <command...>`: joins the session cgroup
 * (writes its own pid into every file), then execs the command. Runs before any sandbox code, so
 * no process of a session ever exists outside its cgroup, and exec keeps the pid.
 */
export const JOIN_SCRIPT =
  'while [ "$1" != "--" ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'

/** The only environment host-side helpers (ip, nsenter, setpriv, bwrap, useradd) ever see. */
export const MINIMAL_ENV: Readonly<Record<string, string>> = Object.freeze({
  PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
})

export type RunResult = {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  timedOut: boolean
}

export type RunOptions = {
  input?: string | Buffer
  timeoutMs?: number
  env?: Record<string, string>
  /** Cap on captured bytes of stdout and of stderr (each). */
  maxOutputBytes?: number
}

/**
 * Run a host command (no shell), capture capped output, kill it with SIGKILL on timeout.
 * Never throws for a non-zero exit; throws only if the binary cannot be spawned.
 */
export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const max = options.maxOutputBytes ?? 1 << 20
  return new Promise((resolve, reject) => {
    const stdio: StdioOptions = [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']
    const child = spawn(file, [...args], { env: envOf(options.env ?? MINIMAL_ENV), stdio })
    const out = new CappedBuffer(max)
    const err = new CappedBuffer(max)
    let timedOut = false
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true
            child.kill('SIGKILL')
          }, options.timeoutMs)
    child.stdout?.on('data', (d: Buffer) => out.push(d))
    child.stderr?.on('data', (d: Buffer) => err.push(d))
    child.on('error', (e) => {
      if (timer) clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer)
      resolve({ code, signal, stdout: out.toString(), stderr: err.toString(), timedOut })
    })
    if (options.input !== undefined && child.stdin) {
      child.stdin.on('error', () => {})
      child.stdin.end(options.input)
    }
  })
}

/** Like {@link run} but throws with stderr when the exit code is not 0. */
export async function runOk(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  const r = await run(file, args, options)
  if (r.code !== 0) {
    throw new Error(
      `${file} ${args.join(' ')} failed (${r.code ?? r.signal}): ${r.stderr.trim().slice(0, 500)}`,
    )
  }
  return r.stdout
}

/** Accumulates at most `max` bytes and silently drops the rest (output caps for untrusted output). */
export class CappedBuffer {
  private chunks: Buffer[] = []
  private size = 0
  truncated = false
  constructor(private readonly max: number) {}
  push(chunk: Buffer): void {
    const room = this.max - this.size
    if (room <= 0) {
      this.truncated = true
      return
    }
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk
    if (part.length < chunk.length) this.truncated = true
    this.chunks.push(part)
    this.size += part.length
  }
  toString(): string {
    return Buffer.concat(this.chunks).toString('utf8')
  }
}

/** Resolve after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/**
 * Typed view of an explicit environment for spawn(). (Next's type augmentation makes NODE_ENV a
 * required key of ProcessEnv; helpers deliberately get no NODE_ENV or anything else of ours.)
 */
export function envOf(vars: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  return { ...vars } as unknown as NodeJS.ProcessEnv
}

/** Split an argv array into file and arguments (throws on an empty argv). */
export function splitArgv(argv: readonly string[]): [string, string[]] {
  const [file, ...args] = argv
  if (file === undefined) throw new Error('empty argv')
  return [file, args]
}

/** At most `max` holders at once (sandbox starts); the rest wait in order. */
export class Semaphore {
  private waiting: (() => void)[] = []
  private active = 0
  constructor(private readonly max: number) {}
  async acquire(): Promise<() => void> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r))
    this.active++
    let released = false
    return () => {
      if (released) return
      released = true
      this.active--
      this.waiting.shift()?.()
    }
  }
}

/** Terminal sizes as the drivers accept them. */
export function clampCols(n: number): number {
  return Math.min(500, Math.max(10, Math.floor(n) || 80))
}
export function clampRows(n: number): number {
  return Math.min(200, Math.max(4, Math.floor(n) || 24))
}

/**
 * A tar of `members` of `dir` (default: all of it), owned by root, for streaming a lab's files/ overlay
 * into a sandbox (the sandbox never sees the host's disk). Capped at 256 MiB.
 */
export function tarOf(dir: string, members: readonly string[] = ['.']): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['-c', '-f', '-', '-C', dir, '--owner=0', '--group=0', '--', ...members], {
      env: envOf({ PATH: '/usr/bin:/bin' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const chunks: Buffer[] = []
    let size = 0
    child.stdout.on('data', (d: Buffer) => {
      size += d.length
      if (size > 256 * 1024 * 1024) child.kill('SIGKILL')
      else chunks.push(d)
    })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`tar of files/ failed (${code})`))))
  })
}
