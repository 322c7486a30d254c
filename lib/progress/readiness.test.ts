import { describe, expect, it, test } from 'vitest'
import {
  proficiency,
  readiness,
  recommend,
  type EvidenceRow,
  readinessHistory,
  monthlyPoints,
} from './readiness'
import type { ContentItem } from '../roles/coverage'
import type { Requirement } from '../roles/types'

const now = new Date('2026-11-26T00:00:00Z')
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000)
const ev = (id: string, statementId: string, level: number, age = 1): EvidenceRow => ({
  id,
  statementId,
  frameworkId: 'nice',
  level,
  kind: 'x',
  createdAt: daysAgo(age),
})

describe('proficiency', () => {
  it('is the highest current level, with the evidence behind it; stale evidence is shown but proves nothing', () => {
    const p = proficiency(
      [
        ev('e1', 'T1', 1),
        ev('e2', 'T1', 2, 5),
        ev('e3', 'T1', 2, 3),
        ev('e4', 'K1', 3, 900),
        ev('e5', 'K1', 1, 10),
      ],
      { now },
    )
    expect(p.get('T1')).toMatchObject({ level: 2, evidence: ['e3', 'e2'], staleLevel: 0 })
    expect(p.get('K1')).toMatchObject({ level: 1, evidence: ['e5'], staleLevel: 3 })
    expect(proficiency([ev('e4', 'K1', 3, 900)], { now, staleAfterDays: 1000 }).get('K1')!.level).toBe(3)
  })
})

describe('readiness', () => {
  it('is the weighted share of requirements met, with the biggest gaps first', () => {
    const p = proficiency([ev('a', 'T1', 2), ev('b', 'K1', 1), ev('c', 'S1', 3, 1000)], { now })
    const r = readiness(
      [
        { statementId: 'T1', level: 2, weight: 1 },
        { statementId: 'K1', level: 3, weight: 2 },
        { statementId: 'S1', level: 2, weight: 1 },
      ],
      p,
    )
    expect(r.met).toBe(1)
    expect(r.share).toBeCloseTo(1 / 4)
    expect(r.gaps.map((g) => [g.statementId, g.current, g.stale])).toEqual([
      ['K1', 1, false],
      ['S1', 0, true],
    ])
    expect(readiness([], p).share).toBe(0)
  })
})

describe('recommend', () => {
  const item = (kind: ContentItem['kind'], id: string, statementIds: string[]): ContentItem => ({
    kind,
    id,
    title: id,
    href: `/${id}`,
    frameworkKey: 'nice@2.1.0',
    statementIds,
  })
  const gaps = [
    { statementId: 'T1', required: 2, current: 0, weight: 2, stale: false },
    { statementId: 'K1', required: 1, current: 0, weight: 1, stale: false },
    { statementId: 'S1', required: 3, current: 1, weight: 1, stale: false },
  ]
  it('ranks by the weighted gap closed, respects what each kind can prove, and puts prerequisites first', () => {
    const items = [
      item('module', 'basics', ['K1']),
      item('module', 'advanced', ['T1', 'S1']),
      item('lab', 'iot', ['T1', 'S1']),
      item('briefing', 'b', ['S1']),
    ]
    const recs = recommend(gaps, items, {
      frameworkKey: 'nice@2.1.0',
      prerequisites: (id) => (id === 'advanced' ? ['basics'] : []),
    })
    expect(recs.map((r) => r.item.id)).toEqual(['iot', 'basics', 'advanced'])
    expect(recs[0]!.closes).toEqual(['S1', 'T1'])
    // A briefing (level 1) cannot raise S1 from 1 to 3: not recommended for it.
    expect(recs.some((r) => r.item.id === 'b')).toBe(false)
  })
  it('skips done items and other frameworks', () => {
    const recs = recommend(
      gaps,
      [item('lab', 'iot', ['T1']), { ...item('lab', 'x', ['T1']), frameworkKey: 'ecsf@1' }],
      { frameworkKey: 'nice@2.1.0', done: new Set(['lab:iot']) },
    )
    expect(recs).toEqual([])
  })
})

describe('readiness buckets', () => {
  it('places shares in the distribution buckets of the HR overview', async () => {
    const { bucketOf } = await import('./store')
    expect([0, 0.24, 0.25, 0.49, 0.5, 0.79, 0.8, 1].map(bucketOf)).toEqual([0, 0, 1, 1, 2, 2, 3, 3])
  })
})

describe('readinessHistory', () => {
  const day = 86_400_000
  const now = new Date('2026-06-30T00:00:00Z')
  const reqs: Requirement[] = [
    { statementId: 'T1', level: 1, weight: 1 },
    { statementId: 'T2', level: 2, weight: 3 },
  ]
  const ev = (id: string, statementId: string, level: number, daysAgo: number) => ({
    id,
    statementId,
    frameworkId: 'nice',
    level,
    kind: 'x',
    createdAt: new Date(now.getTime() - daysAgo * day),
  })
  test('replays readiness over time, counting evidence only from when it existed and until it went stale', () => {
    const rows = [ev('a', 'T1', 1, 100), ev('b', 'T2', 2, 10)]
    const points = [new Date(now.getTime() - 200 * day), new Date(now.getTime() - 50 * day), now]
    expect(readinessHistory(rows, reqs, 'nice', points).map((p) => p.share)).toEqual([0, 0.25, 1])
    // With a 60-day stale period the first piece of evidence no longer counts today.
    expect(readinessHistory(rows, reqs, 'nice', points, 60).map((p) => p.share)).toEqual([0, 0.25, 0.75])
    // Evidence of another framework never counts.
    expect(readinessHistory([{ ...rows[1]!, frameworkId: 'ecsf' }], reqs, 'nice', [now])[0]!.share).toBe(0)
  })
  test('monthly points end with now and are ascending', () => {
    const p = monthlyPoints(now, 6)
    expect(p).toHaveLength(7)
    expect(p.at(-1)).toEqual(now)
    expect(p.every((d, i) => i === 0 || d > p[i - 1]!)).toBe(true)
    expect(p[0]!.toISOString()).toBe('2025-12-31T23:59:59.999Z')
  })
})
