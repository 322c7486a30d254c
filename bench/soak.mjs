#!/usr/bin/env node
// Load and soak (issue #7): N simulated learners with real WebSocket terminals work in labs while M
// HTTP clients browse, for a bounded time, on loopback only.
//   node bench/soak.mjs [--learners 200] [--minutes 10] [--browsers 50] [--port 3340]
//                       [--memprobe /tmp/x/mem.jsonl] [--snapshots 5,9]
// --learners 0 runs browsers only (they sign in as one learner); --browsers 0 learners only.
// --memprobe preloads bench/memprobe.cjs into the server (process.memoryUsage(), session maps and
// replay buffers every 5 s, after a full GC once a minute; docs/soak-memory.md); --snapshots writes a
// heap snapshot of the server at those minutes (next to the probe's log).
// Each learner: signs in, starts the flagship lab (the real queue, bubblewrap sandboxes), opens the
// terminal with a single-use ticket, types a command every few seconds and waits for its output,
// answers a task once (with the answer from its own session, as the learner would read it off the
// logs) and runs a check once. Browsers request the catalog, a lab page, My readiness and the learn
// home in a loop. Reported: failed requests, lost terminals, every passed task recorded exactly once,
// server RSS over time with its slope, and that no sandbox, cgroup or process is left afterwards.
// Prints JSON and `N passed, N failed`. Run as root on a quiet machine after `npm run build`.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { WebSocket } from 'ws'
import { rss, signIn, summary as summarize } from './lib/server.mjs'
const summary = (xs) => (xs.length ? summarize(xs) : { n: 0 })
import { action, boot, checklist, createLearners, requireBuild, seed, serverEnv } from '../scripts/faults/lib.mjs'

const arg = (n, d) => {
  const i = process.argv.indexOf(`--${n}`)
  return i > 0 ? Number(process.argv[i + 1]) : d
}
const LEARNERS = arg('learners', 200)
const MINUTES = arg('minutes', 10)
const BROWSERS = arg('browsers', 50)
const PORT = arg('port', 3340)
const strArg = (n) => {
  const i = process.argv.indexOf(`--${n}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const MEMPROBE = strArg('memprobe')
const SNAPSHOTS = (strArg('snapshots') ?? '').split(',').filter(Boolean).map(Number)
// Accounts: one per learner; browsers reuse them (at least one exists when there are browsers).
const ACCOUNTS = Math.max(LEARNERS, BROWSERS > 0 ? 1 : 0)
const LAB = 'iot-botnet-telnet'
const base = `http://localhost:${PORT}`
requireBuild()
const { check, finish } = checklist(`soak: ${LEARNERS} learners, ${BROWSERS} browsers, ${MINUTES} min`)
const { mkdtempSync, rmSync } = await import('node:fs')
const { tmpdir } = await import('node:os')
const dataDir = mkdtempSync(path.join(tmpdir(), 'kenshu-soak-'))
const env = serverEnv(PORT, dataDir, {
  KENSHU_MAX_SESSIONS: String(Math.max(250, LEARNERS + 10)),
  KENSHU_IDLE_TIMEOUT_SEC: '3600',
  ...(MEMPROBE
    ? {
        KENSHU_MEMPROBE: path.resolve(MEMPROBE),
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${path.resolve('bench/memprobe.cjs')} --expose-gc`.trim(),
      }
    : {}),
})
seed(env)
const server = await boot(env)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const stats = { http: { ok: 0, failed: 0, ms: [] }, actions: { ok: 0, failed: 0 }, lostTerminals: 0, echoes: [], errors: [] }
const note = (e) => stats.errors.length < 20 && stats.errors.push(String(e).slice(0, 200))

// Accounts, created by the administrator through the same action the admin page uses.
const admin = await signIn(base, 'admin@demo.kenshu.local')
await createLearners(base, admin, 'soak', ACCOUNTS, (i) => `Soak Learner ${i}`)

const memory = []
const t0 = Date.now()
// Minute at which the last learner's terminal was attached: the start-up ramp ends there.
let attachedAt = 0
const sampler = setInterval(() => memory.push({ t: (Date.now() - t0) / 60_000, mib: rss(server.pid) }), 5000)
const until = t0 + MINUTES * 60_000
for (const m of SNAPSHOTS) setTimeout(() => server.kill('SIGUSR2'), m * 60_000).unref()
const db = () => new Database(path.join(dataDir, 'kenshu.db'), { readonly: true, timeout: 10_000 })

async function learner(i) {
  const cookie = await signIn(base, `soak${i}@demo.kenshu.local`)
  const start = await action(base, `/labs/${LAB}`, cookie, 'startLabAction', { labId: LAB })
  const sessionId = /"sessionId":"([a-z0-9]+)"/.exec(start.body)?.[1]
  if (!sessionId) throw new Error(`start: ${start.body.slice(-200)}`)
  for (;;) {
    const s = await (await fetch(`${base}/api/labs/sessions/${sessionId}`, { headers: { cookie } })).json()
    if (s.state === 'ready') break
    if (s.state === 'failed' || s.state === 'stopped') throw new Error(`session ${s.state}`)
    if (Date.now() > until) throw new Error('not ready before the end')
    await sleep(500)
  }
  const t = await action(base, `/labs/${LAB}`, cookie, 'terminalTicketAction', { sessionId })
  const ticket = /"ticket":"([^"]+)"/.exec(t.body)?.[1]
  if (!ticket) throw new Error(`ticket: ${t.body.slice(-200)}`)
  const ws = new WebSocket(`ws://localhost:${PORT}/ws/terminal?ticket=${encodeURIComponent(ticket)}`, {
    headers: { cookie, Origin: base },
    perMessageDeflate: false,
  })
  let out = ''
  let closed = false
  let ready
  const isReady = new Promise((r) => (ready = r))
  ws.on('message', (d, bin) => {
    if (bin) out = (out + d.toString()).slice(-4096)
    else if (JSON.parse(d.toString()).type === 'ready') ready()
  })
  ws.on('close', () => (closed = true))
  await new Promise((res, rej) => {
    ws.once('open', res)
    ws.once('error', rej)
    ws.once('unexpected-response', (_q, r) => rej(new Error(`upgrade ${r.statusCode}`)))
  })
  // Input is accepted once the gateway has attached the shell and said so.
  await Promise.race([isReady, sleep(20_000).then(() => Promise.reject(new Error('no ready message')))])
  attachedAt = Math.max(attachedAt, (Date.now() - t0) / 60_000)
  ws.send(JSON.stringify({ type: 'resize', cols: 100, rows: 30 }))
  // The answer, as the learner would read it off the gateway's log in the terminal.
  const d = db()
  const vars = JSON.parse(d.prepare('SELECT variables FROM LabSession WHERE id = ?').get(sessionId).variables ?? '{}')
  d.close()
  const ip = Object.values(vars).find((v) => /^\d+\.\d+\.\d+\.\d+$/.test(String(v)))
  let answered = false
  let checked = false
  let n = 0
  while (Date.now() < until && !closed) {
    // The shell computes the mark, so the typed command's own echo never matches it.
    const k = n++
    const mark = `soak-${i}-${k * 2}`
    const sent = Date.now()
    ws.send(Buffer.from(`echo soak-${i}-$((${k}*2))\r`), { binary: true })
    while (!out.includes(`${mark}\r\n`) && Date.now() - sent < 15_000 && !closed) await sleep(20)
    if (out.includes(`${mark}\r\n`)) stats.echoes.push(Date.now() - sent)
    else {
      note(`learner ${i}: no output for ${mark}; last output ${JSON.stringify(out.slice(-200))}`)
      break
    }
    if (!answered) {
      const r = await action(base, `/labs/${LAB}`, cookie, 'answerTaskAction', { sessionId, taskId: 'attacker-ip', answer: String(ip) })
      answered = /"ok":true/.test(r.body)
      stats.actions[answered ? 'ok' : 'failed']++
    } else if (!checked) {
      const r = await action(base, `/labs/${LAB}`, cookie, 'checkTaskAction', { sessionId, taskId: 'preserve-implant' })
      checked = /"ok":true/.test(r.body)
      stats.actions[checked ? 'ok' : 'failed']++
    }
    await sleep(2000 + Math.random() * 3000)
  }
  if (closed && Date.now() < until) stats.lostTerminals++
  ws.close()
  return { sessionId, answered }
}

async function browser(i) {
  const cookie = await signIn(base, `soak${i % ACCOUNTS}@demo.kenshu.local`)
  const pages = ['/labs', `/labs/${LAB}`, '/progress', '/learn', '/learn/curricula']
  while (Date.now() < until) {
    const p = pages[Math.floor(Math.random() * pages.length)]
    const s = Date.now()
    try {
      const r = await fetch(`${base}${p}`, { headers: { cookie } })
      await r.text()
      stats.http[r.status === 200 ? 'ok' : 'failed']++
      if (r.status !== 200) note(`GET ${p} ${r.status}`)
    } catch (e) {
      stats.http.failed++
      note(e)
    }
    stats.http.ms.push(Date.now() - s)
    await sleep(500 + Math.random() * 1000)
  }
}

const runs = await Promise.allSettled([
  ...Array.from({ length: LEARNERS }, (_, i) => sleep(i * 50).then(() => learner(i))),
  ...Array.from({ length: BROWSERS }, (_, i) => browser(i)),
])
clearInterval(sampler)
const failedLearners = runs.slice(0, LEARNERS).filter((r) => r.status === 'rejected')
for (const r of failedLearners.slice(0, 5)) note(r.reason)
const done = runs.slice(0, LEARNERS).filter((r) => r.status === 'fulfilled').map((r) => r.value)

// Passed tasks recorded exactly once (one result, three evidence rows per passing learner).
const d = db()
const results = d.prepare("SELECT labSessionId, COUNT(*) AS n FROM LabTaskResult WHERE taskId = 'attacker-ip' GROUP BY labSessionId").all()
const evidence = d.prepare("SELECT sourceId, COUNT(*) AS n FROM Evidence WHERE sourceType = 'lab-task' AND sourceId LIKE '%:attacker-ip' GROUP BY sourceId").all()
d.close()
const passedSessions = done.filter((x) => x.answered).length

// Memory slope (least squares, MiB per minute): over the run after the first minute, and over its
// second half, when every learner's sandbox is running (steady state, after the start-up ramp).
const slopeOf = (pts) => {
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1)
  const mt = mean(pts.map((p) => p.t))
  const mm = mean(pts.map((p) => p.mib))
  return pts.reduce((a, p) => a + (p.t - mt) * (p.mib - mm), 0) / (pts.reduce((a, p) => a + (p.t - mt) ** 2, 0) || 1)
}
// A heap snapshot (--snapshots) costs the server about its heap size in RSS for good: samples after
// the first one are left out. When the ramp (every learner started and attached) ends after the middle
// of the run, the steady window starts a minute after it instead, and must still be 4+ minutes long.
const measured = SNAPSHOTS.length ? memory.filter((m) => m.t < Math.min(...SNAPSHOTS)) : memory
const steadyFrom = Math.max(MINUTES / 2, LEARNERS ? attachedAt + 1 : 0)
const pts = measured.filter((m) => m.t >= 1)
const half = measured.filter((m) => m.t >= steadyFrom)
const steadyMinutes = half.length ? half.at(-1).t - half[0].t : 0
const slope = slopeOf(pts)
const steady = slopeOf(half)

server.kill('SIGTERM')
await new Promise((r) => server.once('exit', r))
await sleep(1000)
const cg = ['/sys/fs/cgroup/pids/kenshu', '/sys/fs/cgroup/kenshu'].find(existsSync)
const leftCgroups = cg ? readdirSync(cg, { withFileTypes: true }).filter((x) => x.isDirectory()).length : 0
const leftProcs = spawnSync('pgrep', ['-c', 'bwrap'], { encoding: 'utf8' }).stdout.trim()

if (stats.errors.length) console.error('errors:', stats.errors)
check('every learner worked through the whole run (no failed start, ticket or socket)', failedLearners.length === 0, { failed: failedLearners.length })
check('every learner typed in the terminal and passed the task', passedSessions === LEARNERS && stats.echoes.length >= LEARNERS, {
  passedSessions,
  echoes: stats.echoes.length,
})
check('zero failed HTTP requests', stats.http.failed === 0, { ok: stats.http.ok, failed: stats.http.failed, latencyMs: summary(stats.http.ms) })
check('zero failed lab actions', stats.actions.failed === 0, stats.actions)
check('no terminal lost', stats.lostTerminals === 0, { lost: stats.lostTerminals, echoMs: summary(stats.echoes) })
check('every passed task recorded exactly once', results.length === passedSessions && results.every((r) => r.n === 1) && evidence.every((e) => e.n === 3) && evidence.length === passedSessions, {
  passedSessions,
  results: results.length,
  evidenceSources: evidence.length,
})
check('memory flat in steady state (second half of the run, after the ramp: slope < 2 MiB/min; needs 4+ minutes)', steadyMinutes >= 3.9 && Math.abs(steady) < 2, {
  steadyWindowMin: [+steadyFrom.toFixed(2), +(half.at(-1)?.t ?? 0).toFixed(2)],
  lastTerminalAttachedMin: +attachedAt.toFixed(2),
  steadySlopeMiBPerMin: +steady.toFixed(2),
  wholeRunSlopeMiBPerMin: +slope.toFixed(2),
  first: memory[0]?.mib,
  last: memory.at(-1)?.mib,
  perMinute: memory.filter((_, i) => i % 12 === 0).map((m) => Math.round(m.mib)),
})
check('no session cgroup left', leftCgroups === 0, { leftCgroups })
check('no sandbox process left', leftProcs === '0' || leftProcs === '', { bwrap: leftProcs })
rmSync(dataDir, { recursive: true, force: true })
finish()
