#!/usr/bin/env node
// `npm run bench`: builds the production server, then runs every benchmark and writes
// bench/results/<date>.json plus a printed table. Run as root on a quiet machine (sandboxes).
//   --no-build   reuse the existing build     --quick   fewer iterations
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import os from 'node:os'

const args = new Set(process.argv.slice(2))
const quick = args.has('--quick')
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }
const results = { date: new Date().toISOString(), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, kernel: os.release() }, benchmarks: {} }

function step(name, cmd, argv, { json = true, timeoutMs = 15 * 60_000, extraEnv = {} } = {}) {
  console.error(`\n━━ ${name}`)
  const t0 = Date.now()
  const r = spawnSync(cmd, argv, { env: { ...env, ...extraEnv }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: timeoutMs, maxBuffer: 64 << 20 })
  let out = null
  if (json) {
    const text = r.stdout ?? ''
    const start = text.indexOf('{')
    try {
      out = JSON.parse(text.slice(start))
    } catch {
      out = { error: `no JSON output (exit ${r.status})`, tail: text.slice(-500) }
    }
  }
  results.benchmarks[name] = { seconds: Math.round((Date.now() - t0) / 1000), exit: r.status, result: out }
  return out
}

if (!args.has('--no-build') || !existsSync('dist/server.js')) {
  const b = spawnSync('npm', ['run', 'build', '--silent'], { env, stdio: 'inherit' })
  if (b.status !== 0) process.exit(b.status ?? 1)
}
step('web', 'node', ['bench/server-basics.mjs', quick ? '200' : '600'], { extraEnv: { BENCH_DURATION_MS: quick ? '4000' : '10000' } })
step('frameworks', 'node', ['bench/frameworks.mjs', quick ? '2' : '5'])
step('labStart', 'node', ['--conditions=react-server', '--import', 'tsx', 'bench/lab-start.ts', '--single', quick ? '5' : '20', '--burst', quick ? '20' : '50', '--warm', quick ? '20' : '50'])
step('terminalRtt', 'node', ['bench/terminal-rtt.mjs', '--iterations', quick ? '200' : '500'])
// Career progress at 10,000 learners / ≈ 1 M evidence rows, on SQLite and (when reachable) PostgreSQL.
for (const db of ['sqlite', 'postgres'])
  step(`progress-${db}`, 'node', ['--conditions=react-server', '--import', 'tsx', 'bench/progress.ts', '--db', db, '--learners', quick ? '2000' : '10000', '--iterations', quick ? '10' : '20'], { timeoutMs: 30 * 60_000 })
step('sandboxMemory', 'npx', ['tsx', 'bench/sandbox-memory.ts', '--count', quick ? '50' : '200'])
// Exercise day (issue #9): 20 teams × 4 members on the multi-host team lab, all environments and shells.
if (process.getuid?.() === 0)
  step('exerciseDay', 'node', ['--conditions=react-server', '--import', 'tsx', 'bench/exercise-day.ts', '--teams', quick ? '5' : '20', '--size', '4'], { timeoutMs: 20 * 60_000 })
// The same day through the production server: 80 members with live streams and terminals, console, inject.
if (process.getuid?.() === 0)
  step('exerciseWeb', 'node', ['bench/exercise-web.mjs', '--teams', quick ? '5' : '20', '--size', '4', '--seconds', quick ? '30' : '120'], { timeoutMs: 20 * 60_000 })
// Scale-out (issue #8): 1 vs 3 web instances behind nginx, 1 vs 2 lab runners; needs root, nginx, PostgreSQL.
if (process.getuid?.() === 0 && existsSync('/usr/sbin/nginx') && spawnSync('pg_isready', ['-h', '127.0.0.1', '-q']).status === 0)
  step('topology', 'node', ['bench/topology.mjs', '--burst', quick ? '20' : '50', '--seconds', quick ? '4' : '8'], { timeoutMs: 30 * 60_000 })
else console.error('\n━━ topology: skipped (needs root, nginx and PostgreSQL at 127.0.0.1:5432)')

mkdirSync('bench/results', { recursive: true })
const file = `bench/results/${results.date.slice(0, 10)}.json`
writeFileSync(file, JSON.stringify(results, null, 2) + '\n')

// A short table of the headline numbers.
const b = results.benchmarks
const rows = []
const web = b.web?.result
if (web && !web.error) {
  rows.push(['cold start → first page', `${web.coldStartToFirstPageMs} ms`, ''])
  rows.push(['server RSS after requests / after load', `${web.rssAfterRequestsMiB} / ${web.rssAfterLoadMiB} MiB`, ''])
  for (const [p, v] of Object.entries(web.underLoad ?? {})) rows.push([`GET ${p} ×${v.concurrency} clients`, `p50 ${v.p50} · p95 ${v.p95} · p99 ${v.p99} ms`, `${v.rps} req/s, ${v.failed} failed`])
}
const fw = b.frameworks?.result
if (fw && !fw.error) for (const [k, v] of Object.entries(fw)) if (typeof v === 'object') rows.push([k, `p50 ${v.p50} · p95 ${v.p95} · p99 ${v.p99} ms`, `n=${v.n}, ≤ ${v.maxKiB} KiB`])
const ls = b.labStart?.result
if (ls && !ls.error) {
  rows.push(['lab start, warm, one at a time', `ready p50 ${ls.singleWarm?.ready?.p50} · prompt p50 ${ls.singleWarm?.prompt?.p50} p95 ${ls.singleWarm?.prompt?.p95} ms`, ''])
  rows.push(['lab start, cold (setup.sh), one at a time', `ready p50 ${ls.singleCold?.ready?.p50} p95 ${ls.singleCold?.ready?.p95} ms`, ''])
  for (const [k, v] of Object.entries(ls).filter(([k]) => k.startsWith('burst')))
    rows.push([`${k}`, `progress p95 ${v.seesProgress.p95} · ready p95 ${v.ready.p95} · prompt p95 ${v.prompt.p95} ms`, `pre-warm ${v.prewarmMs} ms`])
}
for (const db of ['sqlite', 'postgres']) {
  const p = b[`progress-${db}`]?.result
  if (!p || p.error) continue
  const f = (v) => `p50 ${v.p50} · p95 ${v.p95} ms`
  rows.push([`${db}: record evidence (3 statements)`, f(p.recordMs), `target p95 ≤ ${p.targets.recordP95Ms} ms`])
  rows.push([`${db}: team heatmap 50 × ${p.roles} roles`, f(p.heatmapWarmMs), `after new evidence ${f(p.heatmapAfterEvidenceMs)}`])
  rows.push([`${db}: HR overview ${p.learners} people`, f(p.overviewWarmMs), `with churn ${f(p.overviewChurnMs)}; cold ${p.overviewColdMs} ms`])
}
const topo = b.topology?.result
if (topo && !topo.error) {
  for (const [k, w] of [['1 web instance', topo.web.one], ['3 web instances', topo.web.three]])
    rows.push([`${k} behind nginx`, `${w.bestRpsWithinP95} req/s with p95 ≤ ${topo.p95TargetMs} ms`, w.steps.map((x) => `${x.concurrency}:${x.rps}/s p95 ${x.p95}`).join(' ')])
  rows.push(['keystroke RTT nginx → web → runner → shell', `p50 ${topo.web.three.terminalRtt.p50} · p95 ${topo.web.three.terminalRtt.p95} ms`, ''])
  for (const [k, r] of [['1 runner', topo.runners.one], ['2 runners', topo.runners.two]])
    rows.push([`${r.burst} simultaneous starts, ${k}`, `all ready ${r.allReadyMs} ms`, `per learner p50 ${Math.round(r.perLearner.p50)} · p95 ${Math.round(r.perLearner.p95)} ms`])
}
const ex = b.exerciseDay?.result
if (ex && !ex.error) {
  rows.push([`exercise: ${ex.teams} teams × ${ex.members / ex.teams}, open → all ready`, `${ex.openToAllReadyMs} ms (${ex.sandboxes} sandboxes)`, `per team p50 ${ex.perTeamReadyMs.p50} · p95 ${ex.perTeamReadyMs.p95} ms`])
  rows.push(['exercise: memory, ready / with a shell per member', `${ex.memoryMiB.sandboxesReady} / ${ex.memoryMiB.sandboxesWithShells} MiB`, `server RSS ${ex.memoryMiB.processRssShells} MiB`])
  rows.push(['exercise: console snapshot (live stream)', `p50 ${ex.consoleSnapshotMs.p50} · p95 ${ex.consoleSnapshotMs.p95} ms`, `close ${ex.closeMs} ms`])
}
const ew = b.exerciseWeb?.result
if (ew && !ew.error) {
  rows.push([`exercise via the server: ${ew.membersWorking} members working`, `echo p50 ${ew.terminalEcho?.p50} · p95 ${ew.terminalEcho?.p95} ms, ${ew.terminalEcho?.lost} lost`, `inject → all members p95 ${ew.injectToAllMembersMs?.p95} ms; CPU ${ew.serverCpuShare} core; RSS max ${ew.serverRssMiB.max} MiB`])
}
console.log(`\nwrote ${file}\n`)
for (const [a, c, d] of rows) console.log(`  ${a.padEnd(44)} ${c.padEnd(52)} ${d}`)
if (b.terminalRtt?.result) console.log('\n  keystroke RTT and memory per session: see the JSON (terminalRtt, sandboxMemory).')
