import { describe, expect, test } from 'vitest'
import type { LearningEvent } from '../progress/events'
import {
  activityIri,
  labRegistration,
  relatedActivityIds,
  statementFor,
  statementIdFor,
  uuidV5,
  validateStatement,
  VERBS,
  XAPI_VERSION,
} from './statement'

const who = { userId: 'user_1', organizationId: 'org_1' }
const at = new Date('2025-04-01T09:30:00.000Z')
const base = 'https://kenshu.example.org/'
const ctx = { baseUrl: base, actor: { name: 'Aoi Tanaka' }, lang: 'ja' }
const FW = 'https://kenshu.example.org/xapi/extensions/framework-statements'

const events: { [K in LearningEvent['type']]: Extract<LearningEvent, { type: K }> } = {
  'lab-task': {
    type: 'lab-task',
    who,
    labId: 'web-sqli',
    taskId: 'find-flag',
    labSessionId: 'sess_1',
    attemptId: 'att_1',
    passed: true,
    scaled: 0.75,
    frameworkId: 'NICE',
    statementIds: ['T1084', 'K0070', 'T1084'],
    at,
  },
  'lab-complete': {
    type: 'lab-complete',
    who,
    labId: 'web-sqli',
    labSessionId: 'sess_1',
    scaled: 0.9,
    passedWithoutHints: false,
    frameworkId: 'NICE',
    statementIds: ['T1084'],
    at,
  },
  quiz: {
    type: 'quiz',
    who,
    itemType: 'module',
    itemId: 'incident-basics',
    attemptId: 'qa_1',
    passed: false,
    scaled: 0.4,
    frameworkId: 'NICE',
    statementIds: [],
    at,
  },
  completed: {
    type: 'completed',
    who,
    itemType: 'tabletop',
    itemId: 'ransomware',
    frameworkId: 'NICE',
    statementIds: ['K0041'],
    at,
  },
}

describe('uuidV5', () => {
  test('matches the RFC 9562 test vector (DNS namespace, www.example.com)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    )
  })
  test('statement ids are deterministic per event and distinct across events', () => {
    const ids = Object.values(events).map(statementIdFor)
    expect(new Set(ids).size).toBe(4)
    expect(statementIdFor({ ...events.quiz })).toBe(statementIdFor(events.quiz))
    expect(statementFor(events.quiz, ctx)).toEqual(statementFor(events.quiz, { ...ctx }))
  })
})

describe('statementFor', () => {
  test.each(Object.keys(events) as LearningEvent['type'][])('%s produces a valid statement', (type) => {
    const s = statementFor(events[type], ctx)
    expect(validateStatement(s)).toEqual([])
    expect(s.version).toBe(XAPI_VERSION)
    expect(s.actor).toEqual({
      objectType: 'Agent',
      name: 'Aoi Tanaka',
      account: { homePage: 'https://kenshu.example.org', name: 'user_1' },
    })
    expect(JSON.stringify(s)).not.toContain('@')
    expect(s.timestamp).toBe('2025-04-01T09:30:00.000Z')
    expect(s.context?.platform).toBe('Kenshu')
    expect(s.context?.language).toBe('ja-JP')
    expect(s.verb.display).toHaveProperty('en-US')
    expect(s.verb.display).toHaveProperty('ja-JP')
  })

  test('lab task: passed, interaction under its lab, registration of the session, framework refs', () => {
    const s = statementFor(events['lab-task'], ctx)
    expect(s.verb.id).toBe(VERBS.passed.id)
    expect(s.object.id).toBe('https://kenshu.example.org/xapi/activities/lab/web-sqli/task/find-flag')
    expect(s.object.definition?.type).toBe('http://adlnet.gov/expapi/activities/interaction')
    expect(s.context?.contextActivities?.parent?.[0]?.id).toBe(
      'https://kenshu.example.org/xapi/activities/lab/web-sqli',
    )
    expect(s.context?.registration).toBe(labRegistration('sess_1'))
    expect(s.result).toEqual({ success: true, score: { scaled: 0.75 } })
    expect(s.context?.extensions?.[FW]).toEqual(['NICE:K0070', 'NICE:T1084'])
    expect(relatedActivityIds(s)).toHaveLength(2)
    const failed = statementFor({ ...events['lab-task'], passed: false, attemptId: 'att_2' }, ctx)
    expect(failed.verb.id).toBe(VERBS.failed.id)
    expect(failed.result?.success).toBe(false)
  })

  test('lab complete shares the registration of its tasks and reports hints', () => {
    const s = statementFor(events['lab-complete'], ctx)
    expect(s.verb.id).toBe(VERBS.completed.id)
    expect(s.context?.registration).toBe(statementFor(events['lab-task'], ctx).context?.registration)
    expect(s.result?.completion).toBe(true)
    expect(s.result?.extensions?.['https://kenshu.example.org/xapi/extensions/without-hints']).toBe(false)
    expect(s.object.definition?.type).toBe('http://adlnet.gov/expapi/activities/simulation')
  })

  test('quiz: an assessment under its module; failed', () => {
    const s = statementFor(events.quiz, ctx)
    expect(s.verb.id).toBe(VERBS.failed.id)
    expect(s.object.id).toBe('https://kenshu.example.org/xapi/activities/module/incident-basics/quiz')
    expect(s.object.definition?.type).toBe('http://adlnet.gov/expapi/activities/assessment')
    expect(s.context?.contextActivities?.parent?.[0]?.definition?.type).toBe(
      'http://adlnet.gov/expapi/activities/module',
    )
    expect(s.result).toEqual({ success: false, completion: true, score: { scaled: 0.4 } })
    expect(s.context?.extensions?.[FW]).toEqual([])
  })

  test('completed tabletop sits under its briefing; titles are used when given', () => {
    const s = statementFor(events.completed, {
      ...ctx,
      lang: 'en',
      titles: { object: { en: 'Ransomware', ja: 'ランサムウェア' } },
    })
    expect(s.object.id).toBe(activityIri(base, 'tabletop', 'ransomware'))
    expect(s.object.definition?.name).toEqual({ 'en-US': 'Ransomware', 'ja-JP': 'ランサムウェア' })
    expect(s.context?.contextActivities?.parent?.[0]?.id).toBe(activityIri(base, 'briefing', 'ransomware'))
    expect(s.context?.language).toBe('en-US')
    expect(s.result).toEqual({ completion: true })
    expect(s.context?.registration).toBeUndefined()
  })

  test('scores are clamped into [0, 1]', () => {
    const s = statementFor({ ...events['lab-task'], scaled: 7 }, ctx)
    expect(s.result?.score?.scaled).toBe(1)
  })
})

describe('validateStatement', () => {
  const good = () =>
    structuredClone(statementFor(events['lab-task'], ctx)) as Record<string, unknown> &
      ReturnType<typeof statementFor>
  test('flags each kind of problem', () => {
    const cases: [string, (s: ReturnType<typeof good>) => void][] = [
      ['id', (s) => void (s.id = 'not-a-uuid')],
      ['actor', (s) => void (s.actor = { objectType: 'Agent', name: 'x' })],
      [
        'actor',
        (s) =>
          void (s.actor = {
            objectType: 'Agent',
            mbox: 'mailto:a@b',
            account: { homePage: base, name: 'u' },
          }),
      ],
      ['actor.account.homePage', (s) => void (s.actor.account!.homePage = 'example.org')],
      ['verb.id', (s) => void (s.verb.id = 'passed')],
      ['object.id', (s) => void (s.object.id = '/xapi/activities/lab/x')],
      ['result.score.scaled', (s) => void (s.result!.score!.scaled = 1.5)],
      ['result.score.scaled', (s) => void (s.result!.score!.scaled = -1.01)],
      ['context.registration', (s) => void (s.context!.registration = '123')],
      ['context.extensions', (s) => void (s.context!.extensions = { relative: 1 })],
      [
        'context.contextActivities.parent[0].id',
        (s) => void (s.context!.contextActivities!.parent![0]!.id = 'x'),
      ],
      ['verb.display', (s) => void (s.verb.display = { 'not a tag': 'x' })],
      ['timestamp', (s) => void (s.timestamp = 'yesterday')],
      ['version', (s) => void (s.version = '2.0.0')],
    ]
    for (const [field, mutate] of cases) {
      const s = good()
      mutate(s)
      const problems = validateStatement(s)
      expect(
        problems.some((p) => p.startsWith(field)),
        `${field}: ${problems.join('; ')}`,
      ).toBe(true)
    }
    const s = good() as Record<string, unknown>
    delete s.verb
    expect(validateStatement(s)).toContain('verb: required')
    expect(validateStatement(null)).not.toEqual([])
    expect(validateStatement(good())).toEqual([])
  })
})
