#!/usr/bin/env node
// Scale-out benchmark (issue #8), on the topology of scripts/topology (nginx, web instances, lab
// runners, PostgreSQL; loopback only):
//   1. web tier: 1 vs 3 web instances behind nginx — requests/s and latency per concurrency step
//      (catalog, a lab page, the HR overview), and the highest throughput with p95 ≤ the target;
//   2. lab runners: 1 vs 2 runners — a burst of learners pressing "start" at the same moment:
//      time until every sandbox is ready, and per-learner ready latency.
//   node bench/topology.mjs [--burst 50] [--steps 10,25,50,100] [--seconds 8] [--p95 500]
// Run as root after `npm run build`. Prints JSON. The load generator runs on the same 2 cores as
// everything else: compare the two configurations with each other, not with other machines.
import { action, createLearners } from '../scripts/faults/lib.mjs'
import { requireTopologyBuild, startTopology } from '../scripts/topology/lib.mjs'
import { signIn, summary } from './lib/server.mjs'

const arg = (n, d) => {
  const i = process.argv.indexOf(`--${n}`)
  return i > 0 ? process.argv[i + 1] : d
}
const BURST = Number(arg('burst', 50))
const STEPS = String(arg('steps', '10,25,50,100')).split(',').map(Number)
const SECONDS = Number(arg('seconds', 8))
const P95_TARGET = Number(arg('p95', 500))
const LAB = 'iot-botnet-telnet'
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
requireTopologyBuild()

async function webScaling(webs) {
  const topo = await startTopology({ webs, runners: 1, basePort: 3900 })
  try {
    const learner = await signIn(topo.base, 'learner@demo.kenshu.local')
    const hr = await signIn(topo.base, 'hr@demo.kenshu.local')
    const targets = [
      ['/labs', learner],
      [`/labs/${LAB}`, learner],
      ['/hr', hr],
    ]
    // Warm every instance's caches (nginx spreads the requests).
    for (let i = 0; i < 10 * webs; i++) for (const [p, c] of targets) await (await fetch(topo.base + p, { headers: { cookie: c } })).text()
    const steps = []
    for (const concurrency of STEPS) {
      const ms = []
      let failed = 0
      const until = Date.now() + SECONDS * 1000
      await Promise.all(
        Array.from({ length: concurrency }, async (_, k) => {
          let j = k
          while (Date.now() < until) {
            const [p, cookie] = targets[j++ % targets.length]
            const t = performance.now()
            try {
              const r = await fetch(topo.base + p, { headers: { cookie } })
              await r.text()
              if (r.status !== 200) failed++
            } catch {
              failed++
            }
            ms.push(performance.now() - t)
          }
        }),
      )
      steps.push({ concurrency, rps: Math.round(ms.length / SECONDS), failed, ...summary(ms) })
      console.error(`web ×${webs}, ${concurrency} clients: ${steps.at(-1).rps} req/s, p95 ${steps.at(-1).p95} ms`)
    }
    const within = steps.filter((s) => s.p95 <= P95_TARGET && s.failed === 0)
    const terminal = await terminalRtt(topo, learner)
    return { webs, steps, bestRpsWithinP95: within.length ? Math.max(...within.map((s) => s.rps)) : 0, terminalRtt: terminal }
  } finally {
    await topo.stop()
  }
}

/**
 * Keystroke echo round trip through the whole chain: client → nginx → web instance → runner → the
 * learner's shell in the sandbox, and back (one printable key, then a backspace, as terminal-rtt.mjs).
 */
async function terminalRtt(topo, cookie, iterations = 300) {
  const r = await action(topo.base, `/labs/${LAB}`, cookie, 'startLabAction', { labId: LAB })
  const id = /"sessionId":"([a-z0-9]+)"/.exec(r.body)?.[1]
  for (;;) {
    const st = await (await fetch(`${topo.base}/api/labs/sessions/${id}`, { headers: { cookie } })).json()
    if (st.state === 'ready') break
    await sleep(100)
  }
  const t = await action(topo.base, `/labs/${LAB}`, cookie, 'terminalTicketAction', { sessionId: id })
  const ticket = /"ticket":"([^"]+)"/.exec(t.body)?.[1]
  const { WebSocket } = await import('ws')
  const ws = new WebSocket(`${topo.base.replace('http', 'ws')}/ws/terminal?ticket=${encodeURIComponent(ticket)}`, { headers: { cookie, Origin: topo.base }, perMessageDeflate: false })
  let waiting
  await new Promise((resolve, reject) => {
    ws.on('message', (d, bin) => {
      if (!bin && JSON.parse(d.toString()).type === 'ready') resolve()
      else if (bin && waiting && d.toString().includes(waiting.ch)) waiting.done()
    })
    ws.on('error', reject)
  })
  await sleep(1500) // login shell prompt
  const echo = (ch) => new Promise((done) => (waiting = { ch, done }))
  const ms = []
  for (let i = 0; i < iterations + 30; i++) {
    const ch = 'abcdefghijklmnopqrstuvwxyz'[i % 26]
    const t0 = performance.now()
    const got = echo(ch)
    ws.send(Buffer.from(ch), { binary: true })
    await got
    if (i >= 30) ms.push(performance.now() - t0)
    waiting = undefined
    ws.send(Buffer.from('\x7f'), { binary: true })
    await sleep(10)
  }
  ws.close()
  await action(topo.base, `/labs/${LAB}`, cookie, 'stopLabAction', { sessionId: id, labId: LAB })
  return summary(ms)
}

async function runnerScaling(runners) {
  const topo = await startTopology({ webs: 3, runners, basePort: 3950, env: { KENSHU_MAX_SESSIONS_PER_USER: '2' } })
  try {
    const admin = await signIn(topo.base, 'admin@demo.kenshu.local')
    await createLearners(topo.base, admin, 'burst', BURST, (i) => `Burst ${i}`)
    const cookies = await Promise.all(Array.from({ length: BURST }, (_, i) => signIn(topo.base, `burst${i}@demo.kenshu.local`)))
    const t0 = performance.now()
    const ready = await Promise.all(
      cookies.map(async (cookie) => {
        const r = await action(topo.base, `/labs/${LAB}`, cookie, 'startLabAction', { labId: LAB })
        const id = /"sessionId":"([a-z0-9]+)"/.exec(r.body)?.[1]
        if (!id) throw new Error(`start: ${r.body.slice(-200)}`)
        for (;;) {
          const s = await (await fetch(`${topo.base}/api/labs/sessions/${id}`, { headers: { cookie } })).json()
          if (s.state === 'ready') return performance.now() - t0
          if (s.state === 'failed') throw new Error('start failed')
          await sleep(100)
        }
      }),
    )
    const allReadyMs = Math.round(Math.max(...ready))
    console.error(`runners ×${runners}: ${BURST} starts ready after ${allReadyMs} ms`)
    return { runners, burst: BURST, allReadyMs, perLearner: summary(ready) }
  } finally {
    await topo.stop()
  }
}


const web1 = await webScaling(1)
const web3 = await webScaling(3)
const run1 = await runnerScaling(1)
const run2 = await runnerScaling(2)
const out = {
  p95TargetMs: P95_TARGET,
  web: { one: web1, three: web3, throughputRatio: web1.bestRpsWithinP95 ? Math.round((web3.bestRpsWithinP95 / web1.bestRpsWithinP95) * 100) / 100 : null },
  runners: { one: run1, two: run2, allReadyRatio: Math.round((run1.allReadyMs / run2.allReadyMs) * 100) / 100 },
}
console.log(JSON.stringify(out, null, 2))
