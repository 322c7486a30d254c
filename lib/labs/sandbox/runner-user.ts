import { readFile, appendFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { run, runOk } from './proc'

/**
 * Who the sandboxes run as on the host.
 *
 * Two host identities are involved, and keeping them apart is what makes "root inside the
 * sandbox" different from "the learner inside the sandbox":
 *
 * - the **runner** (`kenshu-lab`, or the server's own uid when the server is unprivileged) runs
 *   bwrap and owns the sandbox's user namespace. Inside the namespace it is uid 0: setup and check
 *   scripts run as this identity (with a reduced capability set), never as host root.
 * - the **learner** is a second, otherwise unused host uid from the runner's subordinate range
 *   (/etc/subuid). Inside it is uid 1000. Because it is a *different* host uid than the runner,
 *   the learner cannot ptrace setup/check processes, read their environment (per-session answer
 *   variables) or their script pipes, or read root-owned 0600 files. With bwrap's ordinary
 *   one-line uid map both would be the same host uid and that separation would be cosmetic.
 */

export const RUNNER_USER = 'kenshu-lab'
/** uid/gid of the learner and home directory inside every sandbox. */
export const LEARNER_UID_INSIDE = 1000
/** Size of the subordinate uid/gid range reserved for the runner (the learner maps to base+1000). */
const SUB_RANGE = 65536

export type RunnerIdentity = {
  /** 'root': the server is host root and writes uid maps itself; 'self': unprivileged server using newuidmap. */
  mode: 'root' | 'self'
  user: string
  uid: number
  gid: number
  /** Host uid/gid the sandbox's uid/gid 1000 maps to. */
  learnerUid: number
  learnerGid: number
}

type SubEntry = { name: string; start: number; count: number }

function parseSub(text: string): SubEntry[] {
  const out: SubEntry[] = []
  for (const line of text.split('\n')) {
    const [name, start, count] = line.trim().split(':')
    if (!name || start === undefined || count === undefined) continue
    const s = Number(start)
    const c = Number(count)
    if (Number.isInteger(s) && Number.isInteger(c)) out.push({ name, start: s, count: c })
  }
  return out
}

async function readSub(file: string): Promise<SubEntry[]> {
  try {
    return parseSub(await readFile(file, 'utf8'))
  } catch {
    return []
  }
}

async function lookupUser(name: string): Promise<{ uid: number; gid: number } | undefined> {
  const r = await run('getent', ['passwd', name])
  if (r.code !== 0) return undefined
  const parts = r.stdout.trim().split(':')
  const uid = Number(parts[2])
  const gid = Number(parts[3])
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) return undefined
  return { uid, gid }
}

/** The subordinate range of `name` in /etc/subuid or /etc/subgid (or `id` as fallback key). */
async function subRange(file: string, name: string, id: number): Promise<SubEntry | undefined> {
  const entries = await readSub(file)
  return entries.find((e) => (e.name === name || e.name === String(id)) && e.count > LEARNER_UID_INSIDE)
}

/**
 * Create the system user `kenshu-lab` and reserve a subordinate uid/gid range for it (the
 * learner's host identity) if missing. Idempotent. Must run as root; the setup script calls it,
 * and the driver calls it on start when the server runs as root.
 *
 * The user has no home, no login shell and no password: it exists only to own sandboxes.
 */
export async function ensureRunnerUser(name: string = RUNNER_USER): Promise<RunnerIdentity> {
  if (process.getuid?.() !== 0) throw new Error('ensureRunnerUser must run as root')
  if (!(await lookupUser(name))) {
    await runOk('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      name,
    ])
  }
  await ensureSubordinateRange(name)
  return resolveRunnerIdentity(name)
}

/**
 * Reserve a subordinate uid and gid range (/etc/subuid, /etc/subgid) for `name` if it has none.
 * The learner's host uid comes from this range. Root only. Also used by the setup script for the
 * account of an unprivileged server (which then maps the learner with newuidmap).
 */
export async function ensureSubordinateRange(name: string): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('ensureSubordinateRange must run as root')
  const user = await lookupUser(name)
  if (!user) throw new Error(`no such user ${name}`)
  const missing: string[] = []
  for (const file of ['/etc/subuid', '/etc/subgid']) {
    if (!(await subRange(file, name, file.endsWith('uid') ? user.uid : user.gid))) missing.push(file)
  }
  if (missing.length === 0) return
  // A fresh range after every existing one (same start in both files), so the learner's host uid
  // and gid belong to nobody else.
  const existing = [...(await readSub('/etc/subuid')), ...(await readSub('/etc/subgid'))]
  const start = Math.max(100000, ...existing.map((e) => e.start + e.count))
  for (const file of missing) await appendFile(file, `${name}:${start}:${SUB_RANGE}\n`, { mode: 0o644 })
}

/** uid/gid of a host account, or undefined. */
export async function lookupAccount(name: string): Promise<{ uid: number; gid: number } | undefined> {
  return lookupUser(name)
}

/**
 * Work out the runner and learner host identities without changing anything.
 * As root: the `kenshu-lab` user (must exist). Unprivileged: the server's own uid, which then
 * needs a subuid/subgid range and `newuidmap`/`newgidmap` to map the learner.
 */
export async function resolveRunnerIdentity(name: string = RUNNER_USER): Promise<RunnerIdentity> {
  const myUid = process.getuid?.() ?? -1
  if (myUid === 0) {
    const user = await lookupUser(name)
    if (!user) throw new Error(`runner user ${name} missing (run the sandbox setup as root)`)
    const su = await subRange('/etc/subuid', name, user.uid)
    const sg = await subRange('/etc/subgid', name, user.gid)
    if (!su || !sg) throw new Error(`no /etc/subuid or /etc/subgid range for ${name}`)
    return {
      mode: 'root',
      user: name,
      uid: user.uid,
      gid: user.gid,
      learnerUid: su.start + LEARNER_UID_INSIDE,
      learnerGid: sg.start + LEARNER_UID_INSIDE,
    }
  }
  const myGid = process.getgid?.() ?? -1
  const who = await run('id', ['-un'])
  const me = who.stdout.trim()
  const su = await subRange('/etc/subuid', me, myUid)
  const sg = await subRange('/etc/subgid', me, myGid)
  if (!su || !sg) throw new Error(`unprivileged server: no /etc/subuid and /etc/subgid range for ${me}`)
  if (!existsSync('/usr/bin/newuidmap') || !existsSync('/usr/bin/newgidmap')) {
    throw new Error('unprivileged server: newuidmap/newgidmap (package uidmap) missing')
  }
  return {
    mode: 'self',
    user: me,
    uid: myUid,
    gid: myGid,
    learnerUid: su.start + LEARNER_UID_INSIDE,
    learnerGid: sg.start + LEARNER_UID_INSIDE,
  }
}
