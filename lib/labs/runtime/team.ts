/**
 * Runs a team lab (issue #9, decision 011): one sandbox per host of `lab.yaml`'s `hosts:`, all on one
 * team network (lib/labs/sandbox/team-network.ts). Built on provision.ts, so a host's setup, checks
 * and solve run exactly like a solo lab's (same commands, same stdin protocol, same limits); used by
 * the exercise manager and `labs:check`. No database, no `server-only`.
 *
 * What a team lab's scripts get on top of the solo preamble (labs/README.md, "Team labs"):
 *
 *   LAB_NETWORK=team
 *   LAB_HOST=ws01                         the host the script runs on
 *   LAB_HOST_ADDR=10.214.3.21             its address on the team network
 *   LAB_TEAM_HOSTS='ws01=10.214.3.21 gw01=10.214.3.5 c2=10.214.3.87'   every host, listed or not
 *
 * The team's subnet is only known once the network exists, so addresses are never variables an
 * author draws: scripts read them here. Per-team values that several hosts need (a C2 port that the
 * C2 listens on and the bots dial) are drawn identically on each host from `LAB_SEED`, and written to
 * fd 3 by exactly one host: a variable written by two hosts fails the start.
 */
import { readFile } from 'node:fs/promises'
import type { LoadedLab } from '../package/load'
import { isTeamLab, type Language } from '../package/manifest'
import { parseCheckResult, parseSetupVariables, shellQuote, type CheckOutcome } from '../package/protocol'
import { createTeamNetwork, destroyTeamNetwork, readTeamNetwork, teamHostNetwork, type TeamNetwork } from '../sandbox/team-network'
import type { SandboxDriver, SandboxSpec } from '../sandbox/types'
import { execLabScript, LabSetupError, scriptContext, setupFailure, type ProvisionOptions } from './provision'

export type TeamHostEnv = { name: string; address: string; sandboxId: string; listed: boolean; terminal: boolean }
export type TeamEnvironment = { networkId: string; hosts: TeamHostEnv[]; variables: Record<string, string> }

// ---------------------------------------------------------------- pure helpers (team.test.ts)

/**
 * The team lines a host's scripts get, placed after the solo preamble (so `LAB_NETWORK` reads
 * `team`) and before the script, inside the runtime's `{ … } </dev/null` wrapper.
 */
export function teamScriptPreamble(hosts: ReadonlyArray<Pick<TeamHostEnv, 'name' | 'address'>>, host: string): string {
  const me = hosts.find((h) => h.name === host)
  if (!me) throw new LabSetupError(`team environment has no host ${host}`)
  return [
    '# kenshu team preamble',
    'LAB_NETWORK=team',
    `LAB_HOST=${shellQuote(me.name)}`,
    `LAB_HOST_ADDR=${shellQuote(me.address)}`,
    `LAB_TEAM_HOSTS=${shellQuote(hosts.map((h) => `${h.name}=${h.address}`).join(' '))}`,
    '',
  ].join('\n')
}

export type MergedVariables = { ok: true; variables: Record<string, string> } | { ok: false; errors: string[] }

/**
 * Merges what each host's setup.sh wrote on fd 3. A host writes any subset of the declared
 * variables (each line checked as for a solo lab: declared, once, printable, ≤ 256 characters);
 * across the team every declared variable must be written by exactly one host.
 */
export function mergeTeamVariables(outputs: ReadonlyArray<{ host: string; stdout: string }>, declared: ReadonlyArray<string>): MergedVariables {
  const errors: string[] = []
  const variables: Record<string, string> = {}
  const by = new Map<string, string>()
  const known = new Set(declared)
  for (const { host, stdout } of outputs) {
    // What this host claims to write; parseSetupVariables then checks every line as for a solo lab
    // (undeclared names, repeats, empty or oversized values), requiring just these names.
    const names = new Set<string>()
    for (const line of stdout.split('\n')) {
      const eq = line.indexOf('=')
      const name = eq > 0 ? line.slice(0, eq) : ''
      if (known.has(name)) names.add(name)
    }
    const parsed = parseSetupVariables(stdout, [...names])
    if (!parsed.ok) {
      errors.push(...parsed.errors.map((e) => `${host}: ${e}`))
      continue
    }
    for (const [name, value] of Object.entries(parsed.variables)) {
      const first = by.get(name)
      if (first !== undefined) {
        errors.push(`${name} written by both ${first} and ${host} (exactly one host writes each variable)`)
        continue
      }
      by.set(name, host)
      variables[name] = value
    }
  }
  if (errors.length === 0) for (const name of declared) if (!by.has(name)) errors.push(`${name} was not written by any host`)
  return errors.length ? { ok: false, errors } : { ok: true, variables }
}

// ---------------------------------------------------------------- running a team

function requireTeamLab(lab: LoadedLab): asserts lab is LoadedLab & { hosts: NonNullable<LoadedLab['hosts']> } {
  if (!isTeamLab(lab.manifest) || !lab.hosts) throw new LabSetupError(`${lab.manifest.id} is not a team lab`)
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e))

/**
 * Creates the team network, starts one sandbox per host (spec: labDir = hosts/<name>, limits/timeLimit
 * from the manifest unless opts.timeLimitSec, network = teamHostNetwork), runs each host's setup.sh
 * (via driver.exec like provisionSandbox does, with scriptContext; variables written by setup on fd 3
 * are merged — a variable written by two hosts is an error), and returns when all hosts are ready. On
 * any failure stops everything it started (sandboxes + network) and throws LabSetupError.
 */
export async function provisionTeam(
  driver: SandboxDriver,
  lab: LoadedLab,
  ids: { networkId: string; sandboxId: (host: string) => string },
  opts: ProvisionOptions & { idleTimeoutSec?: number },
): Promise<TeamEnvironment & { startMs: number; setupMs: number }> {
  requireTeamLab(lab)
  // Team networks are host-root network namespaces joined by bwrap sandboxes on this machine;
  // runners and pods refuse them rather than run a team without its network (fail closed).
  if (driver.name !== 'bwrap') throw new LabSetupError(`driver ${driver.name} cannot run team networks`)
  const m = lab.manifest
  const manifestHosts = m.hosts ?? []
  const t0 = performance.now()
  let network: TeamNetwork | undefined
  const started: string[] = []
  let hosts: TeamHostEnv[] = []
  try {
    try {
      network = await createTeamNetwork({
        id: ids.networkId,
        hosts: manifestHosts.map((h) => ({ name: h.name, hostPart: h.hostPart, listed: h.listed })),
      })
    } catch (e) {
      throw new LabSetupError(`team network: ${message(e)}`)
    }
    const team = network
    hosts = manifestHosts.map((h) => {
      const att = teamHostNetwork(team, h.name)
      return { name: h.name, address: att.address, sandboxId: ids.sandboxId(h.name), listed: h.listed, terminal: h.terminal }
    })
    // In parallel: the driver queues starts behind its own semaphore.
    const starts = await Promise.allSettled(
      hosts.map(async (h) => {
        const spec: SandboxSpec = {
          sessionId: h.sandboxId,
          labDir: lab.hosts[h.name]?.dir ?? '',
          limits: m.limits,
          network: teamHostNetwork(team, h.name),
          timeLimitSec: opts.timeLimitSec ?? m.timeLimitMinutes * 60,
          runSetup: false,
          ...(opts.idleTimeoutSec !== undefined ? { idleTimeoutSec: opts.idleTimeoutSec } : {}),
        }
        await driver.start(spec)
        started.push(h.sandboxId)
      }),
    )
    const startFailures = starts.flatMap((r, i) => (r.status === 'rejected' ? [`${hosts[i]?.name}: ${message(r.reason)}`] : []))
    if (startFailures.length) throw new LabSetupError(`starting hosts failed: ${startFailures.join('; ')}`)
    const t1 = performance.now()

    const context = scriptContext(lab, opts)
    const declared = m.variables.map((v) => v.name)
    const setups = await Promise.allSettled(
      hosts.map(async (h) => {
        const loaded = lab.hosts[h.name]
        if (!loaded) throw new LabSetupError(`${h.name}: not in the loaded package`)
        const script = await readFile(loaded.setup, 'utf8')
        const res = await execLabScript(driver, h.sandboxId, 'setup', teamScriptPreamble(hosts, h.name) + script, context)
        const failed = setupFailure(res, `hosts/${h.name}/setup.sh`)
        if (failed) throw failed
        return { host: h.name, stdout: res.stdout }
      }),
    )
    const setupFailures = setups.flatMap((r) => (r.status === 'rejected' ? [message(r.reason)] : []))
    if (setupFailures.length) throw new LabSetupError(setupFailures.join('; '))
    const outputs = setups.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    const merged = mergeTeamVariables(outputs, declared)
    if (!merged.ok) throw new LabSetupError(`setup variables: ${merged.errors.join('; ')}`)
    return { networkId: team.id, hosts, variables: merged.variables, startMs: t1 - t0, setupMs: performance.now() - t1 }
  } catch (err) {
    await Promise.all(started.map((id) => driver.stop(id).catch(() => {})))
    // Only a network this call made: an id that already existed belongs to someone else.
    if (network) await destroyTeamNetwork(network.id).catch(() => {})
    throw err instanceof LabSetupError ? err : new LabSetupError(message(err))
  }
}

/** Runs checks/<task>.sh as sandbox root on the task's host. */
export async function runTeamCheck(
  driver: SandboxDriver,
  lab: LoadedLab,
  env: TeamEnvironment,
  taskId: string,
  opts: { lang: Language; seed: number },
): Promise<CheckOutcome> {
  const task = lab.manifest.tasks.find((t) => t.id === taskId)
  if (!task || task.kind !== 'check') return { status: 'error', message: `no check task ${taskId}` }
  const file = Object.hasOwn(lab.scripts.checks, taskId) ? lab.scripts.checks[taskId] : undefined
  if (!file) return { status: 'error', message: `no check script for ${taskId}` }
  const host = env.hosts.find((h) => h.name === task.host)
  if (!host) return { status: 'error', message: `check ${taskId} names host ${task.host ?? '(none)'}, which this team environment does not have` }
  const script = await readFile(file, 'utf8')
  const res = await execLabScript(driver, host.sandboxId, 'check', teamScriptPreamble(env.hosts, host.name) + script, scriptContext(lab, opts), env.variables)
  return parseCheckResult(res)
}

/** Runs every host's solve.sh, in host order (labs:check and tests only). Throws on the first failure. */
export async function runTeamSolve(driver: SandboxDriver, lab: LoadedLab, env: TeamEnvironment, opts: { lang: Language; seed: number }): Promise<void> {
  requireTeamLab(lab)
  const context = scriptContext(lab, opts)
  for (const h of lab.manifest.hosts ?? []) {
    const solve = lab.hosts[h.name]?.solve
    if (!solve) continue
    const host = env.hosts.find((x) => x.name === h.name)
    if (!host) throw new Error(`hosts/${h.name}/solve.sh: this team environment has no host ${h.name}`)
    const script = await readFile(solve, 'utf8')
    const res = await execLabScript(driver, host.sandboxId, 'solve', teamScriptPreamble(env.hosts, h.name) + script, context, env.variables)
    if (res.exitCode !== 0 || res.timedOut)
      throw new Error(`hosts/${h.name}/solve.sh failed (exit ${res.exitCode}${res.timedOut ? ', timed out' : ''}): ${res.stderr.trim().slice(-300)}`)
  }
}

/**
 * Stops all host sandboxes, then destroys the team network. Idempotent: sandboxes or a network that
 * are already gone are fine. Throws only if something that still exists could not be removed.
 */
export async function stopTeamEnvironment(driver: SandboxDriver, env: Pick<TeamEnvironment, 'networkId' | 'hosts'>): Promise<void> {
  const problems: string[] = []
  await Promise.all(
    env.hosts.map(async (h) => {
      try {
        await driver.stop(h.sandboxId)
      } catch (e) {
        const st = await driver.status(h.sandboxId).catch(() => undefined)
        if (st && (st.state === 'ready' || st.state === 'starting')) problems.push(`${h.name}: ${message(e)}`)
      }
    }),
  )
  // Hosts first: a host still attached would lose its link with the bridge (team-network.ts).
  try {
    await destroyTeamNetwork(env.networkId)
  } catch (e) {
    const still = await readTeamNetwork(env.networkId).catch(() => undefined)
    if (still) problems.push(`team network ${env.networkId}: ${message(e)}`)
  }
  if (problems.length) throw new Error(`stopping the team environment left: ${problems.join('; ')}`)
}
