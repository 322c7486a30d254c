/**
 * SQL-ish and wildcard input is literal text (SECURITY.md 4.4 "SQL injection"): statement search,
 * organisation role titles stored and read back through Prisma, and xAPI query filters (parsed by
 * parseStatementQuery, then applied by queryStatements, whose related-activity filter is a LIKE).
 * Real SQLite database with the demo seed; PostgreSQL too when it is reachable.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestDb, postgresReachable, useTestDb, type TestDb } from '../support/databases'
import { getDb } from '@/lib/db/client'
import { seedDemo } from '@/lib/org/seed'
import { getFramework, searchStatements } from '@/lib/frameworks/catalog'
import { createRole, getRole, listRoles } from '@/lib/roles/store'
import { parseStatementQuery } from '@/lib/xapi/query'
import { queryStatements, recordXapi } from '@/lib/xapi/store'
import type { LearningEvent } from '@/lib/progress/events'

const SQLISH = [
  "' OR 1=1 --",
  "' OR '1'='1",
  '" OR ""="',
  '\'; DROP TABLE "User"; --',
  '1); DELETE FROM OrgRole; --',
  '%',
  '_',
  '%%',
  '\\',
  '\\%',
  '*',
  '.*',
  '$ne',
  '{"$gt":""}',
  'NULL',
  '\u0000',
  'x'.repeat(10_000),
]

describe('statement search treats SQL-ish and wildcard input as text', () => {
  const nice = getFramework('nice', '2.1.0')!
  test('positive control: a real term finds statements', () => {
    expect(searchStatements(nice, 'incident').length).toBeGreaterThan(0)
  })
  test.each(SQLISH.map((q) => [q.length > 40 ? `${q.slice(0, 20)}… (${q.length})` : q, q]))(
    '%s',
    (_label, q) => {
      const t0 = performance.now()
      const hits = searchStatements(nice, q, { limit: 1000 })
      expect(performance.now() - t0).toBeLessThan(2_000)
      // Every hit really contains the text (or has it as id): a wildcard never matches everything.
      const needle = q.toLowerCase().replace(/\s+/g, ' ').trim()
      for (const h of hits) {
        const terms = needle
          .split(' ')
          .filter(Boolean)
          .map((t) => t.replaceAll('"', ''))
        for (const term of terms)
          if (term)
            expect(`${h.item.id} ${h.item.text}`.toLowerCase().normalize('NFKC')).toContain(
              term.normalize('NFKC'),
            )
      }
      expect(hits.length).toBeLessThan(nice.framework.statements.length)
    },
  )
})

describe('xAPI query parameters are validated before any query', () => {
  test.each(SQLISH)('verb/activity/registration/agent %j are refused or literal', (v) => {
    for (const name of ['verb', 'activity', 'registration', 'since', 'limit', 'statementId'])
      expect(parseStatementQuery(new URLSearchParams({ [name]: v })).ok, `${name}=${v}`).toBe(false)
    const agent = parseStatementQuery(new URLSearchParams({ agent: JSON.stringify({ mbox: `mailto:${v}` }) }))
    if (agent.ok) expect(agent.filters.agent?.mbox).toBe(`mailto:${v}`)
  })
  test('an unknown parameter (e.g. an injected one) is an error, not ignored', () => {
    expect(parseStatementQuery(new URLSearchParams({ "verb' OR 1=1 --": 'x' })).ok).toBe(false)
    expect(parseStatementQuery(new URLSearchParams('verb=http://a/b&verb=http://a/c')).ok).toBe(false)
  })
})

const pgOk = await postgresReachable()
const kinds = ['sqlite', ...(pgOk ? ['postgres'] : [])] as const as readonly ('sqlite' | 'postgres')[]

describe.each(kinds)('stored text and filters on %s', (kind) => {
  let db: TestDb
  let orgId: string
  let hrId: string
  let learnerId: string
  beforeAll(async () => {
    db = await createTestDb(kind)
    await useTestDb(db)
    await seedDemo()
    orgId = (await getDb().organization.findUniqueOrThrow({ where: { slug: 'demo' } })).id
    hrId = (await getDb().user.findUniqueOrThrow({ where: { email: 'hr@demo.kenshu.local' } })).id
    learnerId = (await getDb().user.findUniqueOrThrow({ where: { email: 'learner@demo.kenshu.local' } })).id
  })
  afterAll(async () => {
    await db.drop()
  })

  test('role titles and descriptions with SQL are stored and read back verbatim; nothing else changes', async () => {
    const before = await listRoles(orgId)
    const users = await getDb().user.count()
    const titles = SQLISH.filter((s) => !s.includes('\u0000') && s.length <= 120)
    for (const title of titles) {
      const { id } = await createRole(orgId, hrId, {
        title,
        description: `${title} -- description`,
        positionLevel: null,
        frameworkId: 'nice',
        frameworkVersion: '2.1.0',
        baselineWorkRoleId: null,
        defaultLevel: 2,
      })
      const back = await getRole(orgId, id)
      expect(back?.title).toBe(title)
      expect(back?.description).toBe(`${title} -- description`)
    }
    const after = await listRoles(orgId)
    expect(after.length).toBe(before.length + titles.length)
    expect(await getDb().user.count()).toBe(users)
    // A role id that looks like SQL finds nothing, and does not find "any" role.
    for (const id of ["' OR 1=1 --", '%', '_', '*']) expect(await getRole(orgId, id)).toBeNull()
  })

  test('xAPI filters: SQL-ish and wildcard IRIs match nothing; the real IRI matches', async () => {
    const who = { userId: learnerId, organizationId: orgId }
    const ev = (itemId: string): LearningEvent => ({
      type: 'completed',
      who,
      itemType: 'module',
      itemId,
      frameworkId: 'nice-v2.1.0',
      statementIds: [],
      at: new Date(),
    })
    await recordXapi(ev('injection-a'))
    await recordXapi(ev('injection-b'))
    const scope = { organizationId: orgId }
    const mine = (await queryStatements(scope, {})).statements.filter((st) =>
      String(st.object.id).includes('/injection-'),
    )
    expect(mine.length).toBe(2)
    const realVerb = mine[0]!.verb.id
    const realActivity = String(mine[0]!.object.id)
    expect((await queryStatements(scope, { verb: realVerb })).statements.length).toBeGreaterThanOrEqual(2)
    expect((await queryStatements(scope, { activity: realActivity })).statements.length).toBe(1)
    expect(
      (await queryStatements(scope, { activity: realActivity, relatedActivities: true })).statements.length,
    ).toBe(1)
    const base = realActivity.slice(0, realActivity.lastIndexOf('/') + 1)
    for (const bad of [
      `${base}%`,
      `${base}_njection-a`,
      `${base}injection-%`,
      `${base}' OR 1=1 --`,
      `${base}*`,
      realActivity.toUpperCase(),
    ]) {
      const parsed = parseStatementQuery(new URLSearchParams({ activity: bad, related_activities: 'true' }))
      if (!parsed.ok) continue // refused is fine too
      expect((await queryStatements(scope, parsed.filters)).statements, bad).toEqual([])
      expect(
        (await queryStatements(scope, { ...parsed.filters, relatedActivities: false })).statements,
        bad,
      ).toEqual([])
    }
    for (const bad of [`${realVerb}%`, "http://x/' OR 1=1 --", realVerb.replace(/.$/, '_')]) {
      const parsed = parseStatementQuery(new URLSearchParams({ verb: bad }))
      if (!parsed.ok) continue
      expect((await queryStatements(scope, parsed.filters)).statements, bad).toEqual([])
    }
  })
})
