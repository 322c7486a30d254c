#!/usr/bin/env node
// Fault: PostgreSQL stops for a while under a running server (issue #7, "Faults").
//   node scripts/faults/db-outage.mjs     (root, after `npm run build`; stops and restarts the local
//                                          PostgreSQL cluster: run it on a machine nothing else uses)
// A learner is signed in on a server backed by PostgreSQL. The cluster is stopped: pages and actions
// must fail with a clear error (no hang, no crash), the health endpoint says 503, and nothing is
// half-written. The cluster starts again: the same server (no restart) serves and writes again.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { signIn } from '../../bench/lib/server.mjs'
import { action, boot, checklist, requireBuild, seed, serverEnv } from './lib.mjs'

requireBuild()
const PORT = Number(process.env.FAULT_PORT ?? 3331)
const base = `http://localhost:${PORT}`
const ADMIN = process.env.KENSHU_TEST_PG ?? 'postgresql://postgres@127.0.0.1:5432/postgres'
const version = readdirSync('/etc/postgresql')[0]
const cluster = (verb) =>
  spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', verb], { encoding: 'utf8' })
const { check, finish } = checklist('PostgreSQL stopped and started under a running server')

const name = `kenshu_fault_${process.pid}`
const admin = new pg.Client({ connectionString: ADMIN })
await admin.connect()
await admin.query(`CREATE DATABASE ${name}`)
await admin.end()
const url = ADMIN.replace(/\/[^/?]*(\?|$)/, `/${name}$1`)
const dataDir = mkdtempSync(path.join(tmpdir(), 'kenshu-fault-db-'))
const env = serverEnv(PORT, dataDir, { DATABASE_URL: url, KENSHU_SANDBOX: 'off' })
let server
const count = async () => {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  const r = await c.query('SELECT (SELECT count(*) FROM "QuizAttempt")::int AS attempts, (SELECT count(*) FROM "Evidence")::int AS evidence')
  await c.end()
  return r.rows[0]
}
try {
  seed(env)
  server = await boot(env)
  const cookie = await signIn(base, 'learner@demo.kenshu.local')
  const quiz = (answers) =>
    action(base, '/learn/modules/incident-handling', cookie, 'submitModuleQuizAction', {
      itemId: 'incident-handling',
      answers: JSON.stringify(answers),
    })
  const ok1 = await quiz({})
  check('before: a quiz attempt is stored', ok1.status === 200 && /"ok":true/.test(ok1.body), ok1.body.slice(-120))
  const before = await count()

  const stop = cluster('stop')
  check('PostgreSQL stopped', stop.status === 0, stop.stderr.trim() || undefined)
  const t0 = Date.now()
  const health = await fetch(`${base}/api/health`)
  const hb = await health.json()
  check('health answers 503 "unreachable", without internals', health.status === 503 && hb.database?.error === 'unreachable', hb.database)
  const page = await fetch(`${base}/progress`, { headers: { cookie } })
  check('a page fails with an error status, not a hang', page.status >= 500 && Date.now() - t0 < 30_000, { status: page.status, ms: Date.now() - t0 })
  const during = await quiz({})
  check('an action during the outage answers UNAVAILABLE (nothing saved, try again)', /"code":"UNAVAILABLE"/.test(during.body), { status: during.status, body: during.body.slice(-120) })
  check('the server process is still running', server.exitCode === null)

  const start = cluster('start')
  check('PostgreSQL started again', start.status === 0, start.stderr.trim() || undefined)
  let back = false
  for (let i = 0; i < 100 && !back; i++) {
    back = (await fetch(`${base}/api/health`)).status === 200
    if (!back) await new Promise((r) => setTimeout(r, 200))
  }
  check('recovery without restarting the server: health 200', back)
  const after = await count()
  check('no partial write from the outage', after.attempts === before.attempts && after.evidence === before.evidence, { before, after })
  const ok2 = await quiz({})
  check('after: actions write again', /"ok":true/.test(ok2.body), ok2.body.slice(-120))
  check('after: the attempt is stored', (await count()).attempts === before.attempts + 1)
  const page2 = await fetch(`${base}/progress`, { headers: { cookie } })
  check('after: pages answer 200', page2.status === 200)
} catch (err) {
  check('script ran to the end', false, String(err?.stack ?? err))
} finally {
  cluster('start')
  server?.kill('SIGTERM')
  await new Promise((r) => setTimeout(r, 1500))
  const c = new pg.Client({ connectionString: ADMIN })
  await c.connect().catch(() => {})
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {})
  await c.end().catch(() => {})
  rmSync(dataDir, { recursive: true, force: true })
}
finish()
