/**
 * `npm run labs:check [-- --json] [--lab ID] [--no-sandbox]`
 * Validates every lab package, then (where sandboxing is available) proves each one in a real
 * sandbox: setup.sh → every check FAILS → solve.sh → every check PASSES; answer tasks that take a
 * per-session variable are graded with the real variable. Prints `N passed, N failed`.
 * A team lab (`hosts:` in lab.yaml) is proven the same way on a real team network: every host's
 * setup.sh, every check FAILS on its host, every host's solve.sh in host order, every check PASSES.
 */
import path from 'node:path'
import { formatLabError, loadAllLabs, type LoadedLab } from '../lib/labs/package/load'
import { gradeAnswer } from '../lib/labs/package/grading'
import { isTeamLab } from '../lib/labs/package/manifest'
import { provisionSandbox, runCheck, runSolve } from '../lib/labs/runtime/provision'
import { provisionTeam, runTeamCheck, runTeamSolve, stopTeamEnvironment, type TeamEnvironment } from '../lib/labs/runtime/team'
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

/** Answer tasks graded with the session's real variables (the same for solo and team labs). */
function checkAnswers(lab: LoadedLab, variables: Record<string, string>) {
  const m = lab.manifest
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
}

/** Team environments still up, so an interrupted run (Ctrl-C) can take them down too. */
const liveTeams = new Set<TeamEnvironment>()

/**
 * A team lab on a real team network. Ids start with `labcheck-` (and carry this process's pid), so
 * nothing that reaps exercise networks or session sandboxes mistakes them for its own.
 */
async function proveTeamInSandbox(driver: BwrapDriver, lab: LoadedLab) {
  const m = lab.manifest
  const networkId = `labcheck-${m.id}`.slice(0, 24) + `-${process.pid}`
  // ≤ 32 + 1 + 31 (a host name) = 64, the driver's limit.
  const ids = { networkId, sandboxId: (host: string) => `${networkId}-${host}` }
  const opts = { lang: 'en' as const, seed: 20261125 }
  const t0 = performance.now()
  let env: TeamEnvironment
  try {
    const p = await provisionTeam(driver, lab, ids, { ...opts, idleTimeoutSec: 0 })
    env = p
    liveTeams.add(env)
    const hosts = env.hosts.map((h) => h.name).join(', ')
    record({
      lab: m.id,
      name: `${m.id}: team of ${env.hosts.length} hosts (${hosts}) starts (${Math.round(p.startMs)} ms) and every setup.sh runs (${Math.round(p.setupMs)} ms), writing ${Object.keys(env.variables).length} variables`,
      ok: true,
      ms: performance.now() - t0,
    })
  } catch (err) {
    record({ lab: m.id, name: `${m.id}: team setup`, ok: false, detail: (err as Error).message })
    return
  }
  try {
    const checks = m.tasks.filter((t) => t.kind === 'check')
    for (const t of checks) {
      const r = await runTeamCheck(driver, lab, env, t.id, opts)
      record({ lab: m.id, name: `${m.id}: check ${t.id} (${t.host}) fails before the solution`, ok: r.status === 'fail', detail: r.status === 'fail' ? undefined : `${r.status}: ${r.message}` })
    }
    checkAnswers(lab, env.variables)
    const s0 = performance.now()
    let solved: string | undefined
    try {
      await runTeamSolve(driver, lab, env, opts)
    } catch (err) {
      solved = (err as Error).message
    }
    const solvers = Object.entries(lab.hosts ?? {}).filter(([, h]) => h.solve).map(([name]) => name)
    record({ lab: m.id, name: `${m.id}: solve.sh succeeds on ${solvers.join(', ')}`, ok: solved === undefined, ms: performance.now() - s0, detail: solved })
    for (const t of checks) {
      const r = await runTeamCheck(driver, lab, env, t.id, opts)
      record({ lab: m.id, name: `${m.id}: check ${t.id} (${t.host}) passes after the solution`, ok: r.status === 'pass', detail: r.status === 'pass' ? undefined : `${r.status}: ${r.message}` })
    }
  } finally {
    const c0 = performance.now()
    await stopTeamEnvironment(driver, env).then(
      () => record({ lab: m.id, name: `${m.id}: team environment stopped and its network removed`, ok: true, ms: performance.now() - c0 }),
      (err: unknown) => record({ lab: m.id, name: `${m.id}: team environment stopped`, ok: false, detail: (err as Error).message }),
    )
    liveTeams.delete(env)
  }
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
    checkAnswers(lab, variables)
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
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n! ${signal}: stopping sandboxes and team networks`)
    void Promise.allSettled([...liveTeams].map((env) => stopTeamEnvironment(driver, env)))
      .then(() => driver.stopAll())
      .finally(() => process.exit(130))
  })
}
try {
  for (const { id, result } of all) {
    log(`\n${id}`)
    if (!result.ok) {
      record({ lab: id, name: `${id}: package is valid`, ok: false, detail: result.errors.map(formatLabError).join('\n      ') })
      continue
    }
    const team = isTeamLab(result.lab.manifest) ? `, team lab: ${result.lab.manifest.hosts.length} hosts` : ''
    record({ lab: id, name: `${id}: package is valid (${result.lab.manifest.tasks.length} tasks, ${result.lab.manifest.steps.length} steps${team})`, ok: true })
    if (availability.available) await (team ? proveTeamInSandbox(driver, result.lab) : proveInSandbox(driver, result.lab))
  }
} finally {
  await driver.stopAll().catch(() => {})
}

const passed = outcomes.filter((o) => o.ok).length
const failed = outcomes.length - passed
if (json) console.log(JSON.stringify({ passed, failed, sandbox: availability.available, outcomes }, null, 2))
else console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
