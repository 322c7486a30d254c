#!/usr/bin/env node
// The whole test suite: `npm test`. Runs static checks, unit + integration tests (SQLite, and
// PostgreSQL when reachable), builds the production server, runs the end-to-end suite in Chromium,
// and ends with one line `N passed, N failed` that CI reads.
//   --quick       skip the build and the end-to-end suite
//   --no-build    reuse the existing build for the end-to-end suite
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { env, failures, finish, firstLine, playwrightResult, results, run, vitestResult } from './lib/test-report.mjs'

const args = new Set(process.argv.slice(2))

function check(name, cmd, cmdArgs, opts) {
  const r = run(name, cmd, cmdArgs, opts)
  results.push({ name, passed: r.status === 0 ? 1 : 0, failed: r.status === 0 ? 0 : 1, skipped: 0, seconds: r.seconds })
}

mkdirSync('test-results', { recursive: true })

check('lint', 'npx', ['eslint', '.', '--max-warnings', '0'])
check('typecheck', 'npx', ['tsc', '--noEmit', '-p', '.'])
check('schemas in sync', 'node', ['scripts/db-schemas.mjs', '--check'])
if (existsSync('../shared/frameworks')) check('framework content matches importer', 'npx', ['tsx', 'scripts/import-frameworks.ts', '--check'])
else results.push({ name: 'framework content matches importer (no ../shared/frameworks)', passed: 0, failed: 0, skipped: 1, seconds: '0' })

check('content:check (curricula, briefings)', 'npx', ['tsx', 'scripts/content-check.ts'])

{
  // Every lab package: valid, and in a real sandbox setup → checks fail → solve → checks pass.
  const r = spawnSync('npx', ['tsx', 'scripts/labs-check.ts', '--json'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 20 * 60_000 })
  let j = null
  try {
    j = JSON.parse(r.stdout)
  } catch {}
  console.log(`\n━━ labs:check\n${(j?.outcomes ?? []).map((o) => `  ${o.ok ? '✓' : '✗'} ${o.name}${o.detail && !o.ok ? ` — ${o.detail}` : ''}`).join('\n')}`)
  for (const o of j?.outcomes ?? []) if (!o.ok) failures.push(`labs    ${o.name} — ${firstLine(o.detail)}`)
  results.push({ name: 'labs:check (sandbox)', passed: j?.passed ?? 0, failed: j ? j.failed : 1, skipped: 0, seconds: '-' })
}

{
  const r = run('unit + integration (vitest)', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/unit.json'], {
    timeoutMs: 30 * 60_000,
  })
  vitestResult('unit + integration', 'test-results/unit.json', r)
}

if (!args.has('--quick')) {
  let built = existsSync('.next/BUILD_ID') && existsSync('dist/server.js')
  if (!args.has('--no-build') || !built) {
    const b = run('production build', 'npm', ['run', 'build', '--silent'])
    built = b.status === 0
    results.push({ name: 'production build', passed: built ? 1 : 0, failed: built ? 0 : 1, skipped: 0, seconds: b.seconds })
  }
  if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
    console.error('Chromium not found at /usr/bin/chromium: install it with `apt-get install -y chromium` (see README).')
    results.push({ name: 'end-to-end (Chromium)', passed: 0, failed: 1, skipped: 0, seconds: '0' })
  } else if (built) {
    const r = run('end-to-end (Chromium)', 'npx', ['playwright', 'test'], { timeoutMs: 30 * 60_000 })
    playwrightResult('end-to-end (Chromium)', 'test-results/e2e.json', r)
  }
  if (built) topology()
}

/**
 * The scale-out topology (docs/deploy/scale-out.md): 3 web instances behind nginx, 2 lab runners,
 * PostgreSQL, a web instance and a runner killed mid-run. Needs root, nginx and PostgreSQL.
 */
function topology() {
  const name = 'scale-out topology (nginx, 3 web, 2 runners, PostgreSQL)'
  const missing = [
    process.getuid?.() !== 0 && 'root',
    !existsSync('/usr/sbin/nginx') && 'nginx (apt-get install -y nginx)',
    spawnSync('pg_isready', ['-h', '127.0.0.1', '-q']).status !== 0 && 'PostgreSQL at 127.0.0.1:5432',
  ].filter(Boolean)
  if (missing.length) {
    console.log(`\n━━ ${name}: skipped, needs ${missing.join(', ')}`)
    return results.push({ name: `${name} (needs ${missing.join(', ')})`, passed: 0, failed: 0, skipped: 1, seconds: '0' })
  }
  const t0 = Date.now()
  console.log(`\n━━ ${name}: npx tsx scripts/topology/run.mjs --learners 12`)
  const r = spawnSync('npx', ['tsx', 'scripts/topology/run.mjs', '--learners', '12'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 })
  let checks = []
  try {
    checks = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'), r.stdout.lastIndexOf('}') + 1)).checks ?? []
  } catch {}
  for (const c of checks) if (!c.ok) failures.push(`topology  ${c.name} — ${firstLine(JSON.stringify(c.detail ?? ''))}`)
  const passed = checks.filter((c) => c.ok).length
  const failed = checks.length - passed || (r.status === 0 ? 0 : 1)
  results.push({ name, passed, failed, skipped: 0, seconds: ((Date.now() - t0) / 1000).toFixed(1) })
}

finish()
