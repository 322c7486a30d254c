#!/usr/bin/env node
// The security suite: `npm run test:security` (issue #7; SECURITY.md says which row each test proves).
//   1. vitest: tests/security/** (session attacks, path traversal, upload abuse, injection, sign-in
//      throttling), the sandbox escape tests (lib/labs/sandbox/*.test.ts; they need root and bubblewrap
//      and print "[sandbox tests] SKIPPED" without them), and the auth and HTTP unit tests;
//   2. Playwright: the authorization matrix, sign-in and session, lab security, security headers and
//      stored XSS specs against the production build (built first only when it is missing).
// Ends with one line `N passed, N failed` like scripts/test-all.mjs. `npm test` runs all of these too.
//   --no-e2e    only the vitest part
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { finish, playwrightResult, results, run, vitestResult } from './lib/test-report.mjs'

const args = new Set(process.argv.slice(2))

// tests/int/exercises: team isolation, organisation scoping, tickets bound to member and host (SECURITY.md 4.3).
const VITEST_FILES = ['tests/security/', 'lib/labs/sandbox/', 'lib/auth/', 'lib/http/', 'tests/int/exercises.int.test.ts']
const E2E_SPECS = [
  'tests/e2e/authorization.spec.ts',
  'tests/e2e/auth.spec.ts',
  'tests/e2e/lab-security.spec.ts',
  // The other team never sees an inject; inject text is shown as text.
  'tests/e2e/exercise-day.spec.ts',
  // Every tests/e2e/security-*.spec.ts (Playwright takes each argument as a pattern on the file path).
  'tests/e2e/security-',
]

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
  vitestResult('unit + integration (security)', out, r)
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
    playwrightResult('end-to-end (security specs)', out, r)
  }
}

finish('security summary', 34)
