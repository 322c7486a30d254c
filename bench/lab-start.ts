/**
 * Lab start latency through the real session manager (queue + warm pool + bubblewrap + the lab's own
 * setup.sh) on a throwaway SQLite database.
 *   node --conditions=react-server --import tsx bench/lab-start.ts [--lab ID] [--single N] [--burst N] [--warm N]
 * Prints JSON: single starts (cold and warm), and a burst of N learners pressing Start at once:
 * time until each sees progress, until ready, and until the first shell prompt.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback
}
const LAB = arg('lab', 'iot-botnet-telnet')
const SINGLE = Number(arg('single', '10'))
const BURST = Number(arg('burst', '50'))
const WARM = Number(arg('warm', String(BURST)))

const dir = mkdtempSync(path.join(tmpdir(), 'kenshu-bench-labs-'))
process.env.DATABASE_URL = `file:${path.join(dir, 'kenshu.db')}`
process.env.KENSHU_DATA_DIR = dir

const { migrateSqlite } = await import('../lib/db/migrate')
await migrateSqlite(path.join(dir, 'kenshu.db'), process.cwd())
const { getDb } = await import('../lib/db/client')
const { LabSessionManager } = await import('../lib/labs/sessions/manager')
const { BwrapDriver } = await import('../lib/labs/sandbox/bwrap-driver')
const { getLab } = await import('../lib/labs/catalog')

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN)
}
const summary = (xs: number[]) => ({ n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), max: Math.round(Math.max(...xs)) })

const org = await getDb().organization.create({ data: { slug: 'bench', name: 'Bench' } })
const users = await Promise.all(
  Array.from({ length: Math.max(BURST, SINGLE) + 1 }, (_, i) =>
    getDb().user.create({ data: { email: `u${i}@bench.local`, name: `U${i}`, memberships: { create: { organizationId: org.id, role: 'learner' } } } }),
  ),
)
const entry = await getLab(LAB)
if (!entry) throw new Error(`no lab ${LAB}`)

async function timeToReady(m: InstanceType<typeof LabSessionManager>, user: { id: string }) {
  const t0 = performance.now()
  const id = await m.start({ id: user.id, organizationId: org.id }, LAB, 'en')
  const seen = performance.now() - t0
  for (;;) {
    const p = await m.status(user.id, id)
    if (p.state === 'ready') break
    if (p.state === 'failed') throw new Error('start failed')
    await new Promise((r) => setTimeout(r, 20))
  }
  const ready = performance.now() - t0
  const s = await getDb().labSession.findUniqueOrThrow({ where: { id } })
  const term = await m.attach(s.sandboxId!, { cols: 80, rows: 24 })
  await new Promise<void>((resolve) => {
    let out = ''
    const off = term.onData((c) => {
      out += Buffer.from(c).toString()
      if (/\$ $/.test(out)) {
        off()
        resolve()
      }
    })
    term.write('\r')
  })
  const prompt = performance.now() - t0
  term.close()
  return { id, seen, ready, prompt }
}

const driver = new BwrapDriver({ maxConcurrentStarts: 2 })
const result: Record<string, unknown> = { lab: LAB, machine: `${process.platform} ${process.arch} node ${process.version}` }
try {
  // Single starts, cold (no pool): the lab's setup.sh dominates.
  {
    const m = new LabSessionManager(driver, { warmPerLab: 0, maxSessions: 1000, maxPerUser: 5, reapOnBoot: false })
    const runs = []
    for (let i = 0; i < SINGLE; i++) {
      const r = await timeToReady(m, users[i]!)
      runs.push(r)
      await m.stop(users[i]!.id, r.id)
    }
    result.singleCold = { ready: summary(runs.map((r) => r.ready)), prompt: summary(runs.map((r) => r.prompt)) }
  }
  // Single starts with a warm pool of 1 (the default): claim + refill between starts.
  {
    const m = new LabSessionManager(driver, { warmPerLab: 1, maxSessions: 1000, maxPerUser: 5, reapOnBoot: false })
    await m.fillPool(entry)
    const runs = []
    for (let i = 0; i < SINGLE; i++) {
      const r = await timeToReady(m, users[i]!)
      runs.push(r)
      await m.stop(users[i]!.id, r.id)
      // Let the background refill finish, as it would between two learners arriving.
      for (let k = 0; k < 300 && m.poolSize(LAB) < 1; k++) await new Promise((res) => setTimeout(res, 50))
    }
    result.singleWarm = { ready: summary(runs.map((r) => r.ready)), prompt: summary(runs.map((r) => r.prompt)) }
    await driver.stopAll()
  }
  // A burst: BURST learners press Start at once, with the pool pre-warmed to WARM (an exercise day).
  for (const warm of [...new Set([1, WARM])]) {
    const m = new LabSessionManager(driver, { warmPerLab: warm, maxSessions: 1000, maxPerUser: 5, reapOnBoot: false })
    const w0 = performance.now()
    await m.fillPool(entry)
    const warmMs = performance.now() - w0
    const t0 = performance.now()
    const runs = await Promise.all(users.slice(0, BURST).map((u) => timeToReady(m, u)))
    result[`burst${BURST}_warm${warm}`] = {
      prewarmMs: Math.round(warmMs),
      seesProgress: summary(runs.map((r) => r.seen)),
      ready: summary(runs.map((r) => r.ready)),
      prompt: summary(runs.map((r) => r.prompt)),
      allReadyMs: Math.round(performance.now() - t0),
    }
    await driver.stopAll()
    await getDb().labSession.updateMany({ data: { state: 'stopped' } })
  }
} finally {
  await driver.stopAll()
  await getDb().$disconnect()
  rmSync(dir, { recursive: true, force: true })
}
console.log(JSON.stringify(result, null, 2))
