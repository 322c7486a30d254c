import { readFileSync } from 'node:fs'
import { describe, it, expect } from 'vitest'
import type { Framework, WorkRole } from '../schema'
import { csvCell, frameworkToCsv } from './export-csv'
import { parseStandardUpload, type StandardMeta } from './parse'

const meta: StandardMeta = { id: 'copy', version: '1', title: 'Copy', publisher: 'ACME' }
const load = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../../content/frameworks/${name}`, import.meta.url), 'utf8'),
  ) as Framework

function reimport(fw: Framework): Framework {
  const r = parseStandardUpload(new TextEncoder().encode(frameworkToCsv(fw)), 'x.csv', meta)
  if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 5)))
  expect(r.warnings).toEqual([])
  return r.framework
}

/** The role fields a CSV carries. */
const csvRole = (r: WorkRole): WorkRole => ({
  id: r.id,
  title: r.title,
  description: r.description,
  categoryId: r.categoryId,
  taskIds: r.taskIds,
  knowledgeIds: r.knowledgeIds,
  skillIds: r.skillIds,
})

const small: Framework = {
  schemaVersion: 1,
  id: 'acme',
  version: '1',
  title: 'ACME',
  publisher: 'ACME',
  attribution: { text: 'ACME', licence: 'Internal use', licenceUrl: null, sourceUrl: null },
  categories: [{ id: 'C', title: 'Ops, "daily"', description: 'line one\nline two' }],
  workRoles: [
    {
      id: 'R1',
      title: '+Analyst',
      description: '@here',
      categoryId: 'C',
      taskIds: ['T1'],
      knowledgeIds: ['K1'],
      skillIds: [],
    },
    {
      id: 'R2',
      title: 'Lead',
      description: '',
      categoryId: null,
      taskIds: ['T1'],
      knowledgeIds: [],
      skillIds: [],
    },
  ],
  statements: [
    { id: 'K1', type: 'knowledge', text: '-1 is a number' },
    { id: 'T1', type: 'task', text: "=cmd|' /C calc'!A0" },
    { id: 'S1', type: 'skill', text: "'=already quoted" },
    { id: 'T2', type: 'task', text: 'Orphan task' },
  ],
  competencyAreas: [],
}

describe('csvCell', () => {
  it('quotes only when needed and doubles quotes', () => {
    expect(csvCell('plain text')).toBe('plain text')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell('')).toBe('')
  })

  it('prefixes formula-like cells with an apostrophe', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])
      expect(csvCell(s).replace(/^"/, '')).toMatch(/^'/)
    expect(csvCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0")
    expect(csvCell("'=x")).toBe("''=x")
    expect(csvCell("it's")).toBe("it's")
  })
})

describe('frameworkToCsv', () => {
  it('writes a BOM, CRLF line ends, categories, roles, then tasks, knowledge and skills', () => {
    expect(frameworkToCsv(small)).toBe(
      '\uFEFF' +
        [
          'type,id,text,description,category,roles',
          'category,C,"Ops, ""daily""","line one\nline two",,',
          "role,R1,'+Analyst,'@here,C,",
          'role,R2,Lead,,,',
          "task,T1,'=cmd|' /C calc'!A0,,,R1;R2",
          'task,T2,Orphan task,,,',
          "knowledge,K1,'-1 is a number,,,R1",
          "skill,S1,''=already quoted,,,",
        ].join('\r\n') +
        '\r\n',
    )
  })

  it('survives export → import: formula-like text comes back unchanged', () => {
    const back = reimport(small)
    expect(back.categories).toEqual(small.categories)
    expect(back.workRoles).toEqual(small.workRoles)
    // Grouped by type on export; otherwise unchanged.
    expect(back.statements).toEqual([
      small.statements[1],
      small.statements[3],
      small.statements[0],
      small.statements[2],
    ])
    expect(back.statements.find((s) => s.id === 'T1')?.text).toBe("=cmd|' /C calc'!A0")
  })

  it('round-trips NICE v2.1.0 exactly (except fields the CSV does not carry)', () => {
    const nice = load('nice-v2.1.0.json')
    const back = reimport(nice)
    expect(back.categories).toEqual(nice.categories)
    expect(back.workRoles).toEqual(nice.workRoles.map(csvRole))
    expect(back.statements).toEqual(nice.statements.map(({ id, type, text }) => ({ id, type, text })))
    // NICE has statements that belong to no work role; they must survive too.
    const listed = new Set(nice.workRoles.flatMap((r) => [...r.taskIds, ...r.knowledgeIds, ...r.skillIds]))
    expect(nice.statements.some((s) => !listed.has(s.id))).toBe(true)
  })

  it('round-trips ECSF role profiles (statements regrouped by type)', () => {
    const ecsf = load('ecsf-v1.json')
    const back = reimport(ecsf)
    expect(back.categories).toEqual([])
    expect(back.workRoles).toEqual(ecsf.workRoles.map(csvRole))
    const byType = (fw: Framework) =>
      (['task', 'knowledge', 'skill'] as const).flatMap((t) => fw.statements.filter((s) => s.type === t))
    expect(back.statements).toEqual(byType(ecsf))
  })
})
