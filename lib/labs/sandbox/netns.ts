import { spawn, type ChildProcess } from 'node:child_process'
import { READONLY_USR_ROOT } from './bwrap-args'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { envOf, JOIN_SCRIPT, run, runOk } from './proc'
import type { RunnerIdentity } from './runner-user'

/**
 * The lab network (network: 'lab').
 *
 * Two root-created network namespaces per session, joined by one veth pair and connected to
 * nothing else:
 *
 *   kenshu-<id>      the learner's sandbox: lo + eth0 10.213.0.2/24
 *   kenshu-<id>-svc  the lab's fake services (e.g. a C2 listener): lo + eth0 10.213.0.1/24
 *
 * There is no interface to the host's namespace and no route out, so the host's 127.0.0.1 ports
 * and the outside world stay unreachable. Both namespaces are owned by the host's initial user
 * namespace, so nobody inside a sandbox holds CAP_NET_ADMIN over them (no re-addressing, no sniffing
 * tricks beyond the lab link). Services run as the runner user in their own bwrap sandbox inside
 * the -svc namespace and inside the session cgroup, so stop() kills them with everything else.
 *
 * Requires root (the server as root). 'none' needs none of this: bwrap's own empty netns has only lo.
 */

export const NETNS_PREFIX = 'kenshu-'
const NETNS_DIR = '/run/netns'
export const LAB_SUBNET = { service: '10.213.0.1', learner: '10.213.0.2', prefix: 24 }

export type LabServiceSpec = {
  /**
   * Hostname the learner uses for the service (added to the sandbox's /etc/hosts). Optional: a lab
   * whose service address is part of the answer key (a C2) must not publish it in /etc/hosts.
   */
  hostname?: string
  /**
   * IPv4 address the service is reachable at from the learner's namespace (default: the -svc side
   * of the link, 10.213.0.1). Any other address is added to the -svc namespace as a /32 and routed
   * to it from the learner's side; see {@link checkServiceAddress} for what is refused.
   */
  address?: string
  /**
   * TCP port the service listens on at `address`. When given, {@link startLabServices} waits until
   * it is listening, so a session is never handed out before its services answer.
   */
  port?: number
  /** argv of the service, run inside its own sandbox (read-only /usr, tmpfs /tmp). */
  command: string[]
  /** Optional host directory bound read-only at /srv/lab for the service (e.g. the lab's services/ dir). */
  dir?: string
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

/**
 * Why a lab service may not use `address`, or undefined when it may. Refused: anything that is not
 * a unicast IPv4 literal a host could own — 0/8, loopback 127/8 (it must never look as if the
 * host's loopback were reachable, and the learner's own lo owns it anyway), link-local 169.254/16,
 * multicast and above (224/3) — and the lab link itself except the -svc end (10.213.0.0/24: the
 * learner's address and a second on-link host would break the link's routing).
 */
export function checkServiceAddress(address: string): string | undefined {
  if (!IPV4.test(address)) return `${address} is not an IPv4 address`
  const [a = 0, b = 0, c = 0] = address.split('.').map(Number)
  if (a === 0 || a === 127) return `${address} is a loopback or "this network" address`
  if (a === 169 && b === 254) return `${address} is link-local`
  if (a >= 224) return `${address} is multicast or reserved`
  if (a === 10 && b === 213 && c === 0 && address !== LAB_SUBNET.service)
    return `${address} is on the lab link itself (10.213.0.0/24)`
  return undefined
}

/**
 * `address:port` as it appears in /proc/net/tcp (local_address column): the IPv4 address as
 * the kernel's 32-bit value printed in host byte order (little-endian here), the port big-endian.
 */
export function procNetTcpAddress(address: string, port: number): string {
  const bytes = address.split('.').map(Number)
  const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0')
  return bytes.reverse().map((b) => hex(b, 2)).join('') + ':' + hex(port, 4)
}

export type LabNetwork = {
  name: string
  svcName: string
  netnsPath: string
  hostsLines: string
  services: ChildProcess[]
}

function vethName(sessionId: string, side: 'a' | 'b'): string {
  // Interface names are limited to 15 bytes: derive a short stable name from the session id.
  return `kx${createHash('sha256').update(sessionId).digest('hex').slice(0, 10)}${side}`
}

/** Create the namespaces, the link and start the services. Cleans up after itself on failure. */
export async function createLabNetwork(
  sessionId: string,
  services: LabServiceSpec[],
  ctx: { identity: RunnerIdentity; cgroupProcs: string[] },
): Promise<LabNetwork> {
  if (process.getuid?.() !== 0) throw new Error("network 'lab' needs the server to run as root")
  const name = NETNS_PREFIX + sessionId
  const svcName = `${name}-svc`
  const net: LabNetwork = {
    name,
    svcName,
    netnsPath: path.join(NETNS_DIR, name),
    hostsLines: '',
    services: [],
  }
  const a = vethName(sessionId, 'a')
  const b = vethName(sessionId, 'b')
  try {
    await runOk('ip', ['netns', 'add', name])
    await runOk('ip', ['netns', 'add', svcName])
    await runOk('ip', ['link', 'add', a, 'type', 'veth', 'peer', 'name', b])
    await runOk('ip', ['link', 'set', a, 'netns', name])
    await runOk('ip', ['link', 'set', b, 'netns', svcName])
    const sb = ['-n', name]
    const sv = ['-n', svcName]
    await runOk('ip', [...sb, 'link', 'set', a, 'name', 'eth0'])
    await runOk('ip', [...sv, 'link', 'set', b, 'name', 'eth0'])
    await runOk('ip', [...sb, 'addr', 'add', `${LAB_SUBNET.learner}/${LAB_SUBNET.prefix}`, 'dev', 'eth0'])
    await runOk('ip', [...sv, 'addr', 'add', `${LAB_SUBNET.service}/${LAB_SUBNET.prefix}`, 'dev', 'eth0'])
    for (const ns of [sb, sv]) {
      await runOk('ip', [...ns, 'link', 'set', 'lo', 'up'])
      await runOk('ip', [...ns, 'link', 'set', 'eth0', 'up'])
    }
    // Services run unprivileged (the runner, no capabilities) yet play telnet/http/… on their real
    // ports: let anyone bind low ports in the -svc namespace only (a per-namespace sysctl; the
    // namespace holds nothing but the lab's own services).
    await runOk('nsenter', [
      `--net=${path.join(NETNS_DIR, svcName)}`,
      '--',
      'sh',
      '-c',
      'echo 0 > /proc/sys/net/ipv4/ip_unprivileged_port_start',
    ])
    await startLabServices(net, services, ctx)
    return net
  } catch (e) {
    await removeLabNetwork(net).catch(() => {})
    throw e
  }
}

/**
 * Start services on an existing lab network: add each service's address to the -svc namespace
 * (a /32 on its eth0) with a route to it from the learner's side, then run the service as the
 * runner in its own bwrap inside the -svc namespace and the session cgroup. Used at start() for
 * services known up front and by the lab runtime after setup.sh for services whose address is a
 * per-session variable (labs/README.md, "Lab network"). Returns the /etc/hosts lines it added.
 */
export async function startLabServices(
  net: LabNetwork,
  services: LabServiceSpec[],
  ctx: { identity: RunnerIdentity; cgroupProcs: string[] },
): Promise<string> {
  let hostsLines = ''
  const routed = new Set<string>([LAB_SUBNET.service])
  for (const svc of services) {
    if (svc.hostname !== undefined && !/^[a-z0-9][a-z0-9.-]{0,62}$/i.test(svc.hostname))
      throw new Error(`bad service hostname ${svc.hostname}`)
    if (svc.command.length === 0) throw new Error('service command is empty')
    if (svc.port !== undefined && !(Number.isInteger(svc.port) && svc.port >= 1 && svc.port <= 65535))
      throw new Error(`bad service port ${svc.port}`)
    const address = svc.address ?? LAB_SUBNET.service
    const bad = checkServiceAddress(address)
    if (bad) throw new Error(`bad service address: ${bad}`)
    if (!routed.has(address)) {
      // Both namespaces belong to the host's user namespace: only we (host root) can do this, and
      // nothing inside either sandbox can undo or extend it.
      await runOk('ip', ['-n', net.svcName, 'addr', 'add', `${address}/32`, 'dev', 'eth0'])
      await runOk('ip', ['-n', net.name, 'route', 'replace', `${address}/32`, 'via', LAB_SUBNET.service, 'dev', 'eth0'])
      routed.add(address)
    }
  }
  const id = ctx.identity
  const runner =
    id.mode === 'root' ? ['setpriv', `--reuid=${id.uid}`, `--regid=${id.gid}`, '--clear-groups', '--'] : []
  for (const svc of services) {
    const bw = [
      'bwrap',
      '--unshare-all',
      '--share-net',
      '--unshare-user',
      '--disable-userns',
      '--die-with-parent',
      '--cap-drop',
      'ALL',
      '--clearenv',
      '--setenv',
      'PATH',
      '/usr/bin:/bin',
      ...READONLY_USR_ROOT,
      '--dev',
      '/dev',
      '--size',
      String(16 << 20),
      '--tmpfs',
      '/tmp',
      ...(svc.dir ? ['--ro-bind', svc.dir, '/srv/lab'] : []),
      '--chdir',
      svc.dir ? '/srv/lab' : '/tmp',
      '--',
      ...svc.command,
    ]
    const child = spawn(
      '/bin/sh',
      [
        '-c',
        JOIN_SCRIPT,
        'kenshu-join',
        ...ctx.cgroupProcs,
        '--',
        'nsenter',
        `--net=${path.join(NETNS_DIR, net.svcName)}`,
        '--',
        ...runner,
        ...bw,
      ],
      {
        env: envOf({ PATH: '/usr/bin:/bin' }),
        stdio: 'ignore',
      },
    )
    child.on('error', () => {})
    net.services.push(child)
    if (svc.hostname) hostsLines += `${svc.address ?? LAB_SUBNET.service}\t${svc.hostname}\n`
  }
  for (const svc of services) {
    if (svc.port !== undefined) await waitListening(net, svc.address ?? LAB_SUBNET.service, svc.port)
  }
  net.hostsLines += hostsLines
  return hostsLines
}

/**
 * Wait until `address:port` is in LISTEN state in the -svc namespace (read from its own
 * /proc/net/tcp through nsenter: /proc/net follows the reader's network namespace).
 */
async function waitListening(net: LabNetwork, address: string, port: number, timeoutMs = 5000): Promise<void> {
  const want = procNetTcpAddress(address, port)
  const until = Date.now() + timeoutMs
  for (;;) {
    const r = await run('nsenter', [`--net=${path.join(NETNS_DIR, net.svcName)}`, '--', 'cat', '/proc/net/tcp'])
    // Columns: sl local_address rem_address st …; st 0A = LISTEN.
    if (r.stdout.split('\n').some((l) => { const f = l.trim().split(/\s+/); return f[1] === want && f[3] === '0A' })) return
    if (Date.now() > until) throw new Error(`lab service on ${address}:${port} did not start listening`)
    await new Promise((res) => setTimeout(res, 50))
  }
}

/** Delete both namespaces (the veth pair goes with them). Idempotent. */
export async function removeLabNetwork(net: LabNetwork): Promise<void> {
  for (const c of net.services) if (c.exitCode === null) c.kill('SIGKILL')
  for (const n of [net.name, net.svcName]) {
    if (existsSync(path.join(NETNS_DIR, n))) await run('ip', ['netns', 'delete', n])
  }
}

/**
 * Delete every `kenshu-*` network namespace (leftovers of a crashed server); with `scope`, only those
 * of sessions whose id starts with `<scope>-`. Root only; no-op otherwise.
 */
export async function reapLeftoverNetns(keep: ReadonlySet<string> = new Set(), scope?: string): Promise<string[]> {
  if (process.getuid?.() !== 0) return []
  let names: string[] = []
  try {
    names = await readdir(NETNS_DIR)
  } catch {
    return []
  }
  const reaped: string[] = []
  for (const n of names) {
    if (!n.startsWith(scope ? `${NETNS_PREFIX}${scope}-` : NETNS_PREFIX) || keep.has(n)) continue
    await run('ip', ['netns', 'delete', n])
    reaped.push(n)
  }
  return reaped
}
