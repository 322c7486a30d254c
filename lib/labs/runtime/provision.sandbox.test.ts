import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadLabPackage, type LoadedLab } from '../package/load'
import { BwrapDriver } from '../sandbox/bwrap-driver'
import { detectCgroups, SessionCgroup } from '../sandbox/cgroups'
import { provisionSandbox, runCheck } from './provision'

/**
 * The lab network end to end in a real bubblewrap sandbox: a package declares a service at a
 * per-session address drawn by setup.sh, provisionSandbox() runs setup and then places the
 * service, and the learner reaches it — but not the host's loopback. Needs root and bwrap; skipped
 * with a message otherwise.
 */
const RUN = existsSync('/usr/bin/bwrap') && process.getuid?.() === 0
if (!RUN) console.warn('[lab network sandbox test] SKIPPED: needs root and /usr/bin/bwrap')

const tag = randomBytes(3).toString('hex')
let root = ''
let dir = ''
let lab: LoadedLab

const manifest = `schemaVersion: 1
id: net-probe
title: { ja: ネットワーク試験, en: Network probe }
summary: { ja: 試験用, en: For tests }
level: A
estimatedMinutes: 5
timeLimitMinutes: 10
idleTimeoutMinutes: 5
limits: { memoryMb: 128, pids: 64, cpus: 0.5, homeMb: 8, tmpMb: 8 }
network:
  mode: lab
  services:
    - { id: c2, address: '{{C2_ADDR}}', port: 4444, behaviour: banner, banner: "C2-READY\\n" }
    - { id: web, address: 192.0.2.80, port: 80, behaviour: sink }
framework: { id: nice-v2.1.0, statements: [T1084] }
variables:
  - { name: C2_ADDR, description: per-session C2 }
steps:
  - { id: one, title: { ja: 一, en: One }, file: { ja: steps/01-one.ja.mdx, en: steps/01-one.en.mdx } }
tasks:
  - { id: reach, kind: check, title: { ja: 到達, en: Reach }, points: 1 }
`
// setup.sh draws the address and starts a "bot" that must retry until the service exists.
const setup = `#!/bin/bash
set -eu
RANDOM=$LAB_SEED
C2=198.51.100.$(( 10 + RANDOM % 200 ))
( exec </dev/null >/dev/null 2>&1 3>&-
  setsid bash -c 'while :; do exec 5<>/dev/tcp/'$C2'/4444 && { echo BOT >&5; sleep 3600; }; sleep 0.2; done' ) &
printf 'C2_ADDR=%s\\n' "$C2" >&3
`
const check = `#!/bin/bash
awk 'NR > 1 && $4 == "01" { found = 1 } END { exit !found }' /proc/net/tcp && exit 0
echo "no connection"; exit 1
`

beforeAll(async () => {
  if (!RUN) return
  root = await mkdtemp(path.join(os.tmpdir(), 'kenshu-netprobe-'))
  dir = path.join(root, 'net-probe')
  await mkdir(path.join(dir, 'steps'), { recursive: true })
  await mkdir(path.join(dir, 'checks'))
  await writeFile(path.join(dir, 'lab.yaml'), manifest)
  await writeFile(path.join(dir, 'steps/01-one.ja.mdx'), '試験\n')
  await writeFile(path.join(dir, 'steps/01-one.en.mdx'), 'Probe\n')
  await writeFile(path.join(dir, 'setup.sh'), setup)
  await writeFile(path.join(dir, 'solve.sh'), '#!/bin/bash\ntrue\n')
  await writeFile(path.join(dir, 'checks/reach.sh'), check)
  const r = await loadLabPackage(dir, { displayRoot: 'net-probe' })
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  lab = r.lab
})

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true })
})

describe.runIf(RUN)('lab network (network.mode: lab) in a real sandbox', () => {
  it('places per-session services after setup: reachable from the learner, host loopback not', async () => {
    const driver = new BwrapDriver({ idleTimeoutSec: 0 })
    const id = `t${tag}-labnet`
    let hostHits = 0
    const host = net.createServer((c) => {
      hostHits++
      c.end('HOST\n')
    })
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', r))
    const hostPort = (host.address() as net.AddressInfo).port
    try {
      const { variables } = await provisionSandbox(driver, lab, id, { lang: 'en', seed: 7 })
      const c2 = variables.C2_ADDR ?? ''
      expect(c2).toMatch(/^198\.51\.100\.\d+$/)
      const r = await driver.exec(
        id,
        [
          `echo "banner=$(timeout 2 bash -c 'head -n1 </dev/tcp/${c2}/4444' 2>/dev/null)"`,
          `timeout 2 bash -c 'exec 5<>/dev/tcp/192.0.2.80/80' 2>/dev/null; echo web-rc=$?`,
          `timeout 2 bash -c 'cat </dev/tcp/127.0.0.1/${hostPort}' 2>/dev/null; echo host-rc=$?`,
          `timeout 2 bash -c 'cat </dev/tcp/10.213.0.1/${hostPort}' 2>/dev/null; echo svcside-rc=$?`,
          'echo "hosts=$(grep -c 198.51.100 /etc/hosts)"',
        ].join('\n'),
        { timeoutMs: 20_000 },
      )
      expect(r.stdout).toContain('banner=C2-READY')
      expect(r.stdout).toContain('web-rc=0')
      expect(r.stdout).not.toContain('HOST')
      expect(r.stdout).not.toContain('host-rc=0')
      expect(r.stdout).not.toContain('svcside-rc=0')
      expect(r.stdout).toContain('hosts=0') // the C2 address is evidence to find, not published
      // setup's "bot" retried and now holds an ESTABLISHED connection a check can see.
      let outcome = { status: 'fail', message: '' }
      for (let i = 0; i < 20 && outcome.status !== 'pass'; i++) {
        outcome = await runCheck(driver, lab, id, 'reach', variables, { lang: 'en', seed: 7 })
        if (outcome.status !== 'pass') await new Promise((res) => setTimeout(res, 200))
      }
      expect(outcome.status).toBe('pass')
      expect(hostHits).toBe(0)
    } finally {
      host.close()
      await driver.stop(id)
    }
    expect(existsSync(`/run/netns/kenshu-${id}`)).toBe(false)
    expect(existsSync(`/run/netns/kenshu-${id}-svc`)).toBe(false)
    const cg = new SessionCgroup(detectCgroups(), id)
    expect(await cg.exists()).toBe(false)
  }, 60_000)
})
