import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LAB_SERVICE_SERVER } from '../runtime/lab-network'
import { BwrapDriver } from './bwrap-driver'
import { detectCgroups, SessionCgroup } from './cgroups'
import { run } from './proc'
import {
  createTeamNetwork,
  destroyTeamNetwork,
  listTeamNetworks,
  readTeamNetwork,
  TEAM_STATE_DIR,
  teamHostNetwork,
  teamPortName,
  type TeamNetwork,
} from './team-network'
import type { SandboxSpec } from './types'

/**
 * Team networks in real bubblewrap sandboxes: two teams (4 and 2 hosts), each host its own sandbox.
 * Needs root and bwrap; skipped with a message otherwise. Everything made here is named
 * `kenshu-tn<random>-…` and only that is removed (other people's sandboxes run on this machine).
 */
const RUN = existsSync('/usr/bin/bwrap') && process.getuid?.() === 0
if (!RUN) console.warn('[team network sandbox test] SKIPPED: needs root and /usr/bin/bwrap')

const tag = `tn${randomBytes(3).toString('hex')}`
const TEAM_A = `${tag}-a`
const TEAM_B = `${tag}-b`
const limits = { memoryMb: 96, pids: 64, cpus: 0.5, homeMb: 8, tmpMb: 8 }
const driver = new BwrapDriver({ idleTimeoutSec: 0 })
let labDir = ''
let teamA: TeamNetwork
let teamB: TeamNetwork
const started: string[] = []
const measured: Record<string, number> = {}

const sid = (team: string, host: string) => `${team}-${host}`

function hostSpec(team: TeamNetwork, host: string): SandboxSpec {
  return { sessionId: sid(team.id, host), labDir, limits, network: teamHostNetwork(team, host), timeLimitSec: 300 }
}

async function startHost(team: TeamNetwork, host: string): Promise<void> {
  const spec = hostSpec(team, host)
  started.push(spec.sessionId)
  await driver.start(spec)
}

const sh = (team: string, host: string, script: string, asRoot = false) =>
  driver.exec(sid(team, host), script, { asRoot, timeoutMs: 20_000 })

/** Start the lab's perl TCP server as sandbox root, detached, on 0.0.0.0:port; wait until it listens. */
async function listen(team: string, host: string, port: number, banner: string): Promise<void> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  const r = await sh(
    team,
    host,
    [
      "cat > /root/srv.pl <<'PERL'",
      LAB_SERVICE_SERVER,
      'PERL',
      `( exec </dev/null >/dev/null 2>&1 3>&-; setsid perl /root/srv.pl 0.0.0.0 ${port} $'${banner}\\n' ) &`,
      `for i in $(seq 100); do awk '$2 ~ /:${hexPort}$/ && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp && exit 0; sleep 0.05; done`,
      'echo not listening; exit 1',
    ].join('\n'),
    true,
  )
  expect(r.exitCode, r.stdout + r.stderr).toBe(0)
}

/** From a host, read the first line a TCP service sends, as `label=<line>` plus `label-rc=<exit code>`. */
const probe = (label: string, target: string, port: number) =>
  `out=$(timeout 2 bash -c 'head -n1 </dev/tcp/${target}/${port}' 2>/dev/null); rc=$?; echo "${label}=$out"; echo "${label}-rc=$rc"`

async function ipNetnsNames(): Promise<string[]> {
  const r = await run('ip', ['netns', 'list'])
  return r.stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean)
}

beforeAll(async () => {
  if (!RUN) return
  labDir = await mkdtemp(path.join(os.tmpdir(), 'kenshu-teamnet-'))
  const t0 = performance.now()
  teamA = await createTeamNetwork({
    id: TEAM_A,
    hosts: [{ name: 'mail' }, { name: 'files' }, { name: 'iot-gw', hostPart: 1 }, { name: 'ws' }],
  })
  measured.createNetworkMs = performance.now() - t0
  await Promise.all(['mail', 'files', 'iot-gw', 'ws'].map((h) => startHost(teamA, h)))
  measured.teamOf4ReadyMs = performance.now() - t0
  teamB = await createTeamNetwork({ id: TEAM_B, hosts: [{ name: 'mail' }, { name: 'ws' }] })
  await Promise.all(['mail', 'ws'].map((h) => startHost(teamB, h)))
  let mem = 0
  for (const h of ['mail', 'files', 'iot-gw', 'ws']) mem += (await driver.status(sid(TEAM_A, h)))?.memoryBytes ?? 0
  measured.teamOf4MemoryMiB = mem / 2 ** 20
  console.log(`[team network] ${JSON.stringify(measured)}`)
}, 120_000)

afterAll(async () => {
  if (!RUN) return
  // Only what this file made: never stopAll({ reapLeftovers }), never other netns.
  for (const s of started) await driver.stop(s)
  for (const t of [TEAM_A, TEAM_B]) await destroyTeamNetwork(t).catch(() => {})
  if (labDir) await rm(labDir, { recursive: true, force: true })
})

describe.runIf(RUN)('team networks (real sandboxes)', () => {
  it('gives each team its own /24 and each host its name, address, /etc/hosts and nothing else', async () => {
    expect(teamA.subnet).not.toBe(teamB.subnet)
    expect(teamA.subnet).toMatch(/^10\.214\.\d+\.0\/24$/)
    expect((await readTeamNetwork(TEAM_A))?.slot).toBe(teamA.slot)
    const a = teamA.subnet.replace('.0/24', '.')
    const b = teamB.subnet.replace('.0/24', '.')
    for (const [team, host, addr] of [
      [TEAM_A, 'mail', `${a}10`],
      [TEAM_A, 'iot-gw', `${a}1`],
      [TEAM_A, 'ws', `${a}12`],
      [TEAM_B, 'ws', `${b}11`],
    ] as const) {
      const r = await sh(
        team,
        host,
        [
          'echo "name=$(hostname)"',
          "ip -o -4 addr show | awk '{print \"addr\", $2, $4}'",
          "ip -4 route | sed 's/^/route /'",
          'grep -v -e localhost /etc/hosts | sed "s/^/hosts /"',
          'ip addr add 10.214.250.9/24 dev eth0 2>/dev/null && echo NETADMIN-OK',
          'ip link set eth0 down 2>/dev/null && echo NETADMIN-OK',
        ].join('\n'),
      )
      expect(r.stdout, `${team}/${host}`).toContain(`name=${host}\n`)
      expect(r.stdout).toContain(`addr eth0 ${addr}/24`)
      expect(r.stdout.match(/^addr /gm)).toHaveLength(2) // lo and eth0 only
      // Only the team's own subnet: no default route, no way to the host or the internet.
      const subnet = team === TEAM_A ? teamA.subnet : teamB.subnet
      expect(r.stdout.match(/^route .*/gm)).toEqual([`route ${subnet} dev eth0 proto kernel scope link src ${addr} `])
      const hosts = (r.stdout.match(/^hosts .*/gm) ?? []).sort()
      const want = (team === TEAM_A ? teamA : teamB).hosts.map((h) => `hosts ${h.address}\t${h.name}`).sort()
      expect(hosts).toEqual(want)
      expect(r.stdout).not.toContain('NETADMIN-OK')
    }
  })

  it('a listener on one host is reachable from its teammates by name and address, not from the other team', async () => {
    await listen(TEAM_A, 'mail', 25, `A-MAIL-${tag}`) // a low port: sandbox root may bind it in a team host
    await listen(TEAM_B, 'mail', 25, `B-MAIL-${tag}`)
    const aMail = teamHostNetwork(teamA, 'mail').address
    const bMail = teamHostNetwork(teamB, 'mail').address
    for (const host of ['ws', 'files', 'iot-gw']) {
      const r = await sh(TEAM_A, host, [probe('byname', 'mail', 25), probe('byaddr', aMail, 25), probe('other', bMail, 25)].join('\n'))
      expect(r.stdout, host).toContain(`byname=A-MAIL-${tag}\n`)
      expect(r.stdout).toContain(`byaddr=A-MAIL-${tag}\n`)
      expect(r.stdout).toContain('other=\n') // team B's mail: no route
      expect(r.stdout).not.toContain('other-rc=0')
    }
    // Team B's ws resolves "mail" to its own team's mail, and cannot reach team A's at all.
    const r = await sh(TEAM_B, 'ws', [probe('byname', 'mail', 25), probe('other', aMail, 25)].join('\n'))
    expect(r.stdout).toContain(`byname=B-MAIL-${tag}\n`)
    expect(r.stdout).toContain('other=\n')
    expect(r.stdout).not.toContain('A-MAIL')
    // Any port: a learner's own listener on a high port of ws is reachable from files.
    await sh(TEAM_A, 'ws', `( exec </dev/null >/dev/null 2>&1 3>&-; setsid perl -e '${LAB_SERVICE_SERVER.replace(/'/g, "'\\''")}' 0.0.0.0 31337 $'WS-OPEN\\n' ) &\nsleep 0.3`)
    const f = await sh(TEAM_A, 'files', probe('ws', 'ws', 31337))
    expect(f.stdout).toContain('ws=WS-OPEN\n')
  })

  it("no host reaches the host machine's services (loopback or its own addresses)", async () => {
    let hits = 0
    const server = net.createServer((c) => {
      hits++
      c.end('HOST-MACHINE\n')
    })
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r))
    const port = (server.address() as net.AddressInfo).port
    const hostAddrs = Object.values(os.networkInterfaces())
      .flat()
      .filter((i) => i && i.family === 'IPv4' && !i.internal)
      .map((i) => i?.address as string)
    try {
      for (const [team, host] of [
        [TEAM_A, 'mail'],
        [TEAM_A, 'ws'],
        [TEAM_B, 'ws'],
      ] as const) {
        const r = await sh(
          team,
          host,
          [probe('lo', '127.0.0.1', port), ...hostAddrs.map((a, i) => probe(`ext${i}`, a, port)), probe('net', '1.1.1.1', 80)].join('\n'),
          true,
        )
        expect(r.stdout).not.toContain('HOST-MACHINE')
        expect(r.stdout).not.toMatch(/-rc=0\n/)
      }
      expect(hits).toBe(0)
    } finally {
      server.close()
    }
  })

  it('each host has its own processes; a second exec on the same host sees (and can end) them', async () => {
    const mark = `mark-${randomBytes(4).toString('hex')}`
    await sh(TEAM_A, 'mail', `( exec </dev/null >/dev/null 2>&1 3>&-; setsid -f bash -c 'exec -a ${mark} sleep 600' )`)
    // [m]ark: the pattern does not match grep's own command line.
    const pattern = `[${mark[0]}]${mark.slice(1)}`
    const find = `grep -lsa '${pattern}' /proc/[0-9]*/cmdline | wc -l`
    expect((await sh(TEAM_A, 'mail', find)).stdout.trim()).not.toBe('0')
    for (const [team, host] of [
      [TEAM_A, 'ws'],
      [TEAM_A, 'files'],
      [TEAM_B, 'mail'],
    ] as const)
      expect((await sh(team, host, find)).stdout.trim(), `${team}/${host}`).toBe('0')
    // One member kills it on the host; another member's exec on that host sees it gone.
    const k = await sh(TEAM_A, 'mail', `for f in $(grep -lsa '${pattern}' /proc/[0-9]*/cmdline); do p=\${f#/proc/}; kill \${p%/cmdline}; done; sleep 0.2`)
    expect(k.exitCode).toBe(0)
    expect((await sh(TEAM_A, 'mail', find)).stdout.trim()).toBe('0')
    // Closing a port on a host is what its teammates see: stop mail's listener, ws is refused.
    await sh(TEAM_A, 'mail', 'for f in $(grep -lsa [s]rv.pl /proc/[0-9]*/cmdline); do p=${f#/proc/}; kill ${p%/cmdline}; done; sleep 0.2', true)
    const r = await sh(TEAM_A, 'ws', probe('mail', 'mail', 25))
    expect(r.stdout).toContain('mail=\n')
    expect(r.stdout).not.toContain('mail-rc=0')
  })

  it('refuses a second sandbox for an attached host, a forged address and an unknown team', async () => {
    const dup = { ...hostSpec(teamA, 'mail'), sessionId: `${tag}-a-dup` }
    await expect(driver.start(dup)).rejects.toThrow(/already attached/)
    const forged = { ...hostSpec(teamA, 'files'), sessionId: `${tag}-a-forged` }
    forged.network = { ...teamHostNetwork(teamA, 'files'), address: teamHostNetwork(teamA, 'mail').address }
    await expect(driver.start(forged)).rejects.toThrow(/is 10\.214\./)
    const ghost = { ...hostSpec(teamA, 'ws'), sessionId: `${tag}-a-ghost`, network: { ...teamHostNetwork(teamA, 'ws'), network: `${tag}-zz` } }
    await expect(driver.start(ghost)).rejects.toThrow(/does not exist/)
    for (const s of [dup, forged, ghost]) {
      expect(existsSync(`/run/netns/kenshu-${s.sessionId}`)).toBe(false)
      expect(await new SessionCgroup(detectCgroups(), s.sessionId).exists()).toBe(false)
    }
  })

  it('allocates distinct subnets to team networks created concurrently', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `${tag}-c${i}`)
    try {
      const teams = await Promise.all(ids.map((id) => createTeamNetwork({ id, hosts: [{ name: 'h' }] })))
      const all = await listTeamNetworks()
      expect(new Set(all.map((t) => t.subnet)).size).toBe(all.length) // machine-wide, others' teams included
      expect(new Set(teams.map((t) => t.slot)).size).toBe(6)
      await expect(createTeamNetwork({ id: ids[0] as string, hosts: [{ name: 'h' }] })).rejects.toThrow(/already exists/)
    } finally {
      for (const id of ids) await destroyTeamNetwork(id)
    }
    for (const id of ids) {
      expect(existsSync(`/run/netns/kenshu-${id}-team`)).toBe(false)
      expect(existsSync(path.join(TEAM_STATE_DIR, `${id}.json`))).toBe(false)
    }
  })

  it('a stopped host can be started again; stopping all hosts and destroying the networks leaves nothing', async () => {
    await driver.stop(sid(TEAM_A, 'files'))
    await startHost(teamA, 'files') // its bridge port went with it at once
    expect((await sh(TEAM_A, 'files', 'hostname')).stdout.trim()).toBe('files')

    const t0 = performance.now()
    for (const s of started) await driver.stop(s)
    for (const t of [TEAM_A, TEAM_B]) await destroyTeamNetwork(t)
    console.log(`[team network] stop 6 hosts + destroy 2 networks: ${Math.round(performance.now() - t0)} ms`)

    expect((await ipNetnsNames()).filter((n) => n.includes(tag))).toEqual([])
    const links = (await run('ip', ['-o', 'link'])).stdout
    for (const h of ['mail', 'files', 'iot-gw', 'ws']) expect(links).not.toContain(teamPortName(h))
    const layout = detectCgroups()
    for (const s of new Set(started)) expect(await new SessionCgroup(layout, s).exists(), s).toBe(false)
    expect(await readTeamNetwork(TEAM_A)).toBeUndefined()
    expect(existsSync(path.join(TEAM_STATE_DIR, `${TEAM_A}.json`))).toBe(false)
    expect((await listTeamNetworks()).filter((t) => t.id.startsWith(tag))).toEqual([])
  })
})
