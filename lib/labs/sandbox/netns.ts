import { spawn, type ChildProcess } from 'node:child_process'
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
  /** Hostname the learner uses for the service (added to the sandbox's /etc/hosts). */
  hostname: string
  /** argv of the service, run inside its own sandbox (read-only /usr, tmpfs /tmp). */
  command: string[]
  /** Optional host directory bound read-only at /srv/lab for the service (e.g. the lab's services/ dir). */
  dir?: string
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
    const id = ctx.identity
    const runner =
      id.mode === 'root' ? ['setpriv', `--reuid=${id.uid}`, `--regid=${id.gid}`, '--clear-groups', '--'] : []
    for (const svc of services) {
      if (!/^[a-z0-9][a-z0-9.-]{0,62}$/i.test(svc.hostname))
        throw new Error(`bad service hostname ${svc.hostname}`)
      if (svc.command.length === 0) throw new Error('service command is empty')
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
        '--ro-bind',
        '/usr',
        '/usr',
        '--symlink',
        'usr/bin',
        '/bin',
        '--symlink',
        'usr/lib',
        '/lib',
        '--symlink',
        'usr/lib64',
        '/lib64',
        '--proc',
        '/proc',
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
          `--net=${path.join(NETNS_DIR, svcName)}`,
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
      net.hostsLines += `${LAB_SUBNET.service}\t${svc.hostname}\n`
    }
    return net
  } catch (e) {
    await removeLabNetwork(net).catch(() => {})
    throw e
  }
}

/** Delete both namespaces (the veth pair goes with them). Idempotent. */
export async function removeLabNetwork(net: LabNetwork): Promise<void> {
  for (const c of net.services) if (c.exitCode === null) c.kill('SIGKILL')
  for (const n of [net.name, net.svcName]) {
    if (existsSync(path.join(NETNS_DIR, n))) await run('ip', ['netns', 'delete', n])
  }
}

/** Delete every `kenshu-*` network namespace (leftovers of a crashed server). Root only; no-op otherwise. */
export async function reapLeftoverNetns(keep: ReadonlySet<string> = new Set()): Promise<string[]> {
  if (process.getuid?.() !== 0) return []
  let names: string[] = []
  try {
    names = await readdir(NETNS_DIR)
  } catch {
    return []
  }
  const reaped: string[] = []
  for (const n of names) {
    if (!n.startsWith(NETNS_PREFIX) || keep.has(n)) continue
    await run('ip', ['netns', 'delete', n])
    reaped.push(n)
  }
  return reaped
}
