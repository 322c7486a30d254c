import { existsSync } from 'node:fs'
import { checkAvailability } from './availability'
import { delegateCgroupParent, detectCgroups } from './cgroups'
import { ensureRunnerUser, ensureSubordinateRange, lookupAccount, type RunnerIdentity } from './runner-user'
import type { SandboxAvailability } from './types'

export type HostSetupResult = {
  runner?: RunnerIdentity
  /** Account the cgroup parent was delegated to (unprivileged server only). */
  delegatedTo?: string
  notes: string[]
  availability: SandboxAvailability
}

/**
 * One-time, root-only host preparation for the setup script (`scripts/…` calls this):
 *
 * - server runs as root (the default): create `kenshu-lab` and its subordinate uid range.
 * - server runs as an unprivileged account (`serverUser`): give that account a subordinate range
 *   (the learner's host uid, mapped with newuidmap) and delegate the `kenshu` cgroup parent to it.
 *   Lab networks ('lab') stay unavailable to an unprivileged server: they need root to create.
 *
 * Idempotent. Returns what was done and the resulting availability.
 */
export async function prepareSandboxHost(options: { serverUser?: string } = {}): Promise<HostSetupResult> {
  if (process.getuid?.() !== 0) throw new Error('prepareSandboxHost must run as root')
  const notes: string[] = []
  if (!existsSync('/usr/bin/bwrap')) notes.push('bubblewrap is missing: apt install bubblewrap')
  if (!options.serverUser) {
    const runner = await ensureRunnerUser()
    notes.push(`runner ${runner.user} uid ${runner.uid}; learner host uid ${runner.learnerUid}`)
    return { runner, notes, availability: await checkAvailability() }
  }
  const account = await lookupAccount(options.serverUser)
  if (!account) throw new Error(`no such user ${options.serverUser}`)
  await ensureSubordinateRange(options.serverUser)
  const layout = detectCgroups()
  await delegateCgroupParent(layout, account.uid, account.gid)
  if (!existsSync('/usr/bin/newuidmap')) notes.push('newuidmap missing: apt install uidmap')
  notes.push(`cgroup parent 'kenshu' delegated to ${options.serverUser}`)
  // Availability is checked from the server's point of view, which is not ours (root) here.
  return {
    delegatedTo: options.serverUser,
    notes,
    availability: {
      available: false,
      driver: 'bwrap',
      reason: 'run availability() as the server user to verify',
    },
  }
}
