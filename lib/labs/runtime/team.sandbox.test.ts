import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gradeAnswer, scoreReport } from '../package/grading'
import { formatLabError, loadLabPackage, type LoadedLab } from '../package/load'
import { BwrapDriver } from '../sandbox/bwrap-driver'
import { detectCgroups, SessionCgroup } from '../sandbox/cgroups'
import { readTeamNetwork } from '../sandbox/team-network'
import { LabSetupError } from './provision'
import { provisionTeam, runTeamCheck, runTeamSolve, stopTeamEnvironment, type TeamEnvironment } from './team'

/**
 * Team labs in real bubblewrap sandboxes: a two-host package written here (per-host overlays,
 * variables from both hosts, a check on each host, per-host solve), then the shipped
 * iot-botnet-team end to end. Needs root and bwrap; skipped with a message otherwise. Everything made
 * here is named `tt<random>-…` and only that is removed (other sandboxes run on this machine).
 */
const RUN = existsSync('/usr/bin/bwrap') && process.getuid?.() === 0
if (!RUN) console.warn('[team lab sandbox test] SKIPPED: needs root and /usr/bin/bwrap')

const tag = `tt${randomBytes(3).toString('hex')}`
const opts = { lang: 'en' as const, seed: 4242 }
const driver = new BwrapDriver({ idleTimeoutSec: 0 })
let root = ''
let dir = ''
const made: Array<Pick<TeamEnvironment, 'networkId' | 'hosts'>> = []

const manifest = `schemaVersion: 1
id: team-probe
title: { ja: チーム試験, en: Team probe }
summary: { ja: 試験用, en: For tests }
level: A
estimatedMinutes: 5
timeLimitMinutes: 10
idleTimeoutMinutes: 5
limits: { memoryMb: 96, pids: 48, cpus: 0.5, homeMb: 8, tmpMb: 8 }
framework: { id: nice-v2.1.0, statements: [T1084] }
variables:
  - { name: ALPHA_WORD, description: written by alpha }
  - { name: BETA_PORT, description: written by beta }
team: { min: 1, max: 2 }
hosts:
  - { name: alpha, title: { ja: アルファ, en: Alpha }, hostPart: 10 }
  - { name: beta, title: { ja: ベータ, en: Beta }, terminal: false, listed: false }
steps:
  - { id: one, title: { ja: 一, en: One }, file: { ja: steps/01-one.ja.mdx, en: steps/01-one.en.mdx } }
tasks:
  - { id: alpha-flag, kind: check, host: alpha, title: { ja: 旗, en: Flag }, points: 1 }
  - { id: beta-closed, kind: check, host: beta, title: { ja: 閉じる, en: Close }, points: 1 }
  - { id: port, kind: answer, title: { ja: ポート, en: Port }, prompt: { ja: ポート, en: Port }, points: 1, match: { kind: variable, name: BETA_PORT } }
`
// Both hosts draw BETA_PORT from the seed (same value); only beta writes it. beta listens on it.
const shared = 'RANDOM=$LAB_SEED\nBETA_PORT=$(( 20000 + RANDOM % 20000 ))\n'
const record = 'printf "%s %s %s %s\\n" "$LAB_NETWORK" "$LAB_HOST" "$LAB_HOST_ADDR" "$LAB_TEAM_HOSTS" >/srv/$LAB_HOST/preamble\n'
const alphaSetup = `#!/bin/bash
set -eu
${shared}${record}printf 'ALPHA_WORD=%s\\n' "word-$BETA_PORT" >&3
`
const betaSetup = `#!/bin/bash
set -eu
${shared}${record}( exec </dev/null >/dev/null 2>&1 3>&-; setsid perl -MIO::Socket::INET -e 'my $l = IO::Socket::INET->new(LocalPort => $ARGV[0], Listen => 5, ReuseAddr => 1) or die; while (my $c = $l->accept) { print $c "BETA\\n"; close $c }' "$BETA_PORT" ) &
for i in $(seq 100); do grep -q ":$(printf %04X "$BETA_PORT") 00000000:0000 0A" /proc/net/tcp && break; sleep 0.05; done
printf 'BETA_PORT=%s\\n' "$BETA_PORT" >&3
`
const alphaCheck = `#!/bin/bash
[ -f /srv/alpha/flag ] && [ "$(cat /srv/alpha/flag)" = "$VAR_ALPHA_WORD" ] && { echo "flag ok on $LAB_HOST"; exit 0; }
echo "no flag on $LAB_HOST"; exit 1
`
const betaCheck = `#!/bin/bash
grep -q ":$(printf %04X "$VAR_BETA_PORT") 00000000:0000 0A" /proc/net/tcp && { echo "still listening"; exit 1; }
echo closed; exit 0
`
const alphaSolve = `#!/bin/bash
set -eu
printf '%s' "$VAR_ALPHA_WORD" >/srv/alpha/flag
beta=$(for kv in $LAB_TEAM_HOSTS; do [ "\${kv%%=*}" = beta ] && echo "\${kv#*=}"; done)
# The other host is reachable by address (it is unlisted, so not by name).
head -n1 </dev/tcp/$beta/$VAR_BETA_PORT >/srv/alpha/beta-said
`
const betaSolve = `#!/bin/bash
pkill -f IO::Socket::INET || true
for i in $(seq 50); do grep -q ":$(printf %04X "$VAR_BETA_PORT") 00000000:0000 0A" /proc/net/tcp || exit 0; sleep 0.1; done
exit 1
`

async function writePackage(): Promise<void> {
  await rm(dir, { recursive: true, force: true })
  const w = async (rel: string, text: string, mode = 0o644) => {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true })
    await writeFile(path.join(dir, rel), text)
    await chmod(path.join(dir, rel), mode)
  }
  await w('lab.yaml', manifest)
  await w('steps/01-one.ja.mdx', '試験\n')
  await w('steps/01-one.en.mdx', 'Probe\n')
  await w('checks/alpha-flag.sh', alphaCheck, 0o755)
  await w('checks/beta-closed.sh', betaCheck, 0o755)
  await w('hosts/alpha/setup.sh', alphaSetup, 0o755)
  await w('hosts/alpha/solve.sh', alphaSolve, 0o755)
  await w('hosts/alpha/files/srv/alpha/motd', 'alpha only\n')
  await w('hosts/alpha/files/opt/alpha/bin/tool', '#!/bin/bash\necho tool\n', 0o755)
  await w('hosts/beta/setup.sh', betaSetup, 0o755)
  await w('hosts/beta/solve.sh', betaSolve, 0o755)
  await w('hosts/beta/files/srv/beta/secret', 'beta only\n', 0o600)
}

async function load(): Promise<LoadedLab> {
  const r = await loadLabPackage(dir, { displayRoot: 'team-probe' })
  if (!r.ok) throw new Error(r.errors.map(formatLabError).join('\n'))
  return r.lab
}

let n = 0
function ids() {
  const networkId = `${tag}-${n++}`
  return { networkId, sandboxId: (h: string) => `${networkId}-${h}` }
}

async function gone(env: Pick<TeamEnvironment, 'networkId' | 'hosts'> | { networkId: string; hosts: Array<{ sandboxId: string }> }) {
  const layout = detectCgroups()
  return {
    network: existsSync(`/run/netns/kenshu-${env.networkId}-team`) || (await readTeamNetwork(env.networkId)) !== undefined,
    hosts: await Promise.all(env.hosts.map(async (h) => existsSync(`/run/netns/kenshu-${h.sandboxId}`) || (await new SessionCgroup(layout, h.sandboxId).exists()))),
  }
}

beforeAll(async () => {
  if (!RUN) return
  root = await mkdtemp(path.join(os.tmpdir(), 'kenshu-teamlab-'))
  dir = path.join(root, 'team-probe')
  await writePackage()
})

afterAll(async () => {
  if (!RUN) return
  for (const env of made) await stopTeamEnvironment(driver, env).catch(() => {})
  if (root) await rm(root, { recursive: true, force: true })
})

describe.runIf(RUN)('team labs in real sandboxes', () => {
  it('provisions every host with its own overlay, merges variables, checks per host, solves, stops cleanly', async () => {
    const lab = await load()
    const env = await provisionTeam(driver, lab, ids(), { ...opts, idleTimeoutSec: 0 })
    made.push(env)
    console.log(`[team lab] 2 hosts: start ${Math.round(env.startMs)} ms, setup ${Math.round(env.setupMs)} ms`)
    expect(env.hosts.map((h) => [h.name, h.listed, h.terminal])).toEqual([
      ['alpha', true, true],
      ['beta', false, false],
    ])
    const [alpha, beta] = env.hosts as [TeamEnvironment['hosts'][number], TeamEnvironment['hosts'][number]]
    expect(alpha.address).toMatch(/^10\.214\.\d+\.10$/)
    expect(beta.address).toMatch(/^10\.214\.\d+\.11$/)
    const port = env.variables.BETA_PORT ?? ''
    expect(env.variables).toEqual({ ALPHA_WORD: `word-${port}`, BETA_PORT: port }) // same draw on both hosts

    // Each host got its own overlay only (labDir = hosts/<name>), with modes; scripts saw the team preamble.
    const a = await driver.exec(alpha.sandboxId, 'cat /srv/alpha/motd; ls /srv; stat -c %a /opt/alpha/bin/tool; cat /srv/alpha/preamble; grep -c beta /etc/hosts', { asRoot: true })
    expect(a.stdout).toBe(`alpha only\nalpha\n755\nteam alpha ${alpha.address} alpha=${alpha.address} beta=${beta.address}\n0\n`)
    const b = await driver.exec(beta.sandboxId, 'cat /srv/beta/secret; ls /srv; stat -c %a /srv/beta/secret; cat /srv/beta/preamble; hostname', { asRoot: true })
    expect(b.stdout).toBe(`beta only\nbeta\n600\nteam beta ${beta.address} alpha=${alpha.address} beta=${beta.address}\nbeta\n`)

    expect(await runTeamCheck(driver, lab, env, 'alpha-flag', opts)).toEqual({ status: 'fail', message: 'no flag on alpha' })
    expect(await runTeamCheck(driver, lab, env, 'beta-closed', opts)).toEqual({ status: 'fail', message: 'still listening' })
    expect((await runTeamCheck(driver, lab, env, 'port', opts)).status).toBe('error') // not a check task
    expect((await runTeamCheck(driver, lab, env, 'nope', opts)).status).toBe('error')
    await runTeamSolve(driver, lab, env, opts) // alpha first: it still reaches beta's listener
    expect((await driver.exec(alpha.sandboxId, 'cat /srv/alpha/beta-said', { asRoot: true })).stdout).toBe('BETA\n')
    expect(await runTeamCheck(driver, lab, env, 'alpha-flag', opts)).toEqual({ status: 'pass', message: 'flag ok on alpha' })
    expect(await runTeamCheck(driver, lab, env, 'beta-closed', opts)).toEqual({ status: 'pass', message: 'closed' })
    await expect(runTeamSolve(driver, lab, env, opts)).rejects.toThrow(/hosts\/alpha\/solve\.sh failed/) // beta no longer answers

    await stopTeamEnvironment(driver, env)
    expect(await gone(env)).toEqual({ network: false, hosts: [false, false] })
    await stopTeamEnvironment(driver, env) // idempotent
  }, 120_000)

  it('a failing host setup stops everything it started', async () => {
    await writePackage()
    await writeFile(path.join(dir, 'hosts/beta/setup.sh'), '#!/bin/bash\necho "beta broke" >&2\nexit 3\n')
    const lab = await load()
    const i = ids()
    const err = await provisionTeam(driver, lab, i, opts).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(LabSetupError)
    expect((err as Error).message).toBe('hosts/beta/setup.sh failed (exit 3): beta broke')
    expect(await gone({ networkId: i.networkId, hosts: ['alpha', 'beta'].map((h) => ({ sandboxId: i.sandboxId(h) })) })).toEqual({ network: false, hosts: [false, false] })
  }, 60_000)

  it('a variable written by two hosts fails the start', async () => {
    await writePackage()
    await writeFile(path.join(dir, 'hosts/beta/setup.sh'), betaSetup.replace("printf 'BETA_PORT", "printf 'ALPHA_WORD=x\\n' >&3\nprintf 'BETA_PORT"))
    const lab = await load()
    const i = ids()
    await expect(provisionTeam(driver, lab, i, opts)).rejects.toThrow(/setup variables: ALPHA_WORD written by both alpha and beta/)
    expect(await gone({ networkId: i.networkId, hosts: ['alpha', 'beta'].map((h) => ({ sandboxId: i.sandboxId(h) })) })).toEqual({ network: false, hosts: [false, false] })
  }, 60_000)

  it('an existing network id is refused and left alone', async () => {
    await writePackage()
    const lab = await load()
    const i = ids()
    const env = await provisionTeam(driver, lab, i, opts)
    made.push(env)
    await expect(provisionTeam(driver, lab, { ...i, sandboxId: (h) => `${i.networkId}-x${h}` }, opts)).rejects.toThrow(/already exists/)
    expect((await driver.status(i.sandboxId('alpha')))?.state).toBe('ready')
    await stopTeamEnvironment(driver, env)
  }, 60_000)

  it('honours idleTimeoutSec per sandbox: 0 outlives an idle driver, 1 stops an idle host', async () => {
    await writePackage()
    const lab = await load()
    const eager = new BwrapDriver({ idleTimeoutSec: 1 })
    const kept = await provisionTeam(eager, lab, ids(), { ...opts, idleTimeoutSec: 0 })
    made.push(kept)
    const lazy = await provisionTeam(driver, lab, ids(), { ...opts, idleTimeoutSec: 1 })
    made.push(lazy)
    await new Promise((r) => setTimeout(r, 3000))
    for (const h of kept.hosts) expect((await eager.status(h.sandboxId))?.state, h.name).toBe('ready')
    for (const h of lazy.hosts) {
      // Teardown takes a moment on a loaded machine: poll instead of trusting one fixed sleep.
      for (let i = 0; i < 50 && (await driver.status(h.sandboxId))?.state !== 'stopped'; i++) await new Promise((r) => setTimeout(r, 200))
      const st = await driver.status(h.sandboxId)
      expect(st?.state, h.name).toBe('stopped')
      expect(st?.reason).toBe('idle timeout')
    }
    await stopTeamEnvironment(eager, kept)
    await stopTeamEnvironment(driver, lazy)
    expect(await gone(kept)).toEqual({ network: false, hosts: [false, false] })
    expect(await gone(lazy)).toEqual({ network: false, hosts: [false, false] })
  }, 60_000)
})

describe.runIf(RUN)('the shipped iot-botnet-team', () => {
  it('setup → every check fails → solve → every check passes; answers and report facts grade with the real variables', async () => {
    const labsRoot = fileURLToPath(new URL('../../../labs', import.meta.url))
    // A copy, so a concurrent edit of labs/ cannot change the package under the test.
    const copy = path.join(root, 'iot-botnet-team')
    await cp(path.join(labsRoot, 'iot-botnet-team'), copy, { recursive: true })
    const r = await loadLabPackage(copy)
    if (!r.ok) throw new Error(r.errors.map(formatLabError).join('\n'))
    const lab = r.lab
    const m = lab.manifest
    const env = await provisionTeam(driver, lab, ids(), { lang: 'ja', seed: 7, idleTimeoutSec: 0 })
    made.push(env)
    console.log(`[team lab] iot-botnet-team ${env.hosts.length} hosts: start ${Math.round(env.startMs)} ms, setup ${Math.round(env.setupMs)} ms`)
    try {
      const v = env.variables
      // Before anyone works (the solution itself records hashes): the answer key is nowhere a member
      // can read it on a terminal host, as uid 1000.
      for (const h of env.hosts.filter((x) => x.terminal)) {
        const probe = await driver.exec(h.sandboxId, `grep -rlsF -- '${v.SCAN_SHA256}' /srv /home /tmp /run /opt /etc /var 2>/dev/null | head -n 3; echo end`, { timeoutMs: 20_000 })
        expect(probe.stdout, h.name).toBe('end\n')
      }
      const checks = m.tasks.filter((t) => t.kind === 'check')
      for (const t of checks) expect((await runTeamCheck(driver, lab, env, t.id, { lang: 'ja', seed: 7 })).status, t.id).toBe('fail')
      const ws = env.hosts.find((h) => h.name === 'ws01')
      const gw = env.hosts.find((h) => h.name === 'gw01')
      for (const t of m.tasks) {
        if (t.kind !== 'answer') continue
        const right: Record<string, string> = {
          'c2-endpoint': `${v.C2_ADDR}:${v.C2_PORT}`,
          'patient-zero': 'ws01',
          'login-credential': `${v.LOGIN_USER}/${v.LOGIN_PASS}`,
        }
        const answer = right[t.id]
        expect(answer, t.id).toBeDefined()
        expect(gradeAnswer(t, answer ?? '', v, { previousIncorrect: 0 }).status, t.id).toBe('correct')
        expect(gradeAnswer(t, 'gw01', v, { previousIncorrect: 0 }).status, t.id).not.toBe('correct')
      }
      const patient = m.tasks.find((t) => t.id === 'patient-zero')
      if (patient?.kind === 'answer') expect(gradeAnswer(patient, ws?.address ?? '', v, { previousIncorrect: 0 }).status).toBe('correct')
      const report = m.tasks.find((t) => t.kind === 'report')
      if (report?.kind === 'report') {
        const text = `ws01 (${ws?.address}) → gw01 (${gw?.address}) ${v.LOGIN_USER}/${v.LOGIN_PASS}; C2 ${v.C2_ADDR}:${v.C2_PORT}; lure from kitaura-denki-support.example. `.repeat(4)
        const sections = Object.fromEntries(report.rubric.sections.map((s) => [s.id, `${text} 個人情報保護委員会 JPCERT/CC`]))
        const g = scoreReport(report, sections, v)
        expect(g.facts.filter((f) => !f.found).map((f) => f.id)).toEqual([])
        expect(g.passed).toBe(true)
      }
      await runTeamSolve(driver, lab, env, { lang: 'ja', seed: 7 })
      for (const t of checks) {
        const out = await runTeamCheck(driver, lab, env, t.id, { lang: 'ja', seed: 7 })
        expect(out, t.id).toMatchObject({ status: 'pass' })
      }
    } finally {
      await stopTeamEnvironment(driver, env)
    }
    expect(await gone(env)).toEqual({ network: false, hosts: env.hosts.map(() => false) })
  }, 180_000)
})
