import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { computeLabScore, containsToken, earnedPoints, gradeAnswer, gradeChoice, MAX_ANSWER_CHARS, normalizeText, scoreReport } from './grading'
import { LabManifestSchema, type AnswerTask, type ChoiceTask, type LabTask, type ReportTask } from './manifest'

// Tasks are built through the real schema so defaults (caseInsensitive, scoring …) apply as in production.
const base = parse(readFileSync(fileURLToPath(new URL('./__fixtures__/valid-minimal/lab.yaml', import.meta.url)), 'utf8')) as Record<string, unknown>
function build<T extends LabTask>(task: Record<string, unknown>, extra: Record<string, unknown> = {}): T {
  const m = LabManifestSchema.parse({
    ...base,
    variables: [{ name: 'ATTACKER_IP', description: 'x' }, { name: 'C2', description: 'x' }, { name: 'USER', description: 'x' }, { name: 'PASS', description: 'x' }],
    tasks: [{ title: { ja: 't', en: 't' }, prompt: { ja: 'p', en: 'p' }, points: 10, ...task }],
    ...extra,
  })
  return m.tasks[0] as T
}
const vars = { ATTACKER_IP: '192.0.2.5', C2: '198.51.100.23', USER: 'support', PASS: 'support' }
const fresh = { previousIncorrect: 0 }

describe('normalizeText', () => {
  test('full-width input from a Japanese IME equals ASCII', () => {
    expect(normalizeText('　１９２．０．２．５ ', false)).toBe('192.0.2.5')
  })
  test('collapses inner whitespace, lower-cases only on request', () => {
    expect(normalizeText(' Root \t XC3511 ', false)).toBe('Root XC3511')
    expect(normalizeText(' Root \t XC3511 ', true)).toBe('root xc3511')
  })
})

describe('gradeAnswer', () => {
  const exact = build<AnswerTask>({ id: 'a', kind: 'answer', match: { kind: 'exact', values: ['Mirai'] } })
  const exactCi = build<AnswerTask>({ id: 'a', kind: 'answer', match: { kind: 'exact', values: ['Mirai'], caseInsensitive: true } })

  test('exact is case-sensitive by default', () => {
    expect(gradeAnswer(exact, 'Mirai', {}, fresh).status).toBe('correct')
    expect(gradeAnswer(exact, 'mirai', {}, fresh).status).toBe('incorrect')
    expect(gradeAnswer(exactCi, 'MIRAI', {}, fresh).status).toBe('correct')
  })

  test('surrounding whitespace never matters', () => {
    expect(gradeAnswer(exact, '  Mirai\n', {}, fresh).status).toBe('correct')
  })

  test('regex: unanchored patterns match inside, anchored ones do not', () => {
    const loose = build<AnswerTask>({ id: 'a', kind: 'answer', match: { kind: 'regex', pattern: '23' } })
    const anchored = build<AnswerTask>({ id: 'a', kind: 'answer', match: { kind: 'regex', pattern: '^23$' } })
    expect(gradeAnswer(loose, 'port 2323', {}, fresh).status).toBe('correct')
    expect(gradeAnswer(anchored, 'port 2323', {}, fresh).status).toBe('incorrect')
    expect(gradeAnswer(anchored, '23', {}, fresh).status).toBe('correct')
  })

  test('regex placeholders take the per-session value, escaped', () => {
    const c2 = build<AnswerTask>({ id: 'a', kind: 'answer', match: { kind: 'regex', pattern: '^{{C2}}(:23)?$' } })
    expect(gradeAnswer(c2, '198.51.100.23', vars, fresh).status).toBe('correct')
    expect(gradeAnswer(c2, '198.51.100.23:23', vars, fresh).status).toBe('correct')
    // The dots are literal: a "." in the value must not match any character.
    expect(gradeAnswer(c2, '198x51.100.23', vars, fresh).status).toBe('incorrect')
    expect(gradeAnswer(c2, '198.51.100.23:2323', vars, fresh).status).toBe('incorrect')
  })

  test('variable answers compare with this session only', () => {
    const ip = build<AnswerTask>({ id: 'a', kind: 'answer', match: { kind: 'variable', name: 'ATTACKER_IP' } })
    expect(gradeAnswer(ip, '192.0.2.5', vars, fresh).status).toBe('correct')
    expect(gradeAnswer(ip, '192.0.2.5', { ...vars, ATTACKER_IP: '203.0.113.7' }, fresh).status).toBe('incorrect')
    expect(gradeAnswer(ip, '192.0.2.55', vars, fresh).status).toBe('incorrect')
  })

  test('a missing variable is the lab\'s fault: error, not an attempt', () => {
    const ip = build<AnswerTask>({ id: 'a', kind: 'answer', match: { kind: 'variable', name: 'ATTACKER_IP' } })
    expect(gradeAnswer(ip, '192.0.2.5', {}, fresh)).toEqual({ status: 'error', reason: 'per-session variable ATTACKER_IP is not set' })
  })

  test('attempt limit: the last allowed wrong answer locks, later input is not graded', () => {
    const t = build<AnswerTask>({ id: 'a', kind: 'answer', match: { kind: 'exact', values: ['x'] }, attemptLimit: 3 })
    expect(gradeAnswer(t, 'y', {}, { previousIncorrect: 1 })).toEqual({ status: 'incorrect', attemptsUsed: 2, attemptsLeft: 1, locked: false })
    expect(gradeAnswer(t, 'y', {}, { previousIncorrect: 2 })).toEqual({ status: 'incorrect', attemptsUsed: 3, attemptsLeft: 0, locked: true })
    expect(gradeAnswer(t, 'x', {}, { previousIncorrect: 2 })).toEqual({ status: 'correct', attemptsUsed: 3 })
    expect(gradeAnswer(t, 'x', {}, { previousIncorrect: 3 })).toEqual({ status: 'rejected', reason: 'locked', attemptsLeft: 0 })
  })

  test('no limit means unlimited attempts', () => {
    expect(gradeAnswer(exact, 'nope', {}, { previousIncorrect: 99 })).toEqual({ status: 'incorrect', attemptsUsed: 100, attemptsLeft: null, locked: false })
  })

  test('empty and over-long input is rejected without costing an attempt', () => {
    expect(gradeAnswer(exact, '   ', {}, fresh).status).toBe('rejected')
    expect(gradeAnswer(exact, 'M'.repeat(MAX_ANSWER_CHARS), {}, fresh).status).toBe('incorrect')
    expect(gradeAnswer(exact, 'M'.repeat(MAX_ANSWER_CHARS + 1), {}, fresh)).toEqual({ status: 'rejected', reason: 'too-long', attemptsLeft: null })
  })
})

describe('gradeChoice', () => {
  const options = ['a', 'b', 'c', 'd'].map((id) => ({ id, text: { ja: id, en: id } }))
  const single = build<ChoiceTask>({ id: 'c', kind: 'choice', mode: 'single', options, correct: ['b'], attemptLimit: 2 })
  const multiAll = build<ChoiceTask>({ id: 'c', kind: 'choice', mode: 'multiple', options, correct: ['a', 'b'] })
  const multiPartial = build<ChoiceTask>({ id: 'c', kind: 'choice', mode: 'multiple', options, correct: ['a', 'b', 'c'], scoring: 'partial' })

  test('single choice', () => {
    expect(gradeChoice(single, ['b'], fresh)).toMatchObject({ status: 'correct', fraction: 1 })
    expect(gradeChoice(single, ['a'], fresh)).toMatchObject({ status: 'incorrect', fraction: 0, attemptsLeft: 1 })
    expect(gradeChoice(single, ['a', 'b'], fresh)).toMatchObject({ status: 'rejected', reason: 'too-many' })
    expect(gradeChoice(single, ['b'], { previousIncorrect: 2 })).toMatchObject({ status: 'rejected', reason: 'locked' })
  })

  test('all-or-nothing multiple choice gives nothing for a subset', () => {
    expect(gradeChoice(multiAll, ['a'], fresh)).toMatchObject({ status: 'incorrect', fraction: 0 })
    expect(gradeChoice(multiAll, ['b', 'a'], fresh)).toMatchObject({ status: 'correct', fraction: 1 })
  })

  test('partial: right minus wrong over right, floored at 0', () => {
    expect(gradeChoice(multiPartial, ['a', 'b'], fresh)).toMatchObject({ status: 'incorrect', fraction: 2 / 3 })
    expect(gradeChoice(multiPartial, ['a', 'b', 'd'], fresh)).toMatchObject({ status: 'incorrect', fraction: 1 / 3 })
    expect(gradeChoice(multiPartial, ['a', 'b', 'c', 'd'], fresh)).toMatchObject({ status: 'incorrect', fraction: 2 / 3 })
    expect(gradeChoice(multiPartial, ['d'], fresh)).toMatchObject({ status: 'incorrect', fraction: 0 })
    expect(earnedPoints(multiPartial, { passed: false, fraction: 2 / 3 })).toBe(7)
  })

  test('unknown options and duplicates', () => {
    expect(gradeChoice(multiAll, ['a', 'z'], fresh)).toMatchObject({ status: 'rejected', reason: 'unknown-option' })
    expect(gradeChoice(multiAll, ['a', 'a', 'b'], fresh)).toMatchObject({ status: 'correct' })
    expect(gradeChoice(multiAll, [], fresh)).toMatchObject({ status: 'rejected', reason: 'empty' })
  })
})

describe('containsToken', () => {
  test('finds an address in Japanese and English prose', () => {
    expect(containsToken('攻撃元は192.0.2.5でした', '192.0.2.5')).toBe(true)
    expect(containsToken('The source was 192.0.2.5.', '192.0.2.5')).toBe(true)
    expect(containsToken('(192.0.2.5:23)', '192.0.2.5')).toBe(true)
  })
  test('does not find it inside a longer address or word', () => {
    expect(containsToken('192.0.2.51', '192.0.2.5')).toBe(false)
    expect(containsToken('10.192.0.2.5', '192.0.2.5')).toBe(false)
    expect(containsToken('x192.0.2.5', '192.0.2.5')).toBe(false)
    expect(containsToken('192.0.2.51 and 192.0.2.5', '192.0.2.5')).toBe(true)
  })
})

describe('scoreReport', () => {
  const report = build<ReportTask>({
    id: 'r',
    kind: 'report',
    points: 20,
    rubric: {
      passMark: 16,
      sections: [
        { id: 'summary', title: { ja: '概要', en: 'Summary' }, points: 3, minChars: 10 },
        { id: 'timeline', title: { ja: '時系列', en: 'Timeline' }, points: 3, minChars: 10 },
        { id: 'prevention', title: { ja: '再発防止', en: 'Prevention' }, points: 2, minChars: 10 },
      ],
      facts: [
        { id: 'ip', label: { ja: 'IP', en: 'IP' }, points: 4, match: { kind: 'variable', name: 'ATTACKER_IP' } },
        { id: 'c2', label: { ja: 'C2', en: 'C2' }, points: 4, match: { kind: 'variable', name: 'C2' }, section: 'timeline' },
        { id: 'cred', label: { ja: '認証情報', en: 'Credential' }, points: 4, match: { kind: 'regex', pattern: '{{USER}}\\s?[/:]\\s?{{PASS}}', caseInsensitive: true } },
      ],
    },
  })
  const full = {
    summary: '初期パスワード Support/Support で telnet に侵入された。',
    timeline: '07:04 192.0.2.5 から総当たり、07:08 C2 198.51.100.23 へ通信開始',
    prevention: 'telnet を閉じ、全アカウントのパスワードを変更する。',
  }

  test('everything present and found passes with full marks', () => {
    const s = scoreReport(report, full, vars)
    expect(s).toMatchObject({ score: 20, maxScore: 20, passed: true, missingSections: [] })
  })

  test('a fact restricted to a section is not found elsewhere', () => {
    const s = scoreReport(report, { ...full, timeline: '07:04 192.0.2.5 から総当たりを受けた（詳細は別紙）', summary: `${full.summary} C2 は 198.51.100.23` }, vars)
    expect(s.facts.find((f) => f.id === 'c2')?.found).toBe(false)
    expect(s).toMatchObject({ score: 16, passed: true })
  })

  test('score above the pass mark still fails when a section is missing', () => {
    const s = scoreReport(report, { ...full, prevention: 'TBD' }, vars)
    expect(s).toMatchObject({ score: 18, passed: false, missingSections: ['prevention'] })
  })

  test('just under the pass mark fails', () => {
    const s = scoreReport(report, { ...full, summary: '初期パスワードで telnet に侵入された。', timeline: '07:04 192.0.2.5 から総当たりを受けた。' }, vars)
    expect(s).toMatchObject({ score: 12, passed: false })
  })

  test('whitespace does not count towards minChars', () => {
    const s = scoreReport(report, { ...full, summary: 'a b c d e f g h i' }, vars)
    expect(s.sections.find((x) => x.id === 'summary')).toMatchObject({ present: false, chars: 9 })
  })

  test('a missing variable scores the fact 0 with an error, never throws', () => {
    const s = scoreReport(report, full, { ...vars, C2: undefined } as unknown as Record<string, string>)
    expect(s.facts.find((f) => f.id === 'c2')).toMatchObject({ found: false, awarded: 0, error: 'per-session variable C2 is not set' })
  })

  test('sections not in the rubric and prototype keys are ignored', () => {
    const s = scoreReport(report, JSON.parse('{"__proto__": "x", "extra": "192.0.2.5"}') as Record<string, string>, vars)
    expect(s.score).toBe(0)
  })
})

describe('computeLabScore', () => {
  const a = build<AnswerTask>({ id: 'a', kind: 'answer', match: { kind: 'exact', values: ['x'] }, hints: [{ penalty: 4, text: { ja: 'h', en: 'h' } }, { penalty: 10, text: { ja: 'h', en: 'h' } }] })
  const b = { ...a, id: 'b', hints: [{ penalty: 3, text: { ja: 'h', en: 'h' } }] }

  test('hint penalties come off the task, never below 0, never from other tasks', () => {
    const s = computeLabScore([a, b], {
      a: { earned: 10, passed: true, hintsTaken: [0, 1] },
      b: { earned: 10, passed: true, hintsTaken: [] },
    })
    expect(s.tasks[0]).toMatchObject({ earned: 10, penalty: 14, score: 0 })
    expect(s).toMatchObject({ score: 10, maxScore: 20, allPassed: true, passedWithoutHints: false })
  })

  test('a hint opened on a task not passed still costs (floor 0)', () => {
    const s = computeLabScore([a, b], { b: { earned: 0, passed: false, hintsTaken: [0] } })
    expect(s).toMatchObject({ score: 0, allPassed: false })
    expect(s.tasks[1]).toMatchObject({ penalty: 3, score: 0 })
  })

  test('duplicate and out-of-range hint indices are ignored; earned is clamped', () => {
    const s = computeLabScore([a], { a: { earned: 999, passed: true, hintsTaken: [0, 0, 7, -1] } })
    expect(s.tasks[0]).toMatchObject({ earned: 10, penalty: 4, score: 6, hintsTaken: 1 })
  })

  test('all passed without hints', () => {
    const s = computeLabScore([a, b], { a: { earned: 10, passed: true, hintsTaken: [] }, b: { earned: 10, passed: true, hintsTaken: [] } })
    expect(s).toMatchObject({ score: 20, passedWithoutHints: true })
  })

  test('report and check tasks earn from their results', () => {
    expect(earnedPoints(a, { passed: true })).toBe(10)
    expect(earnedPoints(a, { passed: false })).toBe(0)
  })
})
