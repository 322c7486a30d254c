import { readFileSync } from 'node:fs'
import { chown, mkdir, readFile, readdir, rmdir, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { sleep } from './proc'

/**
 * Per-session cgroups: the resource fence of a sandbox (pids, memory incl. tmpfs, CPU) and the
 * handle to kill *every* process of a session, however it was re-parented or daemonised.
 *
 * Layout: `<hierarchy>/kenshu/kenshu-<sessionId>` in each controller (v1) or in the unified tree
 * (v2). The fixed `kenshu` parent is what a root setup script delegates to an unprivileged
 * server, and the `kenshu-` prefix is how `reapLeftoverCgroups` recognises groups of a crashed
 * server.
 */

export type CgroupVersion = 'v1' | 'v2' | 'none'
export const CGROUP_PARENT = 'kenshu'
export const CGROUP_PREFIX = 'kenshu-'

export type CgroupLayout =
  | { version: 'v1'; mounts: { memory: string; pids: string; cpu: string; freezer?: string } }
  | { version: 'v2'; root: string }
  | { version: 'none'; reason: string }

export type CgroupLimits = {
  memoryBytes: number
  pids: number
  /** Share of one CPU (0.5 = half a core). */
  cpus: number
}

/** Parse /proc/self/mountinfo and find where the needed controllers are mounted. */
export function detectCgroups(mountinfo?: string): CgroupLayout {
  let text = mountinfo
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/mountinfo', 'utf8')
    } catch {
      return { version: 'none', reason: 'cannot read /proc/self/mountinfo' }
    }
  }
  const v1: Record<string, string> = {}
  let v2root: string | undefined
  for (const line of text.split('\n')) {
    // <id> <parent> <maj:min> <root> <mountpoint> <opts> [optional...] - <fstype> <source> <superopts>
    const sep = line.indexOf(' - ')
    if (sep < 0) continue
    const left = line.slice(0, sep).split(' ')
    const right = line.slice(sep + 3).split(' ')
    const mountPoint = left[4]
    const fstype = right[0]
    const superOpts = right[2] ?? ''
    if (!mountPoint || left[3] !== '/') continue // only mounts of a hierarchy's root are usable
    if (fstype === 'cgroup2') {
      if (mountPoint === '/sys/fs/cgroup') v2root = mountPoint
    } else if (fstype === 'cgroup') {
      for (const opt of superOpts.split(',')) {
        if (['memory', 'pids', 'cpu', 'freezer'].includes(opt) && !v1[opt]) v1[opt] = mountPoint
      }
    }
  }
  if (v1.memory && v1.pids && v1.cpu) {
    return { version: 'v1', mounts: { memory: v1.memory, pids: v1.pids, cpu: v1.cpu, freezer: v1.freezer } }
  }
  if (v2root) {
    let controllers = ''
    try {
      controllers = readFileSync(path.join(v2root, 'cgroup.controllers'), 'utf8')
    } catch {
      /* handled below */
    }
    const need = ['memory', 'pids', 'cpu'].filter((c) => !controllers.split(/\s+/).includes(c))
    if (need.length === 0) return { version: 'v2', root: v2root }
    return { version: 'none', reason: `cgroup v2 lacks controllers: ${need.join(', ')}` }
  }
  return { version: 'none', reason: 'no usable cgroup hierarchy (need memory, pids and cpu)' }
}

const SESSION_ID = /^[a-z0-9-]{1,64}$/

/** Directories of one session's cgroup (one per v1 controller, one for v2). */
function sessionDirs(layout: CgroupLayout, sessionId: string): string[] {
  if (!SESSION_ID.test(sessionId)) throw new Error('invalid session id')
  const name = CGROUP_PREFIX + sessionId
  if (layout.version === 'v1') {
    const m = layout.mounts
    return [m.pids, m.memory, m.cpu, ...(m.freezer ? [m.freezer] : [])].map((mp) =>
      path.join(mp, CGROUP_PARENT, name),
    )
  }
  if (layout.version === 'v2') return [path.join(layout.root, CGROUP_PARENT, name)]
  return []
}

async function writeIfExists(file: string, value: string): Promise<boolean> {
  try {
    await writeFile(file, value)
    return true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw e
  }
}

/**
 * Root-only, for the setup script of an *unprivileged* server: create the `kenshu` parent in each
 * hierarchy and hand it to `uid:gid` (directory, `cgroup.procs`, `tasks`; v2 also
 * `cgroup.subtree_control`). The server can then create, limit and kill its session groups
 * without being root. A root server does not need this (it writes pids into the groups itself,
 * so no cgroup file is ever writable by the sandbox's host uid).
 */
export async function delegateCgroupParent(layout: CgroupLayout, uid: number, gid: number): Promise<void> {
  if (layout.version === 'none') throw new Error(layout.reason)
  const parents =
    layout.version === 'v1'
      ? [
          layout.mounts.pids,
          layout.mounts.memory,
          layout.mounts.cpu,
          ...(layout.mounts.freezer ? [layout.mounts.freezer] : []),
        ].map((m) => path.join(m, CGROUP_PARENT))
      : [path.join(layout.root, CGROUP_PARENT)]
  for (const dir of parents) {
    await mkdir(dir, { recursive: true })
    if (layout.version === 'v2') {
      await writeFile(path.join(layout.root, 'cgroup.subtree_control'), '+memory +pids +cpu').catch(() => {})
      await writeFile(path.join(dir, 'cgroup.subtree_control'), '+memory +pids +cpu')
    }
    for (const f of ['', 'cgroup.procs', 'tasks', 'cgroup.subtree_control']) {
      await chown(path.join(dir, f), uid, gid).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e
      })
    }
  }
}

/** A session's cgroup in every hierarchy the driver uses. */
export class SessionCgroup {
  readonly dirs: string[]
  constructor(
    readonly layout: CgroupLayout,
    readonly sessionId: string,
  ) {
    this.dirs = sessionDirs(layout, sessionId)
  }

  /** Create the groups and write the limits. Fails (and cleans up) if a limit cannot be applied. */
  async create(limits: CgroupLimits): Promise<void> {
    const { layout } = this
    if (layout.version === 'none') throw new Error(layout.reason)
    try {
      for (const dir of this.dirs) await mkdir(dir, { recursive: true })
      const mem = String(Math.floor(limits.memoryBytes))
      const period = 100_000
      const quota = Math.max(1000, Math.round(limits.cpus * period))
      if (layout.version === 'v1') {
        const [pidsDir, memDir, cpuDir] = this.dirs as [string, string, string]
        await writeFile(path.join(pidsDir, 'pids.max'), String(limits.pids))
        await writeFile(path.join(memDir, 'memory.limit_in_bytes'), mem)
        // memsw = memory + swap; equal to the memory limit means "no swap". Absent without swap accounting.
        await writeIfExists(path.join(memDir, 'memory.memsw.limit_in_bytes'), mem)
        await writeFile(path.join(cpuDir, 'cpu.cfs_period_us'), String(period))
        await writeFile(path.join(cpuDir, 'cpu.cfs_quota_us'), String(quota))
      } else {
        const dir = this.dirs[0] as string
        await writeFile(path.join(dir, 'pids.max'), String(limits.pids))
        await writeFile(path.join(dir, 'memory.max'), mem)
        await writeIfExists(path.join(dir, 'memory.swap.max'), '0')
        await writeFile(path.join(dir, 'cpu.max'), `${quota} ${period}`)
      }
    } catch (e) {
      await this.remove().catch(() => {})
      throw e
    }
  }

  /** `cgroup.procs` files a process must write its own pid into to join the session (all hierarchies). */
  procsFiles(): string[] {
    return this.dirs.map((d) => path.join(d, 'cgroup.procs'))
  }

  /** Pids currently in the session (from the pids hierarchy on v1). */
  async pids(): Promise<number[]> {
    const first = this.dirs[0]
    if (!first) return []
    try {
      const text = await readFile(path.join(first, 'cgroup.procs'), 'utf8')
      return text
        .split('\n')
        .filter(Boolean)
        .map(Number)
        .filter((n) => Number.isInteger(n) && n > 0)
    } catch {
      return []
    }
  }

  /** Resident memory charged to the session (tmpfs included). */
  async memoryBytes(): Promise<number | undefined> {
    const { layout } = this
    try {
      if (layout.version === 'v1') {
        return Number(await readFile(path.join(this.dirs[1] as string, 'memory.usage_in_bytes'), 'utf8'))
      }
      if (layout.version === 'v2')
        return Number(await readFile(path.join(this.dirs[0] as string, 'memory.current'), 'utf8'))
    } catch {
      /* gone */
    }
    return undefined
  }

  /** Whether the kernel OOM-killed something in this session (v1: memory.oom_control / failcnt; v2: memory.events). */
  async oomKills(): Promise<number> {
    const { layout } = this
    try {
      if (layout.version === 'v1') {
        const t = await readFile(path.join(this.dirs[1] as string, 'memory.oom_control'), 'utf8')
        return Number(/oom_kill (\d+)/.exec(t)?.[1] ?? 0)
      }
      if (layout.version === 'v2') {
        const t = await readFile(path.join(this.dirs[0] as string, 'memory.events'), 'utf8')
        return Number(/oom_kill (\d+)/.exec(t)?.[1] ?? 0)
      }
    } catch {
      /* gone */
    }
    return 0
  }

  /**
   * SIGKILL every process in the session until the group is empty.
   * v2 has `cgroup.kill`. On v1 the freezer (when mounted) stops the group first so that no pid
   * can fork or exit (and be recycled by an unrelated host process) between listing and killing.
   * Processes that ignore SIGTERM/SIGHUP are irrelevant: SIGKILL cannot be caught.
   */
  async kill(deadlineMs = 5000): Promise<boolean> {
    const { layout } = this
    if (layout.version === 'none') return true
    const until = Date.now() + deadlineMs
    if (layout.version === 'v2') {
      await writeIfExists(path.join(this.dirs[0] as string, 'cgroup.kill'), '1').catch(() => {})
    }
    const freezerDir = layout.version === 'v1' && layout.mounts.freezer ? this.dirs[3] : undefined
    while (Date.now() < until) {
      if (freezerDir) await writeIfExists(path.join(freezerDir, 'freezer.state'), 'FROZEN').catch(() => {})
      const pids = await this.pids()
      if (pids.length === 0) break
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          /* already gone */
        }
      }
      // Frozen tasks only die once thawed.
      if (freezerDir) await writeIfExists(path.join(freezerDir, 'freezer.state'), 'THAWED').catch(() => {})
      await sleep(20)
    }
    if (freezerDir) await writeIfExists(path.join(freezerDir, 'freezer.state'), 'THAWED').catch(() => {})
    return (await this.pids()).length === 0
  }

  /** Remove the groups (they must be empty: call kill() first). Idempotent. */
  async remove(): Promise<void> {
    for (const dir of this.dirs) {
      for (let i = 0; i < 50; i++) {
        try {
          await rmdir(dir)
          break
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code
          if (code === 'ENOENT') break
          if (code !== 'EBUSY' || i === 49) throw e
          await sleep(20) // zombies still being reaped
        }
      }
    }
  }

  /** Whether any of the session's directories still exists. */
  async exists(): Promise<boolean> {
    for (const dir of this.dirs) {
      try {
        await stat(dir)
        return true
      } catch {
        /* absent */
      }
    }
    return false
  }
}

/** Session ids of every `kenshu-*` group under the parent (leftovers of a previous server included). */
export async function listSessionCgroups(layout: CgroupLayout): Promise<string[]> {
  if (layout.version === 'none') return []
  const base = layout.version === 'v1' ? layout.mounts.pids : layout.root
  const ids = new Set<string>()
  const roots =
    layout.version === 'v1'
      ? [layout.mounts.pids, layout.mounts.memory, layout.mounts.cpu, layout.mounts.freezer]
      : [base]
  for (const r of roots) {
    if (!r) continue
    try {
      for (const name of await readdir(path.join(r, CGROUP_PARENT))) {
        if (name.startsWith(CGROUP_PREFIX) && SESSION_ID.test(name.slice(CGROUP_PREFIX.length)))
          ids.add(name.slice(CGROUP_PREFIX.length))
      }
    } catch {
      /* no parent yet */
    }
  }
  return [...ids]
}

/**
 * Kill and remove every `kenshu-*` cgroup except those in `keep`; with `scope`, only sessions whose id
 * starts with `<scope>-` (one lab runner's among several on a host). Returns the reaped session ids.
 */
export async function reapLeftoverCgroups(
  layout: CgroupLayout,
  keep: ReadonlySet<string> = new Set(),
  scope?: string,
): Promise<string[]> {
  const reaped: string[] = []
  for (const id of await listSessionCgroups(layout)) {
    if (keep.has(id) || (scope && !id.startsWith(`${scope}-`))) continue
    const cg = new SessionCgroup(layout, id)
    await cg.kill()
    await cg.remove().catch(() => {})
    reaped.push(id)
  }
  return reaped
}
