import { describe, expect, test } from 'vitest'
import ecsfJson from '../../../content/frameworks/ecsf-v1.json'
import niceJson from '../../../content/frameworks/nice-v2.1.0.json'
import { FrameworkSchema, type Framework } from '../schema'
import stateStandards from './__fixtures__/state-standards.case.json'
import { caseToFramework, frameworkToCase } from './framework'
import { CFPackageSchema } from './schema'
import { UUID_PATTERN, frameworkDocumentUuid, statementUuid } from './uuid'

const nice = FrameworkSchema.parse(niceJson)
const ecsf = FrameworkSchema.parse(ecsfJson)
const opts = { baseUri: 'https://kenshu.example/case/', lastChangeDateTime: '2025-03-01T09:00:00Z' }
const BASE = 'https://kenshu.example/case'

const nicePkg = frameworkToCase(nice, opts)
const ecsfPkg = frameworkToCase(ecsf, opts)

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T

function importOk(input: unknown, o?: Parameters<typeof caseToFramework>[1]) {
  const r = caseToFramework(input, o)
  if (!r.ok) throw new Error(`import failed: ${JSON.stringify(r.errors.slice(0, 5))}`)
  return r
}

/** A minimal foreign package, built fresh for each malformed-input test. */
function tiny(): Record<string, unknown> & { CFItems: Record<string, unknown>[]; CFAssociations: unknown[] } {
  const H = 'https://standards.example.org/ims/case/v1p1'
  const doc = '11111111-1111-4111-8111-111111111111'
  const item = (n: number, code: string, text: string, type = 'Skill') => ({
    identifier: `22222222-2222-4222-8222-00000000000${n}`,
    uri: `${H}/CFItems/22222222-2222-4222-8222-00000000000${n}`,
    humanCodingScheme: code,
    fullStatement: text,
    CFItemType: type,
    lastChangeDateTime: '2024-01-01T00:00:00Z',
  })
  return {
    CFDocument: {
      identifier: doc,
      uri: `${H}/CFDocuments/${doc}`,
      creator: 'Standards Org',
      title: 'Tiny Workforce Framework',
      version: '3',
      lastChangeDateTime: '2024-01-01T00:00:00Z',
    },
    CFItems: [
      item(1, 'R1', 'Defender', 'Work Role'),
      item(2, 'S1', 'Skill in triage'),
      item(3, 'S2', 'Skill in containment'),
      item(4, 'K1', 'Knowledge of TCP/IP', 'Knowledge'),
    ],
    CFAssociations: [],
  }
}
function link(type: string, from: number, to: number | 'doc', seq?: number, uriHost?: string) {
  const H = uriHost ?? 'https://standards.example.org/ims/case/v1p1'
  const node = (n: number | 'doc') =>
    n === 'doc'
      ? {
          title: 'doc',
          identifier: '11111111-1111-4111-8111-111111111111',
          uri: `${H}/CFDocuments/11111111-1111-4111-8111-111111111111`,
        }
      : {
          title: `n${n}`,
          identifier: `22222222-2222-4222-8222-00000000000${n}`,
          uri: `${H}/CFItems/22222222-2222-4222-8222-00000000000${n}`,
        }
  return {
    identifier: `33333333-3333-4333-8333-${String(from).padStart(6, '0')}${String(to).padStart(6, '0')}`,
    uri: `${H}/CFAssociations/x`,
    associationType: type,
    originNodeURI: node(from),
    destinationNodeURI: node(to),
    ...(seq !== undefined ? { sequenceNumber: seq } : {}),
    lastChangeDateTime: '2024-01-01T00:00:00Z',
  }
}

describe('frameworkToCase', () => {
  test('NICE: one item per category, role, statement and competency area', () => {
    expect(nice.categories).toHaveLength(5)
    expect(nice.workRoles).toHaveLength(41)
    const byType = (t: string) => nicePkg.CFItems!.filter((i) => i.CFItemType === t).length
    expect(byType('Category')).toBe(5)
    expect(byType('Work Role')).toBe(41)
    expect(byType('Task')).toBe(946)
    expect(byType('Knowledge')).toBe(662)
    expect(byType('Skill')).toBe(540)
    expect(byType('Competency Area')).toBe(11)
    expect(nicePkg.CFItems).toHaveLength(5 + 41 + 946 + 662 + 540 + 11)
  })

  test('NICE: association counts follow the framework', () => {
    const count = (t: string) => nicePkg.CFAssociations!.filter((a) => a.associationType === t).length
    const roleLinks = nice.workRoles.reduce(
      (n, r) => n + r.taskIds.length + r.knowledgeIds.length + r.skillIds.length,
      0,
    )
    const areaLinks = nice.competencyAreas.reduce(
      (n, a) => n + (a.taskIds?.length ?? 0) + (a.knowledgeIds?.length ?? 0) + (a.skillIds?.length ?? 0),
      0,
    )
    // category → doc, role → category (every NICE role has one), statement → doc, area → doc
    expect(count('isChildOf')).toBe(5 + 41 + nice.statements.length + 11)
    expect(count('isPartOf')).toBe(roleLinks + areaLinks)
    expect(nicePkg.CFAssociations).toHaveLength(count('isChildOf') + count('isPartOf'))
  })

  test('conforms to the strict CASE 1.1 package schema', () => {
    for (const pkg of [nicePkg, ecsfPkg]) {
      const r = CFPackageSchema.safeParse(pkg)
      expect(r.success ? [] : r.error.issues.slice(0, 3)).toEqual([])
    }
  })

  test('identifiers are UUIDs, unique, and stable across exports', () => {
    for (const pkg of [nicePkg, ecsfPkg]) {
      const ids = [
        pkg.CFDocument.identifier,
        ...pkg.CFItems!.map((i) => i.identifier),
        ...pkg.CFAssociations!.map((a) => a.identifier),
        ...pkg.CFDefinitions!.CFItemTypes!.map((t) => t.identifier),
        ...pkg.CFDefinitions!.CFLicenses!.map((l) => l.identifier),
      ]
      expect(ids.filter((id) => !UUID_PATTERN.test(id))).toEqual([])
      expect(new Set(ids).size).toBe(ids.length)
    }
    const again = frameworkToCase(clone(nice), opts)
    expect(JSON.stringify(again)).toBe(JSON.stringify(nicePkg)) // byte-identical
    expect(nicePkg.CFDocument.identifier).toBe(frameworkDocumentUuid('nice', '2.1.0'))
    const first = nice.statements[0]!
    const item = nicePkg.CFItems!.find((i) => i.humanCodingScheme === first.id && i.CFItemType === 'Task')
    expect(item?.identifier).toBe(statementUuid('nice', '2.1.0', first.id))
  })

  test('uris follow baseUri; every association end resolves inside the package', () => {
    expect(nicePkg.CFDocument.uri).toBe(`${BASE}/CFDocuments/${nicePkg.CFDocument.identifier}`)
    const nodes = new Map<string, string>([[nicePkg.CFDocument.identifier, nicePkg.CFDocument.uri]])
    for (const i of nicePkg.CFItems!) nodes.set(i.identifier, i.uri)
    const bad: string[] = []
    for (const i of nicePkg.CFItems!) if (i.uri !== `${BASE}/CFItems/${i.identifier}`) bad.push(i.uri)
    for (const a of nicePkg.CFAssociations!) {
      if (a.uri !== `${BASE}/CFAssociations/${a.identifier}`) bad.push(a.uri)
      if (nodes.get(a.originNodeURI.identifier) !== a.originNodeURI.uri) bad.push(`origin of ${a.identifier}`)
      if (nodes.get(a.destinationNodeURI.identifier) !== a.destinationNodeURI.uri)
        bad.push(`dest of ${a.identifier}`)
    }
    const typeIds = new Set(nicePkg.CFDefinitions!.CFItemTypes!.map((t) => t.identifier))
    for (const i of nicePkg.CFItems!)
      if (!typeIds.has(i.CFItemTypeURI!.identifier)) bad.push(`type of ${i.uri}`)
    expect(bad).toEqual([])
  })

  test('document carries the attribution, licence and source', () => {
    const d = ecsfPkg.CFDocument
    expect(d).toMatchObject({
      title: ecsf.title,
      creator: ecsf.publisher,
      publisher: ecsf.publisher,
      version: '1',
      adoptionStatus: 'Adopted',
      language: 'en',
      caseVersion: '1.1',
      officialSourceURL: 'https://doi.org/10.2824/859537',
      licenseURI: { title: 'CC BY 4.0', uri: 'https://creativecommons.org/licenses/by/4.0/' },
    })
    expect(d.notes).toContain(ecsf.attribution.text)
    expect(d.notes).toContain('CC BY 4.0')
    expect(ecsfPkg.CFDefinitions!.CFLicenses![0]!.identifier).toBe(d.licenseURI!.identifier)
    // NICE has no licence URL: the licence link points at its CFLicense definition instead.
    expect(nicePkg.CFDocument.licenseURI!.uri).toBe(
      `${BASE}/CFLicenses/${nicePkg.CFDocument.licenseURI!.identifier}`,
    )
    expect(frameworkToCase(ecsf, { ...opts, language: 'en-GB' }).CFDocument.language).toBe('en-GB')
  })

  test('role membership keeps each list order via sequenceNumber', () => {
    const role = nice.workRoles[0]!
    const roleItem = nicePkg.CFItems!.find(
      (i) => i.humanCodingScheme === role.id && i.CFItemType === 'Work Role',
    )!
    const codes = new Map(nicePkg.CFItems!.map((i) => [i.identifier, i.humanCodingScheme]))
    const members = nicePkg
      .CFAssociations!.filter(
        (a) => a.associationType === 'isPartOf' && a.destinationNodeURI.identifier === roleItem.identifier,
      )
      .sort((a, b) => a.sequenceNumber! - b.sequenceNumber!)
      .map((a) => codes.get(a.originNodeURI.identifier))
    expect(members).toEqual([...role.taskIds, ...role.knowledgeIds, ...role.skillIds])
  })

  test('refuses invalid frameworks and options', () => {
    const broken = clone(nice)
    broken.workRoles[0]!.taskIds.push('NOPE')
    expect(() => frameworkToCase(broken, opts)).toThrow(/NOPE/)
    expect(() => frameworkToCase(nice, { ...opts, baseUri: 'kenshu/case' })).toThrow(/baseUri/)
    expect(() => frameworkToCase(nice, { ...opts, lastChangeDateTime: 'yesterday' })).toThrow(
      /lastChangeDateTime/,
    )
  })
})

describe('caseToFramework: our own exports', () => {
  test.each([
    ['NICE', nice, nicePkg],
    ['ECSF', ecsf, ecsfPkg],
  ] as const)('%s round-trips deep-equal (from JSON text)', (_name, fw, pkg) => {
    const r = importOk(JSON.stringify(pkg))
    expect(r.framework).toEqual(fw)
    expect(JSON.stringify(r.framework)).toBe(JSON.stringify(fw)) // same key order too
    expect(r.warnings).toEqual([])
  })

  test('competency areas keep null (unpublished) apart from [] (maps to nothing)', () => {
    const fw: Framework = {
      ...clone(ecsf),
      competencyAreas: [
        {
          id: 'A1',
          title: 'Mapped',
          description: '',
          taskIds: [],
          knowledgeIds: ['ECSF-01-K01'],
          skillIds: null,
          mappingSource: 'x',
        },
        {
          id: 'A2',
          title: 'Unmapped',
          description: 'd',
          taskIds: null,
          knowledgeIds: null,
          skillIds: null,
          mappingSource: null,
        },
      ],
    }
    expect(importOk(frameworkToCase(fw, opts)).framework).toEqual(fw)
  })

  test('id and version can be overridden', () => {
    const r = importOk(ecsfPkg, { id: 'acme-ecsf', version: '1.0-acme' })
    expect(r.framework).toEqual({ ...ecsf, id: 'acme-ecsf', version: '1.0-acme' })
  })

  test('without the kenshu extensions the structure still imports', () => {
    const pkg = clone(ecsfPkg)
    delete pkg.CFDocument.extensions
    for (const i of pkg.CFItems!) delete i.extensions
    const r = importOk(pkg)
    const f = r.framework
    expect(f.id).toBe('european-cybersecurity-skills-framework') // from the title, cut to 40 chars
    expect(f.version).toBe('1')
    expect(f.workRoles.map((w) => [w.id, w.taskIds, w.knowledgeIds, w.skillIds])).toEqual(
      ecsf.workRoles.map((w) => [w.id, w.taskIds, w.knowledgeIds, w.skillIds]),
    )
    expect(f.statements).toEqual(ecsf.statements)
    expect(f.attribution).toEqual({
      text: pkg.CFDocument.notes,
      licence: 'CC BY 4.0',
      licenceUrl: 'https://creativecommons.org/licenses/by/4.0/',
      sourceUrl: 'https://doi.org/10.2824/859537',
    })
    expect(r.warnings.map((w) => w.path)).toContain('$.CFDocument.title')
  })
})

describe('caseToFramework: foreign packages', () => {
  test('a state-standards style package imports as statements, with warnings', () => {
    const r = importOk(stateStandards)
    const f = r.framework
    expect(f).toMatchObject({
      id: 'example-state-computer-science-standards',
      version: '2023-Rev.-1',
      title: 'Example State Computer Science Standards',
      publisher: 'Example State Department of Education',
      attribution: {
        text: 'Published by the Example State Department of Education under CC BY 4.0.',
        licence: 'CC BY 4.0',
        sourceUrl: 'https://education.example-state.gov/standards/cs-2023.pdf',
      },
      categories: [],
      workRoles: [],
      competencyAreas: [],
    })
    expect(f.statements.map((s) => [s.id, s.type])).toEqual([
      ['CS.NI', 'skill'],
      ['CS.NI.1', 'skill'],
      ['CS.NI.2', 'skill'],
      ['CS.NI.3', 'skill'],
      ['CS-NI-3-a', 'skill'], // humanCodingScheme "CS NI 3 a" made id-safe
      ['CS.NI.C1', 'knowledge'], // CFItemType "Concept"
      ['b2c3d4e5', 'skill'], // no humanCodingScheme: from the identifier
      ['CS.NI.4', 'skill'], // no CFItemType
    ])
    expect(f.statements[1]!.text).toBe(
      'Model the role of protocols in transmitting data across networks and the Internet.',
    )
    const messages = r.warnings.map((w) => w.message).join('\n')
    expect(messages).toMatch(/4 item\(s\) of CFItemType "Standard" imported as skill statements/)
    expect(messages).toMatch(/CFItemType "Concept" imported as knowledge/)
    expect(messages).toMatch(/without CFItemType/)
    expect(messages).toMatch(/adjusted/)
    expect(messages).toMatch(/without humanCodingScheme/)
    expect(messages).toMatch(/outside this package/) // exactMatchOf into another framework
    expect(messages).toMatch(/"isChildOf" association\(s\) between a statement and a statement/)
    expect(FrameworkSchema.safeParse(f).success).toBe(true)
  })

  test('a foreign workforce package: isChildOf statement → role is membership, ordered by sequenceNumber', () => {
    const pkg = tiny()
    pkg.CFAssociations.push(
      link('isChildOf', 1, 'doc', 1),
      link('isChildOf', 2, 1, 3),
      link('isChildOf', 3, 1, 1),
      link('isPartOf', 4, 1, 2),
      link('precedes', 2, 3),
    )
    const r = importOk(pkg, { id: 'tiny' })
    expect(r.framework.workRoles).toEqual([
      {
        id: 'R1',
        title: 'Defender',
        description: '',
        categoryId: null,
        taskIds: [],
        knowledgeIds: ['K1'],
        skillIds: ['S2', 'S1'],
      },
    ])
    expect(r.framework.version).toBe('3')
    expect(r.framework.attribution.licence).toBe('Unspecified')
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(
      /"precedes" association\(s\) \(no Kenshu equivalent\)/,
    )
  })
})

describe('caseToFramework: malformed input', () => {
  test('not a JSON object', () => {
    for (const input of [42, null, [], 'not json {', '"a string"']) {
      const r = caseToFramework(input)
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.errors[0]!.path).toBe('$')
    }
  })

  test('missing CFDocument', () => {
    expect(caseToFramework({ CFItems: [] })).toEqual({
      ok: false,
      errors: [{ path: '$.CFDocument', message: 'missing CFDocument: not a CASE CFPackage' }],
    })
  })

  test('item without identifier, association without ends', () => {
    const pkg = tiny()
    delete pkg.CFItems[2]!.identifier
    pkg.CFAssociations.push({
      identifier: '44444444-4444-4444-8444-444444444444',
      associationType: 'isChildOf',
    })
    const r = caseToFramework(pkg)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      const paths = r.errors.map((e) => e.path)
      expect(paths).toContain('$.CFItems[2].identifier')
      expect(paths).toContain('$.CFAssociations[0].originNodeURI')
      expect(r.errors.find((e) => e.path === '$.CFItems[2].identifier')?.message).toBe('missing identifier')
    }
  })

  test('duplicate identifiers', () => {
    const pkg = tiny()
    pkg.CFItems[3]!.identifier = pkg.CFItems[1]!.identifier
    const r = caseToFramework(pkg)
    expect(r).toEqual({
      ok: false,
      errors: [
        {
          path: '$.CFItems[3].identifier',
          message: `duplicate identifier "${String(pkg.CFItems[1]!.identifier)}" (first at $.CFItems[1].identifier)`,
        },
      ],
    })
  })

  test('structural association to an unknown item is an error; to another host a warning', () => {
    const pkg = tiny()
    const bad = link('isPartOf', 2, 1, 1)
    bad.destinationNodeURI.identifier = '55555555-5555-4555-8555-555555555555'
    pkg.CFAssociations.push(bad)
    const r = caseToFramework(pkg)
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.errors).toEqual([
        {
          path: '$.CFAssociations[0].destinationNodeURI',
          message: expect.stringMatching(/unknown item "5555/) as string,
        },
      ])

    const external = tiny()
    const cross = link('isChildOf', 2, 1, 1, 'https://other.example.net/case')
    cross.destinationNodeURI.identifier = '55555555-5555-4555-8555-555555555555'
    external.CFAssociations.push(cross)
    const ok = importOk(external, { id: 'tiny' })
    expect(ok.warnings.map((w) => w.message).join()).toMatch(/outside this package/)
  })

  test('empty statement text, missing creator, bad id option', () => {
    const pkg = tiny()
    pkg.CFItems[1]!.fullStatement = '  '
    const r1 = caseToFramework(pkg)
    expect(!r1.ok && r1.errors).toEqual([
      { path: '$.CFItems[1].fullStatement', message: 'must not be empty' },
    ])

    const noCreator = tiny()
    delete (noCreator.CFDocument as Record<string, unknown>).creator
    const r2 = caseToFramework(noCreator, { id: 'tiny' })
    expect(!r2.ok && r2.errors.map((e) => e.path)).toEqual(['$.CFDocument.creator'])

    const r3 = caseToFramework(tiny(), { id: 'Not A Slug' })
    expect(!r3.ok && r3.errors.map((e) => e.path)).toEqual(['options.id'])
  })

  test('wrong field types are reported with paths', () => {
    const pkg = tiny()
    pkg.CFItems[0]!.fullStatement = 7
    ;(pkg.CFDocument as Record<string, unknown>).title = ''
    const r = caseToFramework(pkg)
    expect(!r.ok && r.errors.map((e) => e.path).sort()).toEqual([
      '$.CFDocument.title',
      '$.CFItems[0].fullStatement',
    ])
  })
})
