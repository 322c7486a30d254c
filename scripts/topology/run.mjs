#!/usr/bin/env node
// Topology test (issue #8): the whole multi-process deployment on this host, on loopback only —
// PostgreSQL, 2 lab runners, 3 web instances (unprivileged user), nginx — a burst of learners working
// in labs through nginx, then one web instance and one runner killed with SIGKILL in the middle.
//   node scripts/topology/run.mjs [--learners 24] [--webs 3] [--runners 2] [--port 3600]
//                                 [--soak-minutes 0] [--browsers 0]
// With --soak-minutes, the learners (and --browsers HTTP clients) keep working that long before the
// kills: the soak of issue #7 against this topology — failed requests, dropped terminals, memory of
// every web instance and runner over time (slope of the second half).
// Run as root after `npm run build` (needs nginx, bubblewrap, PostgreSQL at 127.0.0.1:5432).
// Reports what survived (sessions, evidence, error counts) as JSON and ends with `N passed, N failed`.
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { WebSocket } from 'ws'
import { rss, signIn } from '../../bench/lib/server.mjs'
import { action, checklist, createLearners } from '../faults/lib.mjs'
import { leftovers, requireTopologyBuild, startTopology } from './lib.mjs'
import { signRequest } from '../../lib/labs/runner/auth.ts'

const arg = (n, d) => {
  const i = process.argv.indexOf(`--${n}`)
  return i > 0 ? Number(process.argv[i + 1]) : d
}
const LEARNERS = arg('learners', 24)
const SOAK_MINUTES = arg('soak-minutes', 0)
const BROWSERS = arg('browsers', 0)
const LAB = 'iot-botnet-telnet'
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
requireTopologyBuild()
const { check, finish } = checklist(`topology: ${arg('webs', 3)} web instances, ${arg('runners', 2)} runners, nginx, PostgreSQL; ${LEARNERS} learners`)

const topo = await startTopology({ webs: arg('webs', 3), runners: arg('runners', 2), basePort: arg('port', 3600) })
const { base } = topo
const db = new pg.Client({ connectionString: topo.databaseUrl })
await db.connect()
const stats = { http: { ok: 0, failed: 0 }, reconnects: 0, survived: 0, resumed: 0, lost: 0, echoes: 0, errors: [] }
const note = (e) => stats.errors.length < 30 && stats.errors.push(String(e).slice(0, 240))
const runnerInfo = async (r) => {
  const path = '/v1/poll'
  const res = await fetch(`${r.url}${path}`, { headers: signRequest(topo.secret, { method: 'GET', path }) })
  return res.json()
}

const status = async (cookie, id) => {
  const r = await fetch(`${base}/api/labs/sessions/${id}`, { headers: { cookie } })
  stats.http[r.ok ? 'ok' : 'failed']++
  return r.ok ? r.json() : { state: `http-${r.status}` }
}
const act = async (cookie, name, fields) => {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const r = await action(base, `/labs/${LAB}`, cookie, name, fields)
      const ok = r.status === 200 && /"ok":true/.test(r.body)
      stats.http[ok ? 'ok' : 'failed']++
      if (ok) return r.body
      note(`${name}: ${r.status} ${r.body.slice(-160)}`)
    } catch (e) {
      stats.http.failed++
      note(`${name}: ${e}`)
    }
    await sleep(500)
  }
  throw new Error(`${name} failed three times`)
}

let phase = 'burst'
let stopAll = false
const learners = []

try {
  const t0 = Date.now()
  const admin = await signIn(base, 'admin@demo.kenshu.local')
  await createLearners(base, admin, 'topo', LEARNERS, (i) => `Topology Learner ${i}`)

  async function untilReady(cookie, id) {
    for (;;) {
      const s = await status(cookie, id)
      if (s.state === 'ready') return
      if (s.state === 'failed' || s.state === 'stopped') throw new Error(`session ${s.state}`)
      await sleep(300)
    }
  }

  /** Opens the terminal through nginx (any web instance); resolves when the shell is attached. */
  async function terminal(L) {
    const body = await act(L.cookie, 'terminalTicketAction', { sessionId: L.sessionId })
    const ticket = /"ticket":"([^"]+)"/.exec(body)?.[1]
    const ws = new WebSocket(`ws://localhost:${new URL(base).port}/ws/terminal?ticket=${encodeURIComponent(ticket)}`, {
      headers: { cookie: L.cookie, Origin: base },
      perMessageDeflate: false,
    })
    L.out = ''
    L.closed = false
    await new Promise((resolve, reject) => {
      ws.on('message', (d, bin) => {
        if (bin) L.out = (L.out + d.toString()).slice(-8192)
        else if (JSON.parse(d.toString()).type === 'ready') resolve()
      })
      ws.on('close', (code, reason) => {
        L.closed = true
        reject(new Error(`closed before ready (${code} ${reason}) ${L.out.slice(-200)}`))
      })
      ws.on('error', reject)
      ws.on('unexpected-response', (_q, r) => reject(new Error(`upgrade ${r.statusCode}`)))
      setTimeout(() => reject(new Error('no ready in 20 s')), 20_000)
    })
    L.ws = ws
  }

  async function type(L, command, expect, ms = 15_000) {
    L.ws.send(Buffer.from(`${command}\r`), { binary: true })
    const end = Date.now() + ms
    while (Date.now() < end && !L.closed) {
      if (expect.test(L.out)) return true
      await sleep(25)
    }
    return expect.test(L.out)
  }

  /**
   * What a learner's browser does when the terminal drops: ask where the session stands; ready →
   * re-attach through nginx (any instance); interrupted → resume (a new sandbox, progress kept). Then
   * the mark tells whether it is the same sandbox.
   */
  async function reconnect(L) {
    let resumedNow = false
    let last = null
    for (let attempt = 0; attempt < 80; attempt++) {
      const s = await status(L.cookie, L.sessionId)
      last = s
      if (s.state === 'interrupted') {
        L.interruptedBy = (await db.query('SELECT "endReason" FROM "LabSession" WHERE id = $1', [L.sessionId])).rows[0]?.endReason
        await act(L.cookie, 'resumeLabAction', { sessionId: L.sessionId })
        resumedNow = true
        continue
      }
      if (s.state !== 'ready') {
        await sleep(500)
        continue
      }
      try {
        await terminal(L)
      } catch (e) {
        // The runner behind it may be dying: not yet declared lost. Ask again shortly.
        L.attachFailures = (L.attachFailures ?? 0) + 1
        L.attachError = String(e?.message ?? e).slice(0, 200)
        await sleep(1000)
        continue
      }
      const same = await type(L, `cat /tmp/mark 2>/dev/null || echo no-$((${L.i}+5000))`, new RegExp(`[\\r\\n](mark-${L.i}|no-${L.i + 5000})\\r\\n`))
      const found = new RegExp(`[\\r\\n]mark-${L.i}\\r\\n`).test(L.out)
      if (!same) note(`learner ${L.i}: no answer from the re-attached shell: ${JSON.stringify(L.out.slice(-300))}`)
      else if (resumedNow && !found) {
        L.resumed = true
        stats.resumed++
        await type(L, `echo mark-${L.i} > /tmp/mark`, /$/, 100)
      } else if (!resumedNow && found) stats.survived++
      else note(`learner ${L.i}: ${resumedNow ? 'resumed into the old sandbox?' : 'same session, different sandbox'}`)
      return
    }
    throw new Error(`learner ${L.i}: could not get back to the session (last ${JSON.stringify(last)}, resumed ${resumedNow}, attach failures ${L.attachFailures ?? 0}, last attach error ${L.attachError ?? '-'})`)
  }

  /** Steady work for SOAK_MINUTES: learners type, browsers browse; memory sampled every 5 s. */
  async function soak(webPids) {
    phase = 'soak'
    const pids = [...webPids.map((pid, k) => [`web-${k + 1}`, pid]), ...topo.runners.map((r) => [r.name, r.proc.pid])]
    const memory = []
    const t0s = Date.now()
    const sampler = setInterval(() => memory.push({ t: (Date.now() - t0s) / 60_000, mib: Object.fromEntries(pids.map(([n, pid]) => [n, rss(pid)])) }), 5000)
    const before = { ...stats.http, reconnects: stats.reconnects, echoes: stats.echoes }
    const until = Date.now() + SOAK_MINUTES * 60_000
    const browse = async (k) => {
      const cookie = await signIn(base, `topo${k % LEARNERS}@demo.kenshu.local`)
      const pages = ['/labs', `/labs/${LAB}`, '/progress', '/learn', '/learn/curricula']
      while (Date.now() < until) {
        const p = pages[Math.floor(Math.random() * pages.length)]
        try {
          const r = await fetch(`${base}${p}`, { headers: { cookie } })
          await r.text()
          stats.http[r.status === 200 ? 'ok' : 'failed']++
          if (r.status !== 200) note(`GET ${p} ${r.status}`)
        } catch (e) {
          stats.http.failed++
          note(e)
        }
        await sleep(500 + Math.random() * 1000)
      }
    }
    await Promise.all([...Array.from({ length: BROWSERS }, (_, k) => browse(k)), sleep(SOAK_MINUTES * 60_000)])
    clearInterval(sampler)
    const slope = (pts) => {
      const mean = (xs) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1)
      const mt = mean(pts.map((p) => p.t))
      const mm = mean(pts.map((p) => p.v))
      return Math.round((pts.reduce((a, p) => a + (p.t - mt) * (p.v - mm), 0) / (pts.reduce((a, p) => a + (p.t - mt) ** 2, 0) || 1)) * 10) / 10
    }
    const half = memory.filter((m) => m.t >= SOAK_MINUTES / 2)
    const perProcess = Object.fromEntries(
      pids.map(([n]) => [n, { startMiB: memory[0]?.mib[n], endMiB: memory.at(-1)?.mib[n], slopeMiBPerMin: slope(half.map((m) => ({ t: m.t, v: m.mib[n] }))) }]),
    )
    stats.soak = { minutes: SOAK_MINUTES, browsers: BROWSERS, perProcess }
    check(`soak ${SOAK_MINUTES} min (${LEARNERS} learners, ${BROWSERS} browsers): no failed request`, stats.http.failed === before.failed, { requests: stats.http.ok - before.ok, failed: stats.http.failed - before.failed })
    check('soak: no terminal dropped while nothing was killed', stats.reconnects === before.reconnects, { reconnects: stats.reconnects - before.reconnects, echoes: stats.echoes - before.echoes })
    console.error(JSON.stringify({ soakMemory: perProcess }))
  }

  async function learner(i) {
    const L = { i, cookie: await signIn(base, `topo${i}@demo.kenshu.local`), sessions: new Set() }
    learners.push(L)
    const started = await act(L.cookie, 'startLabAction', { labId: LAB })
    L.sessionId = /"sessionId":"([a-z0-9]+)"/.exec(started)?.[1]
    L.sessions.add(L.sessionId)
    await untilReady(L.cookie, L.sessionId)
    L.readyAt = Date.now() - t0
    await terminal(L)
    // A mark in the learner's own sandbox: finding it after a reconnect proves it is the same sandbox.
    if (!(await type(L, `echo mark-${i} > /tmp/mark; echo ok-$((${i}+1000))`, new RegExp(`ok-${i + 1000}`)))) throw new Error('no echo at start')
    const { rows } = await db.query('SELECT variables FROM "LabSession" WHERE id = $1', [L.sessionId])
    const ip = JSON.parse(rows[0].variables).ATTACKER_IP
    await act(L.cookie, 'answerTaskAction', { sessionId: L.sessionId, taskId: 'attacker-ip', answer: ip })
    let n = 0
    while (!stopAll) {
      if (L.closed) {
        stats.reconnects++
        await reconnect(L)
      }
      const mark = `e-${i}-${n * 3}`
      if (await type(L, `echo e-${i}-$((${n}*3))`, new RegExp(`${mark}\\r\\n`))) stats.echoes++
      else if (!L.closed) note(`learner ${i}: no echo ${mark} (${phase})`)
      n++
      await sleep(1500 + Math.random() * 1500)
    }
    L.ws?.close()
  }

  const runs = Array.from({ length: LEARNERS }, (_, i) => sleep(i * 100).then(() => learner(i)))
  const settled = Promise.allSettled(runs)
  // Wait for the burst: every learner's sandbox is ready and their answer recorded.
  const readyBy = Date.now() + Math.max(180_000, LEARNERS * 2000)
  while (Date.now() < readyBy && learners.filter((l) => l.ws).length < LEARNERS) await sleep(500)
  const burstMs = Date.now() - t0
  check(`burst: all ${LEARNERS} learners have a ready sandbox and a terminal through nginx`, learners.filter((l) => l.ws).length === LEARNERS, {
    ready: learners.filter((l) => l.ws).length,
    seconds: Math.round(burstMs / 100) / 10,
  })
  const placement = await Promise.all(topo.runners.map((r) => runnerInfo(r)))
  check('sandboxes are spread over both runners (least loaded first)', placement.every((p) => p.sessions > 0), placement.map((p) => `${p.runnerId}: ${p.sessions}`))

  // Who sits where: the runner of each session, and which web instance carries each terminal.
  const onRunner = new Map(placement.flatMap((p) => p.ids.map((id) => [id, p.runnerId])))
  const webPids = topo.webs.map((w) => w.proc.pid)
  const uids = topo.webs.map((w) => Number(/Uid:\s+(\d+)/.exec(readFileSync(`/proc/${w.proc.pid}/status`, 'utf8'))?.[1]))
  if (topo.account) check('web instances run as the unprivileged kenshu-web user', uids.every((u) => u === topo.account.uid), { uids, expected: topo.account.uid })
  else console.error(`note: web instances run as uid ${uids[0]} (kenshu-web unavailable here), not checked`)
  const children = webPids.map((pid) => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()).filter(Boolean)
  check('web instances spawn no shells or sandboxes (no child processes)', children.length === 0, children)
  const runnerEnv = topo.runners.map((r) => readFileSync(`/proc/${r.proc.pid}/environ`, 'utf8'))
  check('runners hold no database credentials or session secret', runnerEnv.every((e) => !/DATABASE_URL|NEXTAUTH_SECRET/.test(e)))

  if (SOAK_MINUTES > 0) await soak(webPids)

  // Kill -9 one web instance: its terminals drop; learners reconnect through nginx to another instance.
  phase = 'web killed'
  const victimWeb = topo.webs[1]
  const beforeWeb = { reconnects: stats.reconnects, survived: stats.survived }
  await topo.kill9(victimWeb)
  // Until every dropped terminal is back (or a minute).
  await sleep(5000)
  for (let k = 0; k < 110 && stats.survived - beforeWeb.survived < stats.reconnects - beforeWeb.reconnects; k++) await sleep(500)
  const webDropped = stats.reconnects - beforeWeb.reconnects
  check('after a web instance is killed, every dropped terminal re-attached to the same sandbox', webDropped > 0 && stats.survived - beforeWeb.survived === webDropped && stats.resumed === 0, {
    dropped: webDropped,
    sameSandbox: stats.survived - beforeWeb.survived,
  })

  // Kill -9 one runner: its learners are told (interrupted: runner lost), resume on the survivor.
  phase = 'runner killed'
  const victimRunner = topo.runners[0]
  const lostIds = [...onRunner].filter(([, r]) => r === 'topo1').map(([id]) => id)
  const lostSessions = (await db.query('SELECT id FROM "LabSession" WHERE "sandboxId" = ANY($1)', [lostIds])).rows.map((r) => r.id)
  await topo.kill9(victimRunner)
  const killedAt = Date.now()
  let told = 0
  while (Date.now() - killedAt < 20_000) {
    // Told = no longer pointing at a sandbox of the dead runner (interrupted, or already resumed elsewhere).
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM "LabSession" WHERE id = ANY($1) AND ("sandboxId" IS NULL OR "sandboxId" <> ALL($2))`, [lostSessions, lostIds])
    told = rows[0].n
    if (told === lostSessions.length) break
    await sleep(250)
  }
  check('the dead runner is detected and its sessions marked "runner lost"', told === lostSessions.length && lostSessions.length > 0, {
    sessions: lostSessions.length,
    told,
    detectSeconds: Math.round((Date.now() - killedAt) / 100) / 10,
  })
  const resumeBy = Date.now() + 90_000 + lostSessions.length * 1500
  while (Date.now() < resumeBy && learners.filter((l) => lostSessions.includes(l.sessionId) && l.resumed && !l.closed).length < lostSessions.length) await sleep(500)
  const resumedOk = learners.filter((l) => lostSessions.includes(l.sessionId) && l.resumed)
  check('those learners resumed on the surviving runner (new sandbox, progress kept)', resumedOk.length === lostSessions.length, {
    resumed: resumedOk.length,
    of: lostSessions.length,
    reasons: [...new Set(resumedOk.map((l) => l.interruptedBy))],
  })
  const health = await (await fetch(`${base}/api/health`)).json()
  check('health reports one of two runners healthy', health.runners?.healthy === 1 && health.runners?.total === 2, health.runners)

  // The dead runner restarts with the same id: it reaps its orphaned sandboxes and rejoins.
  phase = 'runner restarted'
  const { spawn } = await import('node:child_process')
  const restarted = spawn(process.execPath, ['dist/runner.js'], { env: { PATH: process.env.PATH, NODE_ENV: 'production', KENSHU_RUNNER_SECRET: topo.secret, KENSHU_RUNNER_ID: 'topo1', KENSHU_RUNNER_PORT: String(victimRunner.port), KENSHU_IDLE_TIMEOUT_SEC: '3600' }, stdio: 'ignore' })
  let back
  for (let k = 0; k < 60 && !back; k++) {
    await sleep(500)
    back = await runnerInfo(victimRunner).catch(() => undefined)
  }
  check('a restarted runner reaped the sandboxes it had before it was killed', back && back.sessions === 0 && leftovers().filter((n) => n.startsWith('kenshu-topo1-')).length === 0, { sessions: back?.sessions, leftovers: leftovers().filter((n) => n.startsWith('kenshu-topo1-')) })
  let healthy = 0
  for (let k = 0; k < 40 && healthy !== 2; k++) {
    await sleep(250)
    healthy = (await (await fetch(`${base}/api/health`)).json()).runners?.healthy
  }
  check('and rejoins the pool', healthy === 2, { healthy })

  await sleep(5000)
  stopAll = true
  await settled
  const failed = (await settled).filter((r) => r.status === 'rejected')
  for (const f of failed.slice(0, 5)) note(f.reason)
  check('no learner gave up', failed.length === 0, { failed: failed.length })

  // Evidence: one result and the task's statements once each per learner, whatever happened.
  const results = await db.query(`SELECT "userId", count(*)::int AS n FROM "LabTaskResult" WHERE "taskId" = 'attacker-ip' GROUP BY "userId"`)
  const evidence = await db.query(`SELECT "sourceId", count(*)::int AS n FROM "Evidence" WHERE "sourceType" = 'lab-task' AND "sourceId" LIKE '%:attacker-ip' GROUP BY "sourceId"`)
  check('every passed task recorded exactly once (results and evidence)', results.rows.length === LEARNERS && results.rows.every((r) => r.n === 1) && evidence.rows.length === LEARNERS && new Set(evidence.rows.map((r) => r.n)).size === 1, {
    learnersWithResult: results.rows.length,
    evidencePerPass: [...new Set(evidence.rows.map((r) => r.n))],
  })
  restarted.kill('SIGTERM')
  await new Promise((r) => restarted.once('exit', r))
  console.error(JSON.stringify({ stats, burstSeconds: burstMs / 1000 }, null, 2))
  check('requests that failed during the kills (each retried by the client)', true, { failed: stats.http.failed, ok: stats.http.ok, reconnects: stats.reconnects, echoes: stats.echoes })
} catch (err) {
  check(`the topology run completed: ${err instanceof Error ? err.message : err}`, false, stats.errors.slice(0, 10))
} finally {
  stopAll = true
  for (const L of learners) L.ws?.terminate()
  await db.end().catch(() => {})
  await topo.stop({ keep: !!process.env.KENSHU_TOPOLOGY_KEEP })
  await sleep(500)
  check('nothing left behind: no runner cgroups or network namespaces', leftovers().length === 0, leftovers())
}
finish()
