/**
 * xAPI against real databases (SQLite, and PostgreSQL when reachable): statements recorded from every
 * kind of learning event, exactly once; the GET Statements filters and paging; who may read what (own,
 * led teams, organisation; never another organisation), through the store and through the route
 * handler (session principals via a mocked next-auth, API tokens for real); and forwarding to an
 * external LRS played by a local HTTP server that is first unreachable, then failing, then up.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import type { LearningEvent } from '@/lib/progress/events'
import type { XapiScope } from '@/lib/xapi/store'
import type { TestDb } from '../support/databases'

// Session principals for the route handler: next-auth's getServerSession needs Next's request scope,
// so it answers from `session.userId` here (the rest of requireApi runs for real).
const session = vi.hoisted(() => ({ userId: undefined as string | undefined }))
vi.mock('next-auth', () => ({
  getServerSession: async () => (session.userId ? { userId: session.userId } : null),
}))

// The fake LRS: started before anything reads the environment, so XAPI_LRS_* point at it.
type LrsMode = 'down' | 'up'
const lrs = {
  mode: 'down' as LrsMode,
  /** Statements the LRS accepted, by id → how many times. */
  stored: new Map<string, number>(),
  /** The LRS answers 400 for these ids, and 409 for these (as if it had them already). */
  poison: new Set<string>(),
  conflict: new Set<string>(),
  requests: 0,
  badHeaders: [] as string[],
}
const AUTH = `Basic ${Buffer.from('kenshu:s3cret', 'utf8').toString('base64')}`
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (data += c))
    req.on('end', () => resolve(data))
    req.on('error', reject)
  })
}
const lrsServer: Server = createServer((req, res) => {
  void (async () => {
    const body = await readBody(req)
    lrs.requests++
    if (req.method !== 'POST' || req.url !== '/xapi/statements') {
      res.writeHead(404).end()
      return
    }
    if (req.headers['x-experience-api-version'] !== '1.0.3') lrs.badHeaders.push('version')
    if (req.headers.authorization !== AUTH) lrs.badHeaders.push('auth')
    if (lrs.mode === 'down') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance')
      return
    }
    const statements = JSON.parse(body) as { id: string }[]
    if (statements.some((s) => lrs.poison.has(s.id))) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid statement"}')
      return
    }
    if (statements.some((s) => lrs.conflict.has(s.id))) {
      res.writeHead(409).end()
      return
    }
    for (const s of statements) lrs.stored.set(s.id, (lrs.stored.get(s.id) ?? 0) + 1)
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify(statements.map((s) => s.id)))
  })()
})
await new Promise<void>((resolve) => lrsServer.listen(0, '127.0.0.1', resolve))
const lrsPort = (lrsServer.address() as AddressInfo).port
process.env.XAPI_LRS_ENDPOINT = `http://127.0.0.1:${lrsPort}/xapi/`
process.env.XAPI_LRS_USERNAME = 'kenshu'
process.env.XAPI_LRS_PASSWORD = 's3cret'
process.env.NEXTAUTH_URL = 'http://kenshu.test'
process.env.NEXTAUTH_SECRET ??= 'x'.repeat(40)

// A port nothing listens on (network errors).
const closedPort = await new Promise<number>((resolve) => {
  const s = createServer()
  s.listen(0, '127.0.0.1', () => {
    const p = (s.address() as AddressInfo).port
    s.close(() => resolve(p))
  })
})

const { createTestDb, postgresReachable, useTestDb } = await import('../support/databases')
const { getDb } = await import('@/lib/db/client')
const { seedDemo } = await import('@/lib/org/seed')
const { createApiToken } = await import('@/lib/api/tokens')
const { recordXapi, queryStatements, getStatement, xapiScopeFor } = await import('@/lib/xapi/store')
const { lrsConfig } = await import('@/lib/xapi/config')
const { runOnce, startXapiForwarder, MAX_BACKOFF_MS, POISON_DELAY_MS } = await import('@/lib/xapi/outbox')
const { parseStatementQuery } = await import('@/lib/xapi/query')
const { activityIri, labRegistration, statementIdFor, validateStatement, VERBS } =
  await import('@/lib/xapi/statement')
const statementsRoute = await import('@/app/api/xapi/statements/route')
const aboutRoute = await import('@/app/api/xapi/about/route')

const pgOk = await postgresReachable()
const kinds = ['sqlite', ...(pgOk ? ['postgres'] : [])] as const as readonly ('sqlite' | 'postgres')[]
if (!pgOk) console.warn('PostgreSQL not reachable: PostgreSQL xAPI integration tests skipped')

afterAll(() => new Promise<void>((resolve) => lrsServer.close(() => resolve())))

const BASE = 'http://kenshu.test'
const act = (kind: Parameters<typeof activityIri>[1], id: string, sub?: string) =>
  activityIri(BASE, kind, id, sub)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
type Who = { userId: string; organizationId: string }

let seq = 0
const ev = {
  task: (who: Who, labId: string, taskId: string, session: string, passed = true): LearningEvent => ({
    type: 'lab-task',
    who,
    labId,
    taskId,
    labSessionId: session,
    attemptId: `att-${++seq}`,
    passed,
    scaled: passed ? 1 : 0,
    frameworkId: 'nice-v2.1.0',
    statementIds: ['T1084', 'K0070'],
    at: new Date(),
  }),
  lab: (who: Who, labId: string, session: string): LearningEvent => ({
    type: 'lab-complete',
    who,
    labId,
    labSessionId: session,
    scaled: 0.8,
    passedWithoutHints: true,
    frameworkId: 'nice-v2.1.0',
    statementIds: ['T1084'],
    at: new Date(),
  }),
  quiz: (who: Who, itemId: string, passed = true): LearningEvent => ({
    type: 'quiz',
    who,
    itemType: 'module',
    itemId,
    attemptId: `qa-${++seq}`,
    passed,
    scaled: passed ? 0.9 : 0.3,
    frameworkId: 'nice-v2.1.0',
    statementIds: passed ? ['K0041'] : [],
    at: new Date(),
  }),
  done: (
    who: Who,
    itemType: 'module' | 'briefing' | 'curriculum' | 'tabletop',
    itemId: string,
  ): LearningEvent => ({
    type: 'completed',
    who,
    itemType,
    itemId,
    frameworkId: 'nice-v2.1.0',
    statementIds: ['K0041'],
    at: new Date(),
  }),
}

describe.each(kinds)('xAPI on %s', (kind) => {
  let db: TestDb
  let orgId: string
  const users = {} as Record<
    'learner' | 'learner2' | 'ot' | 'exec' | 'manager' | 'hr' | 'admin' | 'foreign',
    Who & { email: string }
  >

  beforeAll(async () => {
    db = await createTestDb(kind)
    await useTestDb(db)
    await seedDemo()
    orgId = (await getDb().organization.findUniqueOrThrow({ where: { slug: 'demo' } })).id
    const byEmail = async (email: string) => {
      const u = await getDb().user.findUniqueOrThrow({ where: { email } })
      return { userId: u.id, organizationId: orgId, email }
    }
    users.learner = await byEmail('learner@demo.kenshu.local')
    users.learner2 = await byEmail('learner2@demo.kenshu.local')
    users.ot = await byEmail('ot-engineer@demo.kenshu.local')
    users.exec = await byEmail('exec@demo.kenshu.local')
    users.manager = await byEmail('manager@demo.kenshu.local')
    users.hr = await byEmail('hr@demo.kenshu.local')
    users.admin = await byEmail('admin@demo.kenshu.local')
    const other = await getDb().organization.create({ data: { slug: 'other', name: 'Other Corp' } })
    const f = await getDb().user.create({
      data: {
        email: 'eve@other.example',
        name: 'Eve Other',
        memberships: { create: { organizationId: other.id, role: 'hr' } },
      },
    })
    users.foreign = { userId: f.id, organizationId: other.id, email: f.email }
  })
  afterAll(async () => db.drop())

  const scopeOf = async (
    who: keyof typeof users,
    role: 'learner' | 'manager' | 'hr' | 'admin' | 'executive',
  ) => (await xapiScopeFor({ id: users[who].userId, organizationId: users[who].organizationId, role }))!
  const all = async (scope: XapiScope, q = '') => {
    const parsed = parseStatementQuery(new URLSearchParams(q))
    if (!parsed.ok) throw new Error(parsed.error)
    return queryStatements(scope, { limit: 500, ...parsed.filters })
  }

  test('every event kind becomes one valid statement; replays (also concurrent, also in a transaction) add none', async () => {
    const L = users.learner
    const events = [
      ev.task(L, 'rec-lab', 't1', 'rec-sess'),
      ev.task(L, 'rec-lab', 't2', 'rec-sess', false),
      ev.lab(L, 'rec-lab', 'rec-sess'),
      ev.quiz(L, 'rec-mod'),
      ev.done(L, 'module', 'rec-mod'),
      ev.done(L, 'briefing', 'rec-brief'),
      ev.done(L, 'curriculum', 'rec-cur'),
      ev.done(L, 'tabletop', 'rec-brief'),
    ]
    for (const e of events) {
      const r = await recordXapi(e)
      expect(r).toEqual({ id: statementIdFor(e), created: true })
    }
    const again = await Promise.all(events.flatMap((e) => [recordXapi(e), recordXapi(e)]))
    expect(again.every((r) => !r.created)).toBe(true)
    await getDb().$transaction(async (tx) => {
      expect((await recordXapi(events[0]!, tx)).created).toBe(false)
    })
    const ids = events.map(statementIdFor)
    expect(await getDb().xapiStatement.count({ where: { id: { in: ids } } })).toBe(events.length)
    // Queued for the LRS (configured in this file) exactly once each, in the same transaction.
    expect(await getDb().xapiOutbox.count({ where: { statementId: { in: ids } } })).toBe(events.length)

    for (const id of ids) {
      const s = (await getStatement({ organizationId: orgId }, id))!
      expect(validateStatement(s), id).toEqual([])
      expect(s.actor.account).toEqual({ homePage: BASE, name: L.userId })
      expect(s.actor.name).toBe('Aoi Tanaka')
      expect(JSON.stringify(s)).not.toContain(L.email)
      expect(s.stored).toMatch(/Z$/)
      expect(s.authority?.account?.homePage).toBe(BASE)
    }
    const row = await getDb().xapiStatement.findUniqueOrThrow({ where: { id: ids[0] } })
    expect(row).toMatchObject({
      organizationId: orgId,
      userId: L.userId,
      verb: VERBS.passed.id,
      activityId: act('lab-task', 'rec-lab', 't1'),
      registration: labRegistration('rec-sess'),
      success: true,
    })

    // A transaction that rolls back leaves neither the statement nor its outbox row.
    const rolled = ev.quiz(L, 'rolled-back')
    await expect(
      getDb().$transaction(async (tx) => {
        await recordXapi(rolled, tx)
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(await getDb().xapiStatement.count({ where: { id: statementIdFor(rolled) } })).toBe(0)
    expect(await getDb().xapiOutbox.count({ where: { statementId: statementIdFor(rolled) } })).toBe(0)
  })

  test('activity names come from the lab and content catalogues', async () => {
    const { getLab } = await import('@/lib/labs/catalog')
    const { contentCatalog } = await import('@/lib/content/catalog')
    const lab = (await getLab('ransomware-file-server'))!.lab.manifest
    const mod = [...(await contentCatalog()).modules.values()][0]!
    const L = users.learner
    const task = (await getStatement(
      { organizationId: orgId },
      (await recordXapi(ev.task(L, lab.id, lab.tasks[0]!.id, 'title-sess'))).id,
    ))!
    expect(task.object.definition?.name).toEqual({
      'en-US': lab.tasks[0]!.title.en,
      'ja-JP': lab.tasks[0]!.title.ja,
    })
    expect(task.context?.contextActivities?.parent?.[0]?.definition?.name).toEqual({
      'en-US': lab.title.en,
      'ja-JP': lab.title.ja,
    })
    const quiz = (await getStatement({ organizationId: orgId }, (await recordXapi(ev.quiz(L, mod.id))).id))!
    expect(quiz.object.definition?.name?.['en-US']).toBe(`${mod.title.en}: quiz`)
    expect(quiz.object.definition?.moreInfo).toBe(`${BASE}/learn/modules/${mod.id}`)
  })

  describe('queries', () => {
    const ids: Record<string, string> = {}
    let mid: Date
    beforeAll(async () => {
      const L = users.learner
      const put = async (name: string, e: LearningEvent) => {
        ids[name] = (await recordXapi(e)).id
        await sleep(3)
      }
      await put('t1', ev.task(L, 'q-lab', 'find', 'q-sess'))
      await put('t2', ev.task(L, 'q-lab', 'exploit', 'q-sess', false))
      await put('lab', ev.lab(L, 'q-lab', 'q-sess'))
      mid = new Date()
      await sleep(3)
      await put('quiz', ev.quiz(L, 'q-mod'))
      await put('mod', ev.done(L, 'module', 'q-mod'))
      await put('l2', ev.task(users.learner2, 'q-lab', 'find', 'q-sess-2'))
      await put('ot', ev.quiz(users.ot, 'q-mod', false))
      await put('exec', ev.done(users.exec, 'briefing', 'q-brief'))
      await put('foreign', ev.task(users.foreign, 'q-lab', 'find', 'q-sess-f'))
    })
    const got = (r: { statements: { id: string }[] }) => new Set(r.statements.map((s) => s.id))
    const agentQ = (who: Who) =>
      `agent=${encodeURIComponent(JSON.stringify({ account: { homePage: BASE, name: who.userId } }))}`

    test('agent (account or mbox), verb, activity, related_activities, registration, since/until', async () => {
      const org: XapiScope = { organizationId: orgId }
      const mine = got(await all(org, agentQ(users.learner)))
      for (const k of ['t1', 't2', 'lab', 'quiz', 'mod']) expect(mine).toContain(ids[k])
      expect(mine).not.toContain(ids.l2)
      const byMail = got(
        await all(
          org,
          `agent=${encodeURIComponent(JSON.stringify({ mbox: `mailto:${users.learner.email}` }))}`,
        ),
      )
      expect(byMail).toEqual(mine)
      const elsewhere = { account: { homePage: 'https://other.example', name: users.learner.userId } }
      expect((await all(org, `agent=${encodeURIComponent(JSON.stringify(elsewhere))}`)).statements).toEqual(
        [],
      )

      const failed = got(await all(org, `verb=${encodeURIComponent(VERBS.failed.id)}`))
      expect(failed).toContain(ids.t2)
      expect(failed).toContain(ids.ot)
      expect(failed).not.toContain(ids.t1)

      const lab = act('lab', 'q-lab')
      expect(got(await all(org, `activity=${encodeURIComponent(lab)}`))).toEqual(new Set([ids.lab]))
      expect(got(await all(org, `activity=${encodeURIComponent(lab)}&related_activities=true`))).toEqual(
        new Set([ids.t1, ids.t2, ids.lab, ids.l2]),
      )
      // Related matching is exact (no LIKE wildcards, no case folding).
      expect(
        (await all(org, `activity=${encodeURIComponent(lab.toUpperCase())}&related_activities=true`))
          .statements,
      ).toEqual([])
      expect(
        (
          await all(
            org,
            `activity=${encodeURIComponent(lab.replace('q-lab', 'q_lab'))}&related_activities=true`,
          )
        ).statements,
      ).toEqual([])
      const mod = act('module', 'q-mod')
      expect(got(await all(org, `activity=${encodeURIComponent(mod)}&related_activities=true`))).toEqual(
        new Set([ids.quiz, ids.mod, ids.ot]),
      )
      expect(got(await all(org, `registration=${labRegistration('q-sess')}`))).toEqual(
        new Set([ids.t1, ids.t2, ids.lab]),
      )
      const before = got(
        await all(org, `${agentQ(users.learner)}&until=${encodeURIComponent(mid.toISOString())}`),
      )
      const after = got(
        await all(org, `${agentQ(users.learner)}&since=${encodeURIComponent(mid.toISOString())}`),
      )
      expect([ids.t1, ids.t2, ids.lab].every((i) => before.has(i!) && !after.has(i!))).toBe(true)
      expect([ids.quiz, ids.mod].every((i) => after.has(i!) && !before.has(i!))).toBe(true)

      const asIds = await all(org, `statementId=${ids.t1}&format=ids`)
      expect(asIds.statements[0]!.actor).toEqual({
        objectType: 'Agent',
        account: { homePage: BASE, name: users.learner.userId },
      })
      expect(asIds.statements[0]!.verb).toEqual({ id: VERBS.passed.id })
      expect(asIds.statements[0]!.object).toEqual({
        objectType: 'Activity',
        id: act('lab-task', 'q-lab', 'find'),
      })
      const canonical = await getStatement(org, ids.t1!, 'canonical', { languages: ['ja'] })
      expect(canonical!.verb.display).toEqual({ 'ja-JP': VERBS.passed.display['ja-JP'] })
    })

    test('scope: learners see their own, team leads their teams, HR the organisation; never another organisation', async () => {
      const learner = await scopeOf('learner', 'learner')
      const own = got(await all(learner))
      expect(own).toContain(ids.t1)
      for (const k of ['l2', 'ot', 'exec', 'foreign']) expect(own).not.toContain(ids[k])
      // Asking for someone else's statements returns nothing (not their data); a foreign id is a 404.
      expect((await all(learner, agentQ(users.learner2))).statements).toEqual([])
      expect(await getStatement(learner, ids.l2!)).toBeNull()
      expect((await all(learner, `statementId=${ids.l2}`)).statements).toEqual([])

      const manager = await scopeOf('manager', 'manager')
      const team = got(await all(manager))
      for (const k of ['t1', 'l2', 'ot']) expect(team).toContain(ids[k])
      for (const k of ['exec', 'foreign']) expect(team).not.toContain(ids[k])
      // A manager who leads no team sees only themselves.
      await getDb().teamMember.updateMany({
        where: { userId: users.manager.userId },
        data: { isLead: false },
      })
      expect(await scopeOf('manager', 'manager')).toEqual({
        organizationId: orgId,
        userIds: [users.manager.userId],
      })
      await getDb().teamMember.updateMany({ where: { userId: users.manager.userId }, data: { isLead: true } })

      for (const [who, role] of [
        ['hr', 'hr'],
        ['admin', 'admin'],
      ] as const) {
        const org = got(await all(await scopeOf(who, role)))
        for (const k of ['t1', 'l2', 'ot', 'exec']) expect(org).toContain(ids[k])
        expect(org).not.toContain(ids.foreign)
        expect(await getStatement(await scopeOf(who, role), ids.foreign!)).toBeNull()
      }
      const foreign = got(await all(await scopeOf('foreign', 'hr')))
      expect(foreign).toEqual(new Set([ids.foreign]))
      // An org reader filtering on a foreign person's account gets nothing.
      expect((await all({ organizationId: orgId }, agentQ(users.foreign))).statements).toEqual([])
      // Tokens: org:readiness → organisation; anything else → no scope (403 at the route).
      expect(
        await xapiScopeFor({
          id: users.admin.userId,
          organizationId: orgId,
          role: 'learner',
          permissions: ['roles:read'],
        }),
      ).toBeNull()
      expect(
        await xapiScopeFor({
          id: users.admin.userId,
          organizationId: orgId,
          role: 'hr',
          permissions: ['org:readiness'],
        }),
      ).toEqual({ organizationId: orgId })
    })

    test('limit + more: every statement exactly once, in order, stable under concurrent inserts', async () => {
      const P = users.learner2
      const made: string[] = []
      for (let i = 0; i < 23; i++) made.push((await recordXapi(ev.done(P, 'module', `page-${kind}-${i}`))).id)
      for (const ascending of [false, true]) {
        const scope: XapiScope = { organizationId: orgId, userIds: [P.userId] }
        const seen: string[] = []
        const stored: number[] = []
        const late: string[] = []
        let r = await queryStatements(
          scope,
          parseQ(`limit=5&ascending=${ascending}&verb=${encodeURIComponent(VERBS.completed.id)}`),
        )
        let pages = 0
        for (;;) {
          pages++
          expect(r.statements.length).toBeLessThanOrEqual(5)
          for (const s of r.statements) {
            seen.push(s.id)
            stored.push(Date.parse(s.stored!))
          }
          // Someone records more while we page: they are not mixed into this listing.
          late.push((await recordXapi(ev.done(P, 'module', `late-${kind}-${ascending}-${pages}`))).id)
          if (!r.more) break
          expect(r.more).toMatch(/^\/api\/xapi\/statements\?more=[A-Za-z0-9_-]+$/)
          r = await queryStatements(scope, parseQ(r.more.split('?')[1]!))
        }
        expect(new Set(seen).size).toBe(seen.length)
        for (const id of made) expect(seen).toContain(id)
        expect(seen.some((id) => late.includes(id))).toBe(false)
        const sorted = [...stored].sort((a, b) => (ascending ? a - b : b - a))
        expect(stored).toEqual(sorted)
        expect(pages).toBeGreaterThanOrEqual(Math.ceil(made.length / 5))
      }
      // The late statements are there for the next reader.
      expect(
        (await all({ organizationId: orgId, userIds: [P.userId] }, 'limit=0')).statements.length,
      ).toBeGreaterThan(23)
    })
  })

  function parseQ(q: string) {
    const p = parseStatementQuery(new URLSearchParams(q))
    if (!p.ok) throw new Error(p.error)
    return p.filters
  }

  describe('GET /api/xapi/statements', () => {
    const ORIGIN = 'http://kenshu.test'
    const get = (
      url: string,
      opts: { as?: keyof typeof users; token?: string; headers?: Record<string, string> } = {},
    ) => {
      session.userId = opts.as ? users[opts.as].userId : undefined
      const headers: Record<string, string> = { host: 'kenshu.test', ...opts.headers }
      if (opts.as) headers.cookie = 'next-auth.session-token=mocked'
      if (opts.token) headers.authorization = `Bearer ${opts.token}`
      return statementsRoute.GET(new Request(ORIGIN + url, { headers }))
    }
    let learnerStatement: string
    let otherStatement: string
    beforeAll(async () => {
      learnerStatement = (await recordXapi(ev.task(users.learner, 'http-lab', 'a', 'http-sess'))).id
      otherStatement = (await recordXapi(ev.task(users.learner2, 'http-lab', 'a', 'http-sess-2'))).id
      await recordXapi(ev.task(users.foreign, 'http-lab', 'a', 'http-sess-f'))
    })
    beforeEach(() => void (session.userId = undefined))

    test('a learner gets their own statements with the xAPI headers; others are empty or 404', async () => {
      const res = await get('/api/xapi/statements?limit=500', {
        as: 'learner',
        headers: { 'X-Experience-API-Version': '1.0.3' },
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('x-experience-api-version')).toBe('1.0.3')
      expect(Date.parse(res.headers.get('x-experience-api-consistent-through')!)).toBeLessThanOrEqual(
        Date.now(),
      )
      expect(res.headers.get('cache-control')).toBe('no-store')
      const body = (await res.json()) as {
        statements: { id: string; actor: { account: { name: string } } }[]
        more: string
      }
      expect(body.statements.map((s) => s.id)).toContain(learnerStatement)
      expect(body.statements.every((s) => s.actor.account.name === users.learner.userId)).toBe(true)
      expect(body.more).toBe('')

      const agent = encodeURIComponent(
        JSON.stringify({ account: { homePage: BASE, name: users.learner2.userId } }),
      )
      const foreignAgent = await get(`/api/xapi/statements?agent=${agent}`, { as: 'learner' })
      expect(foreignAgent.status).toBe(200)
      expect(((await foreignAgent.json()) as { statements: unknown[] }).statements).toEqual([])
      const single = await get(`/api/xapi/statements?statementId=${otherStatement}`, { as: 'learner' })
      expect(single.status).toBe(404)
      const mine = await get(`/api/xapi/statements?statementId=${learnerStatement}`, { as: 'learner' })
      expect(mine.status).toBe(200)
      expect(((await mine.json()) as { id: string }).id).toBe(learnerStatement)
      expect(mine.headers.get('last-modified')).toBeTruthy()
      session.userId = users.learner.userId
      const head = await statementsRoute.HEAD(
        new Request(`${ORIGIN}/api/xapi/statements?statementId=${learnerStatement}`, {
          method: 'HEAD',
          headers: { host: 'kenshu.test', cookie: 'x=y' },
        }),
      )
      expect(head.status).toBe(200)
      expect(await head.text()).toBe('')
    })

    test('HR sees the organisation, never another one; a manager their teams', async () => {
      const hr = (await (await get('/api/xapi/statements?limit=0', { as: 'hr' })).json()) as {
        statements: { id: string; actor: { account: { name: string } } }[]
      }
      const seen = hr.statements.map((s) => s.id)
      expect(seen).toContain(learnerStatement)
      expect(seen).toContain(otherStatement)
      expect(hr.statements.some((s) => s.actor.account.name === users.foreign.userId)).toBe(false)
      const manager = (await (await get('/api/xapi/statements?limit=0', { as: 'manager' })).json()) as {
        statements: { actor: { account: { name: string } } }[]
      }
      const people = new Set(manager.statements.map((s) => s.actor.account.name))
      expect(people.has(users.learner2.userId)).toBe(true)
      expect(people.has(users.exec.userId)).toBe(false)
      expect(people.has(users.foreign.userId)).toBe(false)
      // The foreign organisation's HR sees only theirs.
      const eve = (await (await get('/api/xapi/statements?limit=0', { as: 'foreign' })).json()) as {
        statements: { actor: { account: { name: string } } }[]
      }
      expect(eve.statements.length).toBeGreaterThan(0)
      expect(eve.statements.every((s) => s.actor.account.name === users.foreign.userId)).toBe(true)
      expect(
        (await get(`/api/xapi/statements?statementId=${learnerStatement}`, { as: 'foreign' })).status,
      ).toBe(404)
    })

    test('paging through the route follows the more IRL', async () => {
      const ids: string[] = []
      let url = '/api/xapi/statements?limit=3'
      for (let i = 0; i < 100 && url; i++) {
        const res = await get(url, { as: 'hr' })
        expect(res.status).toBe(200)
        const body = (await res.json()) as { statements: { id: string }[]; more: string }
        ids.push(...body.statements.map((s) => s.id))
        url = body.more
      }
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids.length).toBe(await getDb().xapiStatement.count({ where: { organizationId: orgId } }))
    })

    test('bad requests are 400 with a JSON error; credentials are checked; tokens need org:readiness', async () => {
      const bad = async (url: string, headers: Record<string, string> = {}) => {
        const res = await get(url, { as: 'hr', headers })
        expect(res.status, url).toBe(400)
        expect(res.headers.get('x-experience-api-version')).toBe('1.0.3')
        const body = (await res.json()) as { error: string; message: string }
        expect(body.error).toBe('bad_request')
        expect(body.message.length).toBeGreaterThan(5)
        return body.message
      }
      expect(await bad('/api/xapi/statements', { 'X-Experience-API-Version': '0.95' })).toContain('1.0.3')
      expect(await bad('/api/xapi/statements', { 'X-Experience-API-Version': '2.0.0' })).toContain('Version')
      await bad('/api/xapi/statements?verb=passed')
      await bad('/api/xapi/statements?agent=bob')
      await bad(`/api/xapi/statements?agent=${encodeURIComponent('{"name":"no ifi"}')}`)
      await bad('/api/xapi/statements?since=yesterday')
      await bad('/api/xapi/statements?limit=-1')
      await bad('/api/xapi/statements?ascending=yes')
      await bad('/api/xapi/statements?format=full')
      await bad('/api/xapi/statements?Verb=http://adlnet.gov/expapi/verbs/passed')
      await bad('/api/xapi/statements?nope=1')
      await bad('/api/xapi/statements?limit=1&limit=2')
      await bad(
        `/api/xapi/statements?statementId=${learnerStatement}&verb=${encodeURIComponent(VERBS.passed.id)}`,
      )
      await bad('/api/xapi/statements?statementId=123')
      await bad('/api/xapi/statements?registration=abc')
      await bad('/api/xapi/statements?more=%%%')
      await bad('/api/xapi/statements?more=abc&limit=1')

      const none = await get('/api/xapi/statements')
      expect(none.status).toBe(401)
      expect(none.headers.get('x-experience-api-version')).toBe('1.0.3')
      expect((await get('/api/xapi/statements', { token: 'ksk_garbage' })).status).toBe(401)
      const { token } = await createApiToken(orgId, users.admin.userId, { name: 'xapi', scope: 'read' })
      const res = await get('/api/xapi/statements', { token })
      expect(res.status).toBe(403)
      expect(((await res.json()) as { error: string }).error).toBe('forbidden')
    })

    test('about is public', async () => {
      const res = await aboutRoute.GET()
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ version: ['1.0.3'] })
      expect(res.headers.get('x-experience-api-version')).toBe('1.0.3')
    })
  })

  describe('forwarding to an external LRS', () => {
    beforeAll(async () => {
      await getDb().xapiOutbox.deleteMany({})
      lrs.stored.clear()
      lrs.poison.clear()
      lrs.conflict.clear()
      lrs.badHeaders = []
      lrs.mode = 'down'
    })

    test('configured from the environment', () => {
      expect(lrsConfig()).toEqual({
        endpoint: `http://127.0.0.1:${lrsPort}/xapi`,
        username: 'kenshu',
        password: 's3cret',
      })
    })

    test('down: nothing lost, attempts and back-off recorded; up: every statement delivered exactly once', async () => {
      const L = users.learner
      const ids: string[] = []
      for (let i = 0; i < 30; i++) ids.push((await recordXapi(ev.done(L, 'module', `fwd-${kind}-${i}`))).id)
      expect(await getDb().xapiOutbox.count()).toBe(30)
      const t0 = new Date()

      // 1. Unreachable (nothing listens on the port).
      const unreachable = await runOnce({
        config: { ...lrsConfig()!, endpoint: `http://127.0.0.1:${closedPort}` },
        now: t0,
      })
      expect(unreachable).toEqual({ attempted: 30, delivered: 0, poisoned: 0, deferred: 30 })
      let rows = await getDb().xapiOutbox.findMany()
      expect(rows).toHaveLength(30)
      for (const r of rows) {
        expect(r.attempts).toBe(1)
        expect(r.lastError).toMatch(/^network/)
        expect(r.nextAttemptAt.getTime()).toBeGreaterThan(t0.getTime())
        expect(r.nextAttemptAt.getTime() - t0.getTime()).toBeLessThanOrEqual(MAX_BACKOFF_MS)
      }
      // Not due yet: a run now sends nothing.
      expect((await runOnce({ now: t0 })).attempted).toBe(0)
      const requestsBefore = lrs.requests

      // 2. Reachable but failing (503), a few times: back-off grows and stays capped at one hour.
      let now = t0
      let last = 0
      for (let round = 2; round <= 9; round++) {
        now = new Date(now.getTime() + 2 * MAX_BACKOFF_MS)
        const r = await runOnce({ now })
        expect(r).toMatchObject({ attempted: 30, delivered: 0, deferred: 30 })
        rows = await getDb().xapiOutbox.findMany()
        const delay = Math.min(...rows.map((x) => x.nextAttemptAt.getTime() - now.getTime()))
        expect(rows.every((x) => x.attempts === round && x.lastError?.startsWith('HTTP 503'))).toBe(true)
        expect(Math.max(...rows.map((x) => x.nextAttemptAt.getTime() - now.getTime()))).toBeLessThanOrEqual(
          MAX_BACKOFF_MS,
        )
        if (round <= 4) expect(delay).toBeGreaterThan(last)
        last = delay
      }
      expect(lrs.requests - requestsBefore).toBe(8)
      expect(lrs.stored.size).toBe(0)
      expect(await getDb().xapiStatement.count({ where: { id: { in: ids } } })).toBe(30)

      // 3. Up: two concurrent runs share one; every statement arrives once, with version and auth.
      lrs.mode = 'up'
      now = new Date(now.getTime() + 2 * MAX_BACKOFF_MS)
      const [a, b] = await Promise.all([runOnce({ now }), runOnce({ now })])
      expect(a).toEqual({ attempted: 30, delivered: 30, poisoned: 0, deferred: 0 })
      expect(b).toBe(a)
      expect([...lrs.stored.keys()].sort()).toEqual([...ids].sort())
      expect([...lrs.stored.values()].every((n) => n === 1)).toBe(true)
      expect(lrs.badHeaders).toEqual([])
      expect(await getDb().xapiOutbox.count()).toBe(0)
      expect((await runOnce({ now })).attempted).toBe(0)
    })

    test('a poison statement is parked with its error, an already-stored one (409) counts as delivered, the rest flow', async () => {
      const L = users.learner
      const [poison, dup, ok] = await Promise.all(
        ['poison', 'dup', 'ok'].map(
          async (n) => (await recordXapi(ev.done(L, 'briefing', `fwd-${kind}-${n}`))).id,
        ),
      )
      lrs.poison.add(poison!)
      lrs.conflict.add(dup!)
      const now = new Date(Date.now() + 1000)
      const r = await runOnce({ now })
      expect(r).toEqual({ attempted: 3, delivered: 2, poisoned: 1, deferred: 0 })
      expect(lrs.stored.get(ok!)).toBe(1)
      expect(lrs.stored.has(dup!)).toBe(false)
      const parked = await getDb().xapiOutbox.findMany()
      expect(parked).toHaveLength(1)
      expect(parked[0]!.statementId).toBe(poison)
      expect(parked[0]!.lastError).toContain('HTTP 400')
      expect(parked[0]!.nextAttemptAt.getTime() - now.getTime()).toBe(POISON_DELAY_MS)

      // It does not hold up later statements.
      const next = (await recordXapi(ev.done(L, 'briefing', `fwd-${kind}-next`))).id
      expect(await runOnce({ now: new Date(now.getTime() + 60_000) })).toMatchObject({
        attempted: 1,
        delivered: 1,
      })
      expect(lrs.stored.get(next)).toBe(1)

      // The background forwarder (as server.ts starts it) drains new rows and stops cleanly.
      const later = (await recordXapi(ev.done(L, 'briefing', `fwd-${kind}-later`))).id
      const stop = startXapiForwarder({ intervalMs: 100 })
      for (let i = 0; i < 100 && !lrs.stored.has(later); i++) await sleep(20)
      await stop()
      expect(lrs.stored.get(later)).toBe(1)
      expect((await getDb().xapiOutbox.findMany()).map((x) => x.statementId)).toEqual([poison])
    })
  })
})
