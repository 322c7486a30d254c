import { describe, expect, it } from 'vitest'
import { indexContent, roleCoverage, type ContentItem } from './coverage'

const item = (id: string, statementIds: string[], frameworkKey = 'nice@2.1.0'): ContentItem => ({
  kind: 'lab',
  id,
  title: id,
  href: `/labs/${id}`,
  frameworkKey,
  statementIds,
})

describe('roleCoverage', () => {
  const index = indexContent([
    item('iot', ['T1084', 'T1250', 'T1250']),
    item('vpn', ['T1084', 'K0724']),
    item('ecsf-only', ['T1084'], 'ecsf@v1'),
  ])
  it('lists the content per statement, the gaps and a weighted share', () => {
    const c = roleCoverage(
      'nice@2.1.0',
      [
        { statementId: 'T1084', level: 2, weight: 1 },
        { statementId: 'T1250', level: 3, weight: 2 },
        { statementId: 'S0001', level: 2, weight: 1 },
      ],
      index,
    )
    expect(c.statements.map((s) => [s.statementId, s.items.map((i) => i.id)])).toEqual([
      ['T1084', ['iot', 'vpn']],
      ['T1250', ['iot']],
      ['S0001', []],
    ])
    expect(c.covered).toBe(2)
    expect(c.gaps).toBe(1)
    expect(c.share).toBeCloseTo(3 / 4)
    expect(c.byItem.map((b) => [b.item.id, b.count])).toEqual([
      ['iot', 2],
      ['vpn', 1],
    ])
  })
  it('matches statements only within the same framework version', () => {
    const c = roleCoverage('ecsf@v1', [{ statementId: 'T1250', level: 2, weight: 1 }], index)
    expect(c.covered).toBe(0)
    expect(c.share).toBe(0)
  })
  it('an empty role has no coverage and no gaps', () => {
    expect(roleCoverage('nice@2.1.0', [], index)).toMatchObject({ covered: 0, gaps: 0, share: 0 })
  })
})
