/**
 * Runs a lab package in a sandbox: provision (start + setup.sh with per-session variables), run a
 * check, run the reference solution. Shared by the app's session manager and `labs:check`, so what
 * CI verifies is exactly what learners get. No database, no `server-only`.
 *
 * Team labs (several hosts on one team network) are run by team.ts, which builds on the script
 * helpers here (`execLabScript`, `setupFailure`): a host's setup, checks and solve run exactly like
 * a solo lab's.
 */
import { readFile } from 'node:fs/promises'
import type { LoadedLab } from '../package/load'
import type { Language } from '../package/manifest'
import {
  buildScriptStdin,
  parseCheckResult,
  parseSetupVariables,
  SCRIPT_COMMAND,
  SETUP_COMMAND,
  type CheckOutcome,
  type ScriptContext,
} from '../package/protocol'
import type { ExecResult, SandboxDriver, SandboxSpec } from '../sandbox/types'
import { labServicesFor, supportsLabServices } from './lab-network'

export const LEARNER = { uid: 1000, gid: 1000, home: '/home/learner' } as const

export type ProvisionOptions = { lang: Language; seed: number; timeLimitSec?: number }
export type Provisioned = { variables: Record<string, string>; setupMs: number; startMs: number }

export class LabSetupError extends Error {}

export function specFor(lab: LoadedLab, sandboxId: string, timeLimitSec?: number): SandboxSpec {
  const m = lab.manifest
  return {
    sessionId: sandboxId,
    labDir: lab.dir,
    limits: m.limits,
    network: m.network.mode,
    timeLimitSec: timeLimitSec ?? m.timeLimitMinutes * 60,
    runSetup: false,
  }
}

export function scriptContext(lab: LoadedLab, opts: { lang: Language; seed: number }): ScriptContext {
  return {
    labId: lab.manifest.id,
    learnerUid: LEARNER.uid,
    learnerGid: LEARNER.gid,
    learnerHome: LEARNER.home,
    network: lab.manifest.network.mode,
    lang: opts.lang,
    seed: opts.seed,
  }
}

/** What each kind of package script may take: wall clock and captured output. */
const SCRIPT_LIMITS = {
  setup: { timeoutMs: 60_000, maxOutputBytes: 64 * 1024 },
  check: { timeoutMs: 20_000, maxOutputBytes: 16 * 1024 },
  solve: { timeoutMs: 60_000, maxOutputBytes: 64 * 1024 },
} as const

/**
 * Runs a package script (its text, read host-side) as sandbox root through the runtime protocol:
 * setup.sh with fd 3 joined to the captured stdout and no variables; checks and solve.sh with the
 * session's variables in the stdin preamble (protocol.ts).
 */
export function execLabScript(
  driver: SandboxDriver,
  sandboxId: string,
  kind: keyof typeof SCRIPT_LIMITS,
  script: string,
  context: ScriptContext,
  variables: Record<string, string> = {},
): Promise<ExecResult> {
  return driver.exec(sandboxId, kind === 'setup' ? SETUP_COMMAND : SCRIPT_COMMAND, {
    asRoot: true,
    stdin: buildScriptStdin(script, context, kind === 'setup' ? {} : variables),
    ...SCRIPT_LIMITS[kind],
  })
}

/** The error for a failed setup run (`label` names the script, e.g. `setup.sh` or `hosts/ws01/setup.sh`), or undefined. */
export function setupFailure(res: ExecResult, label = 'setup.sh'): LabSetupError | undefined {
  if (res.exitCode === 0 && !res.timedOut) return undefined
  return new LabSetupError(`${label} failed (exit ${res.exitCode}${res.timedOut ? ', timed out' : ''}): ${res.stderr.trim().slice(-500)}`)
}

function refuseTeamLab(lab: LoadedLab): void {
  if (lab.manifest.hosts) throw new LabSetupError(`${lab.manifest.id} is a team lab: it runs on a team network (runtime/team.ts), not in one sandbox`)
}

/** Starts a sandbox for `lab` and runs setup.sh; returns the per-session variables. Stops the sandbox on failure. */
export async function provisionSandbox(driver: SandboxDriver, lab: LoadedLab, sandboxId: string, opts: ProvisionOptions): Promise<Provisioned> {
  refuseTeamLab(lab)
  const t0 = performance.now()
  await driver.start(specFor(lab, sandboxId, opts.timeLimitSec))
  const t1 = performance.now()
  try {
    const script = await readFile(lab.scripts.setup, 'utf8')
    const res = await execLabScript(driver, sandboxId, 'setup', script, scriptContext(lab, opts))
    const failed = setupFailure(res)
    if (failed) throw failed
    const declared = (lab.manifest.variables ?? []).map((v) => v.name)
    const parsed = parseSetupVariables(res.stdout, declared)
    if (!parsed.ok) throw new LabSetupError(`setup.sh variables: ${parsed.errors.join('; ')}`)
    // Second phase of a lab network: services whose address is a per-session variable can only be
    // placed now that setup.sh has drawn it (lab-network.ts explains the choice).
    if (lab.manifest.network.mode === 'lab') {
      // Fail closed: a lab that declares services is not playable without them.
      if (!supportsLabServices(driver)) throw new LabSetupError(`driver ${driver.name} cannot run lab network services`)
      try {
        await driver.addLabServices(sandboxId, labServicesFor(lab.manifest.network, parsed.variables))
      } catch (err) {
        throw new LabSetupError(`lab network: ${(err as Error).message}`)
      }
    }
    return { variables: parsed.variables, startMs: t1 - t0, setupMs: performance.now() - t1 }
  } catch (err) {
    await driver.stop(sandboxId).catch(() => {})
    throw err
  }
}

/** Runs one check script as sandbox root inside the sandbox. */
export async function runCheck(
  driver: SandboxDriver,
  lab: LoadedLab,
  sandboxId: string,
  taskId: string,
  variables: Record<string, string>,
  opts: { lang: Language; seed: number },
): Promise<CheckOutcome> {
  const file = Object.hasOwn(lab.scripts.checks, taskId) ? lab.scripts.checks[taskId] : undefined
  if (!file) return { status: 'error', message: `no check script for ${taskId}` }
  const script = await readFile(file, 'utf8')
  return parseCheckResult(await execLabScript(driver, sandboxId, 'check', script, scriptContext(lab, opts), variables))
}

/** Runs the reference solution (labs:check and tests only). */
export async function runSolve(
  driver: SandboxDriver,
  lab: LoadedLab,
  sandboxId: string,
  variables: Record<string, string>,
  opts: { lang: Language; seed: number },
) {
  refuseTeamLab(lab)
  const script = await readFile(lab.scripts.solve, 'utf8')
  return execLabScript(driver, sandboxId, 'solve', script, scriptContext(lab, opts), variables)
}
