import 'server-only'
import { isUniqueViolation } from '../db/errors'
import { createHash } from 'node:crypto'
import type { Prisma } from '../db/generated/sqlite/client'
import { getDb } from '../db/client'
import { can, type Permission, type Role } from '../auth/rbac'
import type { LearningEvent } from '../progress/events'
import { getLab } from '../labs/catalog'
import { contentCatalog } from '../content/catalog'
import { lrsConfig, xapiBaseUrl } from './config'
import {
  normalizeBaseUrl,
  relatedActivityIds,
  statementFor,
  statementIdFor,
  XAPI_VERSION,
  type ActivityTitles,
  type LanguageMap,
  type XapiActivity,
  type XapiAgent,
  type XapiStatement,
} from './statement'
import {
  effectiveLimit,
  encodeMore,
  STATEMENTS_PATH,
  type StatementFilters,
  type StatementFormat,
} from './query'

/**
 * The xAPI statement store (the LRS part of Kenshu) and the scoping of its reads. Statements are
 * written by recordXapi from learning events (lib/progress/events.ts), once per event; they are never
 * changed or voided. Every read takes a scope decided by the caller from the viewer (xapiScopeFor).
 */
type Tx = Prisma.TransactionClient

/** Whose statements a reader may see: the organisation, optionally narrowed to some people. */
export type XapiScope = { organizationId: string; userIds?: readonly string[] }

export type StatementResult = { statements: XapiStatement[]; more: string }

/**
 * The longest a recording transaction may stay open (Prisma's interactive transaction timeout is 5 s):
 * statements stored before now − this margin are visible to every reader
 * (`X-Experience-API-Consistent-Through`).
 */
export const CONSISTENCY_MARGIN_MS = 10_000

export function consistentThrough(now = new Date()): Date {
  return new Date(now.getTime() - CONSISTENCY_MARGIN_MS)
}

// ---------------------------------------------------------------------------------------------------
// Recording

/** Catalogue titles for the statement's activities (best effort: ids are used when a lookup fails). */
async function titlesFor(e: LearningEvent): Promise<ActivityTitles> {
  try {
    if (e.type === 'lab-task' || e.type === 'lab-complete') {
      const lab = (await getLab(e.labId))?.lab.manifest
      if (!lab) return {}
      if (e.type === 'lab-complete') return { object: lab.title }
      const task = lab.tasks.find((t) => t.id === e.taskId)
      return { ...(task ? { object: task.title } : {}), parent: lab.title }
    }
    const c = await contentCatalog()
    const itemType = e.itemType === 'tabletop' ? 'briefing' : e.itemType
    const item =
      itemType === 'module'
        ? c.modules.get(e.itemId)
        : itemType === 'briefing'
          ? c.briefings.get(e.itemId)
          : c.curricula.find((x) => x.id === e.itemId)
    if (!item) return {}
    if (e.type === 'quiz')
      return {
        object: { en: `${item.title.en}: quiz`, ja: `${item.title.ja}：確認テスト` },
        parent: item.title,
      }
    if (e.itemType === 'tabletop') {
      const tt = 'tabletop' in item ? item.tabletop : undefined
      return { object: tt?.title ?? item.title, parent: item.title }
    }
    return { object: item.title }
  } catch {
    return {}
  }
}

/**
 * The catalogues are loaded once per process and are already in memory when a lab or content event
 * happens; should one still be loading (a cold process), the statement uses ids as names rather than
 * keep the caller's transaction open.
 */
const TITLE_LOOKUP_MS = 250

function titlesWithin(e: LearningEvent, ms: number): Promise<ActivityTitles> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<ActivityTitles>((resolve) => {
    timer = setTimeout(() => resolve({}), ms)
    timer.unref?.()
  })
  return Promise.race([titlesFor(e), timeout]).finally(() => clearTimeout(timer))
}

/**
 * Stores the statement for `event` (and, when an external LRS is configured, queues it for forwarding
 * in the same transaction). Idempotent: the statement id is derived from the event, so a replay is a
 * no-op (`created: false`). The actor is resolved from the user row (display name, language); the
 * e-mail address is never put in a statement. Pass the caller's transaction to make it atomic with the
 * graded event itself.
 */
export async function recordXapi(event: LearningEvent, tx?: Tx): Promise<{ id: string; created: boolean }> {
  const db = tx ?? getDb()
  const id = statementIdFor(event)
  if (await db.xapiStatement.findUnique({ where: { id }, select: { id: true } }))
    return { id, created: false }
  const [user, titles] = await Promise.all([
    db.user.findUnique({ where: { id: event.who.userId }, select: { name: true, locale: true } }),
    titlesWithin(event, TITLE_LOOKUP_MS),
  ])
  const statement = statementFor(event, {
    baseUrl: xapiBaseUrl(),
    actor: { name: user?.name },
    lang: user?.locale ?? 'en',
    titles,
  })
  const data = {
    id,
    organizationId: event.who.organizationId,
    userId: event.who.userId,
    verb: statement.verb.id,
    activityId: statement.object.id,
    registration: statement.context?.registration ?? null,
    success: statement.result?.success ?? null,
    timestamp: event.at,
    stored: new Date(),
    json: JSON.stringify(statement),
  }
  const forward = lrsConfig() !== null
  try {
    if (tx) {
      await tx.xapiStatement.create({ data })
      if (forward) await tx.xapiOutbox.create({ data: { statementId: id } })
    } else {
      const d = getDb()
      await d.$transaction([
        d.xapiStatement.create({ data }),
        ...(forward ? [d.xapiOutbox.create({ data: { statementId: id } })] : []),
      ])
    }
  } catch (err) {
    // Inside a transaction the caller decides (it rolls back); outside, a concurrent writer won.
    if (tx || !isUniqueViolation(err)) throw err
    return { id, created: false }
  }
  return { id, created: true }
}

// ---------------------------------------------------------------------------------------------------
// Scope

export type XapiReader = {
  id: string
  organizationId: string
  role: Role
  /** Set for API-token principals: exactly what the token grants (see lib/auth/session.ts). */
  permissions?: readonly Permission[]
}

/**
 * Whose statements `viewer` may read: the whole organisation with org:readiness (HR, admin, tokens
 * whose scope grants it); with team:view, themselves and the members of the teams they lead; otherwise
 * only themselves. An API token without org:readiness gets null (it acts for the organisation, not for
 * a person, so "own statements" has no meaning for it): the caller answers 403.
 */
export async function xapiScopeFor(viewer: XapiReader): Promise<XapiScope | null> {
  const has = (p: Permission) => (viewer.permissions ? viewer.permissions.includes(p) : can(viewer.role, p))
  const organizationId = viewer.organizationId
  if (has('org:readiness')) return { organizationId }
  if (viewer.permissions) return null
  if (has('team:view')) {
    const led = await getDb().teamMember.findMany({
      where: { userId: viewer.id, isLead: true, team: { organizationId } },
      select: { teamId: true },
    })
    const members = led.length
      ? await getDb().teamMember.findMany({
          where: { teamId: { in: led.map((t) => t.teamId) } },
          select: { userId: true },
        })
      : []
    return { organizationId, userIds: [...new Set([viewer.id, ...members.map((m) => m.userId)])] }
  }
  return { organizationId, userIds: [viewer.id] }
}

// ---------------------------------------------------------------------------------------------------
// Reading

const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex')

/**
 * The user an `agent` filter denotes within the organisation, or null when it denotes nobody here.
 * Statements identify actors by account (homePage = this site, name = user id); an mbox or
 * mbox_sha1sum filter is matched against the members' e-mail addresses, so HR tools can ask by e-mail.
 */
async function agentUserId(organizationId: string, agent: NonNullable<StatementFilters['agent']>) {
  if (agent.objectType === 'Group') return null
  if (agent.account) {
    let home: string
    try {
      home = normalizeBaseUrl(agent.account.homePage)
    } catch {
      return null
    }
    return home === normalizeBaseUrl(xapiBaseUrl()) ? agent.account.name : null
  }
  if (agent.mbox) {
    const email = agent.mbox.slice('mailto:'.length).toLowerCase()
    const m = await getDb().membership.findFirst({
      where: { organizationId, user: { email } },
      select: { userId: true },
    })
    return m?.userId ?? null
  }
  if (agent.mbox_sha1sum) {
    const members = await getDb().membership.findMany({
      where: { organizationId },
      select: { userId: true, user: { select: { email: true } } },
    })
    const hit = members.find(
      (m) =>
        sha1(`mailto:${m.user.email}`) === agent.mbox_sha1sum ||
        sha1(`mailto:${m.user.email.toLowerCase()}`) === agent.mbox_sha1sum,
    )
    return hit?.userId ?? null
  }
  return null
}

function authority(base: string): XapiAgent {
  return { objectType: 'Agent', name: 'Kenshu', account: { homePage: base, name: 'kenshu' } }
}

function idsOnlyAgent(a: XapiAgent): XapiAgent {
  const { name: _n, ...rest } = a
  void _n
  return rest
}
const idsOnlyActivity = (a: XapiActivity): XapiActivity => ({ objectType: 'Activity', id: a.id })

/** Picks one language of a language map (canonical format): the first preferred one present. */
function pickLanguage(map: LanguageMap | undefined, prefs: readonly string[]): LanguageMap | undefined {
  if (!map) return map
  const keys = Object.keys(map)
  for (const p of prefs) {
    const k =
      keys.find((x) => x.toLowerCase() === p.toLowerCase()) ??
      keys.find((x) => x.toLowerCase().split('-')[0] === p.toLowerCase().split('-')[0])
    if (k) return { [k]: map[k]! }
  }
  return map
}

/** A stored row as the API returns it, in the requested format. */
function present(
  row: { json: string; stored: Date },
  format: StatementFormat,
  languages: readonly string[],
): XapiStatement {
  const s = JSON.parse(row.json) as XapiStatement
  const base = normalizeBaseUrl(s.actor.account?.homePage ?? xapiBaseUrl())
  const out: XapiStatement = {
    ...s,
    stored: row.stored.toISOString(),
    authority: authority(base),
    version: s.version ?? XAPI_VERSION,
  }
  if (format === 'ids') {
    out.actor = idsOnlyAgent(out.actor)
    out.authority = idsOnlyAgent(out.authority!)
    out.verb = { id: out.verb.id }
    out.object = idsOnlyActivity(out.object)
    const ca = out.context?.contextActivities
    if (ca && out.context)
      out.context = {
        ...out.context,
        contextActivities: Object.fromEntries(
          Object.entries(ca).map(([k, list]) => [k, (list ?? []).map(idsOnlyActivity)]),
        ),
      }
  } else if (format === 'canonical') {
    const pick = (a: XapiActivity): XapiActivity =>
      a.definition
        ? {
            ...a,
            definition: {
              ...a.definition,
              ...(a.definition.name ? { name: pickLanguage(a.definition.name, languages) } : {}),
              ...(a.definition.description
                ? { description: pickLanguage(a.definition.description, languages) }
                : {}),
            },
          }
        : a
    out.verb = {
      ...out.verb,
      ...(out.verb.display ? { display: pickLanguage(out.verb.display, languages) } : {}),
    }
    out.object = pick(out.object)
    const ca = out.context?.contextActivities
    if (ca && out.context)
      out.context = {
        ...out.context,
        contextActivities: Object.fromEntries(
          Object.entries(ca).map(([k, list]) => [k, (list ?? []).map(pick)]),
        ),
      }
  }
  return out
}

export type QueryOptions = {
  /** Preferred languages for format=canonical (from Accept-Language). */
  languages?: readonly string[]
  now?: Date
}

/** One statement by id within the scope, or null (unknown, or not the reader's to see: both are 404). */
export async function getStatement(
  scope: XapiScope,
  statementId: string,
  format: StatementFormat = 'exact',
  opts: QueryOptions = {},
): Promise<XapiStatement | null> {
  const row = await getDb().xapiStatement.findFirst({
    where: {
      id: statementId.toLowerCase(),
      organizationId: scope.organizationId,
      ...(scope.userIds ? { userId: { in: [...scope.userIds] } } : {}),
    },
    select: { json: true, stored: true },
  })
  return row ? present(row, format, opts.languages ?? ['en-US']) : null
}

/** JSON fragment every activity of a stored statement starts with (statementFor's key order). */
const activityNeedle = (iri: string) => `"objectType":"Activity","id":${JSON.stringify(iri)}`

/**
 * Statements matching `filters` within `scope`, newest stored first (or oldest with ascending), at most
 * `limit`, with a `more` IRL when there are further results (empty string otherwise). A statementId
 * filter returns that statement alone (or none); voidedStatementId never matches (nothing is voided).
 */
export async function queryStatements(
  scope: XapiScope,
  filters: StatementFilters,
  opts: QueryOptions = {},
): Promise<StatementResult> {
  const format = filters.format ?? 'exact'
  const languages = opts.languages ?? ['en-US']
  if (filters.voidedStatementId) return { statements: [], more: '' }
  if (filters.statementId) {
    const s = await getStatement(scope, filters.statementId, format, opts)
    return { statements: s ? [s] : [], more: '' }
  }
  const empty: StatementResult = { statements: [], more: '' }
  let userIds = scope.userIds ? [...scope.userIds] : undefined
  if (filters.agent) {
    const uid = await agentUserId(scope.organizationId, filters.agent)
    if (!uid || (userIds && !userIds.includes(uid))) return empty
    userIds = [uid]
  }
  const now = opts.now ?? new Date()
  const snapshot = filters.cursor?.snapshot ?? now
  const upper = filters.until && filters.until < snapshot ? filters.until : snapshot
  const asc = filters.ascending ?? false
  const dir = asc ? ('asc' as const) : ('desc' as const)
  const limit = effectiveLimit(filters.limit)
  const related = Boolean(filters.activity && filters.relatedActivities)

  const base: Prisma.XapiStatementWhereInput = {
    organizationId: scope.organizationId,
    ...(userIds ? { userId: userIds.length === 1 ? userIds[0]! : { in: userIds } } : {}),
    ...(filters.verb ? { verb: filters.verb } : {}),
    ...(filters.registration ? { registration: filters.registration } : {}),
    ...(filters.activity && !related ? { activityId: filters.activity } : {}),
    ...(related
      ? { OR: [{ activityId: filters.activity! }, { json: { contains: activityNeedle(filters.activity!) } }] }
      : {}),
    stored: { ...(filters.since ? { gt: filters.since } : {}), lte: upper },
  }
  const after = (c: { stored: Date; id: string }): Prisma.XapiStatementWhereInput => ({
    OR: [
      { stored: asc ? { gt: c.stored } : { lt: c.stored } },
      { stored: c.stored, id: asc ? { gt: c.id } : { lt: c.id } },
    ],
  })

  // `contains` is a LIKE (case-insensitive on SQLite, `_` a wildcard), so related-activity candidates
  // are checked exactly on the parsed statement; keep reading until the page is full or rows run out.
  const chunk = related ? Math.max(limit + 1, 200) : limit + 1
  const picked: { json: string; stored: Date; id: string; parsed?: XapiStatement }[] = []
  let position = filters.cursor ? { stored: filters.cursor.stored, id: filters.cursor.id } : undefined
  for (;;) {
    const rows = await getDb().xapiStatement.findMany({
      where: position ? { AND: [base, after(position)] } : base,
      orderBy: [{ stored: dir }, { id: dir }],
      take: chunk,
      select: { id: true, json: true, stored: true },
    })
    for (const r of rows) {
      if (related) {
        const parsed = JSON.parse(r.json) as XapiStatement
        if (!relatedActivityIds(parsed).includes(filters.activity!)) continue
      }
      picked.push(r)
      if (picked.length > limit) break
    }
    if (picked.length > limit || rows.length < chunk) break
    const last = rows[rows.length - 1]!
    position = { stored: last.stored, id: last.id }
  }
  const page = picked.slice(0, limit)
  const more =
    picked.length > limit
      ? `${STATEMENTS_PATH}?more=${encodeMore(filters, {
          stored: page[page.length - 1]!.stored,
          id: page[page.length - 1]!.id,
          snapshot,
        })}`
      : ''
  return { statements: page.map((r) => present(r, format, languages)), more }
}
