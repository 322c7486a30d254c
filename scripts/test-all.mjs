#!/usr/bin/env node
// The whole test suite: `npm test`. Runs static checks, unit + integration tests (SQLite, and
// PostgreSQL when reachable), builds the production server, runs the end-to-end suite in Chromium,
// and ends with one line `N passed, N failed` that CI reads.
//   --quick       skip the build and the end-to-end suite
//   --no-build    reuse the existing build for the end-to-end suite
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, mkdirSync } from 'node:fs'

const args = new Set(process.argv.slice(2))
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0' }
const results = []
/** Names of failed (and flaky) tests, repeated just above the summary so a truncated CI log still shows them. */
const failures = []
const firstLine = (text) => String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').find((l) => l.trim()) ?? ''

function run(name, cmd, cmdArgs, opts = {}) {
  const t0 = Date.now()
  console.log(`\n━━ ${name}: ${cmd} ${cmdArgs.join(' ')}`)
  const res = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: { ...env, ...(opts.env ?? {}) }, timeout: opts.timeoutMs })
  const seconds = ((Date.now() - t0) / 1000).toFixed(1)
  return { status: res.status ?? 1, seconds }
}

function check(name, cmd, cmdArgs, opts) {
  const r = run(name, cmd, cmdArgs, opts)
  results.push({ name, passed: r.status === 0 ? 1 : 0, failed: r.status === 0 ? 0 : 1, skipped: 0, seconds: r.seconds })
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return null
  }
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
  const j = readJson('test-results/unit.json')
  for (const file of j?.testResults ?? [])
    for (const t of file.assertionResults ?? [])
      if (t.status === 'failed')
        failures.push(`vitest  ${file.name.replace(process.cwd() + '/', '')} › ${t.fullName}\n      ${firstLine(t.failureMessages?.[0])}`)
  results.push({
    name: 'unit + integration',
    passed: j?.numPassedTests ?? 0,
    failed: (j?.numFailedTests ?? 0) + (r.status !== 0 && !j?.numFailedTests ? 1 : 0),
    skipped: (j?.numPendingTests ?? 0) + (j?.numTodoTests ?? 0),
    seconds: r.seconds,
  })
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
    const j = readJson('test-results/e2e.json')
    const s = j?.stats ?? {}
    const walk = (suite, trail) => {
      for (const spec of suite.specs ?? [])
        for (const t of spec.tests ?? [])
          if (t.status === 'unexpected' || t.status === 'flaky')
            failures.push(
              `${t.status === 'flaky' ? 'flaky ' : 'e2e   '}  ${spec.file}:${spec.line} › ${[...trail, spec.title].join(' › ')}\n      ${firstLine(t.results?.at(-1)?.error?.message)}`,
            )
      for (const child of suite.suites ?? []) walk(child, [...trail, child.title])
    }
    for (const suite of j?.suites ?? []) walk(suite, [])
    results.push({
      name: 'end-to-end (Chromium)',
      passed: (s.expected ?? 0) + (s.flaky ?? 0),
      failed: (s.unexpected ?? 0) + (r.status !== 0 && !s.unexpected ? 1 : 0),
      skipped: s.skipped ?? 0,
      seconds: r.seconds,
    })
  }
}

if (failures.length) console.log(`\n━━ failures and flakes\n${failures.map((f) => `  ${f}`).join('\n')}`)
console.log('\n━━ summary')
for (const r of results)
  console.log(`  ${r.failed ? '✗' : '✓'} ${r.name.padEnd(38)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.skipped).padStart(3)} skipped  ${r.seconds}s`)
const passed = results.reduce((a, r) => a + r.passed, 0)
const failed = results.reduce((a, r) => a + r.failed, 0)
const skipped = results.reduce((a, r) => a + r.skipped, 0)
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed ? 1 : 0)
