import { existsSync } from 'node:fs'
import { READONLY_USR_ROOT } from './bwrap-args'
import { detectCgroups } from './cgroups'
import { run, splitArgv } from './proc'
import { resolveRunnerIdentity, RUNNER_USER } from './runner-user'
import type { SandboxAvailability } from './types'

const DRIVER = 'bwrap'
const REQUIRED_TOOLS = [
  '/usr/bin/bwrap',
  '/usr/bin/nsenter',
  '/usr/bin/setpriv',
  '/usr/bin/timeout',
  '/usr/bin/tar',
  '/bin/sh',
]

/**
 * Can this host run bwrap sandboxes? Checks bwrap and helpers, that the runner user can create a
 * user namespace (by actually starting a tiny sandbox as that user), and the cgroup layout.
 *
 * Fails closed: any doubt yields `available: false` with a reason. Callers must then refuse the
 * lab; there is no host-shell fallback anywhere in Kenshu.
 */
export async function checkAvailability(): Promise<SandboxAvailability> {
  const no = (reason: string): SandboxAvailability => ({ available: false, driver: DRIVER, reason })
  if (process.platform !== 'linux') return no('bubblewrap sandboxes need Linux')
  const missing = REQUIRED_TOOLS.filter((t) => !existsSync(t))
  if (missing.length)
    return no(
      `missing: ${missing.join(', ')}${missing.includes('/usr/bin/bwrap') ? ' (apt install bubblewrap)' : ''}`,
    )

  const layout = detectCgroups()
  if (layout.version === 'none') return no(`cgroups: ${layout.reason}`)

  const isRoot = process.getuid?.() === 0
  let runnerArgs: string[] = []
  let who = 'the server user'
  if (isRoot) {
    // The runner user is created on first start (ensureRunnerUser); before that, probe as nobody-like
    // root-dropped identity is not meaningful, so report the missing user only if we cannot create it.
    try {
      const id = await resolveRunnerIdentity()
      runnerArgs = ['setpriv', `--reuid=${id.uid}`, `--regid=${id.gid}`, '--clear-groups', '--']
      who = RUNNER_USER
    } catch {
      if (!existsSync('/usr/sbin/useradd'))
        return no(`runner user ${RUNNER_USER} missing and useradd unavailable`)
      // Probe with the nobody uid instead: same kernel policy applies to any unprivileged uid.
      runnerArgs = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--']
      who = 'an unprivileged uid'
    }
  } else {
    try {
      await resolveRunnerIdentity()
    } catch (e) {
      return no(e instanceof Error ? e.message : String(e))
    }
  }
  const [file, args] = splitArgv([
    ...runnerArgs,
    'bwrap',
    '--unshare-all',
    '--unshare-user',
    '--die-with-parent',
    ...READONLY_USR_ROOT,
    '/usr/bin/true',
  ])
  let probe
  try {
    probe = await run(file, args, { timeoutMs: 10_000, env: { PATH: '/usr/bin:/bin' } })
  } catch (e) {
    return no(`cannot run bwrap: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (probe.code !== 0) {
    return no(
      `user namespaces do not work for ${who}: ${probe.stderr.trim().slice(0, 300) || `exit ${probe.code ?? probe.signal}`}`,
    )
  }
  return {
    available: true,
    driver: DRIVER,
    cgroup: layout.version,
    details: `bwrap as ${who}; cgroup ${layout.version}; ${isRoot ? 'uid maps written by the server (root)' : 'uid maps via newuidmap'}`,
  }
}
