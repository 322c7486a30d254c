/**
 * Framework → CSV in the upload format (docs/custom-standards.md), so an organisation can
 * download a standard, edit it in Excel and upload it again as a new version.
 *
 * Written for Excel: UTF-8 with a BOM (without it Excel reads UTF-8 as the system code page and
 * Japanese text turns into mojibake), CRLF line ends, RFC 4180 quoting. A cell that starts with
 * = + - @ TAB or CR gets a leading apostrophe so Excel shows it as text instead of evaluating it
 * (OWASP "CSV injection"); parseStandardUpload strips that apostrophe again.
 *
 * The CSV carries categories, work roles (title, description, category, TKS lists) and statements
 * (id, type, text). NICE/ECSF-specific fields (opmCodes, newInThisVersion, slug, section, mission,
 * deliverables, eCompetences, alternativeTitles) and competency areas are not exported. Statements are
 * written tasks first, then knowledge, then skills, each in framework order; a role's id lists come
 * back in file order, so they round-trip when they follow the framework's statement order (true for
 * NICE and ECSF).
 */
import { STATEMENT_TYPES, type Framework } from '../schema'

export const CSV_HEADER = ['type', 'id', 'text', 'description', 'category', 'roles'] as const

/**
 * Cells Excel would treat as a formula (or that start with a control character). Text that already
 * starts with apostrophes before such a character gets one more, so the importer's stripping of
 * exactly one apostrophe gives the original back.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/

/** One cell: defused against formula injection, then quoted when RFC 4180 requires it. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

const LIST_KEY = { task: 'taskIds', knowledge: 'knowledgeIds', skill: 'skillIds' } as const

export function frameworkToCsv(fw: Framework): string {
  const rows: string[][] = [[...CSV_HEADER]]
  for (const c of fw.categories) rows.push(['category', c.id, c.title, c.description, '', ''])
  for (const r of fw.workRoles) rows.push(['role', r.id, r.title, r.description, r.categoryId ?? '', ''])

  // statement id → ids of the roles listing it, in role order.
  const rolesOf = new Map<string, string[]>()
  for (const role of fw.workRoles) {
    for (const type of STATEMENT_TYPES) {
      for (const id of role[LIST_KEY[type]]) {
        const list = rolesOf.get(id)
        if (list) list.push(role.id)
        else rolesOf.set(id, [role.id])
      }
    }
  }
  for (const type of STATEMENT_TYPES) {
    for (const s of fw.statements) {
      if (s.type === type) rows.push([type, s.id, s.text, '', '', (rolesOf.get(s.id) ?? []).join(';')])
    }
  }
  return '\uFEFF' + rows.map((row) => row.map(csvCell).join(',') + '\r\n').join('')
}
