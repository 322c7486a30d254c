#!/usr/bin/env node
// Web tier benchmark: cold start to first page, page latency for signed-in pages, server RSS after
// N requests, and page server time under 50 concurrent clients (BENCH_CONCURRENCY, BENCH_DURATION_MS). Uses the production build in the current directory (npm run build first).
// Usage: node bench/server-basics.mjs [requests=400] [port=3400]
import { pct, rss, signIn as signInAt, startServer } from './lib/server.mjs'

const N = Number(process.argv[2] ?? 400)
const PORT = Number(process.argv[3] ?? 3400)
const { base, server, firstPageMs, stop } = await startServer(PORT)
const signIn = (email) => signInAt(base, email)
const rssStart = rss(server.pid)

const adminCookie = await signIn('admin@demo.kenshu.local')

const pages = ['/admin', '/admin/users', '/admin/teams', '/learn', '/hr', '/api/health']
const times = Object.fromEntries(pages.map((p) => [p, []]))
let errors = 0
for (let i = 0; i < N; i++) {
  const p = pages[i % pages.length]
  const t = performance.now()
  const r = await fetch(base + p, { headers: { cookie: adminCookie } })
  await r.text()
  if (r.status !== 200) errors++
  times[p].push(performance.now() - t)
}
const rssEnd = rss(server.pid)

// Page server time under 50 concurrent clients (each a signed-in browser's worth of requests).

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50)
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 8000)
const learnerCookie = await signIn('learner@demo.kenshu.local')
const hrCookie = await signIn('hr@demo.kenshu.local')
const loadTargets = [
  ['/labs', learnerCookie],
  ['/labs/iot-botnet-telnet', learnerCookie],
  ['/hr', hrCookie],
]
const load = {}
for (const [p, cookie] of loadTargets) {
  const lat = []
  let failed = 0
  const until = performance.now() + DURATION_MS
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const t = performance.now()
        try {
          const r = await fetch(base + p, { headers: { cookie } })
          await r.text()
          if (r.status !== 200) failed++
        } catch {
          failed++
        }
        lat.push(performance.now() - t)
      }
    }),
  )
  const secs = (performance.now() - t0) / 1000
  load[p] = {
    concurrency: CONCURRENCY,
    requests: lat.length,
    failed,
    rps: Math.round(lat.length / secs),
    p50: +pct(lat, 50).toFixed(1),
    p95: +pct(lat, 95).toFixed(1),
    p99: +pct(lat, 99).toFixed(1),
  }
}
const rssAfterLoad = rss(server.pid)
stop()
// Wait for a clean shutdown (it stops its own sandboxes) before the next benchmark starts.
await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)))

const result = {
  machine: `${process.platform} ${process.arch}, node ${process.version}`,
  coldStartToFirstPageMs: Math.round(firstPageMs),
  requests: N,
  errors,
  rssAfterStartMiB: Math.round(rssStart),
  rssAfterRequestsMiB: Math.round(rssEnd),
  rssAfterLoadMiB: Math.round(rssAfterLoad),
  underLoad: load,
  pages: Object.fromEntries(
    pages.map((p) => [p, { p50: +pct(times[p], 50).toFixed(1), p95: +pct(times[p], 95).toFixed(1) }]),
  ),
}
console.log(JSON.stringify(result, null, 2))
