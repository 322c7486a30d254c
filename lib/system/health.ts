import 'server-only'
import { getDb, dbKind } from '../db/client'
import { runnerHealth, sandboxAvailability } from './sandbox'
import pkg from '../../package.json' with { type: 'json' }

export type Health = {
  status: 'ok' | 'degraded'
  version: string
  database: { kind: 'sqlite' | 'postgres'; reachable: boolean; latencyMs?: number; error?: string }
  sandbox: { available: true; driver: string; details: string } | { available: false; driver: string; reason: string }
  /** With separate lab runners: how many answer and how full they are (no addresses). */
  runners?: { total: number; healthy: number; sessions: number; capacity: number }
}

/** What /api/health and the admin page report. Never throws. */
export async function systemHealth(): Promise<Health> {
  const started = performance.now()
  let database: Health['database']
  try {
    await getDb().$queryRawUnsafe('SELECT 1')
    database = { kind: dbKind(), reachable: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 }
  } catch (err) {
    // The public answer says only that it is down; the reason (host names, users, paths) goes to the log.
    console.error('health: database unreachable:', (err as Error).message.split('\n')[0]?.slice(0, 200))
    database = { kind: dbKind(), reachable: false, error: 'unreachable' }
  }
  const sb = await sandboxAvailability()
  const sandbox: Health['sandbox'] = sb.available
    ? { available: true, driver: sb.driver, details: sb.details }
    : { available: false, driver: sb.driver, reason: sb.reason }
  const rs = await runnerHealth()
  const runners = rs && {
    total: rs.length,
    healthy: rs.filter((r) => r.healthy).length,
    sessions: rs.reduce((n, r) => n + (r.healthy ? r.sessions : 0), 0),
    capacity: rs.reduce((n, r) => n + (r.healthy ? r.maxSessions : 0), 0),
  }
  return { status: database.reachable ? 'ok' : 'degraded', version: pkg.version, database, sandbox, ...(runners ? { runners } : {}) }
}
