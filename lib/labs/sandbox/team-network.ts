import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { NETNS_PREFIX } from './netns'
import { envOf, MINIMAL_ENV, run, runOk } from './proc'
import type { TeamNetworkAttachment } from './types'

/**
 * Team networks (issue #9): several hosts — each its own sandbox — on ONE lab network.
 *
 *   kenshu-<teamId>-team   the team's switch: lo + bridge br0, no address, no route, nothing running
 *     ├ kt<hash(mail)>  ⇄ veth ⇄ eth0 10.214.<n>.10/24  in kenshu-<mail session id>   (host "mail")
 *     ├ kt<hash(files)> ⇄ veth ⇄ eth0 10.214.<n>.11/24  in kenshu-<files session id>  (host "files")
 *     └ …
 *
 * Every namespace is made by host root and owned by the host's initial user namespace, so nothing
 * inside a sandbox holds CAP_NET_ADMIN over any of them (no re-addressing, no new links, no raw
 * packets). No namespace of a team has an interface towards the host's namespace or another team's:
 * the only route anywhere is the team's own /24, so other teams, the host's 127.0.0.1 services and
 * the internet are unreachable. Hosts of one team see each other on every port (a plain bridge, no
 * filtering). Each team gets its own subnet from 10.214.0.0/16 (one /24 per team, 256 at once per
 * machine): isolation does not depend on it (the teams' links are disjoint), but addresses in logs,
 * evidence and debriefs are unambiguous.
 *
 * State: `/run/kenshu-teamnet/<teamId>.json` (root, 0600) records a team's subnet and hosts, so
 * that the driver (possibly in another process than the one that made the network) can check an
 * attachment and write /etc/hosts. Subnets are allocated under a host-wide lock (flock on
 * `/run/kenshu-teamnet/.lock`), and a record whose namespace no longer exists (the network was
 * reaped after a crash: `kenshu-*` netns) is stale and its subnet reused.
 *
 * Root only, like netns.ts.
 */

export const TEAM_STATE_DIR = '/run/kenshu-teamnet'
const NETNS_DIR = '/run/netns'
/** Team subnets: 10.214.<slot>.0/24. */
export const TEAM_SUBNET_PREFIX = '10.214'
export const TEAM_SLOTS = 256
export const TEAM_MAX_HOSTS = 32
/** First host part handed out automatically (10.214.<n>.10, .11, …). */
const FIRST_AUTO_HOST_PART = 10

const TEAM_ID = /^[a-z0-9][a-z0-9-]{0,47}$/
/** A host name: one lowercase DNS label (also the sandbox's hostname). */
const HOST_NAME = /^[a-z][a-z0-9-]{0,30}$/
const SESSION_ID = /^[a-z0-9-]{1,64}$/

export type TeamHostSpec = {
  /** Host name, one lowercase DNS label (`mail`, `files`, `iot-gw`, `ws1`). */
  name: string
  /** Last octet of its address (1–254); default: the next free from .10. */
  hostPart?: number
  /**
   * Whether the name goes into every host's /etc/hosts (default true). A scenario whose answer is
   * "which machine is the attacker's" lists that host with `listed: false`.
   */
  listed?: boolean
}

export type TeamHost = { name: string; address: string; listed: boolean }

/** A team network as recorded in its state file. */
export type TeamNetwork = {
  id: string
  /** Name of the bridge's network namespace (`kenshu-<id>-team`). */
  netns: string
  slot: number
  /** `10.214.<slot>.0/24` */
  subnet: string
  prefix: 24
  hosts: TeamHost[]
  createdAt: number
}

/** One host's end of a team network, as held by the driver for teardown. */
export type TeamHostLink = {
  team: string
  host: string
  /** The host's network namespace (`kenshu-<sessionId>`). */
  netns: string
  netnsPath: string
}

export class TeamNetworkError extends Error {}

// ---------------------------------------------------------------- pure helpers (unit-tested)

export function checkTeamId(id: string): void {
  if (!TEAM_ID.test(id)) throw new TeamNetworkError(`invalid team network id ${JSON.stringify(id)} (want [a-z0-9][a-z0-9-]{0,47})`)
}

/** Name of a team's bridge namespace; `kenshu-` so the boot reaping (reapLeftoverNetns) finds leftovers. */
export function teamNetnsName(id: string): string {
  checkTeamId(id)
  return `${NETNS_PREFIX}${id}-team`
}

/** The team subnet of a slot: `10.214.<slot>.0/24`. */
export function teamSubnet(slot: number): string {
  if (!Number.isInteger(slot) || slot < 0 || slot >= TEAM_SLOTS) throw new TeamNetworkError(`bad subnet slot ${slot}`)
  return `${TEAM_SUBNET_PREFIX}.${slot}.0/24`
}

/** The lowest slot not in `used`, or undefined when the pool is exhausted. */
export function pickFreeSlot(used: Iterable<number>, slots = TEAM_SLOTS): number | undefined {
  const taken = new Set(used)
  for (let i = 0; i < slots; i++) if (!taken.has(i)) return i
  return undefined
}

/**
 * Validate a team's host list and give each host its address in `slot`'s subnet: explicit host
 * parts first, then the others from .10 upward, skipping taken ones.
 */
export function planTeamHosts(slot: number, hosts: readonly TeamHostSpec[]): TeamHost[] {
  teamSubnet(slot)
  if (hosts.length === 0) throw new TeamNetworkError('a team network needs at least one host')
  if (hosts.length > TEAM_MAX_HOSTS) throw new TeamNetworkError(`at most ${TEAM_MAX_HOSTS} hosts per team network`)
  const names = new Set<string>()
  const parts = new Set<number>()
  for (const h of hosts) {
    if (!HOST_NAME.test(h.name)) throw new TeamNetworkError(`invalid host name ${JSON.stringify(h.name)} (want [a-z][a-z0-9-]{0,30})`)
    if (h.name === 'localhost') throw new TeamNetworkError('host name localhost is reserved')
    if (names.has(h.name)) throw new TeamNetworkError(`duplicate host name ${h.name}`)
    names.add(h.name)
    if (h.hostPart !== undefined) {
      if (!Number.isInteger(h.hostPart) || h.hostPart < 1 || h.hostPart > 254)
        throw new TeamNetworkError(`host ${h.name}: hostPart must be 1–254`)
      if (parts.has(h.hostPart)) throw new TeamNetworkError(`host ${h.name}: address .${h.hostPart} is taken`)
      parts.add(h.hostPart)
    }
  }
  let next = FIRST_AUTO_HOST_PART
  return hosts.map((h) => {
    let part = h.hostPart
    if (part === undefined) {
      while (parts.has(next)) next++
      part = next
      parts.add(part)
    }
    return { name: h.name, address: `${TEAM_SUBNET_PREFIX}.${slot}.${part}`, listed: h.listed ?? true }
  })
}

/** The /etc/hosts lines every host of the team gets: listed hosts only, name → address. */
export function teamHostsLines(team: Pick<TeamNetwork, 'hosts'>): string {
  return team.hosts
    .filter((h) => h.listed)
    .map((h) => `${h.address}\t${h.name}\n`)
    .join('')
}

/**
 * The name of a host's port on the team bridge (veth end in the bridge namespace). Derived from the
 * host name only, so a second sandbox for the same host of a team fails on the kernel's "exists".
 * Interface names are at most 15 bytes.
 */
export function teamPortName(host: string): string {
  return `kt${createHash('sha256').update(host).digest('hex').slice(0, 11)}`
}

/** `SandboxSpec.network` for `host` of `team`. */
export function teamHostNetwork(team: Pick<TeamNetwork, 'id' | 'hosts'>, host: string): TeamNetworkAttachment {
  const h = team.hosts.find((x) => x.name === host)
  if (!h) throw new TeamNetworkError(`team network ${team.id} has no host ${host}`)
  return { mode: 'team', network: team.id, host: h.name, address: h.address }
}

/** Why `att` does not fit `team`, or undefined when it does. */
export function checkTeamAttachment(team: TeamNetwork, att: TeamNetworkAttachment): string | undefined {
  if (att.network !== team.id) return `attachment is for team network ${att.network}, not ${team.id}`
  const h = team.hosts.find((x) => x.name === att.host)
  if (!h) return `team network ${team.id} has no host ${att.host}`
  if (h.address !== att.address) return `host ${att.host} of team network ${team.id} is ${h.address}, not ${att.address}`
  return undefined
}

/** Parse a state file; undefined if it is not a team record. */
export function parseTeamRecord(text: string): TeamNetwork | undefined {
  try {
    const j = JSON.parse(text) as Partial<TeamNetwork>
    if (typeof j.id !== 'string' || !TEAM_ID.test(j.id)) return undefined
    if (typeof j.slot !== 'number' || !Number.isInteger(j.slot) || j.slot < 0 || j.slot >= TEAM_SLOTS) return undefined
    if (j.netns !== teamNetnsName(j.id) || j.subnet !== teamSubnet(j.slot) || j.prefix !== 24) return undefined
    if (!Array.isArray(j.hosts)) return undefined
    const hosts = j.hosts.filter(
      (h): h is TeamHost =>
        typeof h?.name === 'string' && HOST_NAME.test(h.name) && typeof h.address === 'string' &&
        h.address.startsWith(`${TEAM_SUBNET_PREFIX}.${j.slot}.`) && typeof h.listed === 'boolean',
    )
    if (hosts.length !== j.hosts.length) return undefined
    return { id: j.id, netns: j.netns, slot: j.slot, subnet: j.subnet, prefix: 24, hosts, createdAt: Number(j.createdAt) || 0 }
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------- host operations (root)

function requireRoot(what: string): void {
  if (process.getuid?.() !== 0)
    throw new TeamNetworkError(`${what} needs the server to run as root (team networks are host-root network namespaces)`)
}

function recordPath(id: string): string {
  checkTeamId(id)
  return path.join(TEAM_STATE_DIR, `${id}.json`)
}

let localQueue: Promise<unknown> = Promise.resolve()

/**
 * Run `fn` holding the host-wide team-network lock (flock(1) on a file in the state dir; the kernel
 * releases it if this process dies: the helper's stdin closes and it exits).
 */
async function withHostLock<T>(fn: () => Promise<T>): Promise<T> {
  const mine = localQueue.then(async () => {
    await mkdir(TEAM_STATE_DIR, { recursive: true, mode: 0o700 })
    const child = spawn('flock', ['-x', '-w', '30', path.join(TEAM_STATE_DIR, '.lock'), 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
      env: envOf(MINIMAL_ENV),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    child.stdin.on('error', () => {})
    const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)))
    try {
      await new Promise<void>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString()
          if (out.includes('locked')) resolve()
        })
        child.once('error', reject)
        void exited.then((code) => reject(new TeamNetworkError(`could not take the team network lock (flock ${code})`)))
      })
      return await fn()
    } finally {
      child.stdin.end()
      await exited
    }
  })
  localQueue = mine.catch(() => {})
  return mine
}

/** Live team records; stale ones (their namespace is gone) are removed when `prune`. */
async function liveRecords(prune: boolean): Promise<TeamNetwork[]> {
  let names: string[] = []
  try {
    names = await readdir(TEAM_STATE_DIR)
  } catch {
    return []
  }
  const live: TeamNetwork[] = []
  for (const n of names) {
    if (!n.endsWith('.json')) continue
    const file = path.join(TEAM_STATE_DIR, n)
    const rec = parseTeamRecord(await readFile(file, 'utf8').catch(() => ''))
    if (rec && `${rec.id}.json` === n && existsSync(path.join(NETNS_DIR, rec.netns))) live.push(rec)
    else if (prune) await unlink(file).catch(() => {})
  }
  return live
}

/** Every team network that exists on this machine (any process's). */
export async function listTeamNetworks(): Promise<TeamNetwork[]> {
  return liveRecords(false)
}

/** The record of a live team network, or undefined. */
export async function readTeamNetwork(id: string): Promise<TeamNetwork | undefined> {
  const rec = parseTeamRecord(await readFile(recordPath(id), 'utf8').catch(() => ''))
  if (!rec || rec.id !== id || !existsSync(path.join(NETNS_DIR, rec.netns))) return undefined
  return rec
}

/**
 * Create a team network: allocate a free /24 (host-wide), make the bridge namespace and record the
 * hosts. Hosts are attached later, one per sandbox (driver.start with `teamHostNetwork(team, host)`).
 * Cleans up after itself on failure.
 */
export async function createTeamNetwork(options: { id: string; hosts: readonly TeamHostSpec[] }): Promise<TeamNetwork> {
  requireRoot('createTeamNetwork')
  const netns = teamNetnsName(options.id)
  planTeamHosts(0, options.hosts) // validate before taking the lock
  const team = await withHostLock(async () => {
    const live = await liveRecords(true)
    if (live.some((t) => t.id === options.id) || existsSync(path.join(NETNS_DIR, netns)))
      throw new TeamNetworkError(`team network ${options.id} already exists`)
    const slot = pickFreeSlot(live.map((t) => t.slot))
    if (slot === undefined) throw new TeamNetworkError(`no free team subnet (${TEAM_SLOTS} team networks exist)`)
    const rec: TeamNetwork = {
      id: options.id,
      netns,
      slot,
      subnet: teamSubnet(slot),
      prefix: 24,
      hosts: planTeamHosts(slot, options.hosts),
      createdAt: Date.now(),
    }
    // The namespace exists before the record: a record without its namespace is stale by definition.
    await runOk('ip', ['netns', 'add', netns])
    try {
      const tmp = `${recordPath(options.id)}.${process.pid}.tmp`
      await writeFile(tmp, JSON.stringify(rec), { mode: 0o600 })
      await rename(tmp, recordPath(options.id))
    } catch (e) {
      await run('ip', ['netns', 'delete', netns]).catch(() => {})
      throw e
    }
    return rec
  })
  try {
    // A bridge with no address: a switch between the team's hosts and nothing else.
    await runOk('ip', ['-n', netns, '-batch', '-'], {
      input: ['link set lo up', 'link add br0 type bridge', 'link set br0 up', ''].join('\n'),
    })
    return team
  } catch (e) {
    await destroyTeamNetwork(options.id).catch(() => {})
    throw e
  }
}

/**
 * Delete a team network (its bridge namespace and record). Stop its hosts' sandboxes first: a host
 * still running loses its eth0 (its veth goes with the bridge) and is left with lo only. Idempotent.
 */
export async function destroyTeamNetwork(id: string): Promise<void> {
  requireRoot('destroyTeamNetwork')
  const netns = teamNetnsName(id)
  if (existsSync(path.join(NETNS_DIR, netns))) await runOk('ip', ['netns', 'delete', netns])
  await unlink(recordPath(id)).catch(() => {})
}

/**
 * Make a sandbox's network namespace for one host of a team: `kenshu-<sessionId>` with lo and eth0
 * (the host's address, /24, no other route), its veth peer a port of the team's bridge. Sandbox root
 * (an unprivileged host uid) may bind ports below 1024 there, so a replica's services can listen on
 * 25/80/445… Called by the driver; cleans up after itself on failure.
 */
export async function attachTeamHost(
  att: TeamNetworkAttachment,
  sessionId: string,
): Promise<{ link: TeamHostLink; team: TeamNetwork }> {
  requireRoot("network mode 'team'")
  if (!SESSION_ID.test(sessionId)) throw new TeamNetworkError('invalid session id')
  if (att?.mode !== 'team' || typeof att.network !== 'string' || typeof att.host !== 'string' || typeof att.address !== 'string')
    throw new TeamNetworkError('invalid team network attachment')
  checkTeamId(att.network)
  const team = await readTeamNetwork(att.network)
  if (!team) throw new TeamNetworkError(`team network ${att.network} does not exist`)
  const bad = checkTeamAttachment(team, att)
  if (bad) throw new TeamNetworkError(bad)
  const netns = NETNS_PREFIX + sessionId
  const link: TeamHostLink = { team: team.id, host: att.host, netns, netnsPath: path.join(NETNS_DIR, netns) }
  await runOk('ip', ['netns', 'add', netns])
  try {
    const port = teamPortName(att.host)
    // Created inside the bridge namespace with its peer directly in the host's: the pair never
    // exists in the host machine's namespace.
    const add = await run('ip', ['-n', team.netns, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns])
    if (add.code !== 0) {
      if (/exists/i.test(add.stderr)) throw new TeamNetworkError(`host ${att.host} of team network ${team.id} is already attached`)
      throw new TeamNetworkError(`creating the link for ${att.host} failed: ${add.stderr.trim().slice(0, 300)}`)
    }
    await runOk('ip', ['-n', team.netns, 'link', 'set', port, 'master', 'br0', 'up'])
    await runOk('ip', ['-n', netns, '-batch', '-'], {
      input: ['link set lo up', `addr add ${att.address}/${team.prefix} dev eth0`, 'link set eth0 up', ''].join('\n'),
    })
    await runOk('nsenter', [`--net=${link.netnsPath}`, '--', 'sh', '-c', 'echo 0 > /proc/sys/net/ipv4/ip_unprivileged_port_start'])
    return { link, team }
  } catch (e) {
    await detachTeamHost(link).catch(() => {})
    throw e
  }
}

/**
 * Remove a host's namespace. eth0 is deleted explicitly first: that removes its peer from the
 * bridge at once (a namespace's own teardown is asynchronous), so the host can be attached again
 * right away. Idempotent.
 */
export async function detachTeamHost(link: TeamHostLink): Promise<void> {
  if (!existsSync(link.netnsPath)) return
  await run('ip', ['-n', link.netns, 'link', 'del', 'eth0'])
  await run('ip', ['netns', 'delete', link.netns])
}
