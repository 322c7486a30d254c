/**
 * GET /api/xapi/statements parameters (xAPI 1.0.3 §7.2.3 of the communication part), parsed and
 * validated. Pure: the store applies them, the route handler turns an error into a 400.
 *
 * Paging: the `more` IRL carries an opaque token holding the original filters, the position after the
 * last statement returned (stored time + id, the order of the listing) and a snapshot bound (the time
 * of the first page), so every statement that existed when the first page was read is returned exactly
 * once, whatever is inserted in the meantime. The token is not signed: it only ever narrows a query,
 * and who may see what is decided again on every request.
 */
import { checkAgent, isAbsoluteIri, isIsoTimestamp, isUuid } from './statement'

export const STATEMENTS_PATH = '/api/xapi/statements'
export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 500

export type StatementFormat = 'ids' | 'exact' | 'canonical'
export type AgentFilter = {
  objectType: 'Agent' | 'Group'
  mbox?: string
  mbox_sha1sum?: string
  openid?: string
  account?: { homePage: string; name: string }
}
export type PageCursor = { stored: Date; id: string; snapshot: Date }

export type StatementFilters = {
  statementId?: string
  voidedStatementId?: string
  agent?: AgentFilter
  verb?: string
  activity?: string
  registration?: string
  relatedActivities?: boolean
  relatedAgents?: boolean
  since?: Date
  until?: Date
  /** 1..MAX_LIMIT (0 or absent: the default; larger values are capped). */
  limit?: number
  ascending?: boolean
  format?: StatementFormat
  attachments?: boolean
  /** Set from a `more` token: continue after this position, within the first page's snapshot. */
  cursor?: PageCursor
}

export type ParsedQuery = { ok: true; filters: StatementFilters } | { ok: false; error: string }

const KNOWN = new Set([
  'statementId',
  'voidedStatementId',
  'agent',
  'verb',
  'activity',
  'registration',
  'related_activities',
  'related_agents',
  'since',
  'until',
  'limit',
  'format',
  'attachments',
  'ascending',
  'more',
])

const bool = (name: string, v: string): boolean | string =>
  v === 'true' ? true : v === 'false' ? false : `${name} must be true or false`

/** Parses an `agent` parameter (JSON). Returns the filter or an error message. */
export function parseAgent(raw: string): AgentFilter | string {
  let v: unknown
  try {
    v = JSON.parse(raw)
  } catch {
    return 'agent must be a JSON Agent object, e.g. {"account":{"homePage":"…","name":"…"}}'
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'agent must be a JSON object'
  const o = v as Record<string, unknown>
  if (o.objectType === 'Group') {
    const problems: string[] = []
    checkAgent({ ...o, objectType: 'Agent', member: undefined }, 'agent', problems)
    if (problems.length) return `agent: a Group filter needs exactly one identifier (${problems.join('; ')})`
  } else {
    const problems: string[] = []
    checkAgent(o, 'agent', problems)
    if (problems.length) return problems.join('; ')
  }
  const account = o.account as { homePage: string; name: string } | undefined
  return {
    objectType: o.objectType === 'Group' ? 'Group' : 'Agent',
    ...(typeof o.mbox === 'string' ? { mbox: o.mbox } : {}),
    ...(typeof o.mbox_sha1sum === 'string' ? { mbox_sha1sum: o.mbox_sha1sum.toLowerCase() } : {}),
    ...(typeof o.openid === 'string' ? { openid: o.openid } : {}),
    ...(account ? { account: { homePage: account.homePage, name: account.name } } : {}),
  }
}

/**
 * The filters of a request's query string, or an error (→ 400). Unknown or repeated parameters are
 * errors (the spec requires rejecting parameters the LRS does not recognise, including differing case).
 */
export function parseStatementQuery(params: URLSearchParams): ParsedQuery {
  const seen = new Map<string, string>()
  for (const [k, v] of params) {
    if (!KNOWN.has(k)) return { ok: false, error: `unknown parameter '${k}'` }
    if (seen.has(k)) return { ok: false, error: `parameter '${k}' given more than once` }
    seen.set(k, v)
  }
  const p = Object.fromEntries(seen)
  if (p.more !== undefined) {
    if (seen.size > 1) return { ok: false, error: 'more cannot be combined with other parameters' }
    const f = decodeMore(p.more)
    return f ? { ok: true, filters: f } : { ok: false, error: 'more is not a valid continuation token' }
  }
  const f: StatementFilters = {}

  if (p.format !== undefined) {
    if (p.format !== 'ids' && p.format !== 'exact' && p.format !== 'canonical')
      return { ok: false, error: 'format must be ids, exact or canonical' }
    f.format = p.format
  }
  for (const [param, key] of [
    ['attachments', 'attachments'],
    ['ascending', 'ascending'],
    ['related_activities', 'relatedActivities'],
    ['related_agents', 'relatedAgents'],
  ] as const) {
    if (p[param] === undefined) continue
    const b = bool(param, p[param])
    if (typeof b === 'string') return { ok: false, error: b }
    f[key] = b
  }

  if (p.statementId !== undefined || p.voidedStatementId !== undefined) {
    const which = p.statementId !== undefined ? 'statementId' : 'voidedStatementId'
    const others = [...seen.keys()].filter((k) => k !== which && k !== 'format' && k !== 'attachments')
    if (others.length) return { ok: false, error: `${which} cannot be combined with ${others.join(', ')}` }
    const id = p[which]!
    if (!isUuid(id)) return { ok: false, error: `${which} must be a UUID` }
    f[which] = id.toLowerCase()
    return { ok: true, filters: f }
  }

  if (p.agent !== undefined) {
    const a = parseAgent(p.agent)
    if (typeof a === 'string') return { ok: false, error: a }
    f.agent = a
  }
  if (p.verb !== undefined) {
    if (!isAbsoluteIri(p.verb)) return { ok: false, error: 'verb must be an absolute IRI' }
    f.verb = p.verb
  }
  if (p.activity !== undefined) {
    if (!isAbsoluteIri(p.activity)) return { ok: false, error: 'activity must be an absolute IRI' }
    f.activity = p.activity
  }
  if (p.registration !== undefined) {
    if (!isUuid(p.registration)) return { ok: false, error: 'registration must be a UUID' }
    f.registration = p.registration.toLowerCase()
  }
  for (const k of ['since', 'until'] as const) {
    if (p[k] === undefined) continue
    if (!isIsoTimestamp(p[k]))
      return { ok: false, error: `${k} must be an ISO 8601 timestamp with a time zone` }
    f[k] = new Date(p[k])
  }
  if (p.limit !== undefined) {
    if (!/^\d{1,9}$/.test(p.limit)) return { ok: false, error: 'limit must be a non-negative integer' }
    f.limit = Number(p.limit)
  }
  return { ok: true, filters: f }
}

/** The effective page size: 0 or absent → default, capped at MAX_LIMIT. */
export function effectiveLimit(limit: number | undefined): number {
  if (!limit) return limit === 0 ? MAX_LIMIT : DEFAULT_LIMIT
  return Math.min(limit, MAX_LIMIT)
}

// ---------------------------------------------------------------------------------------------------
// `more` tokens

type Wire = {
  v: 1
  f: Omit<StatementFilters, 'since' | 'until' | 'cursor'> & { since?: string; until?: string }
  c: { s: string; i: string; n: string }
}

export function encodeMore(filters: StatementFilters, cursor: PageCursor): string {
  const { since, until, cursor: _old, ...rest } = filters
  void _old
  const wire: Wire = {
    v: 1,
    f: {
      ...rest,
      ...(since ? { since: since.toISOString() } : {}),
      ...(until ? { until: until.toISOString() } : {}),
    },
    c: { s: cursor.stored.toISOString(), i: cursor.id, n: cursor.snapshot.toISOString() },
  }
  return Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url')
}

/** The filters of a `more` token, or null when it is not one of ours (or was tampered into nonsense). */
export function decodeMore(token: string): StatementFilters | null {
  if (!/^[A-Za-z0-9_-]{1,8000}$/.test(token)) return null
  let w: Wire
  try {
    w = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Wire
  } catch {
    return null
  }
  if (!w || w.v !== 1 || typeof w.f !== 'object' || !w.c) return null
  const { since, until, ...rest } = w.f
  // Re-validate through the parser, so a forged token can express nothing a query string cannot.
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(rest)) {
    if (v === undefined) continue
    const name =
      k === 'relatedActivities' ? 'related_activities' : k === 'relatedAgents' ? 'related_agents' : k
    params.set(name, typeof v === 'object' ? JSON.stringify(v) : String(v))
  }
  if (since) params.set('since', since)
  if (until) params.set('until', until)
  const parsed = parseStatementQuery(params)
  if (!parsed.ok || parsed.filters.statementId || parsed.filters.voidedStatementId) return null
  if (!isIsoTimestamp(w.c.s) || !isIsoTimestamp(w.c.n) || typeof w.c.i !== 'string' || w.c.i.length > 64)
    return null
  return {
    ...parsed.filters,
    cursor: { stored: new Date(w.c.s), id: w.c.i, snapshot: new Date(w.c.n) },
  }
}
