import { describe, expect, test } from 'vitest'
import {
  InvalidFrameworkError,
  findStatement,
  getBuiltinFrameworks,
  getCompetencyAreasForStatement,
  getFramework,
  getRoleStatements,
  getRolesForStatement,
  getStatement,
  getWorkRole,
  parseFramework,
  searchStatements,
  type FrameworkIndex,
} from './catalog'
import type { Framework } from './schema'

function mustGet(id: string): FrameworkIndex {
  const fw = getFramework(id)
  if (!fw) throw new Error(`framework ${id} not shipped`)
  return fw
}

const nice = mustGet('nice')
const ecsf = mustGet('ecsf')

const countType = (fw: FrameworkIndex, type: string) =>
  fw.framework.statements.filter((s) => s.type === type).length
const sumLinks = (fw: FrameworkIndex, key: 'taskIds' | 'knowledgeIds' | 'skillIds') =>
  fw.framework.workRoles.reduce((n, r) => n + r[key].length, 0)

describe('NICE Framework Components v2.1.0', () => {
  test('has the published counts', () => {
    expect(nice.key).toBe('nice@2.1.0')
    expect(nice.framework.categories).toHaveLength(5)
    expect(nice.framework.workRoles).toHaveLength(41)
    expect(countType(nice, 'task')).toBe(946)
    expect(countType(nice, 'knowledge')).toBe(662)
    expect(countType(nice, 'skill')).toBe(540)
    expect(nice.framework.statements).toHaveLength(2148)
    expect(nice.statements.size).toBe(2148)
    expect(nice.framework.competencyAreas).toHaveLength(11)
  })

  test('work role → TKS relationship counts match SOURCES.md', () => {
    expect(sumLinks(nice, 'taskIds')).toBe(1429)
    expect(sumLinks(nice, 'knowledgeIds')).toBe(2857)
    expect(sumLinks(nice, 'skillIds')).toBe(1048)
  })

  test('every id a work role or competency area references exists with the right type', () => {
    for (const role of nice.framework.workRoles) {
      expect(nice.categories.has(role.categoryId ?? '')).toBe(true)
      for (const [key, type] of [
        ['taskIds', 'task'],
        ['knowledgeIds', 'knowledge'],
        ['skillIds', 'skill'],
      ] as const) {
        for (const id of role[key]) expect(getStatement(nice, id)?.type, `${role.id} ${id}`).toBe(type)
      }
    }
    for (const area of nice.framework.competencyAreas) {
      for (const id of [...(area.taskIds ?? []), ...(area.knowledgeIds ?? []), ...(area.skillIds ?? [])]) {
        expect(nice.statements.has(id), `${area.id} ${id}`).toBe(true)
      }
    }
  })

  test('known items are present with their exact text', () => {
    const defensive = getWorkRole(nice, 'PD-WRL-001')
    expect(defensive?.title).toBe('Defensive Cybersecurity')
    expect(defensive?.categoryId).toBe('PD')
    expect(defensive?.opmCodes).toEqual(['511'])
    expect(nice.categories.get('PD')?.title).toBe('PROTECTION and DEFENSE')
    expect(getStatement(nice, 'T0006')?.text).toBe(
      "Advocate organization's official position in legal and legislative proceedings",
    )
    // One of the texts where NIST's JSON and XLSX differ; the JSON wording is kept (SOURCES.md).
    expect(getStatement(nice, 'K0720')?.text).toContain('Security Assessment and Authorization')
    // The only statement with non-ASCII text (a typographic apostrophe), preserved as is.
    expect(getStatement(nice, 'S0808')?.text).toBe('Skill in assessing an organization’s data assets')
    expect(nice.framework.statements.filter((s) => s.newInThisVersion)).toHaveLength(45)
  })

  test('the Incident Response work role is PD-WRL-003', () => {
    const ir = nice.framework.workRoles.filter((r) => r.title === 'Incident Response')
    expect(ir.map((r) => r.id)).toEqual(['PD-WRL-003'])
    const role = ir[0]
    expect(role?.opmCodes).toEqual(['531'])
    expect([role?.taskIds.length, role?.knowledgeIds.length, role?.skillIds.length]).toEqual([29, 55, 23])
  })

  test('OPM codes come from CPRT: DD-WRL-004 has two, PD-WRL-005 and DD-WRL-009 none', () => {
    expect(getWorkRole(nice, 'DD-WRL-004')?.opmCodes).toEqual(['631', '632'])
    expect(getWorkRole(nice, 'PD-WRL-005')?.opmCodes).toEqual([])
    expect(getWorkRole(nice, 'DD-WRL-009')?.opmCodes).toEqual([])
  })

  test('statements of a role and roles of a statement are consistent', () => {
    const all = getRoleStatements(nice, 'PD-WRL-003')
    expect(all).toHaveLength(29 + 55 + 23)
    expect(all?.slice(0, 29).every((s) => s.type === 'task')).toBe(true)
    expect(getRoleStatements(nice, 'PD-WRL-003', 'skill')?.map((s) => s.id)).toEqual(
      getWorkRole(nice, 'PD-WRL-003')?.skillIds,
    )
    expect(getRoleStatements(nice, 'NO-SUCH-ROLE')).toBeUndefined()

    let links = 0
    for (const s of nice.framework.statements) {
      for (const role of getRolesForStatement(nice, s.id)) {
        links++
        expect([...role.taskIds, ...role.knowledgeIds, ...role.skillIds]).toContain(s.id)
      }
    }
    expect(links).toBe(1429 + 2857 + 1048)
    expect(getRolesForStatement(nice, 'T0510').map((r) => r.id)).toContain('PD-WRL-003')
    expect(getRolesForStatement(nice, 'NOPE')).toEqual([])
  })

  test('competency area lists exist only for NF-COM-002 and NF-COM-007', () => {
    const mapped = nice.framework.competencyAreas.filter((a) => a.knowledgeIds !== null)
    expect(mapped.map((a) => a.id)).toEqual(['NF-COM-002', 'NF-COM-007'])
    expect(mapped.map((a) => [a.knowledgeIds?.length, a.skillIds?.length])).toEqual([
      [70, 20],
      [56, 67],
    ])
    const someAiKnowledge = mapped[0]?.knowledgeIds?.[0] ?? ''
    expect(getCompetencyAreasForStatement(nice, someAiKnowledge).map((a) => a.id)).toContain('NF-COM-002')
  })

  test('flags the known upstream text error of category IN, keeping the published text', () => {
    expect(nice.categories.get('IN')?.description).toMatch(/^Collects, processes, analyzes/)
    expect(
      nice.framework.provenance?.notes.some((n) =>
        n.startsWith('Known upstream issue: the CPRT description of category IN'),
      ),
    ).toBe(true)
  })

  test('carries the NIST attribution', () => {
    expect(nice.framework.attribution.text).toContain('NIST')
    expect(nice.framework.attribution.text).toContain('does not imply endorsement')
    expect(nice.framework.attribution.sourceUrl).toBe('https://csrc.nist.gov/pubs/sp/800/181/r1/final')
  })
})

describe('ENISA ECSF role profiles', () => {
  test('has 12 profiles with the published item counts', () => {
    const roles = ecsf.framework.workRoles
    expect(roles).toHaveLength(12)
    expect(roles.map((r) => r.id)).toEqual(
      Array.from({ length: 12 }, (_, i) => `ECSF-${String(i + 1).padStart(2, '0')}`),
    )
    expect(sumLinks(ecsf, 'taskIds')).toBe(125)
    expect(sumLinks(ecsf, 'skillIds')).toBe(103)
    expect(sumLinks(ecsf, 'knowledgeIds')).toBe(124)
    expect(ecsf.framework.statements).toHaveLength(125 + 103 + 124)
    expect(roles.reduce((n, r) => n + (r.deliverables?.length ?? 0), 0)).toBe(22)
    expect(roles.reduce((n, r) => n + (r.alternativeTitles?.length ?? 0), 0)).toBe(63)
    expect(roles.reduce((n, r) => n + (r.eCompetences?.length ?? 0), 0)).toBe(55)
    expect(ecsf.framework.categories).toEqual([])
    expect(ecsf.framework.competencyAreas).toEqual([])
  })

  test('keeps the profile fields and generates ids by the documented rule', () => {
    const responder = getWorkRole(ecsf, 'ECSF-02')
    expect(responder?.title).toBe('Cyber Incident Responder')
    expect(responder?.slug).toBe('cyber-incident-responder')
    expect(responder?.section).toBe('2.2')
    expect(responder?.mission).toBeTruthy()
    expect(responder?.description).toBeTruthy()
    expect(responder?.taskIds[0]).toBe('ECSF-02-T01')
    expect(responder?.skillIds[0]).toBe('ECSF-02-S01')
    expect(responder?.knowledgeIds[0]).toBe('ECSF-02-K01')
    expect(getWorkRole(ecsf, 'ECSF-12')?.title).toBe('Penetration Tester')
    const ciso = getWorkRole(ecsf, 'ECSF-01')
    expect(ciso?.eCompetences?.[0]).toEqual({ code: 'A.7', name: 'Technology Trend Monitoring', level: 4 })
    expect(getStatement(ecsf, 'ECSF-01-T06')?.text).toBe('Develop cybersecurity plans')
    for (const s of ecsf.framework.statements) expect(s.id).toMatch(/^ECSF-(0[1-9]|1[0-2])-[TKS]\d{2}$/)
  })

  test('carries the CC BY 4.0 attribution naming ENISA', () => {
    expect(ecsf.framework.attribution.licence).toBe('CC BY 4.0')
    expect(ecsf.framework.attribution.text).toContain('ENISA')
    expect(ecsf.framework.attribution.licenceUrl).toBe('https://creativecommons.org/licenses/by/4.0/')
  })
})

describe('catalog', () => {
  test('loads once and finds statements across frameworks', () => {
    expect(getBuiltinFrameworks()).toBe(getBuiltinFrameworks())
    expect(getBuiltinFrameworks().map((f) => f.key)).toEqual(['nice@2.1.0', 'ecsf@1'])
    expect(getFramework('nice', '2.1.0')).toBe(nice)
    expect(getFramework('nice', '9.9.9')).toBeUndefined()
    expect(findStatement('K0018')?.framework.key).toBe('nice@2.1.0')
    expect(findStatement('ECSF-03-K02')?.framework.key).toBe('ecsf@1')
    expect(findStatement('X0000')).toBeUndefined()
  })

  test('searchStatements searches one framework', () => {
    expect(searchStatements(nice, 'incident response', { limit: 3 })).toHaveLength(3)
    expect(
      searchStatements(ecsf, 'incident', { limit: 50 }).every((h) => h.item.id.startsWith('ECSF-')),
    ).toBe(true)
  })

  test("an organisation's own standard fits the same shape", () => {
    const own: Framework = {
      schemaVersion: 1,
      id: 'acme-soc',
      version: '2025.1',
      title: 'ACME SOC skills',
      publisher: 'ACME',
      attribution: {
        text: 'ACME internal',
        licence: 'Proprietary',
        licenceUrl: null,
        sourceUrl: 'https://acme.example/skills',
      },
      categories: [{ id: 'SOC', title: 'Security operations', description: '' }],
      workRoles: [
        {
          id: 'L1',
          title: 'SOC analyst L1',
          description: '',
          categoryId: 'SOC',
          taskIds: ['A-1'],
          knowledgeIds: [],
          skillIds: ['A-2'],
        },
      ],
      statements: [
        { id: 'A-1', type: 'task', text: 'ログを確認する' },
        { id: 'A-2', type: 'skill', text: 'SIEM で検索できる' },
      ],
      competencyAreas: [],
    }
    const idx = parseFramework(own)
    expect(getRoleStatements(idx, 'L1')?.map((s) => s.id)).toEqual(['A-1', 'A-2'])
    expect(() => parseFramework({ ...own, workRoles: [{ ...own.workRoles[0], taskIds: ['A-9'] }] })).toThrow(
      InvalidFrameworkError,
    )
    expect(() => parseFramework({ ...own, workRoles: [{ ...own.workRoles[0], taskIds: ['A-9'] }] })).toThrow(
      /\$\.workRoles\[0\]\.taskIds\[0\]: unknown statement id "A-9"/,
    )
    expect(() => parseFramework({ ...own, id: 'Not A Slug' })).toThrow()
  })
})
