import { describe, expect, test } from 'vitest'
import { decodeMore, effectiveLimit, encodeMore, parseStatementQuery, MAX_LIMIT } from './query'

const q = (s: string) => parseStatementQuery(new URLSearchParams(s))
const account = encodeURIComponent(JSON.stringify({ account: { homePage: 'https://k.example', name: 'u1' } }))

describe('parseStatementQuery', () => {
  test('reads every filter', () => {
    const r = q(
      `agent=${account}&verb=http://adlnet.gov/expapi/verbs/passed&activity=https://k.example/xapi/activities/lab/x` +
        '&related_activities=true&registration=9806B59A-D17C-52A7-8611-6C802FF82B49' +
        '&since=2025-01-01T00:00:00Z&until=2025-02-01T00:00:00%2B09:00&limit=7&ascending=true&format=ids',
    )
    expect(r).toEqual({
      ok: true,
      filters: {
        agent: { objectType: 'Agent', account: { homePage: 'https://k.example', name: 'u1' } },
        verb: 'http://adlnet.gov/expapi/verbs/passed',
        activity: 'https://k.example/xapi/activities/lab/x',
        relatedActivities: true,
        registration: '9806b59a-d17c-52a7-8611-6c802ff82b49',
        since: new Date('2025-01-01T00:00:00Z'),
        until: new Date('2025-01-31T15:00:00Z'),
        limit: 7,
        ascending: true,
        format: 'ids',
      },
    })
  })
  test.each([
    'nope=1',
    'VERB=http://x.example/v',
    'limit=1&limit=2',
    'verb=passed',
    'activity=lab/x',
    'agent={}',
    'agent=[1]',
    `agent=${encodeURIComponent('{"mbox":"bob@example.org"}')}`,
    `agent=${encodeURIComponent('{"mbox":"mailto:a@b.c","openid":"https://x"}')}`,
    'registration=nope',
    'since=2025-01-01',
    'limit=1.5',
    'ascending=1',
    'format=json',
    'statementId=9806b59a-d17c-52a7-8611-6c802ff82b49&limit=1',
    'statementId=9806b59a-d17c-52a7-8611-6c802ff82b49&voidedStatementId=9806b59a-d17c-52a7-8611-6c802ff82b49',
    'more=abc&limit=3',
    'more=!!',
  ])('%s is refused', (s) => {
    const r = q(s)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.length).toBeGreaterThan(5)
  })
  test('statementId with format is fine', () => {
    expect(q('statementId=9806b59a-d17c-52a7-8611-6c802ff82b49&format=ids')).toEqual({
      ok: true,
      filters: { statementId: '9806b59a-d17c-52a7-8611-6c802ff82b49', format: 'ids' },
    })
  })
  test('limit: default, 0 = maximum, capped', () => {
    expect(effectiveLimit(undefined)).toBe(100)
    expect(effectiveLimit(0)).toBe(MAX_LIMIT)
    expect(effectiveLimit(10_000)).toBe(MAX_LIMIT)
    expect(effectiveLimit(3)).toBe(3)
  })
})

describe('more tokens', () => {
  test('round-trip the filters and the position', () => {
    const parsed = q(
      `agent=${account}&verb=http://adlnet.gov/expapi/verbs/passed&since=2025-01-01T00:00:00Z&limit=5`,
    )
    if (!parsed.ok) throw new Error(parsed.error)
    const cursor = {
      stored: new Date('2025-03-01T00:00:00.123Z'),
      id: 'abc',
      snapshot: new Date('2025-03-02T00:00:00Z'),
    }
    const token = encodeMore(parsed.filters, cursor)
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeMore(token)).toEqual({ ...parsed.filters, cursor })
    expect(q(`more=${token}`)).toEqual({ ok: true, filters: { ...parsed.filters, cursor } })
  })
  test('forged tokens cannot express what a query string cannot', () => {
    const forge = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const c = { s: '2025-03-01T00:00:00Z', i: 'x', n: '2025-03-01T00:00:00Z' }
    expect(decodeMore(forge({ v: 1, f: { verb: 'not an iri' }, c }))).toBeNull()
    expect(
      decodeMore(forge({ v: 1, f: { statementId: '9806b59a-d17c-52a7-8611-6c802ff82b49' }, c })),
    ).toBeNull()
    expect(decodeMore(forge({ v: 1, f: { organizationId: 'other' }, c }))).toBeNull()
    expect(decodeMore(forge({ v: 1, f: {}, c: { ...c, s: 'nope' } }))).toBeNull()
    expect(decodeMore(forge({ v: 2, f: {}, c }))).toBeNull()
    expect(decodeMore('not-json')).toBeNull()
  })
})
