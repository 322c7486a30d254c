#!/usr/bin/env node
// Skill standards and roles benchmark (issue #4): server time of browsing a work role with all its
// statements, of the full-text search over NICE's 2,148 statements, of the role editor and coverage
// pages, and the size of what the coverage matrix sends. Target: p95 ≤ 50 ms for browse and search.
// One client at a time over localhost, so the latency is the server's time plus < 1 ms of loopback.
// Usage: node bench/frameworks.mjs [rounds=5] [port=3420]   (npm run build first)
import { readFileSync } from 'node:fs'
import { signIn, startServer, summary } from './lib/server.mjs'

const ROUNDS = Number(process.argv[2] ?? 5)
const PORT = Number(process.argv[3] ?? 3420)
const nice = JSON.parse(readFileSync('content/frameworks/nice-v2.1.0.json', 'utf8'))
const QUERIES = [
  'incident',
  'incident triage',
  'malware analysis',
  'network traffic',
  'log',
  'risk management framework',
  'cloud',
  'forensic image',
  'vulnerability scan',
  'phishing',
  'SCADA',
  'policy',
  'encrypt*',
  'zzzz-no-hit',
  'insider threat',
  'penetration testing',
]

const { base, stop } = await startServer(PORT)
const cookie = await signIn(base, 'hr@demo.kenshu.local')
const get = async (path) => {
  const t = performance.now()
  const r = await fetch(base + path, { headers: { cookie } })
  const body = await r.text()
  if (r.status !== 200) throw new Error(`${path}: ${r.status}`)
  return { ms: performance.now() - t, bytes: Buffer.byteLength(body) }
}

// Warm-up: first render of each route compiles nothing in production, but fills caches (framework index, search index).
for (const p of [
  '/frameworks',
  `/frameworks/nice/roles/${nice.workRoles[0].id}`,
  '/api/v1/frameworks/nice/2.1.0/statements?q=incident',
  '/coverage',
  '/roles',
])
  await get(p)

const out = {}
const time = async (name, paths) => {
  const ms = []
  let bytes = 0
  for (let r = 0; r < ROUNDS; r++)
    for (const p of paths) {
      const x = await get(p)
      ms.push(x.ms)
      bytes = Math.max(bytes, x.bytes)
    }
  out[name] = { ...summary(ms), maxKiB: Math.round(bytes / 1024) }
  console.error(
    `${name.padEnd(44)} p50 ${out[name].p50} · p95 ${out[name].p95} · p99 ${out[name].p99} ms (n=${ms.length}, max ${out[name].maxKiB} KiB)`,
  )
}

await time(
  'work role page (41 roles, all statements)',
  nice.workRoles.map((r) => `/frameworks/nice/roles/${r.id}`),
)
await time(
  'search API (16 queries over 2,148 statements)',
  QUERIES.map((q) => `/api/v1/frameworks/nice/2.1.0/statements?q=${encodeURIComponent(q)}&limit=50`),
)
await time(
  'search page (16 queries)',
  QUERIES.map((q) => `/frameworks?fw=nice&q=${encodeURIComponent(q)}`),
)
await time(
  'work role API (41 roles as JSON)',
  nice.workRoles.map((r) => `/api/v1/frameworks/nice/2.1.0/statements?workRole=${r.id}&limit=200`),
)
await time('coverage matrix, 41 NICE roles × labs', ['/coverage?source=nice%402.1.0'])
await time('coverage matrix, organisation roles', ['/coverage'])
await time('roles list', ['/roles'])

const roleIds = [
  ...(await (await fetch(`${base}/api/v1/roles`, { headers: { cookie } })).text()).matchAll(
    /"id":"([a-z0-9]{20,})"/g,
  ),
].map((m) => m[1])
await time(
  'role page and editor (demo roles)',
  [...new Set(roleIds)].flatMap((id) => [`/roles/${id}`, `/roles/${id}/edit`]),
)
stop()
console.log(JSON.stringify({ rounds: ROUNDS, ...out }, null, 2))
