import { describe, expect, test } from 'vitest'
import ecsfJson from '../../../content/frameworks/ecsf-v1.json'
import niceJson from '../../../content/frameworks/nice-v2.1.0.json'
import type { CareerEdge, OrgRoleSpec } from '../../roles/types'
import { FrameworkSchema } from '../schema'
import { frameworkToCase } from './framework'
import { caseToOrgRoles, csvCell, orgRolesToCase, orgRolesToCsv, type OrgRolesInput } from './roles'
import { CFPackageSchema } from './schema'
import { UUID_PATTERN } from './uuid'

const nice = FrameworkSchema.parse(niceJson)
const ecsf = FrameworkSchema.parse(ecsfJson)
const opts = { baseUri: 'https://kenshu.example/case', lastChangeDateTime: '2025-03-01T09:00:00+09:00' }
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T

const niceRole = nice.workRoles[0]!
const ecsfRole = ecsf.workRoles[1]!
const roles: OrgRoleSpec[] = [
  {
    frameworkId: 'nice',
    frameworkVersion: '2.1.0',
    id: 'soc-analyst-1',
    title: 'SOC Analyst I',
    description: 'Tier 1 triage, night shift.',
    positionLevel: 1,
    baselineWorkRoleId: niceRole.id,
    requirements: [
      { statementId: niceRole.knowledgeIds[0]!, level: 2, weight: 1 },
      { statementId: niceRole.taskIds[0]!, level: 1, weight: 2.5 },
      { statementId: niceRole.skillIds[0]!, level: 3, weight: 0.5 },
    ],
    version: 3,
    archived: false,
  },
  {
    frameworkId: 'nice',
    frameworkVersion: '2.1.0',
    id: 'soc-analyst-2',
    title: 'SOC Analyst II',
    description: '',
    positionLevel: 2,
    baselineWorkRoleId: null,
    requirements: [{ statementId: niceRole.knowledgeIds[0]!, level: 4, weight: 5 }],
    version: 1,
    archived: true,
  },
  {
    frameworkId: 'ecsf',
    frameworkVersion: '1',
    id: 'ciso',
    title: 'CISO, "Acting"',
    description: 'Line one\nLine two',
    positionLevel: null,
    baselineWorkRoleId: ecsfRole.id,
    requirements: [
      { statementId: ecsfRole.taskIds[1]!, level: 4, weight: 1.25 },
      { statementId: ecsfRole.skillIds[0]!, level: 2, weight: 1 },
    ],
    version: 12,
    archived: false,
  },
  {
    frameworkId: 'nice',
    frameworkVersion: '2.1.0',
    id: 'trainee',
    title: 'Trainee',
    description: 'No requirements yet.',
    positionLevel: 1,
    baselineWorkRoleId: null,
    requirements: [],
    version: 1,
    archived: false,
  },
]
const careerPaths: CareerEdge[] = [
  { fromRoleId: 'soc-analyst-2', toRoleId: 'ciso' },
  { fromRoleId: 'trainee', toRoleId: 'soc-analyst-1' },
  { fromRoleId: 'soc-analyst-1', toRoleId: 'soc-analyst-2' },
]
const input: OrgRolesInput = {
  organization: { id: 'acme', name: 'ACME Corp' },
  roles,
  careerPaths,
  frameworks: [nice, ecsf],
}
const pkg = orgRolesToCase(input, opts)

function importOk(value: unknown) {
  const r = caseToOrgRoles(value)
  if (!r.ok) throw new Error(`import failed: ${JSON.stringify(r.errors.slice(0, 5))}`)
  return r
}

describe('orgRolesToCase', () => {
  test('round-trips roles (level, weight, archived, versions) and career paths', () => {
    const r = importOk(JSON.stringify(pkg))
    expect(r.roles).toEqual(roles)
    expect(r.careerPaths).toEqual(careerPaths)
    expect(r.organization).toEqual({ id: 'acme', name: 'ACME Corp' })
    expect(r.warnings).toEqual([])
  })

  test('conforms to the strict CASE 1.1 schema; identifiers unique and deterministic', () => {
    const check = CFPackageSchema.safeParse(pkg)
    expect(check.success ? [] : check.error.issues.slice(0, 3)).toEqual([])
    const ids = [
      pkg.CFDocument.identifier,
      ...pkg.CFItems!.map((i) => i.identifier),
      ...pkg.CFAssociations!.map((a) => a.identifier),
      ...pkg.CFRubrics!.flatMap((r) => [
        r.identifier,
        ...r.CFRubricCriteria!.flatMap((c) => [
          c.identifier,
          ...c.CFRubricCriterionLevels!.map((l) => l.identifier),
        ]),
      ]),
    ]
    for (const id of ids) expect(id).toMatch(UUID_PATTERN)
    expect(new Set(ids).size).toBe(ids.length)
    expect(JSON.stringify(orgRolesToCase(clone(input), opts))).toBe(JSON.stringify(pkg))
  })

  test('roles are Job Role items; requirements are rubric criteria with the four levels', () => {
    expect(pkg.CFItems!.map((i) => [i.CFItemType, i.humanCodingScheme, i.fullStatement])).toEqual(
      roles.map((r) => ['Job Role', r.id, r.title]),
    )
    const rubric = pkg.CFRubrics![0]!
    expect(rubric.extensions).toEqual({ kenshu: { roleId: 'soc-analyst-1' } })
    const c = rubric.CFRubricCriteria![1]!
    const statement = nice.statements.find((s) => s.id === niceRole.taskIds[0])!
    expect(c).toMatchObject({
      category: 'Task',
      description: statement.text,
      weight: 2.5,
      position: 2,
      rubricId: rubric.identifier,
      CFItemURI: { title: statement.id },
      extensions: { kenshu: { statementId: statement.id, requiredLevel: 1 } },
    })
    expect(c.CFRubricCriterionLevels!.map((l) => [l.position, l.score, l.quality])).toEqual([
      [1, 1, 'Basic'],
      [2, 2, 'Intermediate'],
      [3, 3, 'Advanced'],
      [4, 4, 'Expert'],
    ])
    const ciso = pkg.CFRubrics![2]!.CFRubricCriteria![0]!
    expect(ciso.CFRubricCriterionLevels!.map((l) => l.feedback)).toEqual([
      'Below the required level (Expert) for this role.',
      'Below the required level (Expert) for this role.',
      'Below the required level (Expert) for this role.',
      'Meets the required level (Expert) for this role.',
    ])
    expect(pkg.CFRubrics![3]!.CFRubricCriteria).toEqual([])
  })

  test('requirement links resolve to the statement items of the frameworks’ own CASE exports', () => {
    const frameworkPkgs = [frameworkToCase(nice, opts), frameworkToCase(ecsf, opts)]
    const items = new Map(frameworkPkgs.flatMap((p) => p.CFItems!.map((i) => [i.identifier, i])))
    const related = pkg.CFAssociations!.filter((a) => a.associationType === 'isRelatedTo')
    expect(related).toHaveLength(roles.reduce((n, r) => n + r.requirements.length, 0))
    for (const a of related) {
      const target = items.get(a.destinationNodeURI.identifier)
      expect(target?.uri).toBe(a.destinationNodeURI.uri)
      expect(target?.humanCodingScheme).toBe(a.destinationNodeURI.title)
      expect(a.destinationNodeURI.targetType).toBe('CASE')
    }
    for (const c of pkg.CFRubrics!.flatMap((r) => r.CFRubricCriteria!)) {
      expect(items.get(c.CFItemURI!.identifier)?.uri).toBe(c.CFItemURI!.uri)
    }
    const other = orgRolesToCase(input, { ...opts, frameworkBaseUri: 'https://frameworks.example/case/' })
    expect(other.CFRubrics![0]!.CFRubricCriteria![0]!.CFItemURI!.uri).toMatch(
      /^https:\/\/frameworks\.example\/case\/CFItems\//,
    )
  })

  test('career paths are precedes associations between role items, in order', () => {
    const code = new Map(pkg.CFItems!.map((i) => [i.identifier, i.humanCodingScheme]))
    const precedes = pkg.CFAssociations!.filter((a) => a.associationType === 'precedes')
    expect(
      precedes.map((a) => [
        code.get(a.originNodeURI.identifier),
        code.get(a.destinationNodeURI.identifier),
        a.sequenceNumber,
      ]),
    ).toEqual(careerPaths.map((e, i) => [e.fromRoleId, e.toRoleId, i + 1]))
  })

  test('refuses inconsistent input', () => {
    const bad = (patch: (x: OrgRolesInput) => void) => {
      const x = clone(input)
      patch(x)
      return () => orgRolesToCase(x, opts)
    }
    expect(bad((x) => (x.frameworks = [nice]))).toThrow(/ecsf@1, which was not passed in/)
    expect(bad((x) => (x.roles[0]!.requirements[0]!.statementId = 'NOPE'))).toThrow(/unknown in nice@2.1.0/)
    expect(bad((x) => (x.roles[0]!.requirements[0]!.weight = 9))).toThrow(/weight/)
    expect(bad((x) => ((x.roles[0]!.requirements[0]! as { level: number }).level = 0))).toThrow(/level/)
    expect(bad((x) => (x.roles[1]!.id = 'soc-analyst-1'))).toThrow(/duplicate role id/)
    expect(bad((x) => x.roles[0]!.requirements.push({ ...x.roles[0]!.requirements[0]! }))).toThrow(/twice/)
    expect(bad((x) => x.careerPaths.push({ fromRoleId: 'ciso', toRoleId: 'ghost' }))).toThrow(/unknown role/)
  })
})

describe('caseToOrgRoles', () => {
  test('falls back to the levels’ feedback when criterion extensions were stripped', () => {
    const stripped = clone(pkg)
    for (const r of stripped.CFRubrics!) for (const c of r.CFRubricCriteria!) delete c.extensions
    expect(importOk(stripped).roles).toEqual(roles)
  })

  test('ties rubrics to roles by their deterministic identifier when the rubric extension is missing', () => {
    const stripped = clone(pkg)
    for (const r of stripped.CFRubrics!) delete r.extensions
    expect(importOk(stripped).roles).toEqual(roles)
  })

  test('errors with paths for data it cannot trust', () => {
    const noExt = clone(pkg)
    delete noExt.CFItems![1]!.extensions
    const r1 = caseToOrgRoles(noExt)
    expect(!r1.ok && r1.errors.map((e) => e.path)).toEqual(['$.CFItems[1].extensions.kenshu'])

    const wrongTarget = clone(pkg)
    wrongTarget.CFRubrics![0]!.CFRubricCriteria![0]!.CFItemURI!.identifier =
      '00000000-0000-4000-8000-000000000000'
    const r2 = caseToOrgRoles(wrongTarget)
    expect(!r2.ok && r2.errors.map((e) => e.path)).toEqual([
      '$.CFRubrics[0].CFRubricCriteria[0].CFItemURI.identifier',
    ])

    const badWeight = clone(pkg)
    badWeight.CFRubrics![2]!.CFRubricCriteria![1]!.weight = -1
    const r3 = caseToOrgRoles(badWeight)
    expect(!r3.ok && r3.errors.map((e) => e.path)).toEqual(['$.CFRubrics[2].CFRubricCriteria[1].weight'])

    const noRubric = clone(pkg)
    noRubric.CFRubrics!.pop()
    const r4 = caseToOrgRoles(noRubric)
    expect(!r4.ok && r4.errors.map((e) => e.path)).toEqual(['$.CFItems[3]'])

    const badPath = clone(pkg)
    const p = badPath.CFAssociations!.find((a) => a.associationType === 'precedes')!
    p.destinationNodeURI.identifier = '00000000-0000-4000-8000-000000000000'
    const r5 = caseToOrgRoles(badPath)
    expect(!r5.ok && r5.errors[0]!.message).toMatch(/career path end/)

    expect(caseToOrgRoles('[]')).toEqual({
      ok: false,
      errors: [{ path: '$', message: 'expected a JSON object (a CASE CFPackage)' }],
    })
  })

  test('warns when isRelatedTo links and rubric disagree', () => {
    const drift = clone(pkg)
    drift.CFAssociations = drift.CFAssociations!.filter((a) => a.associationType !== 'isRelatedTo')
    const r = importOk(drift)
    expect(r.roles).toEqual(roles)
    expect(r.warnings).toHaveLength(3) // the three roles with requirements
  })
})

describe('orgRolesToCsv', () => {
  test('BOM, CRLF, header and one row per requirement', () => {
    const csv = orgRolesToCsv(input)
    expect(
      csv.startsWith('\uFEFFrole_id,role_title,position_level,framework,framework_version,statement_id,'),
    ).toBe(true)
    expect(csv.endsWith('\r\n')).toBe(true)
    const lines = csv.slice(1).split('\r\n').slice(0, -1)
    expect(lines[0]).toBe(
      'role_id,role_title,position_level,framework,framework_version,statement_id,statement_type,statement_text,required_level,weight',
    )
    expect(lines).toHaveLength(1 + 3 + 1 + 2)
    const t = nice.statements.find((s) => s.id === niceRole.taskIds[0])!
    expect(lines[2]).toBe(
      [
        'soc-analyst-1',
        'SOC Analyst I',
        '1',
        'nice',
        '2.1.0',
        t.id,
        'task',
        csvCell(t.text),
        '1',
        '2.5',
      ].join(','),
    )
    // quotes, comma and newline quoted (RFC 4180); null position level is empty
    expect(lines[5]!.startsWith('ciso,"CISO, ""Acting""",,ecsf,1,')).toBe(true)
  })

  test('OWASP CSV-injection defence', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`)
    expect(csvCell('+1')).toBe("'+1")
    expect(csvCell('-2+3')).toBe("'-2+3")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\tcmd')).toBe("'\tcmd")
    expect(csvCell('\rcmd')).toBe(`"'\rcmd"`)
    expect(csvCell('a=b')).toBe('a=b')
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"')
    expect(csvCell(null)).toBe('')
    expect(csvCell(0.5)).toBe('0.5')

    const evil = clone(input)
    evil.roles[0]!.title = '=cmd|"/c calc"!A1'
    const row = orgRolesToCsv(evil).split('\r\n')[1]!
    expect(row.startsWith(`soc-analyst-1,"'=cmd|""/c calc""!A1",`)).toBe(true)
  })
})
