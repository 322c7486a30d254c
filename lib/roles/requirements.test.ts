import { describe, expect, it } from 'vitest'
import { getFramework } from '../frameworks/catalog'
import {
  applyRequirementEdits,
  baselineRequirements,
  careerStepDelta,
  clampWeight,
  countByType,
  diffRequirements,
  isEmptyDiff,
} from './requirements'
import type { Requirement } from './types'

const nice = getFramework('nice', '2.1.0')!
const req = (statementId: string, level: 1 | 2 | 3 | 4 = 2, weight = 1): Requirement => ({
  statementId,
  level,
  weight,
})

describe('baselineRequirements', () => {
  it('takes every statement of NICE Incident Response, tasks first, at the chosen level', () => {
    const role = nice.workRoles.get('PD-WRL-003')!
    const reqs = baselineRequirements(nice, 'PD-WRL-003', 3)
    expect(reqs).toHaveLength(role.taskIds.length + role.knowledgeIds.length + role.skillIds.length)
    expect(reqs[0]).toEqual({ statementId: role.taskIds[0], level: 3, weight: 1 })
    expect(new Set(reqs.map((r) => r.level))).toEqual(new Set([3]))
    expect(countByType(reqs, (id) => nice.statements.get(id)?.type)).toEqual({
      task: role.taskIds.length,
      knowledge: role.knowledgeIds.length,
      skill: role.skillIds.length,
    })
  })
  it('is empty for an unknown work role', () => {
    expect(baselineRequirements(nice, 'NOPE', 2)).toEqual([])
  })
})

describe('applyRequirementEdits', () => {
  const known = (id: string) => nice.statements.has(id)
  it('drops at level 0, re-levels, adds new statements at the end and reports unknown ids', () => {
    const { requirements, unknown } = applyRequirementEdits(
      [req('T1084'), req('T1250'), req('K0724')],
      [
        { statementId: 'T1250', level: 0 },
        { statementId: 'T1084', level: 4, weight: 3 },
        { statementId: 'S0547', level: 1 },
        { statementId: 'X9999', level: 2 },
      ],
      known,
    )
    expect(requirements).toEqual([req('T1084', 4, 3), req('K0724'), req('S0547', 1)])
    expect(unknown).toEqual(['X9999'])
  })
  it('clamps weights and levels', () => {
    const { requirements } = applyRequirementEdits(
      [],
      [{ statementId: 'T1084', level: 9, weight: 100 }],
      known,
    )
    expect(requirements).toEqual([req('T1084', 4, 5)])
    expect(clampWeight(0)).toBe(0.5)
    expect(clampWeight(Number.NaN)).toBe(1)
    expect(clampWeight(1.234)).toBe(1.23)
  })
})

describe('diffRequirements and careerStepDelta', () => {
  const analyst = [req('T1084', 2), req('K0724', 2), req('S0547', 3)]
  const responder = [req('T1084', 3), req('K0724', 2, 2), req('T1250', 2)]
  it('names added, removed, raised, lowered and reweighted statements', () => {
    const d = diffRequirements(analyst, responder)
    expect(d.added.map((r) => r.statementId)).toEqual(['T1250'])
    expect(d.removed.map((r) => r.statementId)).toEqual(['S0547'])
    expect(d.raised).toEqual([{ statementId: 'T1084', from: 2, to: 3 }])
    expect(d.lowered).toEqual([])
    expect(d.reweighted).toEqual([{ statementId: 'K0724', from: 1, to: 2 }])
    expect(isEmptyDiff(d)).toBe(false)
    expect(isEmptyDiff(diffRequirements(analyst, analyst))).toBe(true)
  })
  it('a career step adds what the next role needs, and everything across frameworks', () => {
    const same = careerStepDelta(
      { frameworkKey: 'nice@2.1.0', requirements: analyst },
      { frameworkKey: 'nice@2.1.0', requirements: responder },
    )
    expect(same.added.map((r) => r.statementId)).toEqual(['T1250'])
    expect(same.raised.map((r) => r.statementId)).toEqual(['T1084'])
    const cross = careerStepDelta(
      { frameworkKey: 'ecsf@v1', requirements: analyst },
      { frameworkKey: 'nice@2.1.0', requirements: responder },
    )
    expect(cross.added).toHaveLength(3)
  })
})
