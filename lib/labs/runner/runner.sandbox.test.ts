import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadLabPackage, type LoadedLab } from '../package/load'
import { provisionSandbox, runCheck } from '../runtime/provision'
import { BwrapDriver } from '../sandbox/bwrap-driver'
import { signRequest } from './auth'
import { RunnerClient } from './client'
import { RunnerPool } from './pool'
import { createRunnerServer, RunnerService } from './server'

/**
 * The runner channel end to end with real sandboxes: two runner services (each its own BwrapDriver,
 * as two `dist/runner.js` processes would have), a RunnerPool as the web tier uses it, and the real
 * flagship lab packages. Needs root and bwrap; skipped with a message otherwise.
 */
const RUN = existsSync('/usr/bin/bwrap') && process.getuid?.() === 0
if (!RUN) console.warn('[runner sandbox test] SKIPPED: needs root and /usr/bin/bwrap')

const SECRET = randomBytes(32).toString('hex')
const LABS = path.resolve('labs')
const tag = randomBytes(2).toString('hex')

type Runner = { service: RunnerService; server: Server; driver: BwrapDriver; url: string }

async function startRunner(id: string, maxSessions = 1): Promise<Runner> {
  const ref: { service?: RunnerService } = {}
  const driver = new BwrapDriver({ onStopped: (sid, reason) => ref.service?.onStopped(sid, reason), reapScope: id })
  const service = (ref.service = new RunnerService({ driver, secret: SECRET, runnerId: id, labsRoot: LABS, maxSessions }))
  const server = createRunnerServer(service, driver)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { service, server, driver, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

async function kill(r: Runner) {
  r.server.closeAllConnections()
  await new Promise<void>((done) => r.server.close(() => done()))
  await r.driver.stopAll()
}

const waitFor = async (what: string, ok: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe.skipIf(!RUN)('lab runner channel (real sandboxes)', () => {
  let a: Runner
  let b: Runner
  let pool: RunnerPool
  let flagship: LoadedLab
  let worm: LoadedLab
  const stopped: { id: string; reason: string }[] = []

  beforeAll(async () => {
    ;[a, b] = await Promise.all([startRunner(`ta${tag}`), startRunner(`tb${tag}`)])
    pool = new RunnerPool({
      urls: [a.url, b.url],
      secret: SECRET,
      labsRoot: LABS,
      pollMs: 150,
      failuresToLose: 3,
      onStopped: (id, reason) => stopped.push({ id, reason }),
    })
    await pool.ready()
    const [f, w] = await Promise.all([loadLabPackage(path.join(LABS, 'iot-botnet-telnet')), loadLabPackage(path.join(LABS, 'm2m-worm-5g-segment'))])
    if (!f.ok || !w.ok) throw new Error('lab packages invalid')
    flagship = f.lab
    worm = w.lab
  }, 60_000)

  afterAll(async () => {
    pool?.close()
    await Promise.all([a && kill(a), b && kill(b)])
  })

  it('refuses unsigned, forged, replayed and stale requests', async () => {
    const unsigned = await fetch(`${a.url}/v1/poll`)
    expect(unsigned.status).toBe(401)
    const forged = await fetch(`${a.url}/v1/poll`, { headers: signRequest('z'.repeat(64), { method: 'GET', path: '/v1/poll' }) })
    expect(forged.status).toBe(401)
    const headers = signRequest(SECRET, { method: 'GET', path: '/v1/poll' })
    expect((await fetch(`${a.url}/v1/poll`, { headers })).status).toBe(200)
    expect((await fetch(`${a.url}/v1/poll`, { headers })).status).toBe(401)
    const stale = signRequest(SECRET, { method: 'GET', path: '/v1/poll' }, Date.now() - 120_000)
    expect((await fetch(`${a.url}/v1/poll`, { headers: stale })).status).toBe(401)
    // A signature for one path does not open another.
    const other = signRequest(SECRET, { method: 'GET', path: '/v1/poll' })
    expect((await fetch(`${a.url}/v1/availability`, { headers: other })).status).toBe(401)
  })

  it('resolves labs only inside its own labs directory and runs only the built-in service listener', async () => {
    const client = new RunnerClient(a.url, SECRET)
    const spec = { sessionId: 'x1', limits: flagship.manifest.limits, network: 'none', timeLimitSec: 600 }
    for (const labFolder of ['../../etc', '..', '/etc', 'iot-botnet-telnet/../..', 'no-such-lab'])
      await expect(client.request('POST', '/v1/sandboxes', { spec: { ...spec, labFolder } })).rejects.toThrow(/40[04]/)
    await expect(
      client.request('POST', '/v1/sandboxes', { spec: { ...spec, labFolder: 'iot-botnet-telnet', limits: { ...spec.limits, memoryMb: 1e9 } } }),
    ).rejects.toThrow(/memoryMb/)
    await expect(client.request('POST', '/v1/sandboxes/x1/services', { services: [{ command: ['sh', '-c', 'id'] }] })).rejects.toThrow(/404/)
    // A network it cannot give is refused, never silently downgraded.
    await expect(
      client.request('POST', '/v1/sandboxes', { spec: { ...spec, labFolder: 'iot-botnet-telnet', network: { mode: 'team', network: 'x', host: 'h', address: '10.214.0.10' } } }),
    ).rejects.toThrow(/team networks are not supported/)
  })

  it('places sandboxes on the least-loaded runner, runs setup, checks and a terminal through it, and frees capacity on stop', async () => {
    const one = `p1${tag}`
    const two = `p2${tag}`
    const { variables } = await provisionSandbox(pool, flagship, one, { lang: 'en', seed: 7 })
    expect(variables.ATTACKER_IP).toMatch(/^\d+\.\d+\.\d+\.\d+$/)
    // Capacity 1 per runner: the second sandbox must land on the other runner.
    await provisionSandbox(pool, worm, two, { lang: 'ja', seed: 9 })
    const owners = [a, b].map((r) => r.service.info().ids)
    expect(owners.flat().sort()).toEqual([one, two].sort())
    expect(owners.every((ids) => ids.length === 1)).toBe(true)
    // Both full: a third start is refused clearly, not queued forever.
    await expect(provisionSandbox(pool, flagship, `p3${tag}`, { lang: 'en', seed: 1 })).rejects.toThrow(/no lab runner could take/)

    // Grading runs in the sandbox on the runner: the bot is still running, so the check fails.
    const outcome = await runCheck(pool, flagship, one, 'stop-bot', variables, { lang: 'en', seed: 7 })
    expect(outcome.status).toBe('fail')
    const who = await pool.exec(one, 'id -u; hostname', { asRoot: true })
    expect(who.stdout.split('\n')[0]).toBe('0')

    // The learner's terminal, bridged over the runner's WebSocket.
    const term = await pool.attach(one, { cols: 100, rows: 30 })
    let out = ''
    term.onData((c) => (out += Buffer.from(c).toString('utf8')))
    term.write('echo kenshu-$((6*7)); id -u\n')
    await waitFor('terminal output', () => /kenshu-42/.test(out) && /\b1000\b/.test(out))
    term.write('echo mark > /tmp/mark\n')
    term.close()
    // Re-attach (a reload, or another web instance after one died): same shell, input and output live.
    for (let k = 0; k < 2; k++) {
      const again = await pool.attach(one, { cols: 80, rows: 24 })
      let out2 = ''
      again.onData((c) => (out2 += Buffer.from(c).toString('utf8')))
      again.write(`cat /tmp/mark; echo round-$((${k}+10))\n`)
      await waitFor(`re-attached output ${k}`, () => new RegExp(`[\\r\\n]mark\\r\\n[^]*round-${k + 10}`).test(out2))
      again.close()
    }

    await pool.stop(one)
    expect((await pool.status(one))?.state ?? 'stopped').toBe('stopped')
    await waitFor('capacity freed', () => pool.health().some((r) => r.sessions === 0), 5000)
    stopped.length = 0
  }, 120_000)

  it('declares a dead runner lost: its sandboxes are reported stopped and new sandboxes go to the survivor', async () => {
    const live = pool.health()
    expect(live.filter((r) => r.healthy)).toHaveLength(2)
    // The worm sandbox from the previous test is on one runner; kill that runner.
    const victim = [a, b].find((r) => r.service.info().ids.length === 1) as Runner
    const survivor = victim === a ? b : a
    const [lostId] = victim.service.info().ids
    await kill(victim)
    await waitFor('runner declared lost', () => stopped.some((s) => s.id === lostId && s.reason === 'runner lost'), 10_000)
    expect(pool.health().filter((r) => r.healthy)).toHaveLength(1)
    expect((await pool.availability()).available).toBe(true)
    const again = `p4${tag}`
    await provisionSandbox(pool, flagship, again, { lang: 'en', seed: 3 })
    expect(survivor.service.info().ids).toEqual([again])
    await pool.stop(again)
  }, 120_000)
})

describe.skipIf(!RUN)('placement under a burst (real sandboxes)', () => {
  it('spreads simultaneous starts over the runners instead of piling them on the one that looked emptiest', async () => {
    const [c, d] = await Promise.all([startRunner(`tc${tag}`, 8), startRunner(`td${tag}`, 8)])
    const pool = new RunnerPool({ urls: [c.url, d.url], secret: SECRET, labsRoot: LABS, pollMs: 60_000 })
    try {
      const f = await loadLabPackage(path.join(LABS, 'iot-botnet-telnet'))
      if (!f.ok) throw new Error('lab package invalid')
      // One poll happened before the burst; none during it: only the pool's own accounting spreads them.
      await pool.ready()
      const ids = Array.from({ length: 4 }, (_, i) => `b${i}${tag}`)
      await Promise.all(ids.map((id, i) => provisionSandbox(pool, f.lab, id, { lang: 'en', seed: i + 1 })))
      expect([c, d].map((r) => r.service.info().ids.length)).toEqual([2, 2])
      await Promise.all(ids.map((id) => pool.stop(id)))
    } finally {
      pool.close()
      await Promise.all([kill(c), kill(d)])
    }
  }, 120_000)
})
