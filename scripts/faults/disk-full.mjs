#!/usr/bin/env node
// Fault: the data directory's disk fills up (issue #7, "Faults").
//   node scripts/faults/disk-full.mjs     (root: mounts a 64 MiB tmpfs as the data directory)
// The server runs on SQLite in a small filesystem; a filler file takes the rest of the space. Writes
// must fail with a clear error and change nothing; reads keep working; once space is freed, writes
// succeed again without a restart, and SQLite's integrity check passes.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statfsSync, writeFileSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { signIn } from '../../bench/lib/server.mjs'
import { action, boot, checklist, requireBuild, seed, serverEnv } from './lib.mjs'

requireBuild()
const PORT = Number(process.env.FAULT_PORT ?? 3332)
const base = `http://localhost:${PORT}`
const { check, finish } = checklist('data directory disk full')
const dataDir = mkdtempSync(path.join(tmpdir(), 'kenshu-fault-disk-'))
const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', dataDir], { encoding: 'utf8' })
if (mount.status !== 0) {
  console.error(`cannot mount a tmpfs (run as root): ${mount.stderr}`)
  process.exit(2)
}
const env = serverEnv(PORT, dataDir, { KENSHU_SANDBOX: 'off' })
const filler = path.join(dataDir, 'filler.bin')
let server
const counts = () => {
  const d = new Database(path.join(dataDir, 'kenshu.db'), { readonly: true, timeout: 5000 })
  const r = d.prepare('SELECT (SELECT count(*) FROM QuizAttempt) AS attempts, (SELECT count(*) FROM Evidence) AS evidence').get()
  d.close()
  return r
}
try {
  seed(env)
  server = await boot(env)
  const cookie = await signIn(base, 'learner@demo.kenshu.local')
  const quiz = () =>
    action(base, '/learn/modules/incident-handling', cookie, 'submitModuleQuizAction', {
      itemId: 'incident-handling',
      answers: JSON.stringify({ q1: 'x'.repeat(150) }),
    })
  check('before: writes work', /"ok":true/.test((await quiz()).body))
  const before = counts()
  // Fill the filesystem: one big file, then small ones until ENOSPC.
  const free = statfsSync(dataDir).bavail * statfsSync(dataDir).bsize
  try {
    writeFileSync(filler, Buffer.alloc(Math.max(0, free - 4096)))
  } catch {}
  let n = 0
  try {
    for (; n < 1000; n++) writeFileSync(`${filler}.${n}`, Buffer.alloc(4096))
  } catch {}
  check('the disk is full', statfsSync(dataDir).bavail === 0, { bavail: statfsSync(dataDir).bavail })
  // Enough writes to need new pages in the WAL/database.
  const results = []
  for (let i = 0; i < 20; i++) results.push(await quiz())
  const failed = results.filter((r) => !/"ok":true/.test(r.body))
  check('writes on a full disk answer UNAVAILABLE (nothing saved, try again)', failed.length > 0 && failed.every((r) => /"code":"UNAVAILABLE"/.test(r.body)), { failed: failed.length, sample: failed[0]?.body.slice(-120) })
  check('the server keeps running', server.exitCode === null)
  const page = await fetch(`${base}/progress`, { headers: { cookie } })
  check('reads keep working', page.status === 200, { status: page.status })
  const health = await (await fetch(`${base}/api/health`)).json()
  check('health still answers', typeof health === 'object', health.database)
  // Free the space: writes resume without a restart.
  for (let i = 0; i < n; i++) unlinkSync(`${filler}.${i}`)
  unlinkSync(filler)
  const ok = await quiz()
  check('after freeing space: writes work again, no restart', /"ok":true/.test(ok.body), ok.body.slice(-120))
  const after = counts()
  const succeeded = results.length - failed.length
  check('only the writes that reported success were stored', after.attempts === before.attempts + succeeded + 1, { before, after, succeeded })
  const d = new Database(path.join(dataDir, 'kenshu.db'), { timeout: 5000 })
  const integrity = d.pragma('integrity_check', { simple: true })
  d.close()
  check('SQLite integrity_check: ok', integrity === 'ok', integrity)
} catch (err) {
  check('script ran to the end', false, String(err?.stack ?? err))
} finally {
  server?.kill('SIGTERM')
  await new Promise((r) => setTimeout(r, 1500))
  spawnSync('umount', [dataDir])
  rmSync(dataDir, { recursive: true, force: true })
}
finish()
