import { describe, expect, it } from 'vitest'
import { gradeQuiz, normaliseAnswer, publicQuiz, statementsProved } from './quiz'
import { afterAction, choiceProblems } from './tabletop'
import { QuizSchema, TabletopSchema } from './schema'
import { findCycle } from './load'

const L = (s: string) => ({ ja: `${s}（ja）`, en: s })
const quiz = QuizSchema.parse({
  passMark: 0.6,
  questions: [
    {
      id: 'q1',
      kind: 'single',
      prompt: L('One?'),
      options: [
        { id: 'a', text: L('A') },
        { id: 'b', text: L('B') },
      ],
      answer: 'b',
      explanation: L('Because B'),
      statements: ['T1250'],
    },
    {
      id: 'q2',
      kind: 'multiple',
      prompt: L('Two?'),
      options: [
        { id: 'a', text: L('A') },
        { id: 'b', text: L('B') },
        { id: 'c', text: L('C') },
      ],
      answer: ['a', 'c'],
      explanation: L('A and C'),
      statements: ['T1084'],
    },
    {
      id: 'q3',
      kind: 'short',
      prompt: L('IP?'),
      accept: ['203.0.113.45'],
      explanation: L('The C2'),
      statements: ['K0724'],
    },
  ],
})

describe('quizzes', () => {
  it('the public view carries no answers or explanations', () => {
    const pub = JSON.stringify(publicQuiz(quiz, 'en'))
    expect(pub).not.toContain('answer')
    expect(pub).not.toContain('Because B')
    expect(pub).not.toContain('203.0.113.45')
    expect(publicQuiz(quiz, 'ja').questions[0]!.prompt).toBe('One?（ja）')
  })
  it('grades single, multiple (order-free, exact set) and short answers (NFKC, case, spaces)', () => {
    const r = gradeQuiz(quiz, { q1: 'b', q2: ['c', 'a', 'a'], q3: ' ２０３．０．１１３．４５ ' }, 'en')
    expect(r).toMatchObject({ correct: 3, total: 3, passed: true })
    const partial = gradeQuiz(quiz, { q1: 'a', q2: ['a'], q3: '203.0.113.45' }, 'en')
    expect(partial.questions.map((q) => q.correct)).toEqual([false, false, true])
    expect(partial.passed).toBe(false)
    expect(partial.questions[1]!.expected).toEqual(['a', 'c'])
    expect(statementsProved(quiz, partial)).toEqual(['K0724'])
  })
  it('hostile or malformed answers are simply wrong', () => {
    const r = gradeQuiz(quiz, { q1: ['b'], q2: 'a', q3: '<script>alert(1)</script>', extra: 'x' }, 'en')
    expect(r.correct).toBe(0)
    expect(normaliseAnswer('  Ａ  B ')).toBe('a b')
  })
})

describe('tabletops', () => {
  const d = (id: string, recommended: boolean, cost: number) => ({
    id,
    label: L(id),
    consequence: L(`after ${id}`),
    impact: { cost, downtime: 0, reputation: 1, legal: 0 },
    recommended,
  })
  const t = TabletopSchema.parse({
    title: L('T'),
    recommendedPractice: L('Do the right thing'),
    injects: [
      {
        id: 'i1',
        time: L('09:00'),
        title: L('First'),
        situation: L('...'),
        decisions: [d('a', true, -1), d('b', false, 2)],
      },
      {
        id: 'i2',
        time: L('10:00'),
        title: L('Second'),
        situation: L('...'),
        decisions: [d('a', false, 0), d('b', true, 1)],
      },
    ],
  })
  it('checks that every inject has a known decision', () => {
    expect(choiceProblems(t, { i1: 'a', i2: 'b' })).toEqual([])
    expect(choiceProblems(t, { i1: 'z', i9: 'a' })).toEqual([
      'unknown inject "i9"',
      'unknown decision "z" for "i1"',
      'no decision for "i2"',
    ])
  })
  it('sums the impact of the choices and compares them with recommended practice', () => {
    const a = afterAction(t, { i1: 'b', i2: 'b' }, 'en')
    expect(a.totals).toEqual({ cost: 3, downtime: 0, reputation: 2, legal: 0 })
    expect(a.recommendedTotals).toEqual({ cost: 0, downtime: 0, reputation: 2, legal: 0 })
    expect(a.matches).toBe(1)
    expect(a.steps[0]).toMatchObject({
      matched: false,
      chosen: { id: 'b' },
      recommended: { id: 'a', consequence: 'after a' },
    })
  })
})

describe('prerequisites', () => {
  it('finds a cycle and its path', () => {
    expect(
      findCycle([
        ['a', ['b']],
        ['b', ['c']],
        ['c', []],
      ]),
    ).toBeNull()
    expect(
      findCycle([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
      ]),
    ).toEqual(['a', 'b', 'c', 'a'])
  })
})
