import 'server-only'
import type { SandboxAvailability } from '../labs/sandbox/types'
import type { RunnerHealth } from '../labs/runner/pool'

let cached: { at: number; value: Promise<SandboxAvailability> } | undefined

/**
 * Whether lab sandboxes can run on this host (cached for a minute). Labs fail closed on `false`:
 * the lab page says so, and no host shell is ever offered instead.
 */
export function sandboxAvailability(): Promise<SandboxAvailability> {
  // Separate lab runners report their health every poll: ask the pool, nothing to probe here.
  if (process.env.KENSHU_RUNNERS && process.env.KENSHU_SANDBOX !== 'off')
    return import('../labs/sessions/manager').then((m) => m.labSessions().driver.availability())
  if (cached && Date.now() - cached.at < 60_000) return cached.value
  const value = probe()
  cached = { at: Date.now(), value }
  return value
}

async function probe(): Promise<SandboxAvailability> {
  if (process.env.KENSHU_SANDBOX === 'off') return { available: false, driver: 'bwrap', reason: 'disabled by KENSHU_SANDBOX=off' }
  try {
    const mod = await import('../labs/sandbox/availability')
    return await mod.checkAvailability()
  } catch (err) {
    return { available: false, driver: 'bwrap', reason: (err as Error).message.slice(0, 200) }
  }
}

/** Capacity of the lab runners (shared mode only): counts for /api/health, details for the admin page. */
export async function runnerHealth() {
  if (!process.env.KENSHU_RUNNERS) return undefined
  const { labSessions } = await import('../labs/sessions/manager')
  const driver = labSessions().driver as { health?: () => RunnerHealth[] }
  return driver.health?.()
}
