#!/usr/bin/env node
// An exercise day through the production server, the way browsers drive it (issue #9): an instructor
// schedules 20 teams × 4 members on the team lab and opens it; 80 members join, each keeps the team
// view's live stream (SSE) open and a terminal (WebSocket) on their host, typing a command every few
// seconds; the instructor keeps the console stream open and sends an inject to all teams; then closes.
//   node bench/exercise-web.mjs [--teams 20] [--size 4] [--seconds 120]
// Needs a build (npm run build) and root (sandboxes). Prints JSON.
import { readFileSync } from 'node:fs'
import { WebSocket } from 'ws'
import { action, createLearners, requireBuild } from '../scripts/faults/lib.mjs'
import { rss, signIn, startServer, summary } from './lib/server.mjs'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const TEAMS = arg('teams', 20)
const SIZE = arg('size', 4)
const SECONDS = arg('seconds', 120)
const PORT = 3480
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

requireBuild()
const srv = await startServer(PORT)
const base = srv.base
const stats = { failed: [], httpFailed: 0 }
const cpuTicks = () => {
  const f = readFileSync(`/proc/${srv.server.pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return Number(f[11]) + Number(f[12])
}

/** A live SSE stream: calls onSnapshot for every `data:` message. */
function sse(path, cookie, onSnapshot) {
  const ac = new AbortController()
  const done = (async () => {
    const r = await fetch(`${base}${path}`, { headers: { cookie, accept: 'text/event-stream' }, signal: ac.signal })
    if (!r.ok) throw new Error(`${path}: ${r.status}`)
    const reader = r.body.getReader()
    const dec = new TextDecoder()
    let buf = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buf += dec.decode(value, { stream: true })
      let i
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i)
        buf = buf.slice(i + 2)
        if (block.startsWith('data: ')) onSnapshot(JSON.parse(block.slice(6)))
      }
    }
  })().catch((e) => {
    if (e.name !== 'AbortError') stats.failed.push(`sse ${path}: ${e.message}`)
  })
  return { close: () => ac.abort(), done }
}

try {
  const people = TEAMS * SIZE
  const admin = await signIn(base, 'admin@demo.kenshu.local')
  const t0 = Date.now()
  await createLearners(base, admin, 'day', people, (i) => `Day Learner ${i}`)
  const accountsMs = Date.now() - t0
  const instructor = await signIn(base, 'instructor@demo.kenshu.local')

  // The schedule form lists participants with their ids (as the browser sees them).
  const html = await (await fetch(`${base}/exercises/new`, { headers: { cookie: instructor } })).text()
  const ids = [...html.matchAll(/<input[^>]*data-email="day\d+@demo\.kenshu\.local"[^>]*>/g)].map((m) => /value="([a-z0-9]+)"/.exec(m[0])?.[1]).filter(Boolean)
  if (ids.length !== people) throw new Error(`found ${ids.length} participants on the form, want ${people}`)
  const manifest = JSON.parse(readFileSync('.next/server/server-reference-manifest.json', 'utf8')).node
  const createId = Object.entries(manifest).find(([, e]) => e.exportedName === 'createExerciseAction')[0]
  const form = new FormData()
  for (const [k, v] of Object.entries({ title: 'Bench day', labId: 'iot-botnet-team', startsAt: '2030-01-01T09:00', durationMinutes: '240', teamSize: String(SIZE) })) form.append(`_1_${k}`, v)
  for (const id of ids) form.append('_1_member', id)
  form.append('0', '["$K1"]')
  const created = await (await fetch(`${base}/exercises/new`, { method: 'POST', headers: { 'Next-Action': createId, Origin: base, Accept: 'text/x-component', cookie: instructor }, body: form })).text()
  const exerciseId = /"exerciseId":"([a-z0-9]+)"/.exec(created)?.[1]
  if (!exerciseId) throw new Error(`create: ${created.slice(-300)}`)

  // The console's live stream, as the instructor's browser keeps it open.
  let consoleSnap = null
  let consoleMessages = 0
  const consoleStream = sse(`/api/exercises/${exerciseId}/events`, instructor, (s) => {
    consoleSnap = s
    consoleMessages++
  })
  const cpu0 = cpuTicks()
  const tOpen = Date.now()
  const opened = await action(base, `/exercises/${exerciseId}`, instructor, 'openExerciseAction', { exerciseId })
  if (!/"ok":true/.test(opened.body)) throw new Error(`open: ${opened.body.slice(-300)}`)
  while (!(consoleSnap?.teams?.length === TEAMS && consoleSnap.teams.every((t) => t.envState === 'ready' || t.envState === 'failed'))) {
    if (Date.now() - tOpen > 300_000) throw new Error('environments not ready in 5 min')
    await sleep(100)
  }
  const allReadySeenByConsoleMs = Date.now() - tOpen
  const failedTeams = consoleSnap.teams.filter((t) => t.envState !== 'ready').length

  // Members: sign in, join, open the team stream and a terminal on their starting host.
  const members = []
  const tJoin = Date.now()
  await Promise.all(
    Array.from({ length: people }, async (_, i) => {
      const m = { i, out: '', rtts: [], injectAt: null }
      try {
        m.cookie = await signIn(base, `day${i}@demo.kenshu.local`)
        const j = await action(base, '/exercises', m.cookie, 'joinExerciseAction', { exerciseId })
        if (!/"ok":true/.test(j.body)) throw new Error(`join ${j.body.slice(-200)}`)
        m.stream = sse(`/api/exercises/${exerciseId}/team/events`, m.cookie, (s) => {
          m.snap = s
          if (!m.injectAt && s.injects?.some((x) => x.title === 'Bench inject')) m.injectAt = Date.now()
        })
        while (!m.snap) await sleep(50)
        const host = m.snap.me.host
        const t = await action(base, `/exercises/${exerciseId}/team`, m.cookie, 'exerciseTicketAction', { exerciseId, host })
        const ticket = /"ticket":"([^"]+)"/.exec(t.body)?.[1]
        if (!ticket) throw new Error(`ticket ${t.body.slice(-200)}`)
        m.ws = new WebSocket(`ws://localhost:${PORT}/ws/terminal?ticket=${encodeURIComponent(ticket)}`, { headers: { cookie: m.cookie, Origin: base }, perMessageDeflate: false })
        await new Promise((resolve, reject) => {
          m.ws.on('message', (d, bin) => {
            if (bin) m.out = (m.out + d.toString()).slice(-4096)
            else if (JSON.parse(d.toString()).type === 'ready') resolve()
          })
          m.ws.on('error', reject)
          m.ws.on('close', () => (m.closed = true))
          setTimeout(() => reject(new Error('terminal not ready in 30 s')), 30_000)
        })
        m.host = host
        members.push(m)
      } catch (e) {
        stats.failed.push(`member ${i}: ${e.message}`)
      }
    }),
  )
  const joinAllMs = Date.now() - tJoin

  // Work: every member types a command every ~5 s and waits for its output (keystroke → shell → back).
  const rssSamples = []
  const until = Date.now() + SECONDS * 1000
  let injectSentAt = null
  const sampler = setInterval(() => rssSamples.push(Math.round(rss(srv.server.pid))), 5000)
  const work = members.map(async (m) => {
    await sleep((m.i * 61) % 5000)
    let n = 0
    while (Date.now() < until && !m.closed) {
      const token = `${m.i}x${++n}`
      const t = performance.now()
      m.ws.send(Buffer.from(`echo R$((${m.i}*0+1))-${token}\r`), { binary: true })
      const end = Date.now() + 15_000
      while (Date.now() < end && !m.out.includes(`R1-${token}`)) await sleep(10)
      if (m.out.includes(`R1-${token}`)) m.rtts.push(performance.now() - t)
      else stats.failed.push(`member ${m.i}: no echo for ${token}`)
      await sleep(5000)
    }
  })
  // Half way: an inject to every team; how long until every member's live view shows it.
  await sleep((SECONDS * 1000) / 2)
  injectSentAt = Date.now()
  const inj = await action(base, `/exercises/${exerciseId}`, instructor, 'sendInjectAction', { exerciseId, target: 'all', kind: 'message', title: 'Bench inject', body: 'Status report to the CISO in 10 minutes.' })
  if (!/"ok":true/.test(inj.body)) stats.failed.push(`inject: ${inj.body.slice(-200)}`)
  await Promise.all(work)
  clearInterval(sampler)
  const cpuSeconds = (cpuTicks() - cpu0) / 100
  const wallSeconds = (Date.now() - tOpen) / 1000
  const injectLatency = members.filter((m) => m.injectAt).map((m) => m.injectAt - injectSentAt)

  const tClose = Date.now()
  const closed = await action(base, `/exercises/${exerciseId}`, instructor, 'closeExerciseAction', { exerciseId })
  if (!/"ok":true/.test(closed.body)) stats.failed.push(`close: ${closed.body.slice(-200)}`)
  const closeMs = Date.now() - tClose
  await sleep(1500)
  const stopped = consoleSnap.teams.filter((t) => t.envState === 'stopped').length
  for (const m of members) {
    m.ws?.close()
    m.stream?.close()
  }
  consoleStream.close()
  const rtts = members.flatMap((m) => m.rtts)
  console.log(
    JSON.stringify(
      {
        teams: TEAMS,
        members: people,
        accountsMs,
        openToAllReadyMs: allReadySeenByConsoleMs,
        failedTeams,
        membersWorking: members.length,
        joinAndTerminalAllMs: joinAllMs,
        terminalEcho: rtts.length ? { ...summary(rtts), lost: stats.failed.filter((f) => f.includes('no echo')).length } : null,
        injectToAllMembersMs: injectLatency.length ? { ...summary(injectLatency), reached: injectLatency.length } : null,
        consoleMessages,
        serverRssMiB: { samples: rssSamples, max: Math.max(...rssSamples) },
        serverCpuShare: +(cpuSeconds / wallSeconds).toFixed(2),
        closeMs,
        teamsStoppedAfterClose: stopped,
        failures: stats.failed.slice(0, 20),
        failureCount: stats.failed.length,
      },
      null,
      2,
    ),
  )
} finally {
  srv.stop()
}
process.exit(0)
