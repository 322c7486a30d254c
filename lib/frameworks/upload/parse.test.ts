import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, it, expect } from 'vitest'
import { indexFramework } from '../catalog'
import { FrameworkSchema, checkFrameworkReferences, type Framework } from '../schema'
import { SAVE_AS_CSV_UTF8, SHIFT_JIS_WARNING } from './decode'
import {
  MAX_ISSUES,
  MAX_ROWS,
  MAX_UPLOAD_BYTES,
  MORE_ERRORS,
  findJsonSyntaxError,
  parseStandardUpload,
  type ParseResult,
  type StandardMeta,
  type UploadIssue,
} from './parse'

const meta: StandardMeta = { id: 'acme', version: '1', title: 'ACME standard', publisher: 'ACME Corp' }
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)))
const content = (path: string) =>
  new Uint8Array(readFileSync(new URL(`../../../content/${path}`, import.meta.url)))
const bytes = (text: string) => new TextEncoder().encode(text)
const HEADER = 'type,id,text,description,category,roles\n'

function parseOk(data: Uint8Array, fileName: string, m: Partial<StandardMeta> = meta) {
  const r = parseStandardUpload(data, fileName, m)
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.errors, null, 1)}`)
  // Whatever comes back ok must be a valid, indexable framework.
  expect(FrameworkSchema.safeParse(r.framework).success).toBe(true)
  expect(checkFrameworkReferences(r.framework)).toEqual([])
  expect(() => indexFramework(r.framework)).not.toThrow()
  return r
}

function errorsOf(r: ParseResult): UploadIssue[] {
  if (r.ok) throw new Error('expected errors, got ok')
  return r.errors
}

const data = (fw: Framework) => ({
  categories: fw.categories,
  workRoles: fw.workRoles,
  statements: fw.statements,
})

describe('parseStandardUpload: CSV', () => {
  it('parses a valid UTF-8 CSV into a complete framework', () => {
    const file = fixture('valid-utf8.csv')
    const r = parseOk(file, 'valid-utf8.csv')
    expect(r.warnings).toEqual([])
    expect(r.framework).toEqual({
      schemaVersion: 1,
      id: 'acme',
      version: '1',
      title: 'ACME standard',
      publisher: 'ACME Corp',
      attribution: {
        text: 'ACME Corp — ACME standard',
        licence: 'Internal use',
        licenceUrl: null,
        sourceUrl: null,
      },
      provenance: {
        files: [{ name: 'valid-utf8.csv', sha256: createHash('sha256').update(file).digest('hex') }],
        changes: [expect.stringMatching(/^Uploaded to Kenshu as CSV \(UTF-8\)/) as string],
        notes: [],
      },
      categories: [
        { id: 'OPS', title: 'Security operations', description: 'Day-to-day monitoring and response' },
      ],
      workRoles: [
        {
          id: 'SOC-1',
          title: 'SOC analyst',
          description: 'Watches alerts, triages them\nand escalates incidents',
          categoryId: 'OPS',
          taskIds: ['T-1', 'T-2'],
          knowledgeIds: ['K-1'],
          skillIds: ['S-1'],
        },
        {
          id: 'ARCH',
          title: 'Security architect',
          description: '',
          categoryId: null,
          taskIds: ['T-2'],
          knowledgeIds: ['K-1'],
          skillIds: ['S-1'],
        },
      ],
      statements: [
        { id: 'T-1', type: 'task', text: 'Triage SIEM alerts' },
        { id: 'T-2', type: 'task', text: 'Review firewall rules, quarterly' },
        { id: 'K-1', type: 'knowledge', text: 'Knowledge of "living off the land" techniques' },
        { id: 'S-1', type: 'skill', text: 'Skill in writing detection queries' },
        { id: 'S-2', type: 'skill', text: 'Skill in threat modelling' },
      ],
      competencyAreas: [],
    })
    expect(r.preview).toEqual({
      format: 'csv',
      encoding: 'UTF-8',
      categories: 1,
      workRoles: 2,
      tasks: 2,
      knowledge: 1,
      skills: 2,
      roles: [
        { id: 'SOC-1', title: 'SOC analyst', statements: 4 },
        { id: 'ARCH', title: 'Security architect', statements: 3 },
      ],
    })
  })

  it('uses licence and source URL from the meta in the attribution', () => {
    const r = parseOk(fixture('valid-utf8.csv'), 'valid-utf8.csv', {
      ...meta,
      licence: 'CC BY 4.0',
      sourceUrl: 'https://acme.example/standard',
    })
    expect(r.framework.attribution).toEqual({
      text: 'ACME Corp — ACME standard',
      licence: 'CC BY 4.0',
      licenceUrl: null,
      sourceUrl: 'https://acme.example/standard',
    })
  })

  it('accepts Japanese headers and type values', () => {
    const r = parseOk(fixture('japanese-headers.csv'), 'japanese-headers.csv')
    expect(r.warnings).toEqual([])
    expect(data(r.framework)).toEqual({
      categories: [{ id: 'OPS', title: 'セキュリティ運用', description: '日々の監視と対応' }],
      workRoles: [
        {
          id: 'SOC-1',
          title: 'SOCアナリスト',
          description: 'アラートを判定しエスカレーションする',
          categoryId: 'OPS',
          taskIds: ['T-1'],
          knowledgeIds: ['K-1'],
          skillIds: [],
        },
        {
          id: 'ARCH',
          title: 'セキュリティアーキテクト',
          description: '',
          categoryId: null,
          taskIds: [],
          knowledgeIds: ['K-1'],
          skillIds: ['S-1'],
        },
      ],
      statements: [
        { id: 'T-1', type: 'task', text: 'SIEMのアラートを一次判定する' },
        { id: 'K-1', type: 'knowledge', text: 'ログの読み方に関する知識' },
        { id: 'S-1', type: 'skill', text: '検知ルールを作成するスキル' },
      ],
    })
  })

  it('converts a Shift_JIS CSV (Excel "CSV" export) with a warning', () => {
    const r = parseOk(fixture('shift-jis.csv'), 'shift-jis.csv')
    expect(r.preview.encoding).toBe('Shift_JIS')
    expect(r.warnings).toEqual([{ line: null, column: null, reason: SHIFT_JIS_WARNING }])
    const utf8 = parseOk(fixture('japanese-headers.csv'), 'japanese-headers.csv')
    expect(data(r.framework)).toEqual(data(utf8.framework))
  })

  it('reads UTF-8 with a BOM', () => {
    const r = parseOk(fixture('utf8-bom.csv'), 'utf8-bom.csv')
    expect(r.preview.encoding).toBe('UTF-8 (BOM)')
    expect(data(r.framework)).toEqual(data(parseOk(fixture('valid-utf8.csv'), 'valid-utf8.csv').framework))
  })

  it('reads UTF-16LE with a BOM', () => {
    const r = parseOk(fixture('utf16le.csv'), 'utf16le.csv')
    expect(r.preview.encoding).toBe('UTF-16LE')
    expect(data(r.framework)).toEqual(
      data(parseOk(fixture('japanese-headers.csv'), 'japanese-headers.csv').framework),
    )
  })

  it('reads a tab-delimited file; commas and semicolons stay inside cells', () => {
    const r = parseOk(fixture('tab-delimited.tsv'), 'tab-delimited.tsv')
    expect(r.framework.workRoles[0]).toMatchObject({ id: 'R1', description: 'Looks at alerts, all day' })
    expect(r.framework.statements).toEqual([{ id: 'T1', type: 'task', text: 'Triage alerts; escalate' }])
    expect(r.framework.workRoles[0]?.taskIds).toEqual(['T1'])
  })

  it('reads a semicolon-delimited file (European Excel)', () => {
    const r = parseOk(
      bytes('type;id;text;roles\nrole;R1;Analyst;\ntask;T1;Triage, then escalate;R1\n'),
      'x.csv',
    )
    expect(r.framework.statements[0]?.text).toBe('Triage, then escalate')
  })

  it('accepts header aliases in any case, full-width ids and any row order', () => {
    const csv = [
      ' TYPE , ＩＤ ,Title,Description,CATEGORY,Role',
      'task,ｔ－１,Triage alerts,,,Ｒ１',
      'role,R1,Analyst,,C1,',
      'category,C1,Ops,,,',
      '',
    ].join('\r\n')
    const r = parseOk(bytes(csv), 'x.csv')
    expect(r.framework.statements).toEqual([{ id: 't-1', type: 'task', text: 'Triage alerts' }])
    expect(r.framework.workRoles[0]).toMatchObject({ id: 'R1', categoryId: 'C1', taskIds: ['t-1'] })
  })

  it('removes the leading apostrophe the export adds before = + - @', () => {
    const csv = HEADER + "role,R1,'@admin,'-desc,,\ntask,T1,'=1+1,,,R1\nskill,S1,'plain apostrophe,,,R1\n"
    const r = parseOk(bytes(csv), 'x.csv')
    expect(r.framework.workRoles[0]).toMatchObject({ title: '@admin', description: '-desc' })
    expect(r.framework.statements.map((s) => s.text)).toEqual(['=1+1', "'plain apostrophe"])
  })

  it('keeps statements that belong to no role', () => {
    const r = parseOk(bytes(HEADER + 'task,T1,Orphan task,,,\n'), 'x.csv')
    expect(r.framework.statements).toEqual([{ id: 'T1', type: 'task', text: 'Orphan task' }])
    expect(r.framework.workRoles).toEqual([])
  })

  it('warns about cells that do not apply, extra cells and repeated roles', () => {
    const csv =
      HEADER +
      'category,C1,Ops,,X,R1\n' +
      'role,R1,Analyst,,,R1\n' +
      'task,T1,Triage,some description,C1,R1;R1\n' +
      'skill,S1,Queries,,,R1,surplus\n'
    const r = parseOk(bytes(csv), 'x.csv')
    expect(r.warnings).toEqual([
      { line: 2, column: 'category', reason: 'ignored on category rows (categories do not nest)' },
      { line: 2, column: 'roles', reason: 'ignored on category rows (list roles on statement rows)' },
      { line: 3, column: 'roles', reason: 'ignored on role rows (list roles on statement rows)' },
      { line: 4, column: 'description', reason: 'ignored on task rows (statements have only a text)' },
      {
        line: 4,
        column: 'category',
        reason: 'ignored on task rows (statements belong to roles, roles to categories)',
      },
      { line: 4, column: 'roles', reason: 'role "R1" is listed twice; counted once' },
      { line: 5, column: null, reason: 'row has 7 cells but the header has 6; the extra cells are ignored' },
    ])
    expect(r.framework.workRoles[0]?.taskIds).toEqual(['T1'])
  })

  it('reports an unterminated quote at the line where it opened', () => {
    const r = parseStandardUpload(fixture('unterminated-quote.csv'), 'unterminated-quote.csv', meta)
    expect(errorsOf(r)).toEqual([
      {
        line: 5,
        column: 'text',
        reason: 'unterminated quoted cell: the " opened on line 5 is never closed',
      },
    ])
  })

  it('reports duplicate ids with both lines', () => {
    const r = parseStandardUpload(fixture('duplicate-ids.csv'), 'duplicate-ids.csv', meta)
    expect(errorsOf(r)).toEqual([
      { line: 3, column: 'id', reason: 'duplicate category id "OPS" (first defined on line 2)' },
      { line: 6, column: 'id', reason: 'duplicate statement id "T1" (first defined on line 5, as a task)' },
    ])
  })

  it('reports unknown role and category references', () => {
    const r = parseStandardUpload(fixture('unknown-role.csv'), 'unknown-role.csv', meta)
    expect(errorsOf(r)).toEqual([
      { line: 2, column: 'category', reason: 'unknown category "NOPE" (no category row has this id)' },
      { line: 3, column: 'roles', reason: 'unknown role "R2" (no role row has this id)' },
    ])
  })

  it('reports a bad id', () => {
    const r = parseStandardUpload(fixture('bad-id.csv'), 'bad-id.csv', meta)
    expect(errorsOf(r)).toEqual([
      { line: 3, column: 'id', reason: 'id "T 1" must be 1-64 chars of A-Z a-z 0-9 . _ : - (no spaces)' },
    ])
  })

  it('reports unknown and empty types', () => {
    const expected = 'expected category|分類, role|役割|ロール, task|タスク, knowledge|知識, skill|スキル'
    const r = parseStandardUpload(fixture('unknown-type.csv'), 'unknown-type.csv', meta)
    expect(errorsOf(r)).toEqual([
      { line: 3, column: 'type', reason: `unknown type "ability" (${expected})` },
      { line: 4, column: 'type', reason: `required cell is empty (${expected})` },
    ])
  })

  it('reports missing required header columns and warns about unknown ones', () => {
    const r = parseStandardUpload(fixture('missing-columns.csv'), 'missing-columns.csv', meta)
    expect(errorsOf(r)).toEqual([
      {
        line: 1,
        column: 'type',
        reason: 'required column "type" is missing from the header row (accepted names: type, 種別, 区分)',
      },
      {
        line: 1,
        column: 'text',
        reason:
          'required column "text" is missing from the header row (accepted names: text, title, 名称, 本文, 内容)',
      },
    ])
    expect(r.warnings.map((w) => [w.line, w.column])).toEqual([
      [1, 'kind'],
      [1, 'notes'],
    ])
  })

  it('reports two header columns with the same meaning', () => {
    const r = parseStandardUpload(bytes('type,id,text,title\nrole,R1,A,B\n'), 'x.csv', meta)
    expect(errorsOf(r)).toEqual([
      {
        line: 1,
        column: 'title',
        reason: 'duplicate column: "title" and "text" both mean text; keep one of them',
      },
    ])
  })

  it('reports empty required cells, each with its line and the header as written', () => {
    const csv = '種別,ID,名称\n役割,,Analyst\nタスク,T1,\n'
    expect(errorsOf(parseStandardUpload(bytes(csv), 'x.csv', meta))).toEqual([
      { line: 2, column: 'ID', reason: 'required cell is empty' },
      { line: 3, column: '名称', reason: 'required cell is empty' },
    ])
  })

  it('shortens long values quoted in messages', () => {
    const csv = HEADER + `task,${'A'.repeat(100)},Task,,,\n`
    expect(errorsOf(parseStandardUpload(bytes(csv), 'x.csv', meta))[0]?.reason).toBe(
      `id "${'A'.repeat(59)}…" must be 1-64 chars of A-Z a-z 0-9 . _ : - (no spaces)`,
    )
  })

  it('reports a cell longer than 4,000 characters', () => {
    const csv = HEADER + 'role,R1,Analyst,,,\n\ntask,T1,' + 'x'.repeat(4001) + ',,,R1\n'
    expect(errorsOf(parseStandardUpload(bytes(csv), 'x.csv', meta))).toEqual([
      { line: 4, column: 'text', reason: 'cell is 4,001 characters; the limit is 4,000' },
    ])
  })

  it('rejects a header without data rows', () => {
    expect(errorsOf(parseStandardUpload(bytes(HEADER + '\n,,,,,\n'), 'x.csv', meta))).toEqual([
      { line: null, column: null, reason: 'the file has a header row but no data rows' },
    ])
  })

  it(`rejects more than ${MAX_ROWS} data rows`, () => {
    const rows = Array.from({ length: MAX_ROWS + 1 }, (_, i) => `task,T${i},Task ${i},,,`)
    const r = parseStandardUpload(bytes(HEADER + rows.join('\n')), 'big.csv', meta)
    expect(errorsOf(r)).toEqual([
      { line: MAX_ROWS + 2, column: null, reason: 'the file has 20,001 data rows; the limit is 20,000' },
    ])
  })

  it(`stops after ${MAX_ISSUES} errors`, () => {
    const rows = Array.from({ length: 300 }, (_, i) => `task,bad id ${i},Task,,,`)
    const errors = errorsOf(parseStandardUpload(bytes(HEADER + rows.join('\n')), 'x.csv', meta))
    expect(errors).toHaveLength(MAX_ISSUES + 1)
    expect(errors[0]).toMatchObject({ line: 2, column: 'id' })
    expect(errors[MAX_ISSUES - 1]).toMatchObject({ line: MAX_ISSUES + 1, column: 'id' })
    expect(errors[MAX_ISSUES]).toEqual({ line: null, column: null, reason: MORE_ERRORS })
    expect(MORE_ERRORS).toMatch(/^… and more errors/)
  })

  it('requires id, version, title and publisher for CSV', () => {
    const r = parseStandardUpload(fixture('valid-utf8.csv'), 'valid-utf8.csv', { title: '  ' })
    expect(errorsOf(r)).toEqual([
      { line: null, column: 'id', reason: "the standard's id is required" },
      { line: null, column: 'version', reason: "the standard's version is required" },
      { line: null, column: 'title', reason: "the standard's title is required" },
      { line: null, column: 'publisher', reason: "the standard's publisher is required" },
    ])
  })

  it('validates the id, version and source URL of the meta', () => {
    const r = parseStandardUpload(fixture('valid-utf8.csv'), 'valid-utf8.csv', {
      ...meta,
      id: 'Acme SOC',
      version: 'v 1',
      sourceUrl: 'not a url',
    })
    expect(errorsOf(r)).toEqual([
      {
        line: null,
        column: 'id',
        reason: `the standard's id "Acme SOC" must be a lowercase slug (a-z, 0-9, -), max 40 chars`,
      },
      {
        line: null,
        column: 'version',
        reason: `the standard's version "v 1" must be a version string without spaces`,
      },
      { line: null, column: 'sourceUrl', reason: 'the source URL "not a url" is not a valid URL' },
    ])
  })

  it('reports meta errors and row errors together', () => {
    const r = parseStandardUpload(fixture('bad-id.csv'), 'bad-id.csv', { ...meta, version: '' })
    expect(errorsOf(r).map((e) => [e.line, e.column])).toEqual([
      [null, 'version'],
      [3, 'id'],
    ])
  })
})

describe('parseStandardUpload: file checks', () => {
  it('rejects an oversized file without decoding it', () => {
    const big = new Uint8Array(MAX_UPLOAD_BYTES + 1).fill(0xff)
    expect(parseStandardUpload(big, 'big.csv', meta)).toEqual({
      ok: false,
      errors: [{ line: null, column: null, reason: 'file is 5.1 MB; the limit is 5 MB' }],
      warnings: [],
    })
    const exact = new Uint8Array(MAX_UPLOAD_BYTES).fill(0x20)
    expect(errorsOf(parseStandardUpload(exact, 'ok.csv', meta))[0]?.reason).toBe('the file is empty')
  })

  it('rejects an empty or whitespace-only file', () => {
    const empty = { line: null, column: null, reason: 'the file is empty' }
    expect(errorsOf(parseStandardUpload(new Uint8Array(), 'x.csv', meta))).toEqual([empty])
    expect(errorsOf(parseStandardUpload(bytes(' \r\n\n'), 'x.json', meta))).toEqual([empty])
  })

  it('rejects an Excel workbook, whatever its name', () => {
    const expected = [{ line: null, column: null, reason: SAVE_AS_CSV_UTF8 }]
    expect(errorsOf(parseStandardUpload(fixture('workbook.xlsx'), 'workbook.xlsx', meta))).toEqual(expected)
    expect(errorsOf(parseStandardUpload(fixture('workbook.xlsx'), 'renamed.csv', meta))).toEqual(expected)
    expect(errorsOf(parseStandardUpload(bytes(HEADER), 'workbook.xlsx', meta))).toEqual(expected)
  })

  it('rejects a binary file', () => {
    const errors = errorsOf(parseStandardUpload(fixture('binary.bin'), 'binary.csv', meta))
    expect(errors).toEqual([
      {
        line: null,
        column: null,
        reason: 'binary file: upload a CSV (UTF-8 or Shift_JIS text) or a JSON file',
      },
    ])
  })

  it('rejects text that is neither UTF-8 nor Shift_JIS', () => {
    const errors = errorsOf(parseStandardUpload(new Uint8Array([0x61, 0x80, 0xff]), 'x.csv', meta))
    expect(errors[0]?.reason).toMatch(/^not UTF-8 or Shift_JIS text/)
  })

  it('picks the format by extension, else by content', () => {
    const json = readFileSync(new URL('../../../public/templates/standard-template.json', import.meta.url))
    expect(parseOk(new Uint8Array(json), 'upload', meta).preview.format).toBe('json')
    expect(parseOk(fixture('valid-utf8.csv'), 'upload.dat').preview.format).toBe('csv')
    expect(parseOk(fixture('valid-utf8.csv'), 'notes.TXT').preview.format).toBe('csv')
    // A .csv name wins over JSON-looking content, with a hint.
    const r = parseStandardUpload(new Uint8Array(json), 'standard.csv', meta)
    expect(errorsOf(r)[0]?.line).toBe(2)
    expect(errorsOf(r)[0]?.reason).toMatch(/^text after a closing quote/)
    expect(r.warnings).toEqual([
      {
        line: null,
        column: null,
        reason: 'the file looks like JSON but its name ends in .csv; it was read as CSV',
      },
    ])
  })
})

describe('parseStandardUpload: JSON', () => {
  it('parses the light format with meta from the form', () => {
    const r = parseOk(content('../public/templates/standard-template.json'), 'standard-template.json')
    expect(r.warnings).toEqual([])
    expect(r.preview).toMatchObject({ format: 'json', encoding: 'UTF-8', workRoles: 2, tasks: 1 })
    expect(r.framework).toMatchObject({
      id: 'acme',
      version: '1',
      attribution: { text: 'ACME Corp — ACME standard', licence: 'Internal use' },
      provenance: { files: [{ name: 'standard-template.json' }], notes: [] },
      competencyAreas: [],
    })
  })

  it('accepts a full framework document; meta fields override, attribution and provenance are kept', () => {
    const file = content('frameworks/nice-v2.1.0.json')
    const nice = JSON.parse(new TextDecoder().decode(file)) as Framework
    const r = parseOk(file, 'nice.json', { id: 'nice-local', title: '', licence: 'Public domain' })
    expect(r.framework.id).toBe('nice-local')
    expect(r.framework.version).toBe('2.1.0')
    expect(r.framework.title).toBe(nice.title)
    expect(r.framework.attribution).toEqual({ ...nice.attribution, licence: 'Public domain' })
    expect(r.framework.provenance?.files).toEqual([
      ...(nice.provenance?.files ?? []),
      { name: 'nice.json', sha256: createHash('sha256').update(file).digest('hex') },
    ])
    expect(r.framework.provenance?.changes.at(-1)).toMatch(/^Uploaded to Kenshu as JSON/)
    expect(data(r.framework)).toEqual(data(nice))
    expect(r.framework.competencyAreas).toEqual(nice.competencyAreas)
  })

  it('requires the meta for a light document that does not name itself', () => {
    const r = parseStandardUpload(content('../public/templates/standard-template.json'), 't.json', {})
    expect(errorsOf(r).map((e) => [e.line, e.column])).toEqual([
      [null, 'id'],
      [null, 'version'],
      [null, 'title'],
      [null, 'publisher'],
    ])
  })

  it('reports malformed JSON with its line and column', () => {
    const r = parseStandardUpload(fixture('malformed.json'), 'malformed.json', meta)
    expect(errorsOf(r)).toEqual([
      { line: 5, column: null, reason: 'invalid JSON: trailing comma before ] (line 5, column 3)' },
    ])
  })

  it('reports schema errors by JSON path', () => {
    const r = parseStandardUpload(fixture('schema-error.json'), 'schema-error.json', meta)
    expect(errorsOf(r)).toEqual([
      {
        line: null,
        column: '$.statements[1].type',
        reason: 'Invalid option: expected one of "task"|"knowledge"|"skill"',
      },
    ])
  })

  it('reports broken references by JSON path', () => {
    const doc = {
      workRoles: [
        {
          id: 'R1',
          title: 'A',
          description: '',
          categoryId: 'C9',
          taskIds: ['T1', 'K1'],
          knowledgeIds: [],
          skillIds: [],
        },
      ],
      statements: [
        { id: 'T1', type: 'task', text: 'x' },
        { id: 'K1', type: 'knowledge', text: 'y' },
      ],
    }
    const r = parseStandardUpload(bytes(JSON.stringify(doc)), 'x.json', meta)
    expect(errorsOf(r)).toEqual([
      { line: null, column: '$.workRoles[0].categoryId', reason: 'unknown category id "C9"' },
      {
        line: null,
        column: '$.workRoles[0].taskIds[1]',
        reason: '"K1" is a knowledge statement, expected task',
      },
    ])
  })

  it(`rejects a document with more than ${MAX_ROWS} items`, () => {
    const statements = Array.from({ length: MAX_ROWS + 1 }, (_, i) => ({
      id: `T${i}`,
      type: 'task',
      text: 'x',
    }))
    const r = parseStandardUpload(bytes(JSON.stringify({ workRoles: [], statements })), 'big.json', meta)
    expect(errorsOf(r)).toEqual([
      { line: null, column: '$', reason: 'the document has 20,001 items; the limit is 20,000' },
    ])
  })

  it('rejects a JSON value that is not an object, and unknown fields', () => {
    expect(errorsOf(parseStandardUpload(bytes('[1]'), 'x.json', meta))).toEqual([
      {
        line: null,
        column: '$',
        reason: 'expected a JSON object with "workRoles" and "statements" (see the template)',
      },
    ])
    const extra = errorsOf(
      parseStandardUpload(bytes('{"workRoles":[],"statements":[],"extra":1}'), 'x.json', meta),
    )
    expect(extra).toEqual([{ line: null, column: '$', reason: expect.stringContaining('extra') as string }])
  })
})

describe('findJsonSyntaxError', () => {
  it('locates common mistakes', () => {
    expect(findJsonSyntaxError('{"a":1,}')).toEqual({ offset: 7, message: 'trailing comma before }' })
    expect(findJsonSyntaxError('{"a" 1}')).toEqual({ offset: 5, message: 'unexpected "1" (expected ":")' })
    expect(findJsonSyntaxError('{"a":"x\ny"}')?.offset).toBe(7)
    expect(findJsonSyntaxError('"abc')).toEqual({ offset: 0, message: 'unterminated string' })
    expect(findJsonSyntaxError('[1,2')).toEqual({ offset: 4, message: 'unexpected end of file' })
    expect(findJsonSyntaxError('{} x')?.offset).toBe(3)
    expect(findJsonSyntaxError('[1e5,-0.5,"\\u00e9",true,null,{}]')).toBeUndefined()
  })
})

describe('shipped templates and sample', () => {
  it('the CSV template parses without errors or warnings', () => {
    const r = parseOk(content('../public/templates/standard-template.csv'), 'standard-template.csv')
    expect(r.warnings).toEqual([])
    expect(r.preview).toMatchObject({ encoding: 'UTF-8 (BOM)', categories: 2, workRoles: 3 })
  })

  it('the JSON template parses without errors or warnings', () => {
    const r = parseOk(content('../public/templates/standard-template.json'), 'standard-template.json')
    expect(r.warnings).toEqual([])
  })

  it('the Japanese sample standard parses with zero errors and warnings, every statement in a role', () => {
    const r = parseOk(
      content('frameworks/samples/kenshu-sample-standard-ja.csv'),
      'kenshu-sample-standard-ja.csv',
      {
        id: 'kenshu-sample-ja',
        version: '1.0',
        title: 'Kenshu サンプル組織セキュリティスキル標準',
        publisher: 'Kenshu',
      },
    )
    expect(r.warnings).toEqual([])
    expect(r.preview).toMatchObject({ categories: 3, workRoles: 6 })
    expect(r.preview.tasks + r.preview.knowledge + r.preview.skills).toBeGreaterThanOrEqual(36)
    expect(r.framework.workRoles.map((w) => w.title)).toEqual([
      'SOC アナリスト',
      'インシデントハンドラー',
      'CSIRT コーディネーター',
      'OT セキュリティ担当',
      'セキュリティアーキテクト',
      '情報システム担当',
    ])
    const inRole = new Set(
      r.framework.workRoles.flatMap((w) => [...w.taskIds, ...w.knowledgeIds, ...w.skillIds]),
    )
    for (const s of r.framework.statements) expect(inRole.has(s.id), s.id).toBe(true)
    for (const role of r.preview.roles) expect(role.statements, role.id).toBeGreaterThan(0)
  })
})

describe('CASE packages', () => {
  it('accepts a 1EdTech CASE 1.1 package (e.g. one exported from another Kenshu) and keeps ids and texts', async () => {
    const { frameworkToCase } = await import('../case')
    const { getFramework } = await import('../catalog')
    const ecsf = getFramework('ecsf')!.framework
    const pkg = frameworkToCase(ecsf, {
      baseUri: 'https://other.example/case',
      lastChangeDateTime: '2026-01-01T00:00:00Z',
    })
    const r = parseStandardUpload(bytes(JSON.stringify(pkg)), 'ecsf.case.json', {
      id: 'ecsf-copy',
      version: '1',
    })
    expect(r.ok, JSON.stringify(!r.ok && r.errors.slice(0, 3))).toBe(true)
    if (!r.ok) return
    expect(r.framework.id).toBe('ecsf-copy')
    expect(r.framework.workRoles).toEqual(ecsf.workRoles)
    expect(r.framework.statements).toEqual(ecsf.statements)
    expect(r.framework.attribution).toEqual(ecsf.attribution)
  })
  it('reports what is wrong with a broken package, by path', () => {
    const r = parseStandardUpload(bytes(JSON.stringify({ CFDocument: {}, CFItems: 'nope' })), 'x.json', {
      id: 'x',
      version: '1',
    })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.errors.length).toBeGreaterThan(0)
    if (!r.ok) expect(r.errors[0]!.column).toMatch(/^\$/)
  })
})
