#!/usr/bin/env node
// The security suite: `npm run test:security` (issue #7; SECURITY.md says which row each test proves).
//   1. vitest: tests/security/** (session attacks, path traversal, upload abuse, injection, sign-in
//      throttling), the sandbox escape tests (lib/labs/sandbox/*.test.ts; they need root and bubblewrap
//      and print "[sandbox tests] SKIPPED" without them), and the auth and HTTP unit tests;
//   2. Playwright: the authorization matrix, sign-in and session, lab security, security headers and
//      stored XSS specs against the production build (built first only when it is missing).
// Ends with one line `N passed, N failed` like scripts/test-all.mjs. `npm test` runs all of these too.
//   --no-e2e    only the vitest part
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const args = new Set(process.argv.slice(2))
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0' }
const results = []
const failures = []
const firstLine = (text) =>
  String(text ?? '')
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .find((l) => l.trim()) ?? ''

const VITEST_FILES = ['tests/security/', 'lib/labs/sandbox/', 'lib/auth/', 'lib/http/']
const E2E_SPECS = [
  'tests/e2e/authorization.spec.ts',
  'tests/e2e/auth.spec.ts',
  'tests/e2e/lab-security.spec.ts',
  // Every tests/e2e/security-*.spec.ts (Playwright takes each argument as a pattern on the file path).
  'tests/e2e/security-',
]

function run(name, cmd, cmdArgs, opts = {}) {
  const t0 = Date.now()
  console.log(`\n━━ ${name}: ${cmd} ${cmdArgs.join(' ')}`)
  const res = spawnSync(cmd, cmdArgs, {
    stdio: 'inherit',
    env: { ...env, ...(opts.env ?? {}) },
    timeout: opts.timeoutMs,
  })
  return { status: res.status ?? 1, seconds: ((Date.now() - t0) / 1000).toFixed(1) }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return null
  }
}

mkdirSync('test-results', { recursive: true })

{
  const out = 'test-results/security-unit.json'
  const r = run(
    'security: vitest',
    'npx',
    ['vitest', 'run', ...VITEST_FILES, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
    {
      timeoutMs: 20 * 60_000,
    },
  )
  const j = readJson(out)
  for (const file of j?.testResults ?? [])
    for (const t of file.assertionResults ?? [])
      if (t.status === 'failed')
        failures.push(
          `vitest  ${file.name.replace(process.cwd() + '/', '')} › ${t.fullName}\n      ${firstLine(t.failureMessages?.[0])}`,
        )
  results.push({
    name: 'unit + integration (security)',
    passed: j?.numPassedTests ?? 0,
    failed: (j?.numFailedTests ?? 0) + (r.status !== 0 && !j?.numFailedTests ? 1 : 0),
    skipped: (j?.numPendingTests ?? 0) + (j?.numTodoTests ?? 0),
    seconds: r.seconds,
  })
}

if (!args.has('--no-e2e')) {
  let built = existsSync('.next/BUILD_ID') && existsSync('dist/server.js')
  if (!built) {
    const b = run('production build', 'npm', ['run', 'build', '--silent'])
    built = b.status === 0
    results.push({
      name: 'production build',
      passed: built ? 1 : 0,
      failed: built ? 0 : 1,
      skipped: 0,
      seconds: b.seconds,
    })
  }
  if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
    console.error(
      'Chromium not found at /usr/bin/chromium: install it with `apt-get install -y chromium` (see README).',
    )
    results.push({ name: 'end-to-end (security specs)', passed: 0, failed: 1, skipped: 0, seconds: '0' })
  } else if (built) {
    const out = 'test-results/security-e2e.json'
    const r = run(
      'security: end-to-end (Chromium)',
      'npx',
      ['playwright', 'test', ...E2E_SPECS, '--reporter=list,json'],
      {
        timeoutMs: 20 * 60_000,
        env: { PLAYWRIGHT_JSON_OUTPUT_FILE: path.resolve(out) },
      },
    )
    const j = readJson(out)
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
      name: 'end-to-end (security specs)',
      passed: (s.expected ?? 0) + (s.flaky ?? 0),
      failed: (s.unexpected ?? 0) + (r.status !== 0 && !s.unexpected ? 1 : 0),
      skipped: s.skipped ?? 0,
      seconds: r.seconds,
    })
  }
}

if (failures.length) console.log(`\n━━ failures and flakes\n${failures.map((f) => `  ${f}`).join('\n')}`)
console.log('\n━━ security summary')
for (const r of results)
  console.log(
    `  ${r.failed ? '✗' : '✓'} ${r.name.padEnd(34)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.skipped).padStart(3)} skipped  ${r.seconds}s`,
  )
const passed = results.reduce((a, r) => a + r.passed, 0)
const failed = results.reduce((a, r) => a + r.failed, 0)
const skipped = results.reduce((a, r) => a + r.skipped, 0)
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed ? 1 : 0)
