/**
 * The runtime protocol between a lab runner and a package's scripts (setup.sh, checks/*.sh,
 * solve.sh), expressed over the sandbox driver's `exec(sessionId, command, { asRoot, stdin })`.
 * Documented for authors in labs/README.md ("Runtime contract").
 *
 * Why stdin and fd 3: the package directory is never mounted into the sandbox, so the learner can
 * never read the scripts or the answer key. A script travels on the stdin of `bash -s` run as
 * sandbox root (the learner sees only `bash -s` in `ps`), and setup.sh hands its per-session
 * variables back on fd 3, which the runner joins to the exec's captured stdout. Variables come
 * back to checks/solve the same way: as unexported shell variables in the stdin preamble.
 *
 * Pure module.
 */
import type { Language } from './manifest'
import { VARIABLE_NAME_PATTERN } from './manifest'

/**
 * `--norc --noprofile`: Debian's bash sources ~/.bashrc even non-interactively when stdin is a
 * socket (its "started by sshd" heuristic), and a driver's stdin may well be one. A root script
 * must never run startup files a learner could have written. The same holds for the wrapper the
 * driver uses to run these command strings: `/bin/sh -c` (dash) or `bash --norc --noprofile -c`,
 * never a plain `bash -c`. The runner must also pass a clean environment (no BASH_ENV, no ENV).
 */
const BASH = 'bash --norc --noprofile -s'
/**
 * Command for setup.sh. fd 3 → the captured stdout (variables), the script's own stdout and
 * stderr → captured stderr (the setup log, for authors and operators, never the learner).
 */
export const SETUP_COMMAND = `${BASH} 3>&1 1>&2`
/** Command for checks and solve.sh: plain stdout (first line = learner message) and stderr. */
export const SCRIPT_COMMAND = BASH

export const MAX_VARIABLE_VALUE_CHARS = 256
export const MAX_VARIABLES = 32
export const MAX_CHECK_MESSAGE_CHARS = 300

/** Values every script may read (all plain shell variables set by the preamble). */
export type ScriptContext = {
  labId: string
  /** The learner's uid/gid/home inside the sandbox. */
  learnerUid: number
  learnerGid: number
  learnerHome: string
  network: 'none' | 'lab'
  /** UI language of the learner, so checks can answer in it. */
  lang: Language
  /** A 31-bit seed for setup.sh (`RANDOM=$LAB_SEED`) so CI runs are reproducible. */
  seed: number
}

/** POSIX single-quote quoting: safe for any value, including quotes and newlines. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

/**
 * Builds the stdin for `bash -s`: a preamble assigning `LAB_*` context and `VAR_<NAME>` session
 * variables, then the script inside `{ … } </dev/null`. The braces make bash parse the whole
 * script before running it and the redirect keeps commands in it from swallowing the rest of the
 * script from stdin (`read`, `cat` without a file).
 */
export function buildScriptStdin(script: string, context: ScriptContext, variables: Readonly<Record<string, string>> = {}): string {
  const lines = [
    '# kenshu lab runtime preamble',
    `LAB_ID=${shellQuote(context.labId)}`,
    `LAB_LEARNER_UID=${context.learnerUid}`,
    `LAB_LEARNER_GID=${context.learnerGid}`,
    `LAB_LEARNER_HOME=${shellQuote(context.learnerHome)}`,
    `LAB_NETWORK=${shellQuote(context.network)}`,
    `LAB_LANG=${shellQuote(context.lang)}`,
    `LAB_SEED=${Math.trunc(context.seed) & 0x7fffffff}`,
  ]
  for (const [name, value] of Object.entries(variables)) {
    // Names were validated when collected; re-check so a corrupted store can't inject shell.
    if (!VARIABLE_NAME_PATTERN.test(name)) continue
    lines.push(`VAR_${name}=${shellQuote(value)}`)
  }
  return `${lines.join('\n')}\n{\n${script}${script.endsWith('\n') ? '' : '\n'}} </dev/null\n`
}

export type VariableParse =
  | { ok: true; variables: Record<string, string> }
  | { ok: false; errors: string[] }

/**
 * Parses what setup.sh wrote to fd 3: one `NAME=value` per line (blank lines ignored). Every
 * declared variable must be written exactly once, nothing undeclared, values printable and short.
 */
export function parseSetupVariables(output: string, declared: ReadonlyArray<string>): VariableParse {
  const errors: string[] = []
  const variables: Record<string, string> = {}
  const allowed = new Set(declared)
  output.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '')
    if (line.trim() === '') return
    const eq = line.indexOf('=')
    const name = eq > 0 ? line.slice(0, eq) : ''
    const value = eq > 0 ? line.slice(eq + 1) : ''
    if (!VARIABLE_NAME_PATTERN.test(name)) return void errors.push(`line ${i + 1}: expected NAME=value`)
    if (!allowed.has(name)) return void errors.push(`line ${i + 1}: ${name} is not declared in lab.yaml variables`)
    if (Object.hasOwn(variables, name)) return void errors.push(`line ${i + 1}: ${name} written twice`)
    if (value === '') return void errors.push(`line ${i + 1}: ${name} is empty`)
    if (value.length > MAX_VARIABLE_VALUE_CHARS) return void errors.push(`line ${i + 1}: ${name} is longer than ${MAX_VARIABLE_VALUE_CHARS} characters`)
    if (/[\u0000-\u001f\u007f]/.test(value)) return void errors.push(`line ${i + 1}: ${name} contains control characters`)
    variables[name] = value
  })
  for (const name of declared) if (!Object.hasOwn(variables, name)) errors.push(`${name} was not written`)
  if (Object.keys(variables).length > MAX_VARIABLES) errors.push(`more than ${MAX_VARIABLES} variables`)
  return errors.length ? { ok: false, errors } : { ok: true, variables }
}

export type CheckOutcome = { status: 'pass' | 'fail' | 'error'; message: string }

/**
 * Interprets a check run: exit 0 = pass, exit 1 = fail, anything else (including a timeout) =
 * error — the check itself broke, which is never the learner's fault and never a pass.
 * The message is the first stdout line, with terminal escapes and control characters removed.
 */
export function parseCheckResult(result: { exitCode: number; stdout: string; timedOut: boolean }): CheckOutcome {
  const first = result.stdout.split('\n', 1)[0] ?? ''
  const message = first
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, MAX_CHECK_MESSAGE_CHARS)
  if (result.timedOut) return { status: 'error', message: message || 'check timed out' }
  if (result.exitCode === 0) return { status: 'pass', message }
  if (result.exitCode === 1) return { status: 'fail', message }
  return { status: 'error', message: message || `check exited with ${result.exitCode}` }
}
