import { describe, expect, test } from 'vitest'
import { FrameworkSchema, checkFrameworkReferences, formatJsonPath, type Framework } from './schema'

const base: Framework = {
  schemaVersion: 1,
  id: 'acme',
  version: '1',
  title: 'ACME',
  publisher: 'ACME',
  attribution: { text: 'ACME', licence: 'Proprietary', licenceUrl: null, sourceUrl: 'https://acme.example/' },
  categories: [{ id: 'C', title: 'Cat', description: '' }],
  workRoles: [
    {
      id: 'R',
      title: 'Role',
      description: '',
      categoryId: 'C',
      taskIds: ['T1'],
      knowledgeIds: ['K1'],
      skillIds: [],
    },
  ],
  statements: [
    { id: 'T1', type: 'task', text: 'Do it' },
    { id: 'K1', type: 'knowledge', text: 'Know it' },
  ],
  competencyAreas: [],
}

describe('formatJsonPath', () => {
  test('renders keys, indexes and odd keys', () => {
    expect(formatJsonPath([])).toBe('$')
    expect(formatJsonPath(['workRoles', 3, 'taskIds', 0])).toBe('$.workRoles[3].taskIds[0]')
    expect(formatJsonPath(['counts', 'a b'])).toBe('$.counts["a b"]')
  })
})

describe('checkFrameworkReferences', () => {
  test('a consistent framework has no issues', () => {
    expect(FrameworkSchema.parse(base)).toEqual(base)
    expect(checkFrameworkReferences(base)).toEqual([])
  })

  test('reports duplicates, unknown ids, wrong types and repeated ids with their paths', () => {
    const bad: Framework = {
      ...base,
      workRoles: [{ ...base.workRoles[0]!, categoryId: 'X', taskIds: ['K1', 'T9', 'T1', 'T1'] }],
      statements: [...base.statements, { id: 'T1', type: 'task', text: 'again' }],
    }
    expect(checkFrameworkReferences(bad)).toEqual([
      { path: '$.statements[2].id', message: 'duplicate id "T1" (first at $.statements[0])' },
      { path: '$.workRoles[0].categoryId', message: 'unknown category id "X"' },
      { path: '$.workRoles[0].taskIds[0]', message: '"K1" is a knowledge statement, expected task' },
      { path: '$.workRoles[0].taskIds[1]', message: 'unknown statement id "T9"' },
      { path: '$.workRoles[0].taskIds[3]', message: '"T1" listed twice' },
    ])
  })

  test('the schema rejects unknown fields and bad ids', () => {
    expect(FrameworkSchema.safeParse({ ...base, extra: 1 }).success).toBe(false)
    expect(
      FrameworkSchema.safeParse({ ...base, statements: [{ id: 'has space', type: 'task', text: 'x' }] })
        .success,
    ).toBe(false)
    expect(
      FrameworkSchema.safeParse({ ...base, statements: [{ id: 'T1', type: 'ability', text: 'x' }] }).success,
    ).toBe(false)
  })
})

describe('attribution links', () => {
  test('only web addresses are accepted as source and licence links', async () => {
    const { AttributionSchema } = await import('./schema')
    const base = { text: 'ACME', licence: 'Internal', licenceUrl: null }
    expect(AttributionSchema.safeParse({ ...base, sourceUrl: 'https://acme.example/std' }).success).toBe(true)
    for (const bad of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd'])
      expect(AttributionSchema.safeParse({ ...base, sourceUrl: bad }).success, bad).toBe(false)
    expect(AttributionSchema.safeParse({ ...base, sourceUrl: null, licenceUrl: 'javascript:x' }).success).toBe(false)
  })
})
