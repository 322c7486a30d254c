/**
 * Imports the shared framework sources (NIST NICE v2.1.0, ENISA ECSF role profiles) into
 * Kenshu's normalized shape (./schema.ts) and renders the files under content/frameworks/.
 *
 * Used by scripts/import-frameworks.ts (CLI) and by tests. Reads files, never writes unless
 * writeContent() is called, never touches the database.
 *
 * Stages, each must pass before the next runs (so one broken input gives one clear report):
 *   1. read + JSON.parse + zod-validate every input file
 *   2. internal consistency of each input (unique ids, references resolve)
 *   3. NICE simplified JSON cross-checked against NIST's CPRT JSON (ids, texts, role→TKS,
 *      role→category, role→OPM code, sort order)
 *   4. the generated frameworks validated against FrameworkSchema
 * Any problem throws ImportError listing `file: $.json.path: reason`; nothing is written.
 *
 * ECSF statement ids (ENISA defines none) are generated deterministically:
 *   profile number NN = the profile's PDF section "2.NN" (2.1 → 01 … 2.12 → 12)
 *   work role id  = ECSF-NN
 *   main task i   = ECSF-NN-Tii, key knowledge i = ECSF-NN-Kii, key skill i = ECSF-NN-Sii
 *   (i is the 1-based position in the profile's list, zero-padded to 2 digits).
 * An item repeated in several profiles gets one id per profile. The ids are stable for this
 * edition only; a later ENISA edition is a new framework version with its own ids.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import {
  FRAMEWORK_SCHEMA_VERSION,
  FrameworkSchema,
  checkFrameworkReferences,
  formatJsonPath,
  type Framework,
  type FrameworkIssue,
  type Statement,
  type StatementType,
  type WorkRole,
} from './schema'

export const SOURCE_FILES = {
  niceSimplified: 'nice-framework-components-v2.1.0.simplified.json',
  niceCprt: 'nice-framework-components-v2.1.0.cprt.json',
  ecsf: 'ecsf-v1-role-profiles.json',
} as const

export const CONTENT_FILES = {
  nice: 'nice-v2.1.0.json',
  ecsf: 'ecsf-v1.json',
  attribution: 'ATTRIBUTION.md',
} as const

/** Repository root (this file lives in lib/frameworks/). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
/** Default input: the shared, read-only framework folder next to the repository. */
export const DEFAULT_SOURCE_DIR = path.resolve(REPO_ROOT, '../shared/frameworks')
/** Default output: the committed content folder. */
export const DEFAULT_CONTENT_DIR = path.resolve(REPO_ROOT, 'content/frameworks')

/** A located problem in one input (or output) file. */
export type ImportIssue = FrameworkIssue & { file: string }

/** Thrown for any malformed or inconsistent input; `issues` holds every problem of the failing stage. */
export class ImportError extends Error {
  readonly issues: ReadonlyArray<ImportIssue>
  constructor(stage: string, issues: ReadonlyArray<ImportIssue>) {
    const MAX = 50
    const lines = issues.slice(0, MAX).map((i) => `  ${i.file}: ${i.path}: ${i.message}`)
    if (issues.length > MAX) lines.push(`  … and ${issues.length - MAX} more`)
    super(`Framework import failed (${stage}), nothing written:\n${lines.join('\n')}`)
    this.name = 'ImportError'
    this.issues = issues
  }
}

// ---------------------------------------------------------------------------------------------
// Input schemas (the shapes described in /work/shared/frameworks/SOURCES.md)

const Text = z.string().min(1, 'must not be empty')
const TksId = (prefix: 'T' | 'K' | 'S') =>
  z.string().regex(new RegExp(`^${prefix}\\d{4}$`), `must look like ${prefix}0000`)

const NiceSimplifiedSchema = z.strictObject({
  meta: z.object({
    framework: Text,
    componentsVersion: Text,
    docIdentifier: Text,
    website: z.url(),
    publisher: Text,
    officialJsonUrl: z.url(),
    derivation: Text,
    license: Text,
    notes: z.array(Text),
    counts: z.record(z.string(), z.number().int()),
  }),
  categories: z.array(z.strictObject({ id: z.string().regex(/^[A-Z]{2}$/), title: Text, description: Text })),
  workRoles: z.array(
    z.strictObject({
      id: z.string().regex(/^[A-Z]{2}-WRL-\d{3}$/, 'must look like PD-WRL-001'),
      title: Text,
      description: Text,
      categoryId: z.string(),
      opmCode: z
        .string()
        .regex(/^\d{3}$/)
        .nullable(),
      taskIds: z.array(TksId('T')),
      knowledgeIds: z.array(TksId('K')),
      skillIds: z.array(TksId('S')),
    }),
  ),
  competencyAreas: z.array(
    z.strictObject({
      id: z.string().regex(/^NF-COM-\d{3}$/, 'must look like NF-COM-001'),
      title: Text,
      description: Text,
      taskIds: z.array(TksId('T')).nullable(),
      knowledgeIds: z.array(TksId('K')).nullable(),
      skillIds: z.array(TksId('S')).nullable(),
      tksMappingSource: z.string().nullable(),
    }),
  ),
  statements: z.array(
    z.strictObject({
      id: z.string().regex(/^[TKS]\d{4}$/, 'must look like T0000, K0000 or S0000'),
      type: z.enum(['task', 'knowledge', 'skill']),
      text: Text,
      newInThisVersion: z.boolean(),
    }),
  ),
})
type NiceSimplified = z.infer<typeof NiceSimplifiedSchema>

/** Every count a source's `meta.counts` declares that the data itself contradicts (unknown keys are ignored). */
function countMismatches(
  file: string,
  declared: Record<string, number>,
  actual: Record<string, number>,
): ImportIssue[] {
  return Object.entries(declared)
    .filter(([key, n]) => actual[key] !== undefined && actual[key] !== n)
    .map(([key, n]) => ({
      file,
      path: formatJsonPath(['meta', 'counts', key]),
      message: `says ${n}, data has ${actual[key]}`,
    }))
}

const CprtElementTypes = [
  'category',
  'work_role',
  'task',
  'knowledge',
  'skill',
  'competency_area',
  'opm_code',
  'sort',
] as const
const NiceCprtSchema = z.object({
  response: z.object({
    elements: z.object({
      documents: z
        .array(z.object({ doc_identifier: Text, name: Text, version: Text, website: z.string() }))
        .length(1),
      relationship_types: z.array(z.object({ relationship_identifier: Text })),
      elements: z.array(
        z.object({
          element_type: z.enum(CprtElementTypes),
          element_identifier: Text,
          title: z.string(),
          text: z.string(),
          doc_identifier: Text,
        }),
      ),
      relationships: z.array(
        z.object({
          source_element_identifier: Text,
          dest_element_identifier: Text,
          relationship_identifier: Text,
        }),
      ),
    }),
  }),
})
type NiceCprt = z.infer<typeof NiceCprtSchema>

const EcsfSchema = z.strictObject({
  meta: z.object({
    framework: Text,
    version: Text,
    publisher: Text,
    isbn: Text,
    doi: z.string().regex(/^10\.\d+\/\S+$/, 'must be a DOI like 10.2824/859537'),
    license: Text,
    attribution: Text,
    derivedFrom: z.array(Text),
    notes: z.array(Text),
    counts: z.record(z.string(), z.number().int()),
  }),
  profiles: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9-]+$/, 'must be a lowercase slug'),
        section: z.string().regex(/^2\.\d{1,2}$/, 'must be a section number like 2.1'),
        title: Text,
        alternativeTitles: z.array(Text),
        summaryStatement: Text,
        mission: Text,
        deliverables: z.array(z.strictObject({ name: Text, description: z.string() })),
        mainTasks: z.array(Text).min(1),
        keySkills: z.array(Text).min(1),
        keyKnowledge: z.array(Text).min(1),
        eCompetences: z.array(
          z.strictObject({
            code: z.string().regex(/^[A-E]\.\d{1,2}$/, 'must look like A.7'),
            name: Text,
            level: z.number().int().min(1).max(5),
          }),
        ),
      }),
    )
    .min(1),
})
type Ecsf = z.infer<typeof EcsfSchema>

// ---------------------------------------------------------------------------------------------
// Stage 1: reading

/** Raw, validated inputs plus the SHA-256 of each file's bytes (recorded as provenance). */
export type SourceBundle = {
  niceSimplified: NiceSimplified
  niceCprt: NiceCprt
  ecsf: Ecsf
  sha256: Record<keyof typeof SOURCE_FILES, string>
}

async function readJson(
  dir: string,
  file: string,
  issues: ImportIssue[],
): Promise<{ value: unknown; sha256: string } | null> {
  let bytes: Buffer
  try {
    bytes = await readFile(path.join(dir, file))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err)
    issues.push({ file, path: '$', message: `cannot read ${path.join(dir, file)} (${code})` })
    return null
  }
  try {
    return {
      value: JSON.parse(bytes.toString('utf8')) as unknown,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    }
  } catch (err) {
    issues.push({ file, path: '$', message: `invalid JSON: ${(err as Error).message}` })
    return null
  }
}

function zodIssues(file: string, error: z.ZodError): ImportIssue[] {
  return error.issues.map((i) => ({ file, path: formatJsonPath(i.path), message: i.message }))
}

/** Reads and schema-validates the three source files from `dir`. Throws ImportError. */
export async function readSources(dir: string = DEFAULT_SOURCE_DIR): Promise<SourceBundle> {
  const issues: ImportIssue[] = []
  const parse = async <S extends z.ZodType>(file: string, schema: S) => {
    const raw = await readJson(dir, file, issues)
    if (!raw) return null
    const result = schema.safeParse(raw.value)
    if (!result.success) {
      issues.push(...zodIssues(file, result.error))
      return null
    }
    return { data: result.data, sha256: raw.sha256 }
  }
  const niceSimplified = await parse(SOURCE_FILES.niceSimplified, NiceSimplifiedSchema)
  const niceCprt = await parse(SOURCE_FILES.niceCprt, NiceCprtSchema)
  const ecsf = await parse(SOURCE_FILES.ecsf, EcsfSchema)
  if (issues.length > 0 || !niceSimplified || !niceCprt || !ecsf)
    throw new ImportError('reading sources', issues)
  return {
    niceSimplified: niceSimplified.data,
    niceCprt: niceCprt.data,
    ecsf: ecsf.data,
    sha256: { niceSimplified: niceSimplified.sha256, niceCprt: niceCprt.sha256, ecsf: ecsf.sha256 },
  }
}

// ---------------------------------------------------------------------------------------------
// Stage 2 + 3: NICE

const IN_MISPLACED_TEXT =
  'Collects, processes, analyzes, and disseminates information from all sources of intelligence'
const IN_EXPECTED_TEXT =
  'Conducts national cybersecurity and cybercrime investigations, including the collection, management, and analysis of digital evidence.'

/** OPM codes per work role from the CPRT work_role→opm_code relationships, sorted. */
function cprtOpmCodes(cprt: NiceCprt): Map<string, string[]> {
  const { elements, relationships } = cprt.response.elements
  const typeOf = new Map(elements.map((e) => [e.element_identifier, e.element_type]))
  const codes = new Map<string, string[]>()
  for (const rel of relationships) {
    if (
      typeOf.get(rel.source_element_identifier) !== 'work_role' ||
      typeOf.get(rel.dest_element_identifier) !== 'opm_code'
    )
      continue
    const list = codes.get(rel.source_element_identifier) ?? []
    if (!list.includes(rel.dest_element_identifier)) list.push(rel.dest_element_identifier)
    codes.set(rel.source_element_identifier, list.sort())
  }
  return codes
}

function buildNice(src: SourceBundle): Framework {
  const s = src.niceSimplified
  const opm = cprtOpmCodes(src.niceCprt)
  const opmNotes = s.workRoles
    .filter((r) => (opm.get(r.id) ?? []).length > 1)
    .map(
      (r) =>
        `${r.id} has OPM codes ${(opm.get(r.id) ?? []).join(' and ')} in the CPRT JSON; the simplified file lists only ${String(r.opmCode)}. OPM codes are taken from the CPRT JSON.`,
    )
  // Known upstream error, kept as published (texts are preserved exactly) but flagged for the UI
  // and for whoever upgrades the data: the note disappears once NIST fixes the text.
  const investigation = s.categories.find((c) => c.id === 'IN')
  const upstreamNotes = investigation?.description.startsWith(IN_MISPLACED_TEXT)
    ? [
        `Known upstream issue: the CPRT description of category IN (INVESTIGATION) is the foreign-intelligence text of a former category ("${IN_MISPLACED_TEXT} …"). Earlier NICE releases describe IN as "${IN_EXPECTED_TEXT}" Kept as published.`,
      ]
    : []
  const fw: Framework = {
    schemaVersion: FRAMEWORK_SCHEMA_VERSION,
    id: 'nice',
    version: s.meta.componentsVersion,
    title: `NICE Framework Components v${s.meta.componentsVersion}`,
    publisher: s.meta.publisher,
    attribution: {
      text:
        `Source: National Institute of Standards and Technology (NIST), NICE Framework Components ` +
        `v${s.meta.componentsVersion}, Workforce Framework for Cybersecurity (NICE Framework), NIST SP 800-181 Rev. 1. ` +
        `U.S. Government work, not subject to copyright ` +
        `in the United States. Restructured by Kenshu; wording unchanged. Use does not imply endorsement by NIST.`,
      licence: 'Public domain in the US (U.S. Government work, 17 U.S.C. 105)',
      licenceUrl: null,
      sourceUrl: s.meta.website,
    },
    provenance: {
      files: [
        { name: SOURCE_FILES.niceSimplified, sha256: src.sha256.niceSimplified },
        { name: SOURCE_FILES.niceCprt, sha256: src.sha256.niceCprt },
      ],
      changes: [
        s.meta.derivation,
        'Imported by Kenshu scripts/import-frameworks.ts: cross-checked against the CPRT JSON (ids, texts, work role relationships); field names normalized; work role OPM codes taken from the CPRT JSON (opmCodes).',
      ],
      notes: [
        `Official NIST JSON: ${s.meta.officialJsonUrl}`,
        ...s.meta.notes,
        ...opmNotes,
        ...upstreamNotes,
      ],
    },
    categories: s.categories.map((c) => ({ id: c.id, title: c.title, description: c.description })),
    workRoles: s.workRoles.map((r) => ({
      id: r.id,
      title: r.title,
      description: r.description,
      categoryId: r.categoryId,
      taskIds: r.taskIds,
      knowledgeIds: r.knowledgeIds,
      skillIds: r.skillIds,
      opmCodes: opm.get(r.id) ?? [],
    })),
    statements: s.statements.map((st) => ({
      id: st.id,
      type: st.type,
      text: st.text,
      newInThisVersion: st.newInThisVersion,
    })),
    competencyAreas: s.competencyAreas.map((a) => ({
      id: a.id,
      title: a.title,
      description: a.description,
      taskIds: a.taskIds,
      knowledgeIds: a.knowledgeIds,
      skillIds: a.skillIds,
      mappingSource: a.tksMappingSource,
    })),
  }
  return fw
}

/** Internal consistency of the simplified file. Paths are valid in the simplified file (same order and keys). */
function checkNiceSimplified(s: NiceSimplified, built: Framework): ImportIssue[] {
  const file = SOURCE_FILES.niceSimplified
  const issues: ImportIssue[] = checkFrameworkReferences(built).map((i) => ({ file, ...i }))
  s.statements.forEach((st, i) => {
    const expected = st.type === 'task' ? 'T' : st.type === 'knowledge' ? 'K' : 'S'
    if (!st.id.startsWith(expected))
      issues.push({
        file,
        path: formatJsonPath(['statements', i, 'type']),
        message: `"${st.id}" has type ${st.type}, id prefix says otherwise`,
      })
  })
  const actual: Record<string, number> = {
    categories: s.categories.length,
    workRoles: s.workRoles.length,
    competencyAreas: s.competencyAreas.length,
    tasks: s.statements.filter((x) => x.type === 'task').length,
    knowledge: s.statements.filter((x) => x.type === 'knowledge').length,
    skills: s.statements.filter((x) => x.type === 'skill').length,
    workRoleTaskLinks: s.workRoles.reduce((n, r) => n + r.taskIds.length, 0),
    workRoleKnowledgeLinks: s.workRoles.reduce((n, r) => n + r.knowledgeIds.length, 0),
    workRoleSkillLinks: s.workRoles.reduce((n, r) => n + r.skillIds.length, 0),
  }
  issues.push(...countMismatches(file, s.meta.counts, actual))
  return issues
}

function setDiff(a: ReadonlySet<string>, b: ReadonlySet<string>): string[] {
  return [...a].filter((x) => !b.has(x)).sort()
}

function listIds(ids: ReadonlyArray<string>, max = 8): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} … (${ids.length} in all)`
}

/** Stage 3: the simplified file must say exactly what NIST's CPRT export says. */
function crossCheckNice(s: NiceSimplified, cprt: NiceCprt): ImportIssue[] {
  const file = SOURCE_FILES.niceSimplified
  const cprtFile = SOURCE_FILES.niceCprt
  const issues: ImportIssue[] = []
  const { documents, elements, relationships } = cprt.response.elements

  const doc = documents[0]
  if (doc && (doc.doc_identifier !== s.meta.docIdentifier || doc.version !== s.meta.componentsVersion)) {
    issues.push({
      file,
      path: '$.meta',
      message: `document ${s.meta.docIdentifier} v${s.meta.componentsVersion} does not match ${cprtFile} (${doc.doc_identifier} v${doc.version})`,
    })
  }

  const byId = new Map<string, (typeof elements)[number]>()
  elements.forEach((e, i) => {
    if (byId.has(e.element_identifier))
      issues.push({
        file: cprtFile,
        path: formatJsonPath(['response', 'elements', 'elements', i, 'element_identifier']),
        message: `duplicate element "${e.element_identifier}"`,
      })
    byId.set(e.element_identifier, e)
  })
  const idsOf = (...types: ReadonlyArray<(typeof CprtElementTypes)[number]>) =>
    new Set(elements.filter((e) => types.includes(e.element_type)).map((e) => e.element_identifier))

  const compareSet = (
    key: string,
    ours: ReadonlyArray<string>,
    theirs: ReadonlySet<string>,
    what: string,
  ) => {
    const mine = new Set(ours)
    const missing = setDiff(theirs, mine)
    const extra = setDiff(mine, theirs)
    if (missing.length)
      issues.push({
        file,
        path: `$.${key}`,
        message: `${what} in ${cprtFile} but missing here: ${listIds(missing)}`,
      })
    if (extra.length)
      issues.push({ file, path: `$.${key}`, message: `${what} not in ${cprtFile}: ${listIds(extra)}` })
  }
  compareSet(
    'categories',
    s.categories.map((c) => c.id),
    idsOf('category'),
    'category ids',
  )
  compareSet(
    'workRoles',
    s.workRoles.map((r) => r.id),
    idsOf('work_role'),
    'work role ids',
  )
  compareSet(
    'competencyAreas',
    s.competencyAreas.map((a) => a.id),
    idsOf('competency_area'),
    'competency area ids',
  )
  for (const type of ['task', 'knowledge', 'skill'] as const) {
    compareSet(
      'statements',
      s.statements.filter((x) => x.type === type).map((x) => x.id),
      idsOf(type),
      `${type} ids`,
    )
  }

  // Texts are preserved exactly: any difference means the simplified file drifted from NIST.
  const compareText = (p: PropertyKey[], id: string, field: 'title' | 'text', ours: string) => {
    const e = byId.get(id)
    if (e && e[field] !== ours)
      issues.push({
        file,
        path: formatJsonPath(p),
        message: `text differs from ${cprtFile} ${id}.${field}: ${JSON.stringify(e[field])}`,
      })
  }
  s.categories.forEach((c, i) => {
    compareText(['categories', i, 'title'], c.id, 'title', c.title)
    compareText(['categories', i, 'description'], c.id, 'text', c.description)
  })
  s.workRoles.forEach((r, i) => {
    compareText(['workRoles', i, 'title'], r.id, 'title', r.title)
    compareText(['workRoles', i, 'description'], r.id, 'text', r.description)
  })
  s.competencyAreas.forEach((a, i) => {
    compareText(['competencyAreas', i, 'title'], a.id, 'title', a.title)
    compareText(['competencyAreas', i, 'description'], a.id, 'text', a.description)
  })
  s.statements.forEach((st, i) => compareText(['statements', i, 'text'], st.id, 'text', st.text))

  // Relationships out of work roles and categories.
  const roleLinks = new Map<
    string,
    Record<'task' | 'knowledge' | 'skill' | 'opm_code' | 'sort', Set<string>>
  >()
  const categoryOfRole = new Map<string, Set<string>>()
  const sortKey = new Map<string, string>()
  relationships.forEach((rel, i) => {
    const src = byId.get(rel.source_element_identifier)
    const dst = byId.get(rel.dest_element_identifier)
    const p = formatJsonPath(['response', 'elements', 'relationships', i])
    if (!src || !dst) {
      issues.push({
        file: cprtFile,
        path: p,
        message: `relationship references unknown element "${!src ? rel.source_element_identifier : rel.dest_element_identifier}"`,
      })
      return
    }
    if (dst.element_type === 'sort') sortKey.set(src.element_identifier, dst.title)
    if (src.element_type === 'category' && dst.element_type === 'work_role') {
      const set = categoryOfRole.get(dst.element_identifier) ?? new Set<string>()
      set.add(src.element_identifier)
      categoryOfRole.set(dst.element_identifier, set)
    } else if (src.element_type === 'work_role') {
      if (
        dst.element_type === 'task' ||
        dst.element_type === 'knowledge' ||
        dst.element_type === 'skill' ||
        dst.element_type === 'opm_code' ||
        dst.element_type === 'sort'
      ) {
        const links = roleLinks.get(src.element_identifier) ?? {
          task: new Set(),
          knowledge: new Set(),
          skill: new Set(),
          opm_code: new Set(),
          sort: new Set(),
        }
        links[dst.element_type].add(dst.element_identifier)
        roleLinks.set(src.element_identifier, links)
      }
    }
  })
  s.workRoles.forEach((r, i) => {
    const links = roleLinks.get(r.id)
    const lists = [
      ['taskIds', 'task', r.taskIds],
      ['knowledgeIds', 'knowledge', r.knowledgeIds],
      ['skillIds', 'skill', r.skillIds],
    ] as const
    for (const [key, type, ids] of lists) {
      const theirs = links?.[type] ?? new Set<string>()
      const missing = setDiff(theirs, new Set(ids))
      const extra = setDiff(new Set(ids), theirs)
      if (missing.length || extra.length) {
        const parts = [
          missing.length ? `missing ${listIds(missing)}` : '',
          extra.length ? `extra ${listIds(extra)}` : '',
        ].filter(Boolean)
        issues.push({
          file,
          path: formatJsonPath(['workRoles', i, key]),
          message: `${r.id} work_role→${type} differs from ${cprtFile}: ${parts.join('; ')}`,
        })
      }
    }
    const opm = [...(links?.opm_code ?? [])]
    // The simplified file keeps one code per role; CPRT may list more (DD-WRL-004: 631 and 632),
    // and the output takes them from CPRT. A code CPRT doesn't have, or a missing one, is an error.
    if (r.opmCode === null ? opm.length > 0 : !opm.includes(r.opmCode)) {
      issues.push({
        file,
        path: formatJsonPath(['workRoles', i, 'opmCode']),
        message: `${r.id} OPM code ${JSON.stringify(r.opmCode)} differs from ${cprtFile} work_role→opm_code: ${JSON.stringify(opm)}`,
      })
    }
    const cats = [...(categoryOfRole.get(r.id) ?? [])]
    if (cats.length !== 1 || cats[0] !== r.categoryId) {
      issues.push({
        file,
        path: formatJsonPath(['workRoles', i, 'categoryId']),
        message: `${r.id} category "${r.categoryId}" differs from ${cprtFile} category→work_role: ${JSON.stringify(cats)}`,
      })
    }
  })

  // Order follows the CPRT sort keys; items without a key come last.
  const checkOrder = (key: 'categories' | 'workRoles', ids: ReadonlyArray<string>) => {
    let prev = ''
    let unsortedSeen = false
    ids.forEach((id, i) => {
      const k = sortKey.get(id)
      if (k === undefined) unsortedSeen = true
      else if (unsortedSeen || k < prev)
        issues.push({
          file,
          path: formatJsonPath([key, i]),
          message: `${id} is out of the CPRT sort order (sort key ${k})`,
        })
      else prev = k
    })
  }
  checkOrder(
    'categories',
    s.categories.map((c) => c.id),
  )
  checkOrder(
    'workRoles',
    s.workRoles.map((r) => r.id),
  )
  return issues
}

// ---------------------------------------------------------------------------------------------
// Stage 2: ECSF

const CC_BY_4 = 'https://creativecommons.org/licenses/by/4.0/'

/** `2.7` → `07`. */
function ecsfProfileNo(section: string): string {
  return (section.split('.')[1] ?? '').padStart(2, '0')
}

/** Deterministic ECSF statement id, see the module comment. */
export function ecsfStatementId(section: string, type: StatementType, index: number): string {
  const letter = type === 'task' ? 'T' : type === 'knowledge' ? 'K' : 'S'
  return `ECSF-${ecsfProfileNo(section)}-${letter}${String(index + 1).padStart(2, '0')}`
}

function checkEcsf(e: Ecsf): ImportIssue[] {
  const file = SOURCE_FILES.ecsf
  const issues: ImportIssue[] = []
  const ids = new Map<string, number>()
  const sections = new Map<string, number>()
  e.profiles.forEach((p, i) => {
    const firstId = ids.get(p.id)
    if (firstId !== undefined)
      issues.push({
        file,
        path: formatJsonPath(['profiles', i, 'id']),
        message: `duplicate id "${p.id}" (first at $.profiles[${firstId}])`,
      })
    else ids.set(p.id, i)
    const no = ecsfProfileNo(p.section)
    const firstSection = sections.get(no)
    if (firstSection !== undefined)
      issues.push({
        file,
        path: formatJsonPath(['profiles', i, 'section']),
        message: `duplicate section "${p.section}" (first at $.profiles[${firstSection}])`,
      })
    else sections.set(no, i)
    const lists = [
      ['mainTasks', p.mainTasks],
      ['keySkills', p.keySkills],
      ['keyKnowledge', p.keyKnowledge],
    ] as const
    for (const [key, list] of lists) {
      const seen = new Set<string>()
      list.forEach((t, j) => {
        if (seen.has(t))
          issues.push({
            file,
            path: formatJsonPath(['profiles', i, key, j]),
            message: `duplicate item within the profile: ${JSON.stringify(t)}`,
          })
        seen.add(t)
      })
    }
  })
  const sum = (f: (p: Ecsf['profiles'][number]) => number) => e.profiles.reduce((n, p) => n + f(p), 0)
  const actual: Record<string, number> = {
    profiles: e.profiles.length,
    alternativeTitles: sum((p) => p.alternativeTitles.length),
    deliverables: sum((p) => p.deliverables.length),
    mainTasks: sum((p) => p.mainTasks.length),
    keySkills: sum((p) => p.keySkills.length),
    keyKnowledge: sum((p) => p.keyKnowledge.length),
    eCompetences: sum((p) => p.eCompetences.length),
    uniqueMainTasks: new Set(e.profiles.flatMap((p) => p.mainTasks)).size,
    uniqueKeySkills: new Set(e.profiles.flatMap((p) => p.keySkills)).size,
    uniqueKeyKnowledge: new Set(e.profiles.flatMap((p) => p.keyKnowledge)).size,
  }
  issues.push(...countMismatches(file, e.meta.counts, actual))
  return issues
}

function buildEcsf(src: SourceBundle): Framework {
  const e = src.ecsf
  const statements: Statement[] = []
  const workRoles: WorkRole[] = e.profiles.map((p) => {
    const make = (type: StatementType, items: ReadonlyArray<string>) =>
      items.map((text, i) => {
        const id = ecsfStatementId(p.section, type, i)
        statements.push({ id, type, text })
        return id
      })
    const taskIds = make('task', p.mainTasks)
    const knowledgeIds = make('knowledge', p.keyKnowledge)
    const skillIds = make('skill', p.keySkills)
    return {
      id: `ECSF-${ecsfProfileNo(p.section)}`,
      title: p.title,
      description: p.summaryStatement,
      categoryId: null,
      taskIds,
      knowledgeIds,
      skillIds,
      slug: p.id,
      section: p.section,
      alternativeTitles: p.alternativeTitles,
      mission: p.mission,
      deliverables: p.deliverables.map((d) => ({ name: d.name, description: d.description })),
      eCompetences: p.eCompetences.map((c) => ({ code: c.code, name: c.name, level: c.level })),
    }
  })
  return {
    schemaVersion: FRAMEWORK_SCHEMA_VERSION,
    id: 'ecsf',
    version: '1',
    title: 'European Cybersecurity Skills Framework (ECSF) Role Profiles',
    publisher: e.meta.publisher,
    attribution: {
      text:
        `Source: European Union Agency for Cybersecurity (ENISA), European Cybersecurity Skills Framework (ECSF) ` +
        `Role Profiles, September 2022, ISBN ${e.meta.isbn}, DOI ${e.meta.doi}, licensed under CC BY 4.0. ` +
        `Changes: restructured into JSON, two run-together task bullets split, statement identifiers ` +
        `(ECSF-NN-Tnn/Knn/Snn) added by Kenshu. No endorsement by ENISA is implied.`,
      licence: 'CC BY 4.0',
      licenceUrl: CC_BY_4,
      sourceUrl: `https://doi.org/${e.meta.doi}`,
    },
    provenance: {
      files: [{ name: SOURCE_FILES.ecsf, sha256: src.sha256.ecsf }],
      changes: [
        'Restructured from the ENISA Role Profiles PDF (September 2022) into JSON via a checked transcription; two CISO main-task bullets that the transcription had joined were split.',
        'Imported by Kenshu scripts/import-frameworks.ts: role profiles became work roles (id ECSF-NN from PDF section 2.NN); main tasks, key knowledge and key skills became task/knowledge/skill statements with generated ids ECSF-NN-Tii/Kii/Sii (1-based position in the profile).',
      ],
      notes: [...e.meta.notes, `Transcription: ${e.meta.derivedFrom.join('; ')}`],
    },
    categories: [],
    workRoles,
    statements,
    competencyAreas: [],
  }
}

// ---------------------------------------------------------------------------------------------
// Stage 4 + rendering

function validateOutput(file: string, fw: Framework): ImportIssue[] {
  const parsed = FrameworkSchema.safeParse(fw)
  if (!parsed.success) return zodIssues(file, parsed.error)
  return checkFrameworkReferences(parsed.data).map((i) => ({ file, ...i }))
}

/** The two normalized frameworks produced from a source bundle. */
export type ImportResult = { nice: Framework; ecsf: Framework }

/** Stages 2-4 on already-read sources. Pure (no I/O). Throws ImportError. */
export function buildFrameworks(src: SourceBundle): ImportResult {
  const nice = buildNice(src)
  const ecsf = buildEcsf(src)
  const internal = [...checkNiceSimplified(src.niceSimplified, nice), ...checkEcsf(src.ecsf)]
  if (internal.length > 0) throw new ImportError('checking sources', internal)
  const cross = crossCheckNice(src.niceSimplified, src.niceCprt)
  if (cross.length > 0) throw new ImportError(`cross-checking against ${SOURCE_FILES.niceCprt}`, cross)
  const out = [...validateOutput(CONTENT_FILES.nice, nice), ...validateOutput(CONTENT_FILES.ecsf, ecsf)]
  if (out.length > 0) throw new ImportError('validating output', out)
  return { nice, ecsf }
}

function renderAttribution({ nice, ecsf }: ImportResult): string {
  const section = (fw: Framework, extra: string[]) =>
    [
      `## ${fw.title} (\`${fw.id}\` ${fw.version})`,
      '',
      `- Publisher: ${fw.publisher}`,
      `- Licence: ${fw.attribution.licence}${fw.attribution.licenceUrl ? ` (${fw.attribution.licenceUrl})` : ''}`,
      `- Source: ${fw.attribution.sourceUrl}`,
      ...extra,
      '',
      'Attribution, shown wherever this data appears:',
      '',
      `> ${fw.attribution.text}`,
      '',
      'Input files (SHA-256):',
      '',
      ...(fw.provenance?.files ?? []).map((f) => `- \`${f.name}\` \`${f.sha256}\``),
      '',
      'Changes:',
      '',
      ...(fw.provenance?.changes ?? []).map((c) => `- ${c}`),
      '',
    ].join('\n')
  return [
    '# Framework data: licences and attribution',
    '',
    '<!-- Generated by scripts/import-frameworks.ts from ../shared/frameworks (see SOURCES.md there). Do not edit; re-run the importer. -->',
    '',
    `The files in this folder are generated from public framework data. Each JSON file also carries an`,
    '`attribution` object (text, licence, source URL) so the UI can show it next to the data.',
    '',
    section(nice, [
      '- Terms: U.S. Government work, not subject to copyright in the United States (17 U.S.C. 105); NIST grants a',
      '  worldwide royalty-free licence for any foreign rights. Credit NIST as the source. Do not imply NIST endorsement',
      '  of Kenshu or of any organisation using it.',
    ]),
    section(ecsf, [
      '- Terms: "Unless otherwise noted, the reuse of this document is authorised under the Creative Commons Attribution',
      '  4.0 International (CC BY 4.0) licence." All references to it or its use as a whole or partially must contain',
      '  ENISA as its source. Changes must be indicated (listed below). No endorsement by ENISA is implied.',
      '- Identifiers: ENISA defines none. Kenshu generates them from the PDF section number 2.NN of each profile:',
      '  work role `ECSF-NN`; main task i `ECSF-NN-Tii`, key knowledge i `ECSF-NN-Kii`, key skill i `ECSF-NN-Sii`',
      '  (i = 1-based position in the profile, two digits). An item that appears in several profiles has one id per',
      '  profile. The ids are stable for this edition only.',
    ]),
  ].join('\n')
}

/** Renders the content files (name → exact file text) for an import result. */
export function renderContent(result: ImportResult): Map<string, string> {
  return new Map([
    [CONTENT_FILES.nice, `${JSON.stringify(result.nice, null, 2)}\n`],
    [CONTENT_FILES.ecsf, `${JSON.stringify(result.ecsf, null, 2)}\n`],
    [CONTENT_FILES.attribution, renderAttribution(result)],
  ])
}

/** Reads, checks and renders everything in memory. Throws ImportError; writes nothing. */
export async function runImport(sourceDir: string = DEFAULT_SOURCE_DIR): Promise<Map<string, string>> {
  return renderContent(buildFrameworks(await readSources(sourceDir)))
}

/** Writes rendered files into `outDir` (each via a temp file + rename, so readers never see half a file). */
export async function writeContent(outDir: string, files: ReadonlyMap<string, string>): Promise<void> {
  await mkdir(outDir, { recursive: true })
  for (const [name, text] of files) {
    const target = path.join(outDir, name)
    const tmp = `${target}.${process.pid}.tmp`
    await writeFile(tmp, text, 'utf8')
    await rename(tmp, target)
  }
}

/** One content file that is not what the importer produces. */
export type ContentDrift = { file: string; reason: string }

/**
 * Compares rendered files with what is in `outDir`. Returns one entry per missing or differing
 * file (empty = the committed content is exactly the importer's output).
 */
export async function diffContent(
  outDir: string,
  files: ReadonlyMap<string, string>,
): Promise<ContentDrift[]> {
  const drift: ContentDrift[] = []
  for (const [name, expected] of files) {
    let actual: string
    try {
      actual = await readFile(path.join(outDir, name), 'utf8')
    } catch {
      drift.push({ file: name, reason: 'missing' })
      continue
    }
    if (actual === expected) continue
    const a = actual.split('\n')
    const e = expected.split('\n')
    const line = e.findIndex((l, i) => a[i] !== l)
    const n = line === -1 ? Math.min(a.length, e.length) : line
    drift.push({
      file: name,
      reason: `differs from importer output at line ${n + 1}: expected ${JSON.stringify(e[n] ?? '<end of file>')}, found ${JSON.stringify(a[n] ?? '<end of file>')}`,
    })
  }
  return drift
}
