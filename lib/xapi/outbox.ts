import 'server-only'
import { getDb } from '../db/client'
import { lrsConfig, type LrsConfig } from './config'
import { XAPI_VERSION } from './statement'

/**
 * Forwarding of stored statements to an external LRS (XAPI_LRS_ENDPOINT; docs/xapi.md).
 *
 * recordXapi queues an XapiOutbox row with each statement, in the same transaction, so the queue is
 * exactly as durable as the statements: a restart or an LRS outage loses nothing. A run takes due rows
 * (nextAttemptAt ≤ now) in batches of BATCH_SIZE, leases them (so several server instances never send
 * the same row at once), and POSTs them to `<endpoint>/statements`:
 * - 2xx: delivered, rows deleted;
 * - a batch refused with 400/409/413 (the spec makes a batch all-or-nothing) is re-sent one statement at
 *   a time: 409 means the LRS already has that id (statement ids are deterministic) → delivered; 400/413
 *   means the LRS will never take it ("poison") → kept with lastError, retried every POISON_DELAY_MS,
 *   and, being pushed back in the queue, never holds up the others;
 * - network errors, timeouts, 5xx, 401/403/404/429: the rows back off exponentially (BASE_BACKOFF_MS ×
 *   2^(attempts−1), ±20 % jitter, capped at MAX_BACKOFF_MS) and the run stops (the LRS is down).
 * One run at a time per process (a second call joins the running one).
 */
export const BATCH_SIZE = 50
export const BASE_BACKOFF_MS = 30_000
export const MAX_BACKOFF_MS = 60 * 60_000
export const POISON_DELAY_MS = 6 * 60 * 60_000
/** A leased row is retried after this long if its sender died mid-request. */
export const LEASE_MS = 2 * 60_000
const REQUEST_TIMEOUT_MS = 20_000
const MAX_BATCHES_PER_RUN = 40

export type ForwardReport = {
  /** Statements POSTed (each once, even when a refused batch was re-sent one by one). */
  attempted: number
  delivered: number
  poisoned: number
  /** Statements left for a later run because the LRS was unreachable or failing. */
  deferred: number
}

export type RunOptions = {
  /** Defaults to the environment (lrsConfig()); null or unset: nothing is sent. */
  config?: LrsConfig | null
  /** The clock (tests move it forward instead of sleeping). */
  now?: Date
  batchSize?: number
  timeoutMs?: number
}

/** Delay before the next attempt after `attempts` failures (attempts ≥ 1). */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const exp = BASE_BACKOFF_MS * 2 ** Math.min(Math.max(attempts - 1, 0), 20)
  return Math.round(Math.min(MAX_BACKOFF_MS, Math.min(MAX_BACKOFF_MS, exp) * (0.8 + 0.4 * random())))
}

type Outcome = { kind: 'delivered' } | { kind: 'poison'; error: string } | { kind: 'retry'; error: string }

const g = globalThis as unknown as { kenshuXapiForwarderRun?: Promise<ForwardReport> }

/**
 * Forwards every due outbox row (up to MAX_BATCHES_PER_RUN batches) and returns what happened. Never
 * throws for LRS problems (they are recorded on the rows); database errors propagate.
 */
export function runOnce(opts: RunOptions = {}): Promise<ForwardReport> {
  if (g.kenshuXapiForwarderRun) return g.kenshuXapiForwarderRun
  const run = forward(opts).finally(() => {
    if (g.kenshuXapiForwarderRun === run) g.kenshuXapiForwarderRun = undefined
  })
  g.kenshuXapiForwarderRun = run
  return run
}

async function forward(opts: RunOptions): Promise<ForwardReport> {
  const report: ForwardReport = { attempted: 0, delivered: 0, poisoned: 0, deferred: 0 }
  const config = opts.config === undefined ? lrsConfig() : opts.config
  if (!config) return report
  const db = getDb()
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? BATCH_SIZE, BATCH_SIZE))

  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const now = opts.now ?? new Date()
    const due = await db.xapiOutbox.findMany({
      where: { nextAttemptAt: { lte: now } },
      orderBy: [{ nextAttemptAt: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
      take: batchSize,
      select: { id: true, statementId: true, attempts: true, nextAttemptAt: true },
    })
    if (!due.length) break
    // Lease: a conditional update per row, so a row another instance already took is skipped.
    const leaseUntil = new Date(now.getTime() + LEASE_MS)
    const claimed: typeof due = []
    for (const row of due) {
      const { count } = await db.xapiOutbox.updateMany({
        where: { id: row.id, nextAttemptAt: row.nextAttemptAt },
        data: { nextAttemptAt: leaseUntil },
      })
      if (count === 1) claimed.push(row)
    }
    if (!claimed.length) continue
    const rows = await db.xapiStatement.findMany({
      where: { id: { in: claimed.map((c) => c.statementId) } },
      select: { id: true, json: true },
    })
    const byId = new Map(rows.map((r) => [r.id, r.json]))
    const orphans = claimed.filter((c) => !byId.has(c.statementId))
    if (orphans.length) await db.xapiOutbox.deleteMany({ where: { id: { in: orphans.map((o) => o.id) } } })
    const sendable = claimed.filter((c) => byId.has(c.statementId))
    if (!sendable.length) continue

    const outcomes = await deliver(
      config,
      sendable.map((c) => ({ id: c.statementId, json: byId.get(c.statementId)! })),
      opts.timeoutMs ?? REQUEST_TIMEOUT_MS,
    )
    report.attempted += sendable.length
    const delivered = sendable.filter((c) => outcomes.get(c.statementId)?.kind === 'delivered')
    if (delivered.length)
      await db.xapiOutbox.deleteMany({ where: { id: { in: delivered.map((d) => d.id) } } })
    report.delivered += delivered.length
    let down = false
    for (const c of sendable) {
      const o = outcomes.get(c.statementId) ?? { kind: 'retry', error: 'not sent' }
      if (o.kind === 'delivered') continue
      const attempts = c.attempts + 1
      const delay = o.kind === 'poison' ? POISON_DELAY_MS : backoffMs(attempts)
      if (o.kind === 'poison') report.poisoned++
      else {
        report.deferred++
        down = true
      }
      await db.xapiOutbox.update({
        where: { id: c.id },
        data: { attempts, nextAttemptAt: new Date(now.getTime() + delay), lastError: o.error.slice(0, 1000) },
      })
    }
    if (down) break
  }
  return report
}

type Post = { status: number; body: string } | { error: string }

async function post(config: LrsConfig, statements: unknown[], timeoutMs: number): Promise<Post> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-experience-api-version': XAPI_VERSION,
  }
  if (config.username !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`, 'utf8').toString('base64')}`
  try {
    const res = await fetch(`${config.endpoint}/statements`, {
      method: 'POST',
      headers,
      body: JSON.stringify(statements),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    })
    const body = await res.text().catch(() => '')
    return { status: res.status, body: body.slice(0, 500) }
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    return { error: `network: ${cause?.code ?? cause?.message ?? (err as Error).message ?? String(err)}` }
  }
}

const httpError = (p: { status: number; body: string }) => `HTTP ${p.status}${p.body ? `: ${p.body}` : ''}`
const refusesBatch = (status: number) => status === 400 || status === 409 || status === 413

async function deliver(
  config: LrsConfig,
  items: { id: string; json: string }[],
  timeoutMs: number,
): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>()
  const all = (o: Outcome) => {
    for (const i of items) out.set(i.id, o)
    return out
  }
  const parsed = items.map((i) => JSON.parse(i.json) as unknown)
  const res = await post(config, parsed, timeoutMs)
  if ('error' in res) return all({ kind: 'retry', error: res.error })
  if (res.status >= 200 && res.status < 300) return all({ kind: 'delivered' })
  if (!refusesBatch(res.status)) return all({ kind: 'retry', error: httpError(res) })
  if (items.length === 1)
    return all(res.status === 409 ? { kind: 'delivered' } : { kind: 'poison', error: httpError(res) })

  // The LRS refused the batch because of some statement(s): find them one by one.
  for (let i = 0; i < items.length; i++) {
    const one = await post(config, [parsed[i]], timeoutMs)
    const id = items[i]!.id
    if ('error' in one || !(one.status < 300 || refusesBatch(one.status))) {
      const error = 'error' in one ? one.error : httpError(one)
      for (const rest of items.slice(i)) out.set(rest.id, { kind: 'retry', error })
      break
    }
    out.set(
      id,
      one.status < 300 || one.status === 409
        ? { kind: 'delivered' }
        : { kind: 'poison', error: httpError(one) },
    )
  }
  return out
}

/**
 * Runs the forwarder every `intervalMs` (and once at start) until the returned stop function is
 * called; stop waits for a run in progress to finish. Does nothing when no LRS is configured.
 */
export function startXapiForwarder(
  opts: { intervalMs?: number; config?: LrsConfig | null } = {},
): () => Promise<void> {
  const config = opts.config === undefined ? lrsConfig() : opts.config
  if (!config) return async () => undefined
  const intervalMs = Math.max(100, opts.intervalMs ?? 15_000)
  let failing = false
  let stopped = false
  let current: Promise<unknown> = Promise.resolve()
  const tick = () => {
    if (stopped) return
    current = runOnce({ config })
      .then((r) => {
        const nowFailing = r.deferred > 0
        if (nowFailing && !failing)
          console.warn(`xapi: LRS ${config.endpoint} unavailable; statements kept in the outbox`)
        if (!nowFailing && failing && r.attempted)
          console.log('xapi: LRS reachable again, forwarding resumed')
        if (r.poisoned)
          console.warn(`xapi: the LRS refused ${r.poisoned} statement(s); see XapiOutbox.lastError`)
        if (nowFailing || r.attempted) failing = nowFailing
      })
      .catch((err: unknown) => console.error('xapi: forwarding failed', err))
  }
  const timer = setInterval(tick, intervalMs)
  timer.unref()
  tick()
  return async () => {
    stopped = true
    clearInterval(timer)
    await current
  }
}
