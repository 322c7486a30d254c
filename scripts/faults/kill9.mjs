#!/usr/bin/env node
// Fault: the server is killed with SIGKILL in the middle of a lab session (issue #7, "Faults").
//   node scripts/faults/kill9.mjs            (root, after `npm run build`; loopback only, ≈ 30 s)
// A learner starts the flagship lab and passes a task; the server process is killed with -9 while the
// sandbox runs. On restart (same data directory) the script checks: the sandbox's processes and
// cgroups are gone (no orphans), the evidence and the passed task are intact, the old session is no
// longer live, and the learner can resume: a new sandbox with the lab progress kept. Prints JSON and
// `N passed, N failed`; exit 1 on any failure.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { signIn } from '../../bench/lib/server.mjs'
import { action as post, boot as start, checklist, requireBuild, seed, serverEnv } from './lib.mjs'

requireBuild()
const PORT = Number(process.env.FAULT_PORT ?? 3330)
const base = `http://localhost:${PORT}`
const LAB = 'iot-botnet-telnet'
const { check, finish } = checklist('kill -9 of the server mid-session')
const dataDir = mkdtempSync(path.join(tmpdir(), 'kenshu-fault-'))
const env = serverEnv(PORT, dataDir)
seed(env)
const boot = () => start(env)
const action = async (cookie, name, fields) => (await post(base, `/labs/${LAB}`, cookie, name, fields)).body

async function waitReady(cookie, sessionId) {
  for (let i = 0; i < 600; i++) {
    const r = await fetch(`${base}/api/labs/sessions/${sessionId}`, { headers: { cookie } })
    const s = await r.json()
    if (s.state === 'ready') return s
    if (s.state === 'failed' || s.state === 'stopped') throw new Error(`session ${s.state}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('not ready in 60 s')
}
// The server's own sandboxes (`srv-*`; it reaps only those, never another tool's).
const sessionCgroups = () => {
  const dir = existsSync('/sys/fs/cgroup/pids/kenshu') ? '/sys/fs/cgroup/pids/kenshu' : '/sys/fs/cgroup/kenshu'
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name.startsWith('kenshu-srv-')).map((d) => d.name)
}
const alive = (pid) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const db = () => new Database(path.join(dataDir, 'kenshu.db'), { readonly: true, timeout: 5000 })
let server = await boot()
try {
  const cookie = await signIn(base, 'learner@demo.kenshu.local')
  const started = await action(cookie, 'startLabAction', { labId: LAB })
  const sessionId = /"sessionId":"([a-z0-9]+)"/.exec(started)?.[1]
  check('lab session started', sessionId, sessionId ? undefined : started.slice(0, 200))
  await waitReady(cookie, sessionId)
  // The learner "reads the logs": the answer is in the session's own variables (server-side only).
  const d1 = db()
  const vars = JSON.parse(d1.prepare('SELECT variables FROM LabSession WHERE id = ?').get(sessionId).variables ?? '{}')
  d1.close()
  const attacker = vars.ATTACKER_IP ?? vars.attackerIp ?? Object.values(vars).find((v) => /^\d+\.\d+\.\d+\.\d+$/.test(String(v)))
  const answered = await action(cookie, 'answerTaskAction', { sessionId, taskId: 'attacker-ip', answer: String(attacker) })
  check("task passed before the crash", /"ok":true/.test(answered) && /"status":"correct"/.test(answered), answered.slice(-200))
  const d2 = db()
  const evidenceBefore = d2.prepare('SELECT id, statementId, level FROM Evidence ORDER BY id').all()
  d2.close()
  const groupsBefore = sessionCgroups()
  const sandboxPids = spawnSync('pgrep', ['-f', `kenshu.*${sessionId}|bwrap`], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map(Number)
  check('sandbox running before the crash (cgroup and processes)', groupsBefore.length > 0 && sandboxPids.length > 0, {
    cgroups: groupsBefore.length,
    processes: sandboxPids.length,
  })

  // kill -9 the server: no shutdown hook runs.
  server.kill('SIGKILL')
  await new Promise((r) => server.once('exit', r))
  const orphans = sandboxPids.filter(alive)
  check('after kill -9 the sandbox is orphaned (what the restart must clean)', orphans.length > 0, { orphans: orphans.length })

  server = await boot()
  await new Promise((r) => setTimeout(r, 1000))
  const left = sandboxPids.filter(alive)
  check('restart: no orphaned sandbox processes', left.length === 0, { left })
  const groupsAfter = sessionCgroups().filter((g) => groupsBefore.includes(g))
  check('restart: no leftover session cgroups', groupsAfter.length === 0, { left: groupsAfter })
  const d3 = db()
  const evidenceAfter = d3.prepare('SELECT id, statementId, level FROM Evidence ORDER BY id').all()
  const row = d3.prepare('SELECT state FROM LabSession WHERE id = ?').get(sessionId)
  const result = d3.prepare('SELECT COUNT(*) AS n FROM LabTaskResult WHERE labSessionId = ?').get(sessionId)
  d3.close()
  check('evidence intact', JSON.stringify(evidenceAfter) === JSON.stringify(evidenceBefore) && evidenceBefore.length > 0, {
    before: evidenceBefore.length,
    after: evidenceAfter.length,
  })
  check('passed task kept', result.n === 1)
  check('old session no longer live', row.state !== 'ready' && row.state !== 'starting', { state: row.state })

  // Resume: a new sandbox, the progress kept.
  const cookie2 = await signIn(base, 'learner@demo.kenshu.local')
  const resumed = await action(cookie2, 'resumeLabAction', { sessionId })
  const newId = /"sessionId":"([a-z0-9]+)"/.exec(resumed)?.[1] ?? sessionId
  await waitReady(cookie2, newId)
  const page = await (await fetch(`${base}/labs/${LAB}`, { headers: { cookie: cookie2 } })).text()
  check('resume: a new sandbox is ready', true, { sessionId: newId })
  check('resume: the passed task is still passed', /data-testid="task-passed"/.test(page) || /task-passed/.test(page))
} catch (err) {
  check('script ran to the end', false, String(err?.stack ?? err))
} finally {
  server.kill('SIGTERM')
  await new Promise((r) => setTimeout(r, 1500))
  rmSync(dataDir, { recursive: true, force: true })
}
finish()
