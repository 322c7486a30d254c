/**
 * Uploaded skill standard (CSV or JSON) → validated Framework, or a list of located problems.
 *
 * Lets an organisation add its own standard (an ITSS+/SecBoK-style skill standard, an internal
 * job-role catalogue) next to NICE and ECSF. Pure: no database, no 'server-only', no file access;
 * node:crypto only hashes the bytes for the provenance record. The caller stores the result.
 *
 * Every problem is an UploadIssue the UI can show as a table: CSV issues carry the physical line
 * and the column header as written in the file; JSON issues carry line null and the JSON path in
 * `column`. Whatever the input, the returned framework has passed FrameworkSchema and
 * checkFrameworkReferences: ok:true never carries an invalid framework.
 *
 * Formats and messages are documented for users in docs/custom-standards.md; keep them in step.
 */
import { caseToFramework } from '../case'
import { createHash } from 'node:crypto'
import type { z } from 'zod'
import {
  AttributionSchema,
  FRAMEWORK_SCHEMA_VERSION,
  FrameworkIdSchema,
  FrameworkSchema,
  FrameworkVersionSchema,
  ItemIdSchema,
  checkFrameworkReferences,
  formatJsonPath,
  type Category,
  type Framework,
  type Statement,
  type StatementType,
  type WorkRole,
} from '../schema'
import { readCsv } from './csv'
import { SAVE_AS_CSV_UTF8, decodeUpload, type TextEncodingName } from './decode'

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024
export const MAX_ROWS = 20_000
/** Longest accepted CSV cell; real statements are < 500 chars, so longer ones are pasting accidents. */
export const MAX_CELL_CHARS = 4_000
/** Errors (and warnings) collected before giving up: enough to fix a file, bounded for the UI. */
export const MAX_ISSUES = 200

/** line: 1-based physical line (CSV; null for JSON and file-level problems). column: CSV header or JSON path. */
export type UploadIssue = { line: number | null; column: string | null; reason: string }

export type StandardMeta = {
  id: string
  version: string
  title: string
  publisher: string
  licence?: string
  sourceUrl?: string | null
}

export type UploadPreview = {
  format: 'csv' | 'json'
  encoding: string
  categories: number
  workRoles: number
  tasks: number
  knowledge: number
  skills: number
  roles: { id: string; title: string; statements: number }[]
}

export type ParseResult =
  | { ok: true; framework: Framework; preview: UploadPreview; warnings: UploadIssue[] }
  | { ok: false; errors: UploadIssue[]; warnings: UploadIssue[] }

export const MORE_ERRORS = `… and more errors (only the first ${MAX_ISSUES} are shown)`
export const MORE_WARNINGS = `… and more warnings (only the first ${MAX_ISSUES} are shown)`

/** Thrown inside the parser once MAX_ISSUES errors are collected; caught by parseStandardUpload. */
class TooManyErrors extends Error {}

class Issues {
  readonly errors: UploadIssue[] = []
  readonly warnings: UploadIssue[] = []

  error(line: number | null, column: string | null, reason: string): void {
    if (this.errors.length >= MAX_ISSUES) {
      this.errors.push({ line: null, column: null, reason: MORE_ERRORS })
      throw new TooManyErrors()
    }
    this.errors.push({ line, column, reason })
  }

  warn(line: number | null, column: string | null, reason: string): void {
    if (this.warnings.length < MAX_ISSUES) this.warnings.push({ line, column, reason })
    else if (this.warnings.length === MAX_ISSUES)
      this.warnings.push({ line: null, column: null, reason: MORE_WARNINGS })
  }
}

const fmt = (n: number) => n.toLocaleString('en-US')

/** A user value quoted for a message, cut short so a pasted paragraph does not flood the error list. */
const show = (value: string) => `"${value.length > 60 ? `${value.slice(0, 59)}…` : value}"`

/** Format from the extension; undefined when the extension says nothing (then the content decides). */
function formatFromName(fileName: string): 'csv' | 'json' | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase()
  if (ext === 'csv' || ext === 'tsv' || ext === 'txt') return 'csv'
  if (ext === 'json') return 'json'
  return undefined
}

function baseName(fileName: string): string {
  return fileName.split(/[/\\]/).pop()?.trim() || 'upload'
}

function firstMessage(result: z.ZodSafeParseResult<unknown>): string {
  return result.success ? '' : (result.error.issues[0]?.message ?? 'is invalid')
}

const nonEmpty = (s: string | null | undefined): string | undefined =>
  typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined

type ResolvedMeta = { id: string; version: string; title: string; publisher: string }
const META_KEYS = ['id', 'version', 'title', 'publisher'] as const

/**
 * Validates the form fields that name the standard. `fallback` holds values a JSON document
 * carries itself; a key found in neither is an error with column = the field name, line null.
 */
function resolveMeta(
  meta: Partial<StandardMeta>,
  issues: Issues,
  fallback: Partial<Record<(typeof META_KEYS)[number], unknown>> = {},
): { resolved: Partial<ResolvedMeta>; missing: Set<string> } {
  const resolved: Partial<ResolvedMeta> = {}
  const missing = new Set<string>()
  const schemas = { id: FrameworkIdSchema, version: FrameworkVersionSchema } as const
  for (const key of META_KEYS) {
    const value = nonEmpty(meta[key])
    if (value === undefined) {
      if (fallback[key] === undefined) {
        missing.add(key)
        issues.error(null, key, `the standard's ${key} is required`)
      }
      continue
    }
    if (key === 'id' || key === 'version') {
      const r = schemas[key].safeParse(value)
      if (!r.success) {
        issues.error(null, key, `the standard's ${key} ${show(value)} ${firstMessage(r)}`)
        continue
      }
    }
    resolved[key] = value
  }
  if (meta.sourceUrl != null && meta.sourceUrl.trim() !== '') {
    const r = AttributionSchema.shape.sourceUrl.safeParse(meta.sourceUrl.trim())
    if (!r.success)
      issues.error(null, 'sourceUrl', `the source URL ${show(meta.sourceUrl)} is not a valid URL`)
  }
  return { resolved, missing }
}

function uploadedAttribution(meta: Partial<StandardMeta>, publisher: string, title: string) {
  return {
    text: `${publisher} — ${title}`,
    licence: nonEmpty(meta.licence) ?? 'Internal use',
    licenceUrl: null,
    sourceUrl: nonEmpty(meta.sourceUrl) ?? null,
  }
}

function uploadChange(format: 'csv' | 'json', encoding: string): string {
  return format === 'csv'
    ? `Uploaded to Kenshu as CSV (${encoding}) and converted to the normalized framework format (a CSV carries no competency areas).`
    : `Uploaded to Kenshu as JSON (${encoding}) and validated against the normalized framework format.`
}

// ---------------------------------------------------------------------------------------------
// CSV

type ColumnKey = 'type' | 'id' | 'text' | 'description' | 'category' | 'roles'

/** Accepted header names, compared after NFKC (full-width → half-width), trim and lowercase. */
export const COLUMN_ALIASES: Readonly<Record<ColumnKey, ReadonlyArray<string>>> = {
  type: ['type', '種別', '区分'],
  id: ['id', '識別子', 'コード'],
  text: ['text', 'title', '名称', '本文', '内容'],
  description: ['description', '説明'],
  category: ['category', '分類', 'カテゴリ'],
  roles: ['roles', 'role', '役割', 'ロール'],
}
const REQUIRED_COLUMNS: ReadonlyArray<ColumnKey> = ['type', 'id', 'text']

type RowKind = 'category' | 'role' | StatementType

/** Accepted `type` cell values (same normalization as headers). */
export const TYPE_ALIASES: Readonly<Record<RowKind, ReadonlyArray<string>>> = {
  category: ['category', '分類'],
  role: ['role', '役割', 'ロール'],
  task: ['task', 'タスク'],
  knowledge: ['knowledge', '知識'],
  skill: ['skill', 'スキル'],
}

const normalizeKey = (s: string) => s.normalize('NFKC').trim().toLowerCase()

const lookup = <K extends string>(table: Readonly<Record<K, ReadonlyArray<string>>>, raw: string) => {
  const key = normalizeKey(raw)
  return (Object.keys(table) as K[]).find((k) => table[k].includes(key))
}

const TYPE_LIST = (Object.keys(TYPE_ALIASES) as RowKind[]).map((k) => TYPE_ALIASES[k].join('|')).join(', ')

/**
 * `'=…` → `=…`: undoes the apostrophe frameworkToCsv adds against CSV (formula) injection. Exactly
 * one apostrophe is removed (`''=x` → `'=x`), matching the export. TAB and CR are included because
 * the export escapes them too.
 */
const INJECTION_ESCAPED = /^'+[=+\-@\t\r]/

function cleanText(raw: string): string {
  const s = raw.trim()
  return INJECTION_ESCAPED.test(s) ? s.slice(1) : s
}

/** Ids, category and role references: also NFKC, so full-width "ＳＯＣ－０１" becomes "SOC-01". */
const cleanId = (raw: string) => cleanText(raw).normalize('NFKC')

/** Role references in a statement row: `R1;R2`, `R1|R2`, `R1、R2`. */
const splitRoles = (raw: string) =>
  cleanId(raw)
    .split(/[;|、]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')

type Defined = { line: number; kind: RowKind }

function parseCsv(
  text: string,
  meta: Partial<StandardMeta>,
  issues: Issues,
): Omit<Framework, 'attribution' | 'provenance'> | undefined {
  const { resolved } = resolveMeta(meta, issues)

  const read = readCsv(text)
  if (!read.ok) {
    // The header row names the column, unless the header itself is what broke.
    const header = read.records[0]?.cells
    issues.error(read.line, header?.[read.cell]?.trim() || null, read.reason)
    return undefined
  }
  const [header, ...rows] = read.records
  if (!header) {
    issues.error(null, null, 'the file is empty')
    return undefined
  }

  // Header → column positions.
  const errorsBeforeHeader = issues.errors.length
  const columns = new Map<ColumnKey, { index: number; name: string }>()
  header.cells.forEach((raw, index) => {
    const name = raw.trim()
    if (name === '') return // trailing empty header cells from spreadsheets
    const key = lookup(COLUMN_ALIASES, name)
    if (key === undefined) {
      issues.warn(
        header.line,
        name,
        `unknown column, ignored (known columns: ${Object.keys(COLUMN_ALIASES).join(', ')})`,
      )
      return
    }
    const previous = columns.get(key)
    if (previous) {
      issues.error(
        header.line,
        name,
        `duplicate column: ${show(name)} and ${show(previous.name)} both mean ${key}; keep one of them`,
      )
      return
    }
    columns.set(key, { index, name })
  })
  let headerOk = true
  for (const key of REQUIRED_COLUMNS) {
    if (!columns.has(key)) {
      headerOk = false
      issues.error(
        header.line,
        key,
        `required column "${key}" is missing from the header row (accepted names: ${COLUMN_ALIASES[key].join(', ')})`,
      )
    }
  }
  if (!headerOk || issues.errors.length > errorsBeforeHeader) return undefined

  const dataRows = rows.filter((r) => r.cells.some((c) => c.trim() !== ''))
  if (dataRows.length === 0) {
    issues.error(null, null, 'the file has a header row but no data rows')
    return undefined
  }
  if (dataRows.length > MAX_ROWS) {
    issues.error(
      dataRows[MAX_ROWS]?.line ?? null,
      null,
      `the file has ${fmt(dataRows.length)} data rows; the limit is ${fmt(MAX_ROWS)}`,
    )
    return undefined
  }

  const colName = (key: ColumnKey) => columns.get(key)?.name ?? key
  const cell = (cells: string[], key: ColumnKey) => {
    const col = columns.get(key)
    return col === undefined ? '' : (cells[col.index] ?? '')
  }
  const headerWidth = header.cells.length

  const categories: Category[] = []
  const workRoles: WorkRole[] = []
  const statements: Statement[] = []
  const categoryLines = new Map<string, number>()
  const roleLines = new Map<string, number>()
  const statementLines = new Map<string, Defined>()
  const roleCategoryRefs: { line: number; ref: string }[] = []
  const statementRoleRefs: { line: number; statement: Statement; refs: string[] }[] = []

  for (const { line, cells } of dataRows) {
    // Every problem of a row is reported, not just the first; the row still defines its id so
    // that rows referring to it do not report follow-on errors.
    cells.forEach((value, index) => {
      if (value.length > MAX_CELL_CHARS) {
        issues.error(
          line,
          header.cells[index]?.trim() || `column ${index + 1}`,
          `cell is ${fmt(value.length)} characters; the limit is ${fmt(MAX_CELL_CHARS)}`,
        )
      }
    })
    if (cells.slice(headerWidth).some((c) => c.trim() !== '')) {
      issues.warn(
        line,
        null,
        `row has ${cells.length} cells but the header has ${headerWidth}; the extra cells are ignored`,
      )
    }

    const typeRaw = cleanId(cell(cells, 'type'))
    const kind = typeRaw === '' ? undefined : lookup(TYPE_ALIASES, typeRaw)
    if (typeRaw === '') issues.error(line, colName('type'), `required cell is empty (expected ${TYPE_LIST})`)
    else if (kind === undefined)
      issues.error(line, colName('type'), `unknown type ${show(typeRaw)} (expected ${TYPE_LIST})`)

    const id = cleanId(cell(cells, 'id'))
    let idOk = false
    if (id === '') issues.error(line, colName('id'), 'required cell is empty')
    else {
      const r = ItemIdSchema.safeParse(id)
      if (r.success) idOk = true
      else issues.error(line, colName('id'), `id ${show(id)} ${firstMessage(r)}`)
    }

    const body = cleanText(cell(cells, 'text'))
    if (body === '') issues.error(line, colName('text'), 'required cell is empty')

    if (kind === undefined || !idOk) continue

    // Duplicates: ids are unique per kind; all three statement types share one namespace.
    const table = kind === 'category' ? categoryLines : kind === 'role' ? roleLines : undefined
    const firstStatement = table ? undefined : statementLines.get(id)
    const first = table ? table.get(id) : firstStatement?.line
    if (first !== undefined) {
      const what = table ? kind : 'statement'
      const as = firstStatement ? `, as a ${firstStatement.kind}` : ''
      issues.error(
        line,
        colName('id'),
        `duplicate ${what} id ${show(id)} (first defined on line ${first}${as})`,
      )
      continue
    }

    const description = cleanText(cell(cells, 'description'))
    const categoryRef = cleanId(cell(cells, 'category'))
    const rolesRaw = cell(cells, 'roles')
    const ignored = (key: ColumnKey, why: string) => {
      if (cell(cells, key).trim() !== '') issues.warn(line, colName(key), `ignored on ${kind} rows (${why})`)
    }

    if (kind === 'category') {
      categoryLines.set(id, line)
      ignored('category', 'categories do not nest')
      ignored('roles', 'list roles on statement rows')
      categories.push({ id, title: body, description })
    } else if (kind === 'role') {
      roleLines.set(id, line)
      ignored('roles', 'list roles on statement rows')
      const role: WorkRole = {
        id,
        title: body,
        description,
        categoryId: categoryRef === '' ? null : categoryRef,
        taskIds: [],
        knowledgeIds: [],
        skillIds: [],
      }
      if (categoryRef !== '') roleCategoryRefs.push({ line, ref: categoryRef })
      workRoles.push(role)
    } else {
      statementLines.set(id, { line, kind })
      ignored('description', 'statements have only a text')
      ignored('category', 'statements belong to roles, roles to categories')
      const statement: Statement = { id, type: kind, text: body }
      const refs: string[] = []
      for (const ref of splitRoles(rolesRaw)) {
        if (refs.includes(ref))
          issues.warn(line, colName('roles'), `role ${show(ref)} is listed twice; counted once`)
        else refs.push(ref)
      }
      statementRoleRefs.push({ line, statement, refs })
      statements.push(statement)
    }
  }

  // References resolve against the whole file, so rows may come in any order.
  for (const { line, ref } of roleCategoryRefs) {
    if (!categoryLines.has(ref))
      issues.error(line, colName('category'), `unknown category ${show(ref)} (no category row has this id)`)
  }
  const rolesById = new Map(workRoles.map((r) => [r.id, r]))
  const listKey = { task: 'taskIds', knowledge: 'knowledgeIds', skill: 'skillIds' } as const
  for (const { line, statement, refs } of statementRoleRefs) {
    for (const ref of refs) {
      if (!roleLines.has(ref)) {
        issues.error(line, colName('roles'), `unknown role ${show(ref)} (no role row has this id)`)
        continue
      }
      rolesById.get(ref)?.[listKey[statement.type]].push(statement.id)
    }
  }

  if (issues.errors.length > 0 || !resolved.id || !resolved.version || !resolved.title || !resolved.publisher)
    return undefined
  return {
    schemaVersion: FRAMEWORK_SCHEMA_VERSION,
    id: resolved.id,
    version: resolved.version,
    title: resolved.title,
    publisher: resolved.publisher,
    categories,
    workRoles,
    statements,
    competencyAreas: [],
  }
}

// ---------------------------------------------------------------------------------------------
// JSON

/** Line and column (1-based) of a character offset. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)))
  const lines = before.split(/\r\n|\r|\n/)
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 }
}

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message)
  }
}

const MAX_JSON_DEPTH = 256

/**
 * Finds the first syntax error of a text JSON.parse rejected. V8's messages do not always carry
 * a position (Node 20: `Unexpected token ']', "…" is not valid JSON`), and users need the line.
 * Strict RFC 8259, so it agrees with JSON.parse; only ever run on text JSON.parse refused.
 */
export function findJsonSyntaxError(text: string): { offset: number; message: string } | undefined {
  let i = 0
  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(at, message)
  }
  const found = (what: string) =>
    i >= text.length ? 'unexpected end of file' : `unexpected ${JSON.stringify(text[i])} (expected ${what})`
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++
  }
  const str = () => {
    const start = i++
    for (;;) {
      const c = text[i]
      if (c === undefined) fail('unterminated string', start)
      else if (c === '"') {
        i++
        return
      } else if (c === '\\') {
        const e = text[i + 1]
        if (e === 'u') {
          if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6)))
            fail('bad \\u escape: expected 4 hex digits')
          i += 6
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2
        else fail(`bad escape \\${e ?? ''} in string`)
      } else if (c < ' ') fail('line break or control character inside a string (write it as \\n)')
      else i++
    }
  }
  const value = (depth: number): void => {
    if (depth > MAX_JSON_DEPTH) fail('nested too deeply')
    ws()
    const c = text[i]
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']'
      i++
      ws()
      if (text[i] === close) {
        i++
        return
      }
      for (;;) {
        ws()
        if (c === '{') {
          if (text[i] !== '"')
            fail(text[i] === '}' ? 'trailing comma before }' : found('a "quoted" property name'))
          str()
          ws()
          if (text[i] !== ':') fail(found('":"'))
          i++
        } else if (text[i] === ']') fail('trailing comma before ]')
        value(depth + 1)
        ws()
        if (text[i] === ',') i++
        else if (text[i] === close) {
          i++
          return
        } else fail(found(`"," or "${close}"`))
      }
    }
    if (c === '"') return str()
    const num = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
    num.lastIndex = i
    if (c !== undefined && /[-0-9]/.test(c)) {
      if (!num.test(text)) fail('malformed number')
      i = num.lastIndex
      return
    }
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length
        return
      }
    }
    fail(found('a value'))
  }
  try {
    value(0)
    ws()
    if (i < text.length) fail('unexpected text after the end of the document')
    return undefined
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { offset: e.offset, message: e.message }
    throw e
  }
}

function parseJsonText(text: string, issues: Issues): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    const found = findJsonSyntaxError(text)
    const message = found?.message ?? (e instanceof Error ? e.message : String(e))
    const where = position(text, found?.offset ?? text.length)
    issues.error(where.line, null, `invalid JSON: ${message} (line ${where.line}, column ${where.column})`)
    return undefined
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function parseJson(
  text: string,
  meta: Partial<StandardMeta>,
  issues: Issues,
  upload: { fileName: string; sha256: string; encoding: string },
): unknown {
  const raw = parseJsonText(text, issues)
  if (raw === undefined) return undefined
  if (!isRecord(raw)) {
    issues.error(null, '$', 'expected a JSON object with "workRoles" and "statements" (see the template)')
    return undefined
  }
  let doc: Record<string, unknown> = raw
  if (Object.hasOwn(doc, 'CFDocument')) {
    // A 1EdTech CASE package (ours or another publisher's): map it to a framework first.
    const fromCase = caseToFramework(doc, {
      ...(nonEmpty(meta.id) ? { id: nonEmpty(meta.id) } : {}),
      ...(nonEmpty(meta.version) ? { version: nonEmpty(meta.version) } : {}),
    })
    if (!fromCase.ok) {
      for (const e of fromCase.errors) issues.error(null, e.path, e.message)
      return undefined
    }
    for (const w of fromCase.warnings) issues.warn(null, w.path, w.message)
    doc = fromCase.framework
  }
  const full = Object.hasOwn(doc, 'schemaVersion')
  const { resolved, missing } = resolveMeta(meta, issues, doc)

  let items = 0
  for (const key of ['categories', 'workRoles', 'statements', 'competencyAreas']) {
    const v = doc[key]
    if (Array.isArray(v)) items += v.length
  }
  if (items > MAX_ROWS) {
    issues.error(null, '$', `the document has ${fmt(items)} items; the limit is ${fmt(MAX_ROWS)}`)
    return undefined
  }

  const candidate: Record<string, unknown> = full
    ? { ...doc }
    : { schemaVersion: FRAMEWORK_SCHEMA_VERSION, categories: [], competencyAreas: [], ...doc }
  Object.assign(candidate, resolved)
  const title = typeof candidate.title === 'string' ? candidate.title : ''
  const publisher = typeof candidate.publisher === 'string' ? candidate.publisher : ''

  // A document's own attribution is kept (it carries the licence terms of what was uploaded).
  if (isRecord(doc.attribution)) {
    candidate.attribution = {
      ...doc.attribution,
      ...(nonEmpty(meta.licence) ? { licence: nonEmpty(meta.licence) } : {}),
      ...(nonEmpty(meta.sourceUrl) ? { sourceUrl: nonEmpty(meta.sourceUrl) } : {}),
    }
  } else if (doc.attribution === undefined) {
    candidate.attribution = uploadedAttribution(meta, publisher || 'Unknown', title || 'Untitled')
  }
  const file = { name: upload.fileName, sha256: upload.sha256 }
  const change = uploadChange('json', upload.encoding)
  const prov = doc.provenance
  if (prov === undefined) candidate.provenance = { files: [file], changes: [change], notes: [] }
  else if (isRecord(prov) && Array.isArray(prov.files) && Array.isArray(prov.changes)) {
    const files: unknown[] = prov.files
    const changes: unknown[] = prov.changes
    candidate.provenance = { ...prov, files: [...files, file], changes: [...changes, change] }
  }

  const parsed = FrameworkSchema.safeParse(candidate)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // A field the form has already reported as missing is not reported a second time.
      const top = issue.path.length === 1 ? String(issue.path[0]) : undefined
      if (top !== undefined && missing.has(top)) continue
      issues.error(null, formatJsonPath(issue.path), issue.message)
    }
    return undefined
  }
  return issues.errors.length > 0 ? undefined : parsed.data
}

// ---------------------------------------------------------------------------------------------

function preview(fw: Framework, format: 'csv' | 'json', encoding: string): UploadPreview {
  const count = (type: StatementType) => fw.statements.filter((s) => s.type === type).length
  return {
    format,
    encoding,
    categories: fw.categories.length,
    workRoles: fw.workRoles.length,
    tasks: count('task'),
    knowledge: count('knowledge'),
    skills: count('skill'),
    roles: fw.workRoles.map((r) => ({
      id: r.id,
      title: r.title,
      statements: r.taskIds.length + r.knowledgeIds.length + r.skillIds.length,
    })),
  }
}

function run(
  bytes: Uint8Array,
  fileName: string,
  meta: Partial<StandardMeta>,
  issues: Issues,
): { framework: Framework; preview: UploadPreview } | undefined {
  if (bytes.length > MAX_UPLOAD_BYTES) {
    const mb = Math.ceil((bytes.length / (1024 * 1024)) * 10) / 10
    issues.error(
      null,
      null,
      `file is ${mb.toFixed(1)} MB; the limit is ${MAX_UPLOAD_BYTES / (1024 * 1024)} MB`,
    )
    return undefined
  }
  if (bytes.length === 0) {
    issues.error(null, null, 'the file is empty')
    return undefined
  }
  if (/\.(xlsx|xlsm|xlsb|ods|numbers)$/i.test(fileName)) {
    issues.error(null, null, SAVE_AS_CSV_UTF8)
    return undefined
  }
  const decoded = decodeUpload(bytes)
  if (!decoded.ok) {
    issues.error(null, null, decoded.reason)
    return undefined
  }
  for (const w of decoded.warnings) issues.warn(null, null, w)
  const { text, encoding } = decoded
  if (text.trim() === '') {
    issues.error(null, null, 'the file is empty')
    return undefined
  }
  const looksLikeJson = text.trimStart().startsWith('{')
  const format = formatFromName(fileName) ?? (looksLikeJson ? 'json' : 'csv')
  if (format === 'csv' && looksLikeJson) {
    const ext = /\.[^.]*$/.exec(fileName)?.[0] ?? ''
    issues.warn(null, null, `the file looks like JSON but its name ends in ${ext}; it was read as CSV`)
  }
  const name = baseName(fileName)
  const sha256 = createHash('sha256').update(bytes).digest('hex')

  let candidate: unknown
  if (format === 'csv') {
    const draft = parseCsv(text, meta, issues)
    if (!draft) return undefined
    candidate = {
      ...draft,
      attribution: uploadedAttribution(meta, draft.publisher, draft.title),
      provenance: { files: [{ name, sha256 }], changes: [uploadChange('csv', encoding)], notes: [] },
    }
  } else {
    candidate = parseJson(text, meta, issues, { fileName: name, sha256, encoding })
    if (candidate === undefined) return undefined
  }
  return finalCheck(candidate, format, encoding, issues)
}

/** The last gate for both formats: schema + references, reported as JSON paths. */
function finalCheck(
  candidate: unknown,
  format: 'csv' | 'json',
  encoding: TextEncodingName,
  issues: Issues,
): { framework: Framework; preview: UploadPreview } | undefined {
  const parsed = FrameworkSchema.safeParse(candidate)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) issues.error(null, formatJsonPath(issue.path), issue.message)
    return undefined
  }
  for (const issue of checkFrameworkReferences(parsed.data)) issues.error(null, issue.path, issue.message)
  if (issues.errors.length > 0) return undefined
  return { framework: parsed.data, preview: preview(parsed.data, format, encoding) }
}

/**
 * Parses an uploaded standard. `fileName` picks the format (.csv/.tsv/.txt → CSV, .json → JSON,
 * anything else by content) and is recorded in the provenance. `meta` names the standard: id,
 * version, title and publisher are required for CSV and for JSON documents that lack them;
 * non-empty fields override a JSON document's own. Never throws on bad input.
 */
export function parseStandardUpload(
  bytes: Uint8Array,
  fileName: string,
  meta: Partial<StandardMeta>,
): ParseResult {
  const issues = new Issues()
  let result: ReturnType<typeof run>
  try {
    result = run(bytes, fileName, meta, issues)
  } catch (e) {
    if (!(e instanceof TooManyErrors)) throw e
    result = undefined
  }
  if (result && issues.errors.length === 0)
    return { ok: true, ...result, warnings: sortIssues(issues.warnings) }
  if (issues.errors.length === 0)
    issues.errors.push({ line: null, column: null, reason: 'the file is invalid' })
  return { ok: false, errors: sortIssues(issues.errors), warnings: sortIssues(issues.warnings) }
}

/** File-level issues first, then by line (stable), the "… and more" marker last. */
function sortIssues(list: UploadIssue[]): UploadIssue[] {
  const more = list.filter((i) => i.reason === MORE_ERRORS || i.reason === MORE_WARNINGS)
  const rest = list.filter((i) => !more.includes(i))
  rest.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
  return [...rest, ...more]
}
