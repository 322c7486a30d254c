#!/usr/bin/env node
// Web tier benchmark: cold start to first page, page latency for signed-in pages, server RSS after
// N requests, and page server time under 50 concurrent clients (BENCH_CONCURRENCY, BENCH_DURATION_MS). Uses the production build in the current directory (npm run build first).
// Usage: node bench/server-basics.mjs [requests=400] [port=3400]
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const N = Number(process.argv[2] ?? 400)
const PORT = Number(process.argv[3] ?? 3400)
const base = `http://localhost:${PORT}`
const dataDir = mkdtempSync(path.join(tmpdir(), 'kenshu-bench-'))
const env = {
  ...process.env,
  NODE_ENV: 'production',
  NEXT_TELEMETRY_DISABLED: '1',
  KENSHU_DATA_DIR: dataDir,
  PORT: String(PORT),
  NEXTAUTH_URL: base,
  KENSHU_WARM_ON_BOOT: '0',
}
delete env.DATABASE_URL
spawnSync(process.execPath, ['dist/seed.js', '--quiet'], { env, stdio: 'inherit' })

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}
const rss = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024

const t0 = performance.now()
const server = spawn(process.execPath, ['dist/server.js'], { env, stdio: ['ignore', 'pipe', 'inherit'] })
let firstPageMs
for (;;) {
  try {
    const r = await fetch(`${base}/signin`)
    if (r.ok) {
      await r.text()
      firstPageMs = performance.now() - t0
      break
    }
  } catch {}
  await new Promise((r) => setTimeout(r, 20))
}
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

/** Signs in through next-auth's endpoints and returns the Cookie header of that session. */
async function signIn(email) {
  const jar = new Map()
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const keepC = (r) => {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const i = pair.indexOf('=')
      jar.set(pair.slice(0, i), pair.slice(i + 1))
    }
  }
  let r = await fetch(`${base}/api/auth/csrf`)
  keepC(r)
  const { csrfToken: token } = await r.json()
  r = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header() },
    body: new URLSearchParams({ csrfToken: token, email, password: 'kenshu-demo-2026', json: 'true' }),
  })
  keepC(r)
  return header()
}
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
server.kill('SIGTERM')
// Wait for a clean shutdown (it stops its own sandboxes) before the next benchmark starts.
await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)))
rmSync(dataDir, { recursive: true, force: true })

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
