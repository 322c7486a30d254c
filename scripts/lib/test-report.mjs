// Shared by `npm test` (scripts/test-all.mjs) and `npm run test:security`: run a step, read the JSON
// reports of vitest and Playwright into one result line each, keep failed test names, print the summary
// that ends in `N passed, N failed`.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

export const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0' }
export const results = []
/** Names of failed (and flaky) tests, repeated just above the summary so a truncated CI log still shows them. */
export const failures = []
export const firstLine = (text) =>
  String(text ?? '')
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .find((l) => l.trim()) ?? ''

export function run(name, cmd, cmdArgs, opts = {}) {
  const t0 = Date.now()
  console.log(`\n━━ ${name}: ${cmd} ${cmdArgs.join(' ')}`)
  const res = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: { ...env, ...(opts.env ?? {}) }, timeout: opts.timeoutMs })
  return { status: res.status ?? 1, seconds: ((Date.now() - t0) / 1000).toFixed(1) }
}

export function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return null
  }
}

/** One result line from vitest's JSON report; failed tests go to `failures`. */
export function vitestResult(name, file, r) {
  const j = readJson(file)
  for (const f of j?.testResults ?? [])
    for (const t of f.assertionResults ?? [])
      if (t.status === 'failed')
        failures.push(`vitest  ${f.name.replace(process.cwd() + '/', '')} › ${t.fullName}\n      ${firstLine(t.failureMessages?.[0])}`)
  results.push({
    name,
    passed: j?.numPassedTests ?? 0,
    failed: (j?.numFailedTests ?? 0) + (r.status !== 0 && !j?.numFailedTests ? 1 : 0),
    skipped: (j?.numPendingTests ?? 0) + (j?.numTodoTests ?? 0),
    seconds: r.seconds,
  })
}

/** One result line from Playwright's JSON report; failed and flaky tests go to `failures`. */
export function playwrightResult(name, file, r) {
  const j = readJson(file)
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
    name,
    passed: (s.expected ?? 0) + (s.flaky ?? 0),
    failed: (s.unexpected ?? 0) + (r.status !== 0 && !s.unexpected ? 1 : 0),
    skipped: s.skipped ?? 0,
    seconds: r.seconds,
  })
}

/** The failures, the summary table and the final `N passed, N failed` line; exits 1 on any failure. */
export function finish(title = 'summary', width = 38) {
  if (failures.length) console.log(`\n━━ failures and flakes\n${failures.map((f) => `  ${f}`).join('\n')}`)
  console.log(`\n━━ ${title}`)
  for (const r of results)
    console.log(`  ${r.failed ? '✗' : '✓'} ${r.name.padEnd(width)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.skipped).padStart(3)} skipped  ${r.seconds}s`)
  const passed = results.reduce((a, r) => a + r.passed, 0)
  const failed = results.reduce((a, r) => a + r.failed, 0)
  const skipped = results.reduce((a, r) => a + r.skipped, 0)
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
  process.exit(failed ? 1 : 0)
}
