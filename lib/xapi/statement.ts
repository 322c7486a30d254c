/**
 * xAPI 1.0.3 statements for Kenshu's learning events (docs/xapi.md). Pure: no database, no clock, so
 * a statement is a function of the event and the site's base URL only.
 *
 * - The statement id is a UUID v5 of `eventKey(event)` in a fixed namespace: replaying an event (a
 *   retried request, a re-run dispatcher) yields the same id, so the store and any external LRS keep one.
 * - The actor is an Agent identified by an `account` on this site (`homePage` = base URL, `name` = the
 *   user id), never by e-mail address: statements leave the organisation when forwarded to an LRS, and a
 *   stable opaque id is enough to join them back to a person here.
 * - Verbs come from the ADL vocabulary; activity types from the ADL activity types.
 */
import { createHash } from 'node:crypto'
import { eventKey, type LearningEvent } from '../progress/events'

export const XAPI_VERSION = '1.0.3'

/** Namespace of statement ids (UUID v5). Never change it: ids must survive upgrades. */
export const STATEMENT_NAMESPACE = 'a4f6b1c2-5d7e-4f80-9a1b-2c3d4e5f6a70'
/** Namespace of registrations (UUID v5 of the lab session id / quiz attempt id). */
export const REGISTRATION_NAMESPACE = 'b7e3c9d1-2a4f-4b6e-8c0d-1e2f3a4b5c6d'

export type LanguageMap = Record<string, string>
export type XapiAccount = { homePage: string; name: string }
export type XapiAgent = {
  objectType: 'Agent'
  name?: string
  mbox?: string
  mbox_sha1sum?: string
  openid?: string
  account?: XapiAccount
}
export type XapiVerb = { id: string; display?: LanguageMap }
export type XapiActivityDefinition = {
  name?: LanguageMap
  description?: LanguageMap
  type?: string
  moreInfo?: string
  extensions?: Record<string, unknown>
}
export type XapiActivity = { objectType: 'Activity'; id: string; definition?: XapiActivityDefinition }
export type XapiResult = {
  success?: boolean
  completion?: boolean
  score?: { scaled?: number; raw?: number; min?: number; max?: number }
  duration?: string
  response?: string
  extensions?: Record<string, unknown>
}
export type XapiContext = {
  registration?: string
  platform?: string
  language?: string
  contextActivities?: Partial<Record<'parent' | 'grouping' | 'category' | 'other', XapiActivity[]>>
  extensions?: Record<string, unknown>
}
export type XapiStatement = {
  id: string
  actor: XapiAgent
  verb: XapiVerb
  object: XapiActivity
  result?: XapiResult
  context?: XapiContext
  timestamp: string
  stored?: string
  authority?: XapiAgent
  version?: string
}

/** The ADL verbs Kenshu uses, with their display in both UI languages. */
export const VERBS = {
  passed: {
    id: 'http://adlnet.gov/expapi/verbs/passed',
    display: { 'en-US': 'passed', 'ja-JP': '合格した' },
  },
  failed: {
    id: 'http://adlnet.gov/expapi/verbs/failed',
    display: { 'en-US': 'failed', 'ja-JP': '不合格だった' },
  },
  completed: {
    id: 'http://adlnet.gov/expapi/verbs/completed',
    display: { 'en-US': 'completed', 'ja-JP': '完了した' },
  },
} as const satisfies Record<string, { id: string; display: LanguageMap }>

/** ADL activity types per Kenshu activity kind. */
export const ACTIVITY_TYPES = {
  lab: 'http://adlnet.gov/expapi/activities/simulation',
  'lab-task': 'http://adlnet.gov/expapi/activities/interaction',
  module: 'http://adlnet.gov/expapi/activities/module',
  quiz: 'http://adlnet.gov/expapi/activities/assessment',
  briefing: 'http://adlnet.gov/expapi/activities/lesson',
  curriculum: 'http://adlnet.gov/expapi/activities/course',
  tabletop: 'http://adlnet.gov/expapi/activities/simulation',
} as const
export type ActivityKind = keyof typeof ACTIVITY_TYPES

/** Titles of the object and its parent (from the lab and content catalogues); ids are used when absent. */
export type ActivityTitles = { object?: { en: string; ja: string }; parent?: { en: string; ja: string } }

export type StatementContext = {
  /** The site's origin, e.g. `https://kenshu.example.org` (no trailing slash needed). */
  baseUrl: string
  /** The learner's display name (the account identifies them; the name is for people reading an LRS). */
  actor?: { name?: string }
  /** The learner's UI language; sets context.language. */
  lang?: string
  titles?: ActivityTitles
}

// ---------------------------------------------------------------------------------------------------
// UUID v5 (RFC 9562 §5.5)

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i

export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && UUID_RE.test(s)
}

export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex')
  if (ns.length !== 16) throw new Error(`bad UUID namespace ${namespace}`)
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16)
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`
}

/** The statement id of an event (the same event always gets the same id). */
export function statementIdFor(event: LearningEvent): string {
  return uuidV5(eventKey(event), STATEMENT_NAMESPACE)
}

/** The registration of a lab session (every statement of one session shares it). */
export function labRegistration(labSessionId: string): string {
  return uuidV5(`lab-session:${labSessionId}`, REGISTRATION_NAMESPACE)
}

export function quizRegistration(attemptId: string): string {
  return uuidV5(`quiz-attempt:${attemptId}`, REGISTRATION_NAMESPACE)
}

// ---------------------------------------------------------------------------------------------------
// IRIs

export function normalizeBaseUrl(baseUrl: string): string {
  return new URL(baseUrl).origin
}

const seg = (s: string) => encodeURIComponent(s)

/**
 * The activity IRI of a Kenshu item: `<base>/xapi/activities/<kind>/<id>`; a lab task is
 * `lab/<labId>/task/<taskId>`, a module or briefing quiz `<module|briefing>/<id>/quiz`.
 */
export function activityIri(baseUrl: string, kind: ActivityKind, id: string, sub?: string): string {
  const base = `${normalizeBaseUrl(baseUrl)}/xapi/activities`
  switch (kind) {
    case 'lab-task':
      return `${base}/lab/${seg(id)}/task/${seg(sub ?? '')}`
    case 'quiz':
      return `${base}/${seg(sub ?? 'module')}/${seg(id)}/quiz`
    default:
      return `${base}/${kind}/${seg(id)}`
  }
}

export function extensionIri(baseUrl: string, name: 'framework-statements' | 'without-hints'): string {
  return `${normalizeBaseUrl(baseUrl)}/xapi/extensions/${name}`
}

/** `frameworkId:statementId` for each statement of the event, deduplicated and sorted. */
export function frameworkStatementRefs(frameworkId: string, statementIds: readonly string[]): string[] {
  return [...new Set(statementIds.map((s) => `${frameworkId}:${s}`))].sort()
}

/** The page of an item in the app (the definition's moreInfo). */
function pageOf(baseUrl: string, kind: ActivityKind, id: string): string | undefined {
  const b = normalizeBaseUrl(baseUrl)
  switch (kind) {
    case 'lab':
    case 'lab-task':
      return `${b}/labs/${seg(id)}`
    case 'module':
      return `${b}/learn/modules/${seg(id)}`
    case 'curriculum':
      return `${b}/learn/curricula/${seg(id)}`
    case 'briefing':
    case 'tabletop':
      return `${b}/briefings/${seg(id)}`
    default:
      return undefined
  }
}

const KIND_LABEL: Record<ActivityKind, { en: string; ja: string }> = {
  lab: { en: 'Lab', ja: 'ラボ' },
  'lab-task': { en: 'Lab task', ja: 'ラボ課題' },
  module: { en: 'Module', ja: 'モジュール' },
  quiz: { en: 'Quiz', ja: '確認テスト' },
  briefing: { en: 'Briefing', ja: 'ブリーフィング' },
  curriculum: { en: 'Curriculum', ja: 'カリキュラム' },
  tabletop: { en: 'Tabletop exercise', ja: '机上演習' },
}

function nameMap(kind: ActivityKind, fallbackId: string, title?: { en: string; ja: string }): LanguageMap {
  if (title) return { 'en-US': title.en, 'ja-JP': title.ja }
  const l = KIND_LABEL[kind]
  return { 'en-US': `${l.en} ${fallbackId}`, 'ja-JP': `${l.ja} ${fallbackId}` }
}

function activity(
  baseUrl: string,
  kind: ActivityKind,
  id: string,
  opts: { sub?: string; title?: { en: string; ja: string }; label?: string } = {},
): XapiActivity {
  const more = pageOf(baseUrl, kind === 'quiz' ? (opts.sub === 'briefing' ? 'briefing' : 'module') : kind, id)
  return {
    objectType: 'Activity',
    id: activityIri(baseUrl, kind, id, opts.sub),
    definition: {
      name: nameMap(kind, opts.label ?? id, opts.title),
      type: ACTIVITY_TYPES[kind],
      ...(more ? { moreInfo: more } : {}),
    },
  }
}

export function languageTag(lang: string | undefined): string {
  if (lang === 'ja' || lang?.startsWith('ja-')) return 'ja-JP'
  return 'en-US'
}

const clampScaled = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0)
/** Scores are kept to 4 decimals so a statement serialises the same everywhere. */
const scaled = (x: number) => Math.round(clampScaled(x) * 10_000) / 10_000

// ---------------------------------------------------------------------------------------------------

/** The xAPI 1.0.3 statement for a learning event. Deterministic: same event and context → same JSON. */
export function statementFor(event: LearningEvent, ctx: StatementContext): XapiStatement {
  const base = normalizeBaseUrl(ctx.baseUrl)
  const t = ctx.titles ?? {}
  let verb: XapiVerb
  let object: XapiActivity
  let parent: XapiActivity | undefined
  let result: XapiResult | undefined
  let registration: string | undefined

  switch (event.type) {
    case 'lab-task':
      verb = event.passed ? VERBS.passed : VERBS.failed
      object = activity(base, 'lab-task', event.labId, {
        sub: event.taskId,
        title: t.object,
        label: `${event.labId}/${event.taskId}`,
      })
      parent = activity(base, 'lab', event.labId, { title: t.parent })
      result = { success: event.passed, score: { scaled: scaled(event.scaled) } }
      registration = labRegistration(event.labSessionId)
      break
    case 'lab-complete':
      verb = VERBS.completed
      object = activity(base, 'lab', event.labId, { title: t.object })
      result = {
        completion: true,
        score: { scaled: scaled(event.scaled) },
        extensions: { [extensionIri(base, 'without-hints')]: event.passedWithoutHints },
      }
      registration = labRegistration(event.labSessionId)
      break
    case 'quiz':
      verb = event.passed ? VERBS.passed : VERBS.failed
      object = activity(base, 'quiz', event.itemId, {
        sub: event.itemType,
        title: t.object,
        label: `${event.itemId}`,
      })
      parent = activity(base, event.itemType, event.itemId, { title: t.parent })
      result = { success: event.passed, completion: true, score: { scaled: scaled(event.scaled) } }
      registration = quizRegistration(event.attemptId)
      break
    case 'completed':
      verb = VERBS.completed
      object = activity(base, event.itemType, event.itemId, { title: t.object })
      // A tabletop exercise is part of a briefing and shares its id.
      if (event.itemType === 'tabletop')
        parent = activity(base, 'briefing', event.itemId, { title: t.parent })
      result = { completion: true }
      break
  }

  const name = ctx.actor?.name?.trim()
  const statement: XapiStatement = {
    id: statementIdFor(event),
    actor: {
      objectType: 'Agent',
      ...(name ? { name } : {}),
      account: { homePage: base, name: event.who.userId },
    },
    verb: { id: verb.id, display: { ...verb.display } },
    object,
    ...(result ? { result } : {}),
    context: {
      ...(registration ? { registration } : {}),
      platform: 'Kenshu',
      language: languageTag(ctx.lang),
      ...(parent ? { contextActivities: { parent: [parent] } } : {}),
      extensions: {
        [extensionIri(base, 'framework-statements')]: frameworkStatementRefs(
          event.frameworkId,
          event.statementIds,
        ),
      },
    },
    timestamp: event.at.toISOString(),
    version: XAPI_VERSION,
  }
  return statement
}

/** Every activity a statement refers to (object and context activities), for `related_activities`. */
export function relatedActivityIds(s: XapiStatement): string[] {
  const ids = [s.object.id]
  const ca = s.context?.contextActivities
  if (ca) for (const list of Object.values(ca)) for (const a of list ?? []) ids.push(a.id)
  return ids
}

// ---------------------------------------------------------------------------------------------------
// Validation (xAPI 1.0.3 §2.4, the parts Kenshu statements use)

/** An absolute IRI: a scheme, then something. (Also accepts URLs, which are IRIs.) */
export function isAbsoluteIri(s: unknown): s is string {
  return typeof s === 'string' && /^[a-z][a-z0-9+.-]*:[^\s<>"{}|\\^`]+$/i.test(s)
}

/** isAbsoluteIri without the type guard (for values already known to be strings). */
const isIri = (s: string): boolean => isAbsoluteIri(s)

const LANGUAGE_TAG = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

export function isIsoTimestamp(s: unknown): s is string {
  return typeof s === 'string' && ISO_8601.test(s) && !Number.isNaN(Date.parse(s))
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function checkLanguageMap(v: unknown, at: string, out: string[]) {
  if (!isObj(v)) return void out.push(`${at}: must be a language map`)
  for (const [k, text] of Object.entries(v)) {
    if (!LANGUAGE_TAG.test(k)) out.push(`${at}: '${k}' is not an RFC 5646 language tag`)
    if (typeof text !== 'string') out.push(`${at}.${k}: must be a string`)
  }
}

function checkExtensions(v: unknown, at: string, out: string[]) {
  if (v === undefined) return
  if (!isObj(v)) return void out.push(`${at}: must be an object`)
  for (const k of Object.keys(v)) if (!isIri(k)) out.push(`${at}: key '${k}' is not an absolute IRI`)
}

export function checkAgent(v: unknown, at: string, out: string[]) {
  if (!isObj(v)) return void out.push(`${at}: must be an Agent object`)
  if (v.objectType !== undefined && v.objectType !== 'Agent') out.push(`${at}.objectType: must be 'Agent'`)
  const ifis = ['mbox', 'mbox_sha1sum', 'openid', 'account'].filter((k) => v[k] !== undefined)
  if (ifis.length !== 1) out.push(`${at}: must have exactly one inverse functional identifier`)
  if (v.mbox !== undefined && (typeof v.mbox !== 'string' || !/^mailto:[^@\s]+@[^@\s]+$/.test(v.mbox)))
    out.push(`${at}.mbox: must be a mailto: IRI`)
  if (
    v.mbox_sha1sum !== undefined &&
    (typeof v.mbox_sha1sum !== 'string' || !/^[0-9a-f]{40}$/i.test(v.mbox_sha1sum))
  )
    out.push(`${at}.mbox_sha1sum: must be a SHA-1 hex digest`)
  if (v.openid !== undefined && !isAbsoluteIri(v.openid)) out.push(`${at}.openid: must be an absolute URI`)
  if (v.account !== undefined) {
    const a = v.account
    if (!isObj(a)) out.push(`${at}.account: must be an object`)
    else {
      if (!isAbsoluteIri(a.homePage)) out.push(`${at}.account.homePage: must be an absolute IRL`)
      if (typeof a.name !== 'string' || !a.name) out.push(`${at}.account.name: required`)
    }
  }
  if (v.name !== undefined && typeof v.name !== 'string') out.push(`${at}.name: must be a string`)
}

function checkActivity(v: unknown, at: string, out: string[]) {
  if (!isObj(v)) return void out.push(`${at}: must be an Activity`)
  if (v.objectType !== undefined && v.objectType !== 'Activity')
    out.push(`${at}.objectType: must be 'Activity'`)
  if (!isAbsoluteIri(v.id)) out.push(`${at}.id: must be an absolute IRI`)
  const d = v.definition
  if (d === undefined) return
  if (!isObj(d)) return void out.push(`${at}.definition: must be an object`)
  if (d.name !== undefined) checkLanguageMap(d.name, `${at}.definition.name`, out)
  if (d.description !== undefined) checkLanguageMap(d.description, `${at}.definition.description`, out)
  if (d.type !== undefined && !isAbsoluteIri(d.type))
    out.push(`${at}.definition.type: must be an absolute IRI`)
  if (d.moreInfo !== undefined && !isAbsoluteIri(d.moreInfo))
    out.push(`${at}.definition.moreInfo: must be an absolute IRL`)
  checkExtensions(d.extensions, `${at}.definition.extensions`, out)
}

/**
 * Problems of a statement against xAPI 1.0.3 (empty when valid): required properties, UUIDs,
 * absolute IRIs, language maps, one IFI per agent, score bounds, ISO 8601 timestamps.
 */
export function validateStatement(s: unknown): string[] {
  const out: string[] = []
  if (!isObj(s)) return ['statement: must be an object']
  const allowed = new Set([
    'id',
    'actor',
    'verb',
    'object',
    'result',
    'context',
    'timestamp',
    'stored',
    'authority',
    'version',
    'attachments',
  ])
  for (const k of Object.keys(s)) if (!allowed.has(k)) out.push(`${k}: not a statement property`)
  if (s.id !== undefined && !isUuid(s.id)) out.push('id: must be a UUID')
  checkAgent(s.actor, 'actor', out)
  if (!isObj(s.verb)) out.push('verb: required')
  else {
    if (!isAbsoluteIri(s.verb.id)) out.push('verb.id: must be an absolute IRI')
    if (s.verb.display !== undefined) checkLanguageMap(s.verb.display, 'verb.display', out)
  }
  checkActivity(s.object, 'object', out)
  if (s.result !== undefined) {
    const r = s.result
    if (!isObj(r)) out.push('result: must be an object')
    else {
      if (r.success !== undefined && typeof r.success !== 'boolean')
        out.push('result.success: must be a boolean')
      if (r.completion !== undefined && typeof r.completion !== 'boolean')
        out.push('result.completion: must be a boolean')
      if (r.score !== undefined) {
        const sc = r.score
        if (!isObj(sc)) out.push('result.score: must be an object')
        else {
          for (const k of ['scaled', 'raw', 'min', 'max'] as const)
            if (sc[k] !== undefined && (typeof sc[k] !== 'number' || !Number.isFinite(sc[k])))
              out.push(`result.score.${k}: must be a number`)
          if (typeof sc.scaled === 'number' && (sc.scaled < -1 || sc.scaled > 1))
            out.push('result.score.scaled: must be between -1 and 1')
          if (typeof sc.min === 'number' && typeof sc.max === 'number' && sc.min > sc.max)
            out.push('result.score: min must not exceed max')
          if (typeof sc.raw === 'number' && typeof sc.min === 'number' && sc.raw < sc.min)
            out.push('result.score.raw: below min')
          if (typeof sc.raw === 'number' && typeof sc.max === 'number' && sc.raw > sc.max)
            out.push('result.score.raw: above max')
        }
      }
      checkExtensions(r.extensions, 'result.extensions', out)
    }
  }
  if (s.context !== undefined) {
    const c = s.context
    if (!isObj(c)) out.push('context: must be an object')
    else {
      if (c.registration !== undefined && !isUuid(c.registration))
        out.push('context.registration: must be a UUID')
      if (c.language !== undefined && (typeof c.language !== 'string' || !LANGUAGE_TAG.test(c.language)))
        out.push('context.language: must be an RFC 5646 language tag')
      if (c.platform !== undefined && typeof c.platform !== 'string')
        out.push('context.platform: must be a string')
      if (c.contextActivities !== undefined) {
        const ca = c.contextActivities
        if (!isObj(ca)) out.push('context.contextActivities: must be an object')
        else
          for (const [k, v] of Object.entries(ca)) {
            if (!['parent', 'grouping', 'category', 'other'].includes(k))
              out.push(`context.contextActivities.${k}: unknown key`)
            const list = Array.isArray(v) ? v : [v]
            list.forEach((a, i) => checkActivity(a, `context.contextActivities.${k}[${i}]`, out))
          }
      }
      checkExtensions(c.extensions, 'context.extensions', out)
    }
  }
  if (s.timestamp !== undefined && !isIsoTimestamp(s.timestamp))
    out.push('timestamp: must be an ISO 8601 timestamp')
  if (s.stored !== undefined && !isIsoTimestamp(s.stored)) out.push('stored: must be an ISO 8601 timestamp')
  if (s.authority !== undefined) checkAgent(s.authority, 'authority', out)
  if (s.version !== undefined && (typeof s.version !== 'string' || !/^1\.0(\.\d+)?$/.test(s.version)))
    out.push('version: must be 1.0.x')
  return out
}
