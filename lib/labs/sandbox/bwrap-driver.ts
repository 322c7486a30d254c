import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { existsSync, lstatSync, readlinkSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { checkAvailability } from './availability'
import { detectCgroups, reapLeftoverCgroups, SessionCgroup, type CgroupLayout } from './cgroups'
import {
  createLabNetwork,
  reapLeftoverNetns,
  removeLabNetwork,
  startLabServices,
  type LabNetwork,
  type LabServiceSpec,
} from './netns'
import { CappedBuffer, clampCols, clampRows, envOf, JOIN_SCRIPT, runOk, Semaphore, sleep, splitArgv, tarOf } from './proc'
import { Ring } from './ring'
import { attachTeamHost, detachTeamHost, teamHostsLines, type TeamHostLink } from './team-network'
import {
  LEARNER_UID_INSIDE,
  resolveRunnerIdentity,
  ensureRunnerUser,
  type RunnerIdentity,
} from './runner-user'
import type * as NodePty from 'node-pty'
import type {
  ExecOptions,
  ExecResult,
  SandboxAvailability,
  SandboxDriver,
  AttachOptions,
  SandboxSpec,
  SandboxStatus,
  TeamNetworkAttachment,
  TerminalSize,
  TerminalStream,
} from './types'

/**
 * The bubblewrap driver: one learner environment = one bwrap sandbox on this host.
 *
 * Shape of a running session (host view):
 *
 *   server ─ sh(join cgroup) ⇒ setpriv(kenshu-lab) ⇒ bwrap            ← all in cgroup kenshu/kenshu-<id>
 *                                                    └ [ns pid 1] bwrap init (reaper)
 *                                                       └ [ns pid 2] sleep infinity   ← the "anchor"
 *   server ─ sh(join) ⇒ setpriv(kenshu-lab) ⇒ nsenter -t <ns pid 1> ─ setpriv(uid 1000) ⇒ bash -l   (the pty)
 *   server ─ sh(join) ⇒ setpriv(kenshu-lab) ⇒ nsenter -t <ns pid 1> ─ setpriv(root, few caps) ⇒ bash <script on fd 3> (checks)
 *
 * Why nsenter instead of a supervisor process inside the sandbox: a supervisor would be a
 * long-lived root process inside the learner's reach holding check scripts and answer variables in
 * memory, and a protocol to attack. With nsenter every exec starts fresh *from the host*, with an
 * environment and a capability set chosen here, joins the session cgroup before it enters, and
 * the kernel does the entering (setns needs CAP_SYS_ADMIN over the sandbox's user namespace,
 * which only its owner, the runner uid, has; the learner's host uid is a different one). Cost: an
 * entered process does not inherit bwrap's --cap-drop, so every entry goes through setpriv which
 * sets uid, clears groups, sets no_new_privs and the bounding/inheritable sets explicitly.
 *
 * Why the user namespace is mapped by us (--userns-block-fd) instead of bwrap's --uid: bwrap
 * unprivileged maps exactly one uid, so "root" and "learner" inside would be the same host uid and
 * the learner could ptrace checks or read their environment. We map uid 0 → runner and uid 1000 →
 * a separate subordinate uid. This is also why `--disable-userns` is not used: it works by entering
 * a nested user namespace with a one-uid map, which would collapse the two identities again.
 * Nested user namespaces are instead refused by setting `user.max_user_namespaces = 0` inside the
 * sandbox's namespace before anything else runs there; only a holder of CAP_SYS_RESOURCE in that
 * namespace could raise it, and no process that runs later gets that capability.
 *
 * Hidden scripts: setup.sh, check scripts and per-session variables never touch the sandbox's
 * filesystem. Scripts are fed to bash through fd 3, variables through the environment
 * of root processes; a learner (different host uid, no capabilities) can read neither
 * /proc/PID/fd nor /proc/PID/environ of those processes, and cmdline shows only that constant wrapper.
 *
 * Re-attach: one pty per session, shared. attach() returns a fresh TerminalStream view; closing a
 * view (network drop) leaves the shell running, the next attach() gets the same shell plus a
 * replay of the recent output so the screen can be redrawn. If the shell itself exited, the next
 * attach() starts a new one. Several views at once all see the same output (the gateway may
 * multiplex, e.g. an instructor watching).
 */

export type BwrapDriverOptions = {
  /** Idle timeout in seconds (no input and no touch()); 0 disables it. Default 1800. */
  idleTimeoutSec?: number
  /** Maximum concurrent start() calls; the rest queue. Default 2 (one per core here). */
  maxConcurrentStarts?: number
  /** Called when a session ends for any reason (time limit, idle, crash, stop()). */
  onStopped?: (sessionId: string, reason: string) => void
  /** Hostname inside sandboxes. */
  hostname?: string
  /** Lab network services per session (network: 'lab'); resolved from the lab package by the caller. */
  labServices?: (spec: SandboxSpec) => Promise<LabServiceSpec[]> | LabServiceSpec[]
  /** Bytes of recent terminal output kept for re-attach. Default 64 KiB. */
  replayBytes?: number
  /**
   * Reap only sessions whose id starts with `<reapScope>-` at boot: several lab runners share a host,
   * each prefixes its session ids with its runner id and must not reap the others' (lib/labs/runner).
   */
  reapScope?: string
}

const SESSION_ID = /^[a-z0-9-]{1,64}$/
/** Named shells (team exercises: one per member on a shared host). */
const SHELL_NAME = /^[a-z0-9-]{1,40}$/
export const MAX_SHELLS = 8
/** Longest sandbox life a spec may ask for: 7 days. */
export const MAX_TIME_LIMIT_SEC = 7 * 24 * 3600
const LEARNER_HOME = '/home/learner'
/** Capabilities setup/check scripts keep as sandbox root: enough to manage files and processes of
 * the lab, not enough to remount, reconfigure the network or raise namespace limits. */
const ROOT_CAPS = [
  'chown',
  'dac_override',
  'dac_read_search',
  'fowner',
  'fsetid',
  'kill',
  'setgid',
  'setuid',
  'net_bind_service',
  'net_raw',
  'sys_ptrace',
  'audit_write',
]
const LEARNER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
/** Harmless host files the sandbox's generated /etc borrows (read-only). Never passwd/shadow/ssh/app configs. */
// Deliberately absent: profile.d and environment (admins put proxy credentials and tokens there),
// ssl (private keys), and anything naming host services or accounts.
const ETC_BINDS = [
  'alternatives',
  'bash.bashrc',
  'profile',
  'inputrc',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'localtime',
  'nsswitch.conf',
  'terminfo',
  'magic',
  'magic.mime',
  'mime.types',
  'protocols',
  'services',
  'vim',
  'skel',
  'debian_version',
  'os-release',
  'timezone',
  'networks',
  'host.conf',
  'gai.conf',
  'ethertypes',
  'manpath.config',
  'locale.alias',
]

type PtyModule = typeof NodePty

type PtyLike = {
  pid: number
  write(data: string | Buffer): void
  resize(cols: number, rows: number): void
  pause(): void
  resume(): void
  kill(signal?: string): void
  onData(cb: (d: string | Buffer) => void): { dispose(): void }
  onExit(cb: (e: { exitCode: number; signal?: number }) => void): { dispose(): void }
}

type Shell = {
  pty: PtyLike
  replay: Ring
  dataListeners: Set<(chunk: Uint8Array) => void>
  exitListeners: Set<(code: number) => void>
  paused: number
  exited: boolean
}

type Session = {
  spec: SandboxSpec
  status: SandboxStatus
  cgroup: SessionCgroup
  bwrap?: ChildProcess
  /** Host pid of the sandbox's pid-namespace init: nsenter target. */
  initPid?: number
  /** Its start time (clock ticks since boot): pid + start time identify it even if the pid is recycled. */
  initStart?: string
  network?: LabNetwork
  /** network { mode: 'team' }: this host's namespace on the team bridge (team-network.ts). */
  teamHost?: TeamHostLink
  /** Interactive shells by name: '' is the learner's; team exercises give each member their own (attach `shell`). */
  shells: Map<string, Shell>
  timers: NodeJS.Timeout[]
  lastActivity: number
  stopping?: Promise<void>
}

/** The bubblewrap implementation of {@link SandboxDriver}. */
export class BwrapDriver implements SandboxDriver {
  readonly name = 'bwrap'
  private readonly sessions = new Map<string, Session>()
  private readonly ended = new Map<string, SandboxStatus>()
  private readonly startGate: Semaphore
  private identity?: RunnerIdentity
  private layout?: CgroupLayout
  private availabilityCache?: SandboxAvailability
  private readonly idleTimeoutSec: number
  private readonly replayBytes: number

  constructor(private readonly options: BwrapDriverOptions = {}) {
    this.startGate = new Semaphore(options.maxConcurrentStarts ?? 2)
    this.idleTimeoutSec = options.idleTimeoutSec ?? 1800
    this.replayBytes = options.replayBytes ?? 64 * 1024
  }

  /** See {@link checkAvailability}; the positive answer is cached, a negative one re-checked each call. */
  async availability(): Promise<SandboxAvailability> {
    if (this.availabilityCache?.available) return this.availabilityCache
    this.availabilityCache = await checkAvailability()
    return this.availabilityCache
  }

  private async prepare(): Promise<{ identity: RunnerIdentity; layout: CgroupLayout }> {
    const avail = await this.availability()
    // Fail closed: no sandbox, no shell. There is deliberately no fallback of any kind.
    if (!avail.available) throw new Error(`sandbox unavailable: ${avail.reason}`)
    if (!this.identity)
      this.identity = process.getuid?.() === 0 ? await ensureRunnerUser() : await resolveRunnerIdentity()
    if (!this.layout) this.layout = detectCgroups()
    return { identity: this.identity, layout: this.layout }
  }

  /** Create the sandbox, copy the lab's files/ in, run setup.sh as sandbox root. */
  async start(spec: SandboxSpec): Promise<SandboxStatus> {
    if (!SESSION_ID.test(spec.sessionId)) throw new Error('invalid sessionId (want [a-z0-9-]{1,64})')
    if (this.sessions.has(spec.sessionId)) throw new Error(`session ${spec.sessionId} already exists`)
    if (!path.isAbsolute(spec.labDir)) throw new Error('labDir must be absolute')
    const l = spec.limits
    for (const [k, v] of Object.entries(l)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`invalid limit ${k}`)
    }
    // setTimeout fires at once past 2^31 ms (≈ 24.8 days): a too-long limit would kill the sandbox
    // immediately. Refuse it instead (an exercise scheduled weeks ahead once did exactly that).
    if (!Number.isFinite(spec.timeLimitSec) || spec.timeLimitSec < 0 || spec.timeLimitSec > MAX_TIME_LIMIT_SEC)
      throw new Error(`invalid timeLimitSec (want 0–${MAX_TIME_LIMIT_SEC})`)
    if (l.pids < 8 || l.memoryMb < 16)
      throw new Error('limits too small to run a shell (pids >= 8, memoryMb >= 16)')
    for (const k of Object.keys(spec.env ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid env name ${k}`)
    }
    if (spec.idleTimeoutSec !== undefined && !(Number.isFinite(spec.idleTimeoutSec) && spec.idleTimeoutSec >= 0))
      throw new Error('invalid idleTimeoutSec')
    if (typeof spec.network === 'object' && !teamAttachment(spec)) throw new Error('invalid network mode')
    const { identity, layout } = await this.prepare()
    const session: Session = {
      spec,
      status: { sessionId: spec.sessionId, state: 'starting', startedAt: Date.now() },
      cgroup: new SessionCgroup(layout, spec.sessionId),
      timers: [],
      shells: new Map(),
      lastActivity: Date.now(),
    }
    this.sessions.set(spec.sessionId, session)
    this.ended.delete(spec.sessionId)
    const release = await this.startGate.acquire()
    try {
      await this.launch(session, identity)
      await this.initialise(session)
      session.status = { ...session.status, state: 'ready' }
      this.armTimers(session)
      return { ...session.status }
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e)
      await this.teardown(session, `start failed: ${reason}`)
      throw e
    } finally {
      release()
    }
  }

  private learnerEnv(): Record<string, string> {
    return {
      PATH: LEARNER_PATH,
      HOME: LEARNER_HOME,
      USER: 'learner',
      LOGNAME: 'learner',
      SHELL: '/bin/bash',
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
    }
  }

  private bwrapArgs(
    session: Session,
    fds: { block: number; info: number; etc: Record<string, number> },
  ): string[] {
    const { limits } = session.spec
    const a: string[] = ['--unshare-all', '--unshare-user']
    // Joins the root-made lab / team-host netns we were started in.
    if (session.spec.network === 'lab' || teamAttachment(session.spec)) a.push('--share-net')
    a.push('--userns-block-fd', String(fds.block), '--info-fd', String(fds.info))
    a.push('--die-with-parent', '--cap-drop', 'ALL', '--clearenv', '--setenv', 'PATH', LEARNER_PATH)
    a.push('--hostname', this.hostnameOf(session))
    a.push('--ro-bind', '/usr', '/usr')
    for (const d of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
      const p = `/${d}`
      if (!existsSync(p)) continue
      const st = lstatSync(p)
      if (st.isSymbolicLink()) a.push('--symlink', readlinkSync(p), p)
      else if (st.isDirectory()) a.push('--ro-bind', p, p)
    }
    a.push('--proc', '/proc', '--dev', '/dev')
    // /etc is generated: a small tmpfs (root-writable so setup.sh can plant e.g. a cron hook) with
    // our passwd/group/hosts and a few harmless host files bound read-only. The host's /etc
    // (shadow, ssh keys, server configs) is never visible.
    a.push('--size', String(4 << 20), '--tmpfs', '/etc')
    for (const f of ETC_BINDS) a.push('--ro-bind-try', `/etc/${f}`, `/etc/${f}`)
    for (const [name, fd] of Object.entries(fds.etc))
      a.push('--perms', '0644', '--file', String(fd), `/etc/${name}`)
    const mb = (n: number) => String(Math.max(1, Math.floor(n)) * 1024 * 1024)
    // --size must precede --tmpfs (bwrap applies it to the next tmpfs only).
    a.push('--perms', '1777', '--size', mb(limits.tmpMb), '--tmpfs', '/tmp')
    // Create /home first: with --perms 0700 bwrap would create missing parents 0700 as well.
    a.push('--perms', '0755', '--dir', '/home')
    a.push('--perms', '0700', '--size', mb(limits.homeMb), '--tmpfs', LEARNER_HOME)
    a.push('--perms', '0700', '--size', mb(16), '--tmpfs', '/root')
    for (const d of ['/var', '/opt', '/srv', '/run'])
      a.push('--size', mb(Math.max(8, limits.tmpMb)), '--tmpfs', d)
    a.push('--dir', '/var/tmp', '--chmod', '1777', '/var/tmp', '--dir', '/var/log')
    // The anchor's cwd is what nsenter --wd uses; it must be '/' because the runner's host uid cannot
    // (and should not) open the learner's 0700 home from the host side.
    a.push('--chdir', '/')
    return a
  }

  /** The sandbox's hostname: a team host's name, else the driver's. */
  private hostnameOf(session: Session): string {
    return teamAttachment(session.spec)?.host ?? this.options.hostname ?? 'kenshu'
  }

  private etcFiles(session: Session, hosts: string): Record<string, string> {
    const host = this.hostnameOf(session)
    // A team host's own name resolves to its team address (listed with the team's hosts), not 127.0.1.1.
    const self = teamAttachment(session.spec) ? '' : `127.0.1.1\t${host}\n`
    return {
      passwd: [
        'root:x:0:0:root:/root:/bin/bash',
        `learner:x:${LEARNER_UID_INSIDE}:${LEARNER_UID_INSIDE}:Learner:${LEARNER_HOME}:/bin/bash`,
        'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
        '',
      ].join('\n'),
      group: ['root:x:0:', `learner:x:${LEARNER_UID_INSIDE}:`, 'nogroup:x:65534:', ''].join('\n'),
      hostname: `${host}\n`,
      hosts: `127.0.0.1\tlocalhost\n${self}::1\tlocalhost ip6-localhost ip6-loopback\n${hosts}`,
      // No resolver: lab hostnames come from /etc/hosts; nothing may leak DNS queries to the host.
      'resolv.conf': '',
    }
  }

  /** Start bwrap (as the runner, already inside the session cgroup) and map its user namespace. */
  private async launch(session: Session, identity: RunnerIdentity): Promise<void> {
    const { spec } = session
    await session.cgroup.create({
      memoryBytes: spec.limits.memoryMb * 1024 * 1024,
      pids: spec.limits.pids,
      cpus: spec.limits.cpus,
    })
    let hosts = ''
    let netPrefix: string[] = []
    if (spec.network === 'lab') {
      const services = (await this.options.labServices?.(spec)) ?? []
      session.network = await createLabNetwork(spec.sessionId, services, {
        identity,
        cgroupProcs: session.cgroup.procsFiles(),
      })
      hosts = session.network.hostsLines
      netPrefix = ['nsenter', `--net=${session.network.netnsPath}`, '--']
    }
    const team = teamAttachment(spec)
    if (team) {
      const { link, team: record } = await attachTeamHost(team, spec.sessionId)
      session.teamHost = link
      hosts = teamHostsLines(record)
      netPrefix = ['nsenter', `--net=${link.netnsPath}`, '--']
    }
    const etc = this.etcFiles(session, hosts)
    const etcNames = Object.keys(etc)
    // fd 3: bwrap arguments (keeps /proc/1/cmdline free of host paths); 4: userns block; 5: info; 6..: /etc files.
    const etcFds: Record<string, number> = {}
    etcNames.forEach((n, i) => (etcFds[n] = 6 + i))
    const args = this.bwrapArgs(session, { block: 4, info: 5, etc: etcFds })
    const stdio: StdioOptions = [
      'ignore',
      'pipe',
      'pipe',
      'pipe',
      'pipe',
      'pipe',
      ...etcNames.map(() => 'pipe' as const),
    ]
    const runnerPrefix =
      identity.mode === 'root'
        ? ['setpriv', `--reuid=${identity.uid}`, `--regid=${identity.gid}`, '--clear-groups', '--']
        : []
    // The anchor prints a line once bwrap has finished mounting, then sleeps; its stdout is closed
    // so the host pipe does not stay tied to the sandbox.
    const anchor = ['sh', '-c', 'echo kenshu-ready; exec sleep infinity >/dev/null 2>&1']
    const child = spawn(
      '/bin/sh',
      [
        '-c',
        JOIN_SCRIPT,
        'kenshu-join',
        ...session.cgroup.procsFiles(),
        '--',
        ...netPrefix,
        ...runnerPrefix,
        'bwrap',
        '--args',
        '3',
        ...anchor,
      ],
      // bwrap itself starts with this environment only: --clearenv cleans the sandboxed command's
      // environment, but bwrap's own (visible as /proc/1/environ inside) would otherwise be the server's.
      { env: envOf({ PATH: '/usr/bin:/bin' }), stdio, detached: false },
    )
    session.bwrap = child
    const pipes = child.stdio as (Readable | Writable | null)[]
    const w = (i: number) => pipes[i] as Writable
    const r = (i: number) => pipes[i] as Readable
    for (let i = 3; i < pipes.length; i++) (pipes[i] as Writable | Readable | null)?.on('error', () => {})
    w(3).end(Buffer.from(args.map((x) => x + '\0').join('')))
    etcNames.forEach((n, i) => w(6 + i).end(etc[n]))
    const stderr = new CappedBuffer(4096)
    r(2).on('data', (d: Buffer) => stderr.push(d))

    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) =>
        reject(new Error(`bwrap exited during start (${code ?? signal}): ${stderr.toString().trim()}`)),
      )
      child.once('error', reject)
    })
    exited.catch(() => {})
    const info = readJson(r(5))
    const ready = readLine(r(1), 'kenshu-ready')
    // Either may reject after an earlier step already failed the start: never leave a rejection
    // unhandled (it would take the whole server down).
    info.catch(() => {})
    ready.catch(() => {})
    const timeout = sleep(15_000).then(() => {
      throw new Error(`sandbox start timed out: ${stderr.toString().trim()}`)
    })
    const initPid = await Promise.race([info.then((j) => Number(j['child-pid'])), exited, timeout])
    if (!Number.isInteger(initPid) || initPid <= 0) throw new Error('bwrap reported no child pid')
    session.initPid = initPid
    session.initStart = await procStartTime(initPid)
    // Keep the init and the anchor out of the OOM killer's choice (inherited by the anchor only:
    // learner and check processes come from the host side with a normal score).
    if (identity.mode === 'root') await writeFile(`/proc/${initPid}/oom_score_adj`, '-1000').catch(() => {})
    await this.mapUserNamespace(initPid, identity)
    w(4).end('1')
    await Promise.race([ready, exited, timeout])
    child.once('exit', (code, signal) => {
      // The sandbox died underneath us (e.g. everything OOM-killed): tear down and report.
      if (this.sessions.get(spec.sessionId) === session && session.status.state !== 'stopping') {
        void this.teardown(session, `sandbox exited (${code ?? signal})`)
      }
    })
  }

  /** uid 0 → runner, uid 1000 → learner (two distinct host uids, see the file comment). */
  private async mapUserNamespace(pid: number, id: RunnerIdentity): Promise<void> {
    if (id.mode === 'root') {
      await writeFile(`/proc/${pid}/uid_map`, `0 ${id.uid} 1\n${LEARNER_UID_INSIDE} ${id.learnerUid} 1\n`)
      await writeFile(`/proc/${pid}/gid_map`, `0 ${id.gid} 1\n${LEARNER_UID_INSIDE} ${id.learnerGid} 1\n`)
    } else {
      const p = String(pid)
      await runOk('newuidmap', [
        p,
        '0',
        String(id.uid),
        '1',
        String(LEARNER_UID_INSIDE),
        String(id.learnerUid),
        '1',
      ])
      await runOk('newgidmap', [
        p,
        '0',
        String(id.gid),
        '1',
        String(LEARNER_UID_INSIDE),
        String(id.learnerGid),
        '1',
      ])
    }
  }

  /** One-time root work before anyone else enters: namespace lock-down, files/ overlay, setup.sh. */
  private async initialise(session: Session): Promise<void> {
    const { spec } = session
    // Full capabilities in the sandbox's namespace, once, for the lock-down only.
    const lock = await this.execInside(session, {
      script: [
        'set -e',
        'echo 0 > /proc/sys/user/max_user_namespaces',
        `chown ${LEARNER_UID_INSIDE}:${LEARNER_UID_INSIDE} ${LEARNER_HOME}`,
        'test "$(cat /proc/sys/user/max_user_namespaces)" = 0',
      ].join('\n'),
      role: 'init',
      timeoutMs: 10_000,
    })
    if (lock.exitCode !== 0) throw new Error(`sandbox lock-down failed: ${lock.stderr.trim()}`)

    const filesDir = path.join(spec.labDir, 'files')
    if (existsSync(filesDir)) {
      // The overlay is streamed as a tar into a root process inside: nothing on the host is ever
      // shared writable with the sandbox, so there is no host directory for the learner to plant
      // symlinks in.
      const tar = await tarOf(filesDir)
      const x = await this.execInside(session, {
        script: [
          'set -e',
          'tar -x -f - -C / --no-same-owner --no-overwrite-dir',
          `if [ -d ${LEARNER_HOME} ]; then chown -R ${LEARNER_UID_INSIDE}:${LEARNER_UID_INSIDE} ${LEARNER_HOME}; fi`,
        ].join('\n'),
        stdin: tar,
        role: 'root',
        timeoutMs: 30_000,
      })
      if (x.exitCode !== 0) throw new Error(`copying files/ failed: ${x.stderr.trim().slice(0, 500)}`)
    }
    const setupPath = path.join(spec.labDir, 'setup.sh')
    if (spec.runSetup !== false && existsSync(setupPath)) {
      const script = await readFile(setupPath, 'utf8')
      const res = await this.execInside(session, { script, role: 'root', timeoutMs: 60_000, env: spec.env })
      if (res.exitCode !== 0)
        throw new Error(`setup.sh failed (${res.exitCode}): ${res.stderr.trim().slice(0, 500)}`)
    }
  }

  private armTimers(session: Session): void {
    const { spec } = session
    if (spec.timeLimitSec > 0) {
      const t = setTimeout(() => void this.teardown(session, 'time limit reached'), spec.timeLimitSec * 1000)
      t.unref()
      session.timers.push(t)
    }
    // The spec's own idle timeout (team hosts: 0) wins over the driver-wide one.
    const idleSec = spec.idleTimeoutSec ?? this.idleTimeoutSec
    if (idleSec > 0) {
      const t = setInterval(
        () => {
          if (Date.now() - session.lastActivity > idleSec * 1000) void this.teardown(session, 'idle timeout')
        },
        Math.min(30_000, idleSec * 500),
      )
      t.unref()
      session.timers.push(t)
    }
  }

  /**
   * Start more lab services in a running `network: 'lab'` session (the lab runtime calls this after
   * setup.sh, when services whose address is a per-session variable can be resolved). Each
   * service's address is added to the -svc namespace and routed from the learner's; hostnames, if
   * any, are appended to the sandbox's /etc/hosts. Resolves once every service with a port listens.
   */
  async addLabServices(sessionId: string, services: LabServiceSpec[]): Promise<void> {
    const session = await this.assertReady(sessionId)
    if (!session.network) throw new Error(`session ${sessionId} has no lab network`)
    if (services.length === 0) return
    const hosts = await startLabServices(session.network, services, {
      identity: this.identity as RunnerIdentity,
      cgroupProcs: session.cgroup.procsFiles(),
    })
    if (hosts) {
      const r = await this.exec(sessionId, 'cat >> /etc/hosts', { asRoot: true, stdin: hosts, timeoutMs: 10_000 })
      if (r.exitCode !== 0) throw new Error(`adding lab hostnames failed: ${r.stderr.trim().slice(0, 200)}`)
    }
  }

  /** Record learner activity (the gateway calls this on input, heartbeats, page views). */
  touch(sessionId: string): void {
    const s = this.sessions.get(sessionId)
    if (s) s.lastActivity = Date.now()
  }

  /**
   * Command prefix that enters a session: join its cgroup, become the runner, enter all of the
   * sandbox's namespaces (user first, so the others are entered with its privileges) and its root
   * and working directory.
   */
  private entryPrefix(session: Session): string[] {
    const id = this.identity as RunnerIdentity
    if (!session.initPid) throw new Error('sandbox not running')
    const runnerPrefix =
      id.mode === 'root' ? ['setpriv', `--reuid=${id.uid}`, `--regid=${id.gid}`, '--clear-groups', '--'] : []
    const netnsPath = session.network?.netnsPath ?? session.teamHost?.netnsPath
    return [
      '/bin/sh',
      '-c',
      JOIN_SCRIPT,
      'kenshu-join',
      ...session.cgroup.procsFiles(),
      '--',
      // The lab / team-host netns belongs to the host's user namespace: only host root may join it, so
      // it is joined before dropping to the runner (the runner then cannot join it by itself).
      ...(netnsPath ? ['nsenter', `--net=${netnsPath}`, '--'] : []),
      ...runnerPrefix,
      'nsenter',
      `--target=${session.initPid}`,
      '--user',
      '--mount',
      '--pid',
      ...(netnsPath ? [] : ['--net']),
      '--ipc',
      '--uts',
      '--cgroup',
      '--root',
      '--wd',
    ]
  }

  /** setpriv arguments for a role inside the sandbox. */
  private privileges(role: 'learner' | 'root' | 'init'): string[] {
    if (role === 'init') return []
    if (role === 'root')
      return [
        'setpriv',
        '--no-new-privs',
        '--inh-caps=-all',
        `--bounding-set=-all,${ROOT_CAPS.map((c) => '+' + c).join(',')}`,
        '--',
      ]
    return [
      'setpriv',
      `--reuid=${LEARNER_UID_INSIDE}`,
      `--regid=${LEARNER_UID_INSIDE}`,
      '--clear-groups',
      '--no-new-privs',
      '--inh-caps=-all',
      '--bounding-set=-all',
      '--',
    ]
  }

  private async assertReady(sessionId: string): Promise<Session> {
    const s = this.sessions.get(sessionId)
    if (!s || s.status.state !== 'ready') throw new Error(`session ${sessionId} is not running`)
    // nsenter targets a pid. If the sandbox died and its pid were recycled by another runner-owned
    // process (another learner's sandbox!), we would enter the wrong sandbox: check the identity.
    if (!s.initPid || !s.initStart || (await procStartTime(s.initPid)) !== s.initStart) {
      throw new Error(`session ${sessionId} is not running (sandbox gone)`)
    }
    return s
  }

  /**
   * Run a bash script inside the sandbox. `command` is script text: it reaches bash through a pipe
   * (`source <(cat <&3)`), never the sandbox filesystem or a command line. As root it also gets
   * `spec.env` (per-session variables); as the learner it never does.
   */
  async exec(sessionId: string, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const s = await this.assertReady(sessionId)
    return this.execInside(s, {
      script: command,
      role: options.asRoot ? 'root' : 'learner',
      timeoutMs: options.timeoutMs ?? 30_000,
      stdin: options.stdin,
      env: options.asRoot ? s.spec.env : undefined,
      maxOutputBytes: options.maxOutputBytes,
    })
  }

  private execInside(
    session: Session,
    o: {
      script: string
      role: 'learner' | 'root' | 'init'
      timeoutMs: number
      stdin?: string | Buffer
      env?: Record<string, string>
      maxOutputBytes?: number
    },
  ): Promise<ExecResult> {
    const max = o.maxOutputBytes ?? 64 * 1024
    const secs = Math.max(1, Math.ceil(o.timeoutMs / 1000))
    const env =
      o.role === 'learner'
        ? this.learnerEnv()
        : {
            ...(o.env ?? {}),
            PATH: LEARNER_PATH,
            HOME: '/root',
            USER: 'root',
            LOGNAME: 'root',
            LANG: 'C.UTF-8',
          }
    // `timeout` makes its own process group and kills it: background children of the script die too.
    // fd 3 is a socketpair (Node's 'pipe'), which cannot be re-opened through /dev/fd: bash sources
    // the script from a process substitution (a real pipe) fed by fd 3, then fd 3 is closed for it.
    const inner = [
      ...this.privileges(o.role),
      'env',
      '-C',
      o.role === 'learner' ? LEARNER_HOME : '/',
      'timeout',
      '--kill-after=1',
      `${secs}s`,
      'bash',
      '--noprofile',
      '--norc',
      '-c',
      'source <(cat <&3) 3<&-',
      'kenshu-script',
    ]
    const [file, args] = splitArgv([...this.entryPrefix(session), ...inner])
    return new Promise((resolve) => {
      const child = spawn(file, args, { env: envOf(env), stdio: ['pipe', 'pipe', 'pipe', 'pipe'] })
      const out = new CappedBuffer(max)
      const err = new CappedBuffer(max)
      let timedOut = false
      const started = Date.now()
      // Host-side backstop in case the inner timeout cannot act (e.g. the sandbox is frozen).
      const hard = setTimeout(() => {
        timedOut = true
        child.kill('SIGKILL')
      }, o.timeoutMs + 3000)
      child.stdout?.on('data', (d: Buffer) => out.push(d))
      child.stderr?.on('data', (d: Buffer) => err.push(d))
      const scriptPipe = child.stdio[3] as Writable
      scriptPipe.on('error', () => {})
      scriptPipe.end(o.script)
      child.stdin?.on('error', () => {})
      child.stdin?.end(o.stdin ?? '')
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        clearTimeout(hard)
        const exitCode = code ?? (signal ? 128 + (signalNumber(signal) ?? 9) : 1)
        if (exitCode === 124 || (exitCode === 137 && Date.now() - started >= o.timeoutMs)) timedOut = true
        resolve({ exitCode, stdout: out.toString(), stderr: err.toString(), timedOut })
      }
      child.on('error', (e) => {
        clearTimeout(hard)
        resolve({ exitCode: 127, stdout: '', stderr: String(e), timedOut: false })
      })
      child.on('close', finish)
    })
  }

  /**
   * Attach to (or re-attach to) a learner shell: the session's one shell, or with `options.shell` a
   * named one (team exercises: one per member on a shared host, so two people never type into the
   * same prompt). At most {@link MAX_SHELLS} named shells per sandbox.
   */
  async attach(sessionId: string, size: TerminalSize, options: AttachOptions = {}): Promise<TerminalStream> {
    const s = await this.assertReady(sessionId)
    const name = options.shell ?? ''
    if (name !== '' && !SHELL_NAME.test(name)) throw new Error('invalid shell name')
    s.lastActivity = Date.now()
    let shell = s.shells.get(name)
    if (!shell || shell.exited) {
      if (!shell && s.shells.size >= MAX_SHELLS) throw new Error(`at most ${MAX_SHELLS} shells per sandbox`)
      shell = await this.spawnShell(s, size)
      s.shells.set(name, shell)
    }
    shell.pty.resize(clampCols(size.cols), clampRows(size.rows))
    return this.view(s, shell)
  }

  private async spawnShell(s: Session, size: TerminalSize): Promise<Shell> {
    let ptyMod: PtyModule
    try {
      ptyMod = await import('node-pty')
    } catch (e) {
      throw new Error(`node-pty unavailable: ${e instanceof Error ? e.message : String(e)}`)
    }
    const [file, args] = splitArgv([
      ...this.entryPrefix(s),
      ...this.privileges('learner'),
      'env',
      '-C',
      LEARNER_HOME,
      'bash',
      '-l',
    ])
    const pty = ptyMod.spawn(file, args, {
      name: 'xterm-256color',
      cols: clampCols(size.cols),
      rows: clampRows(size.rows),
      cwd: '/',
      env: this.learnerEnv(),
      encoding: null,
    }) as unknown as PtyLike
    const shell: Shell = {
      pty,
      replay: new Ring(this.replayBytes),
      dataListeners: new Set(),
      exitListeners: new Set(),
      paused: 0,
      exited: false,
    }
    pty.onData((d) => {
      const b = typeof d === 'string' ? Buffer.from(d) : d
      shell.replay.push(b)
      for (const l of shell.dataListeners) l(b)
    })
    pty.onExit(({ exitCode }) => {
      shell.exited = true
      for (const l of shell.exitListeners) l(exitCode)
    })
    return shell
  }

  private view(s: Session, shell: Shell): TerminalStream {
    let closed = false
    let pausedHere = false
    const mine = { data: new Set<(c: Uint8Array) => void>(), exit: new Set<(c: number) => void>() }
    return {
      write: (data) => {
        if (closed || shell.exited) return
        s.lastActivity = Date.now()
        shell.pty.write(typeof data === 'string' ? data : Buffer.from(data))
      },
      resize: (size) => {
        if (!closed && !shell.exited) shell.pty.resize(clampCols(size.cols), clampRows(size.rows))
      },
      onData: (listener) => {
        // Replay recent output first (prompt/screen of a re-attached shell), then live data.
        const snap = shell.replay.snapshot()
        if (snap.length) listener(new Uint8Array(snap))
        shell.dataListeners.add(listener)
        mine.data.add(listener)
        return () => {
          shell.dataListeners.delete(listener)
          mine.data.delete(listener)
        }
      },
      onExit: (listener) => {
        if (shell.exited) queueMicrotask(() => listener(0))
        shell.exitListeners.add(listener)
        mine.exit.add(listener)
        return () => {
          shell.exitListeners.delete(listener)
          mine.exit.delete(listener)
        }
      },
      pause: () => {
        if (closed || pausedHere) return
        pausedHere = true
        if (shell.paused++ === 0) shell.pty.pause()
      },
      resume: () => {
        if (!pausedHere) return
        pausedHere = false
        if (--shell.paused === 0) shell.pty.resume()
      },
      close: () => {
        // Detach this view only: the shell keeps running for a re-attach.
        if (closed) return
        closed = true
        for (const l of mine.data) shell.dataListeners.delete(l)
        for (const l of mine.exit) shell.exitListeners.delete(l)
        if (pausedHere) {
          pausedHere = false
          if (--shell.paused === 0) shell.pty.resume()
        }
      },
    }
  }

  async status(sessionId: string): Promise<SandboxStatus | undefined> {
    const s = this.sessions.get(sessionId)
    if (!s) return this.ended.get(sessionId)
    const [memoryBytes, pids] = await Promise.all([s.cgroup.memoryBytes(), s.cgroup.pids()])
    return { ...s.status, memoryBytes, pids: pids.length }
  }

  /** Kill every process of the session (SIGKILL via the cgroup), remove cgroup and netns. Idempotent. */
  async stop(sessionId: string): Promise<void> {
    const s = this.sessions.get(sessionId)
    if (!s) return
    await this.teardown(s, 'stopped')
  }

  private teardown(s: Session, reason: string): Promise<void> {
    if (s.stopping) return s.stopping
    s.stopping = (async () => {
      s.status = { ...s.status, state: 'stopping', reason }
      for (const t of s.timers) clearTimeout(t)
      s.timers = []
      // Order matters. First SIGKILL the pid-namespace init: the kernel then kills every process
      // in the namespace, and entered processes (pty shell, checks) are reaped by their host-side
      // nsenter parents, which are still alive. Killing those parents first would orphan the
      // namespace's processes to the host's init and make the teardown wait for its reaping.
      // A killed init lingers (already out of the cgroup) until all of that is done; stop()
      // promises that nothing is left, so wait for it.
      let clean = true
      // Only signal the pid if it is still our init (same start time): after the sandbox died on its
      // own, the number may already belong to another process, e.g. the next sandbox's bwrap.
      if (s.initPid && s.initStart && (await procStartTime(s.initPid)) === s.initStart) {
        try {
          process.kill(s.initPid, 'SIGKILL')
        } catch {
          /* gone */
        }
      }
      if (s.initPid) await waitGone(s.initPid, 1000)
      // Then the cgroup sweep: host-side helpers, lab services, and anything that raced.
      for (const shell of s.shells.values()) {
        if (shell.exited) continue
        try {
          shell.pty.kill('SIGKILL')
        } catch {
          /* gone */
        }
      }
      clean = (await s.cgroup.kill()) && clean
      if (s.initPid) clean = (await waitGone(s.initPid, 3000)) && clean
      if (s.bwrap && s.bwrap.exitCode === null && s.bwrap.signalCode === null) {
        s.bwrap.kill('SIGKILL')
        await Promise.race([new Promise((r) => s.bwrap?.once('exit', r)), sleep(2000)])
      }
      try {
        await s.cgroup.remove()
      } catch {
        clean = false
      }
      if (s.network) await removeLabNetwork(s.network).catch(() => {})
      if (s.teamHost) await detachTeamHost(s.teamHost).catch(() => {})
      const state = clean ? 'stopped' : 'failed'
      s.status = { ...s.status, state, reason: clean ? reason : `${reason}; cleanup incomplete` }
      if (this.sessions.get(s.spec.sessionId) === s) this.sessions.delete(s.spec.sessionId)
      this.ended.set(s.spec.sessionId, { ...s.status })
      if (this.ended.size > 1000) this.ended.delete(this.ended.keys().next().value as string)
      try {
        this.options.onStopped?.(s.spec.sessionId, reason)
      } catch {
        /* listener errors must not break teardown */
      }
    })()
    return s.stopping
  }

  /** Stop every session of this driver and reap `kenshu-*` cgroups and netns left by a crashed server. */
  async stopAll(options: { reapLeftovers?: boolean } = {}): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => this.teardown(s, 'shutdown')))
    // Reaping takes every kenshu-* cgroup and netns on the host, including live ones of another
    // driver (another process, a labs:check run): only the server does it, once, at boot.
    if (!options.reapLeftovers) return
    const layout = this.layout ?? detectCgroups()
    await reapLeftoverCgroups(layout, new Set(), this.options.reapScope)
    await reapLeftoverNetns(new Set(), this.options.reapScope)
  }
}

/** The spec's team attachment, if its network is one host of a team network. */
function teamAttachment(spec: SandboxSpec): TeamNetworkAttachment | undefined {
  return typeof spec.network === 'object' && spec.network !== null && spec.network.mode === 'team' ? spec.network : undefined
}

/** Field 22 of /proc/PID/stat (start time), or undefined if the process is gone. */
async function procStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

/** Poll until `pid` no longer exists (or is a zombie about to be reaped). */
async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
      if (stat.charAt(stat.lastIndexOf(')') + 2) === 'Z') return true
    } catch {
      return true
    }
    await sleep(10)
  }
  return false
}

function signalNumber(sig: NodeJS.Signals): number | undefined {
  const map: Record<string, number> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGKILL: 9,
    SIGTERM: 15,
    SIGSEGV: 11,
    SIGABRT: 6,
  }
  return map[sig]
}

function readJson(stream: Readable): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let text = ''
    const onData = (d: Buffer) => {
      text += d.toString('utf8')
      try {
        const j = JSON.parse(text) as Record<string, unknown>
        stream.off('data', onData)
        resolve(j)
      } catch {
        /* incomplete */
      }
    }
    stream.on('data', onData)
    stream.once('end', () => reject(new Error('bwrap closed its info fd without data')))
  })
}

function readLine(stream: Readable, want: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = ''
    stream.on('data', (d: Buffer) => {
      text += d.toString('utf8')
      if (text.includes(want)) resolve()
      if (text.length > 4096) text = text.slice(-1024)
    })
    stream.once('end', () => reject(new Error('sandbox closed before it was ready')))
  })
}
