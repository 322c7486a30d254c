/**
 * `npm run labs:check [-- --json] [--lab ID] [--no-sandbox]`
 * Validates every lab package, then (where sandboxing is available) proves each one in a real
 * sandbox: setup.sh → every check FAILS → solve.sh → every check PASSES; answer tasks that take a
 * per-session variable are graded with the real variable. Prints `N passed, N failed`.
 */
import path from 'node:path'
import { formatLabError, loadAllLabs, type LoadedLab } from '../lib/labs/package/load'
import { gradeAnswer } from '../lib/labs/package/grading'
import { provisionSandbox, runCheck, runSolve } from '../lib/labs/runtime/provision'
import { BwrapDriver } from '../lib/labs/sandbox/bwrap-driver'
import { checkAvailability } from '../lib/labs/sandbox/availability'

type Outcome = { lab: string; name: string; ok: boolean; detail?: string; ms?: number }

const args = process.argv.slice(2)
const json = args.includes('--json')
const only = args.includes('--lab') ? args[args.indexOf('--lab') + 1] : undefined
const noSandbox = args.includes('--no-sandbox')
const labsDir = path.resolve(process.env.KENSHU_LABS_DIR ?? 'labs')
const log = (s: string) => {
  if (!json) console.log(s)
}

const outcomes: Outcome[] = []
const record = (o: Outcome) => {
  outcomes.push(o)
  log(`  ${o.ok ? '✓' : '✗'} ${o.name}${o.ms !== undefined ? ` (${Math.round(o.ms)} ms)` : ''}${o.detail ? ` — ${o.detail}` : ''}`)
}

async function proveInSandbox(driver: BwrapDriver, lab: LoadedLab) {
  const m = lab.manifest
  const id = `check-${m.id}`.slice(0, 40) + `-${process.pid}`
  const opts = { lang: 'en' as const, seed: 20261125 }
  const t0 = performance.now()
  let variables: Record<string, string>
  try {
    variables = (await provisionSandbox(driver, lab, id, opts)).variables
    record({ lab: m.id, name: `${m.id}: setup.sh runs and writes its ${Object.keys(variables).length} variables`, ok: true, ms: performance.now() - t0 })
  } catch (err) {
    record({ lab: m.id, name: `${m.id}: setup.sh`, ok: false, detail: (err as Error).message })
    return
  }
  try {
    const checks = m.tasks.filter((t) => t.kind === 'check')
    for (const t of checks) {
      const r = await runCheck(driver, lab, id, t.id, variables, opts)
      record({ lab: m.id, name: `${m.id}: check ${t.id} fails before the solution`, ok: r.status === 'fail', detail: r.status === 'fail' ? undefined : `${r.status}: ${r.message}` })
    }
    for (const t of m.tasks) {
      // Regex answers built on per-session variables: the variable's own value must be accepted
      // (catches escaping bugs that would make the task ungradeable for every learner).
      if (t.kind === 'answer' && t.match.kind === 'regex') {
        const names = [...t.match.pattern.matchAll(/\{\{([A-Z][A-Z0-9_]*)\}\}/g)].map((x) => x[1] as string)
        if (names.length === 1) {
          const value = variables[names[0] as string] ?? ''
          const g = gradeAnswer(t, value, variables, { previousIncorrect: 0 })
          record({ lab: m.id, name: `${m.id}: answer ${t.id} accepts the session's ${names[0]}`, ok: g.status === 'correct', detail: g.status === 'correct' ? undefined : JSON.stringify(g) })
        }
      }
      if (t.kind !== 'answer' || t.match.kind !== 'variable') continue
      const value = variables[t.match.name] ?? ''
      const right = gradeAnswer(t, value, variables, { previousIncorrect: 0 })
      const wrong = gradeAnswer(t, `${value}x`, variables, { previousIncorrect: 0 })
      record({ lab: m.id, name: `${m.id}: answer ${t.id} accepts the session's ${t.match.name} and only it`, ok: right.status === 'correct' && wrong.status !== 'correct', detail: `${right.status}/${wrong.status}` })
    }
    const s0 = performance.now()
    const solved = await runSolve(driver, lab, id, variables, opts)
    record({ lab: m.id, name: `${m.id}: solve.sh succeeds`, ok: solved.exitCode === 0, ms: performance.now() - s0, detail: solved.exitCode === 0 ? undefined : solved.stderr.trim().slice(-300) })
    for (const t of checks) {
      const r = await runCheck(driver, lab, id, t.id, variables, opts)
      record({ lab: m.id, name: `${m.id}: check ${t.id} passes after the solution`, ok: r.status === 'pass', detail: r.status === 'pass' ? undefined : `${r.status}: ${r.message}` })
    }
  } finally {
    await driver.stop(id)
  }
}

const all = (await loadAllLabs(labsDir)).filter((l) => !only || l.id === only)
if (all.length === 0) record({ lab: '-', name: `lab packages found in ${labsDir}`, ok: false })
const availability = noSandbox ? { available: false as const, driver: 'bwrap', reason: '--no-sandbox' } : await checkAvailability()
if (!availability.available) log(`! sandbox not available (${availability.reason}): validating only`)
const driver = new BwrapDriver({ maxConcurrentStarts: 2 })
try {
  for (const { id, result } of all) {
    log(`\n${id}`)
    if (!result.ok) {
      record({ lab: id, name: `${id}: package is valid`, ok: false, detail: result.errors.map(formatLabError).join('\n      ') })
      continue
    }
    record({ lab: id, name: `${id}: package is valid (${result.lab.manifest.tasks.length} tasks, ${result.lab.manifest.steps.length} steps)`, ok: true })
    if (availability.available) await proveInSandbox(driver, result.lab)
  }
} finally {
  await driver.stopAll().catch(() => {})
}

const passed = outcomes.filter((o) => o.ok).length
const failed = outcomes.length - passed
if (json) console.log(JSON.stringify({ passed, failed, sandbox: availability.available, outcomes }, null, 2))
else console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
