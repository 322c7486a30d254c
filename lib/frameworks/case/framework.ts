/**
 * Framework ⇄ CASE 1.1 CFPackage.
 *
 * Mapping (see ./schema.ts for the CASE fields and which are required):
 *
 * - The framework version is one CFDocument: title, creator = publisher = Framework.publisher, version,
 *   adoptionStatus "Adopted", language (default "en"), caseVersion "1.1", officialSourceURL =
 *   attribution.sourceUrl (when not null), notes = attribution text + licence (so the credit travels
 *   with the data even for consumers that ignore extensions), licenseURI → a CFLicense in
 *   CFDefinitions (title = licence name; its uri is the licence URL when the attribution has one).
 *   extensions.kenshu = { format, formatVersion, frameworkId, frameworkVersion, schemaVersion,
 *   attribution, provenance? } carries the exact attribution and provenance for a lossless round trip.
 * - CFItems, in framework order: categories ("Category"), work roles ("Work Role"), statements
 *   ("Task" / "Knowledge" / "Skill"), competency areas ("Competency Area"). humanCodingScheme = our id;
 *   fullStatement = statement text, or the title for categories, roles and areas, whose description
 *   goes to `notes` (omitted when empty). CFItemTypeURI links to CFDefinitions.CFItemTypes.
 *   extensions.kenshu holds what CASE has no field for: work roles' opmCodes / slug / section /
 *   alternativeTitles / mission / deliverables / eCompetences, statements' newInThisVersion, competency
 *   areas' mappingSource and `unpublishedLists` (the lists that are null: "no mapping published",
 *   as opposed to [] "maps to nothing").
 * - CFAssociations:
 *   - the taxonomy tree, `isChildOf` with sequenceNumber: category → document; work role → its category
 *     (or → document when categoryId is null); every statement → document (NICE publishes TKS as one
 *     shared list, so a statement's one tree parent is the document; without it CASE editors list
 *     statements used by no role as orphans); competency area → document.
 *   - membership, `isPartOf` ("the origin is included, physically or logically, in the destination"):
 *     statement → each work role / competency area listing it, sequenceNumber = 1-based position in
 *     that role's tasks-then-knowledge-then-skills list, so each list's order round-trips. isPartOf
 *     rather than isChildOf because a statement belongs to many roles; multiple tree parents would
 *     duplicate it in every CASE tree viewer.
 * - Identifiers are UUID v5 from stable names (./uuid.ts): the document `framework:<id>@<version>`,
 *   items `framework:<id>@<version>:<kind>:<item id>`, associations from type + both ends. uri =
 *   `${baseUri}/CFDocuments|CFItems|CFAssociations|CFItemTypes|CFLicenses/${identifier}`.
 *   Same input and options ⇒ byte-identical JSON.
 *
 * Import (`caseToFramework`) reads our own exports losslessly and foreign packages best-effort:
 * unknown or missing CFItemTypes become statements (knowledge if the type mentions knowledge or
 * concept, else skill) with a warning; ids come from humanCodingScheme (made id-safe) or from the
 * identifier; isChildOf/isPartOf statement → role/area become membership (either works); anything
 * Kenshu has no place for (statement hierarchies, exactMatchOf, …) is dropped with a counted warning.
 * The result is validated with FrameworkSchema and checkFrameworkReferences; an invalid framework is
 * never returned.
 *
 * Pure: no I/O, no database, no 'server-only' (node:crypto only, for the UUIDs).
 */
import { z } from 'zod'
import {
  AttributionSchema,
  FRAMEWORK_SCHEMA_VERSION,
  FrameworkIdSchema,
  FrameworkSchema,
  FrameworkVersionSchema,
  ItemIdSchema,
  ProvenanceSchema,
  StatementSchema,
  WorkRoleSchema,
  checkFrameworkReferences,
  formatJsonPath,
  type Attribution,
  type Category,
  type CompetencyArea,
  type Framework,
  type Statement,
  type StatementType,
  type WorkRole,
} from '../schema'
import {
  PackageBuilder,
  WarningTally,
  kenshuExtensions,
  readKenshuExtension,
  type ItemTypeKey,
} from './build'
import {
  CASE_VERSION,
  checkDateTime,
  findDuplicateIdentifiers,
  normaliseBaseUri,
  parsePackageInput,
  type CaseIssue,
  type CFAssociationInput,
  type CFDocument,
  type CFItem,
  type CFItemInput,
  type CFLicense,
  type CFPackage,
  type CFPackageInput,
  type LinkGenURI,
  type NodeRefInput,
} from './schema'
import {
  frameworkDocumentUuid,
  frameworkItemUuid,
  frameworkName,
  uuidV5,
  type FrameworkItemKind,
} from './uuid'

export type FrameworkToCaseOptions = {
  /** Base of the `uri` fields, e.g. `https://kenshu.example/case` (no trailing slash needed). */
  baseUri: string
  /** ISO 8601 date-time written to every lastChangeDateTime (passed in so output is deterministic). */
  lastChangeDateTime: string
  /** CFDocument.language; default "en". */
  language?: string
}

export type CaseToFrameworkOptions = {
  /** Framework id to use instead of the one in extensions.kenshu or derived from the title. */
  id?: string
  /** Framework version to use instead of extensions.kenshu's or CFDocument.version. */
  version?: string
}

export type CaseImportResult<T> =
  ({ ok: true; warnings: CaseIssue[] } & T) | { ok: false; errors: CaseIssue[] }

export const FRAMEWORK_EXTENSION_FORMAT = 'kenshu-framework'
export const EXTENSION_FORMAT_VERSION = 1

const LIST_KEYS = ['taskIds', 'knowledgeIds', 'skillIds'] as const
type ListKey = (typeof LIST_KEYS)[number]
const LIST_OF: Record<StatementType, ListKey> = {
  task: 'taskIds',
  knowledge: 'knowledgeIds',
  skill: 'skillIds',
}

/** extensions.kenshu on the CFDocument of a framework export. */
const DocumentExtensionSchema = z.object({
  format: z.literal(FRAMEWORK_EXTENSION_FORMAT),
  formatVersion: z.literal(EXTENSION_FORMAT_VERSION),
  frameworkId: FrameworkIdSchema,
  frameworkVersion: FrameworkVersionSchema,
  schemaVersion: z.literal(FRAMEWORK_SCHEMA_VERSION),
  attribution: AttributionSchema,
  provenance: ProvenanceSchema.optional(),
})
type DocumentExtension = z.infer<typeof DocumentExtensionSchema>

const ROLE_EXTRA_KEYS = [
  'opmCodes',
  'slug',
  'section',
  'alternativeTitles',
  'mission',
  'deliverables',
  'eCompetences',
] as const
const WorkRoleExtensionSchema = z.object(
  WorkRoleSchema.pick({
    opmCodes: true,
    slug: true,
    section: true,
    alternativeTitles: true,
    mission: true,
    deliverables: true,
    eCompetences: true,
  }).shape,
)
const StatementExtensionSchema = z.object(StatementSchema.pick({ newInThisVersion: true }).shape)
const CompetencyAreaExtensionSchema = z.object({
  mappingSource: z.string().nullable(),
  unpublishedLists: z.array(z.enum(LIST_KEYS)),
})

const STATEMENT_ITEM_TYPE: Record<StatementType, ItemTypeKey> = {
  task: 'task',
  knowledge: 'knowledge',
  skill: 'skill',
}

// ---------------------------------------------------------------------------------------------------
// Export

/**
 * Exports one framework version as a CASE 1.1 CFPackage. Throws if the framework is invalid (ids or
 * references that do not resolve) or the options are malformed: never writes a file we cannot read.
 */
export function frameworkToCase(fw: Framework, opts: FrameworkToCaseOptions): CFPackage {
  const parsed = FrameworkSchema.safeParse(fw)
  const issues = parsed.success
    ? checkFrameworkReferences(fw)
    : parsed.error.issues.map((i) => ({ path: formatJsonPath(i.path), message: i.message }))
  if (issues.length > 0) {
    const detail = issues
      .slice(0, 5)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ')
    throw new Error(`cannot export framework ${fw.id}@${fw.version} to CASE: ${detail}`)
  }
  const time = checkDateTime(opts.lastChangeDateTime)
  const b = new PackageBuilder(normaliseBaseUri(opts.baseUri), time, frameworkName(fw.id, fw.version))

  const docId = frameworkDocumentUuid(fw.id, fw.version)
  const docRef: LinkGenURI = { title: fw.title, identifier: docId, uri: b.uri('CFDocuments', docId) }

  const { attribution } = fw
  const licenseId = uuidV5(`${frameworkName(fw.id, fw.version)}:license`)
  const license: CFLicense = {
    identifier: licenseId,
    uri: attribution.licenceUrl ?? b.uri('CFLicenses', licenseId),
    title: attribution.licence,
    lastChangeDateTime: time,
    description: attribution.text,
    licenseText: attribution.licenceUrl
      ? `${attribution.licence}: ${attribution.licenceUrl}`
      : attribution.licence,
  }
  const docExtension: DocumentExtension = {
    format: FRAMEWORK_EXTENSION_FORMAT,
    formatVersion: EXTENSION_FORMAT_VERSION,
    frameworkId: fw.id,
    frameworkVersion: fw.version,
    schemaVersion: fw.schemaVersion,
    attribution,
    ...(fw.provenance ? { provenance: fw.provenance } : {}),
  }
  const document: CFDocument = {
    identifier: docId,
    uri: docRef.uri,
    caseVersion: CASE_VERSION,
    creator: fw.publisher,
    title: fw.title,
    lastChangeDateTime: time,
    ...(attribution.sourceUrl !== null ? { officialSourceURL: attribution.sourceUrl } : {}),
    publisher: fw.publisher,
    language: opts.language ?? 'en',
    version: fw.version,
    adoptionStatus: 'Adopted',
    licenseURI: { title: license.title, identifier: license.identifier, uri: license.uri },
    notes: `${attribution.text}\n\nLicence: ${attribution.licence}${attribution.licenceUrl ? ` (${attribution.licenceUrl})` : ''}`,
    extensions: kenshuExtensions(docExtension),
  }

  const items: CFItem[] = []
  const refs = new Map<string, LinkGenURI>()
  const ref = (kind: FrameworkItemKind, id: string): LinkGenURI => {
    const r = refs.get(`${kind}:${id}`)
    if (!r) throw new Error(`internal: no CFItem for ${kind} ${id}`) // checkFrameworkReferences ran above
    return r
  }
  const addItem = (
    kind: FrameworkItemKind,
    id: string,
    type: ItemTypeKey,
    fullStatement: string,
    notes: string,
    extension?: Record<string, unknown>,
  ) => {
    const identifier = frameworkItemUuid(fw.id, fw.version, kind, id)
    const uri = b.uri('CFItems', identifier)
    const itemType = b.itemType(type)
    items.push({
      identifier,
      uri,
      CFItemType: itemType.title,
      CFItemTypeURI: itemType,
      humanCodingScheme: id,
      fullStatement,
      ...(notes !== '' ? { notes } : {}),
      lastChangeDateTime: time,
      ...(extension && Object.keys(extension).length > 0 ? { extensions: kenshuExtensions(extension) } : {}),
    })
    refs.set(`${kind}:${id}`, { title: id, identifier, uri })
  }

  for (const c of fw.categories) addItem('category', c.id, 'category', c.title, c.description)
  for (const r of fw.workRoles) {
    const extension: Record<string, unknown> = {}
    for (const key of ROLE_EXTRA_KEYS) if (r[key] !== undefined) extension[key] = r[key]
    addItem('work-role', r.id, 'workRole', r.title, r.description, extension)
  }
  for (const s of fw.statements) {
    const extension = s.newInThisVersion !== undefined ? { newInThisVersion: s.newInThisVersion } : undefined
    addItem('statement', s.id, STATEMENT_ITEM_TYPE[s.type], s.text, '', extension)
  }
  for (const a of fw.competencyAreas) {
    addItem('competency-area', a.id, 'competencyArea', a.title, a.description, {
      mappingSource: a.mappingSource,
      unpublishedLists: LIST_KEYS.filter((k) => a[k] === null),
    })
  }

  // The tree: one sequence among the document's children, one per category.
  let docSeq = 0
  for (const c of fw.categories) b.associate('isChildOf', ref('category', c.id), docRef, ++docSeq)
  for (const r of fw.workRoles) {
    if (r.categoryId === null) b.associate('isChildOf', ref('work-role', r.id), docRef, ++docSeq)
  }
  for (const s of fw.statements) b.associate('isChildOf', ref('statement', s.id), docRef, ++docSeq)
  for (const a of fw.competencyAreas) b.associate('isChildOf', ref('competency-area', a.id), docRef, ++docSeq)
  const categorySeq = new Map<string, number>()
  for (const r of fw.workRoles) {
    if (r.categoryId === null) continue
    const seq = (categorySeq.get(r.categoryId) ?? 0) + 1
    categorySeq.set(r.categoryId, seq)
    b.associate('isChildOf', ref('work-role', r.id), ref('category', r.categoryId), seq)
  }
  // Membership.
  const members = (kind: FrameworkItemKind, owner: WorkRole | CompetencyArea) => {
    const ids = LIST_KEYS.flatMap((k) => owner[k] ?? [])
    ids.forEach((id, i) => b.associate('isPartOf', ref('statement', id), ref(kind, owner.id), i + 1))
  }
  for (const r of fw.workRoles) members('work-role', r)
  for (const a of fw.competencyAreas) members('competency-area', a)

  return {
    CFDocument: document,
    CFItems: items,
    CFAssociations: b.associations,
    CFDefinitions: { CFItemTypes: b.itemTypeDefinitions(), CFLicenses: [license] },
  }
}

// ---------------------------------------------------------------------------------------------------
// Import

type Kind = 'category' | 'workRole' | 'statement' | 'competencyArea'
type Entry = { kind: Kind; itemIndex: number; listIndex: number; id: string; type?: StatementType }
type Node = { kind: 'document' } | Entry

/** Recognises our CFItemType labels and common spellings; anything else is a foreign type. */
function classify(label: string | null | undefined): { kind: Kind; type?: StatementType } | undefined {
  const t = (label ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
  switch (t) {
    case 'category':
      return { kind: 'category' }
    case 'work role':
    case 'workrole':
    case 'role profile':
      return { kind: 'workRole' }
    case 'task':
    case 'knowledge':
    case 'skill':
      return { kind: 'statement', type: t }
    case 'competency area':
      return { kind: 'competencyArea' }
    default:
      return undefined
  }
}

/** Makes a humanCodingScheme usable as an ItemId: runs of other characters become "-". */
function idFromCode(code: string): string {
  return code
    .replace(/[^A-Za-z0-9._:-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64)
}

/** A short, stable id from a CASE identifier (its first 8 alphanumerics, longer on collision). */
function idFromIdentifier(identifier: string, used: ReadonlySet<string>): string {
  const alnum = identifier.replace(/[^A-Za-z0-9]/g, '') || 'item'
  for (let len = 8; len < alnum.length; len += 4) {
    const id = alnum.slice(0, len)
    if (!used.has(id)) return id
  }
  let id = alnum.slice(0, 60)
  for (let n = 2; used.has(id); n++) id = `${alnum.slice(0, 56)}-${n}`
  return id
}

function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '')
}

const UrlSchema = z.url()

function isHttpUrl(value: string | null | undefined): value is string {
  if (!value) return false
  try {
    const u = new URL(value)
    return (u.protocol === 'https:' || u.protocol === 'http:') && UrlSchema.safeParse(value).success
  } catch {
    return false
  }
}

/** Associations that build a package's own structure: a dangling end is an error, not a cross-link. */
const STRUCTURAL = new Set(['isChildOf', 'isPartOf'])

/**
 * Decides whether an association end that is not in the package points into another document
 * (a warning: CASE links across frameworks all the time) or is simply broken (an error).
 */
function isExternalRef(
  ref: NodeRefInput,
  association: CFAssociationInput,
  documentUri: string | null,
): boolean {
  if (!STRUCTURAL.has(association.associationType)) return true
  if (ref.targetType && ref.targetType !== 'CASE') return true
  if (!ref.uri || !isHttpUrl(ref.uri)) return false
  if (/\/CFDocuments\//.test(ref.uri)) return true
  if (!documentUri || !isHttpUrl(documentUri)) return false
  return new URL(ref.uri).origin !== new URL(documentUri).origin
}

/**
 * Imports a CASE CFPackage (a parsed object or a JSON string) as a Framework. Our own exports come
 * back deep-equal; foreign packages import best-effort with warnings. See the header for the rules.
 */
export function caseToFramework(
  input: unknown,
  opts: CaseToFrameworkOptions = {},
): CaseImportResult<{ framework: Framework }> {
  const parsed = parsePackageInput(input)
  if (!parsed.ok) return parsed
  const pkg = parsed.pkg
  const errors: CaseIssue[] = findDuplicateIdentifiers(pkg)
  if (errors.length > 0) return { ok: false, errors }
  const warnings = new WarningTally()
  const doc = pkg.CFDocument
  const cfItems = pkg.CFItems ?? []

  // Document-level data: our extension if valid, otherwise derived from CASE fields.
  let docExt: DocumentExtension | undefined
  const rawDocExt = readKenshuExtension(doc.extensions)
  if (rawDocExt !== undefined) {
    const r = DocumentExtensionSchema.safeParse(rawDocExt)
    if (r.success) docExt = r.data
    else
      warnings.push({
        path: '$.CFDocument.extensions.kenshu',
        message: `ignored (not a valid Kenshu framework extension): ${r.error.issues[0]?.message ?? ''}`,
      })
  }

  // Items → entries with ids, per kind.
  const byIdentifier = new Map<string, Node>([[doc.identifier.toLowerCase(), { kind: 'document' }]])
  const entries: Entry[] = []
  const used: Record<Kind, Set<string>> = {
    category: new Set(),
    workRole: new Set(),
    statement: new Set(),
    competencyArea: new Set(),
  }
  const counts: Record<Kind, number> = { category: 0, workRole: 0, statement: 0, competencyArea: 0 }
  cfItems.forEach((item, i) => {
    let cls = classify(item.CFItemType)
    if (!cls) {
      const label = item.CFItemType?.trim() ?? ''
      const type: StatementType = /knowledge|concept/i.test(label) ? 'knowledge' : 'skill'
      cls = { kind: 'statement', type }
      const what = label === '' ? 'without CFItemType' : `of CFItemType "${label}"`
      warnings.add(
        `type:${label}`,
        '$.CFItems',
        item.humanCodingScheme ?? item.identifier,
        (n, ex) => `${n} item(s) ${what} imported as ${type} statements (no Kenshu equivalent), e.g. ${ex}`,
      )
    }
    if (item.fullStatement.trim() === '') {
      errors.push({ path: `$.CFItems[${i}].fullStatement`, message: 'must not be empty' })
    }
    const taken = used[cls.kind]
    const code = item.humanCodingScheme?.trim() ?? ''
    let id = code === '' ? '' : idFromCode(code)
    if (id !== '' && !ItemIdSchema.safeParse(id).success) id = ''
    if (id !== '' && taken.has(id)) {
      warnings.add(
        'dup-code',
        '$.CFItems',
        code,
        (n, ex) => `${n} duplicate humanCodingScheme(s) (${ex}); ids derived from identifiers`,
      )
      id = ''
    } else if (id !== '' && id !== code) {
      warnings.add(
        'adjusted-code',
        '$.CFItems',
        code,
        (n, ex) => `${n} humanCodingScheme(s) adjusted to valid ids (${ex})`,
      )
    }
    if (id === '') {
      id = idFromIdentifier(item.identifier, taken)
      if (code === '')
        warnings.add(
          'no-code',
          '$.CFItems',
          id,
          (n, ex) => `${n} item(s) without humanCodingScheme; ids derived from identifiers (${ex})`,
        )
    }
    taken.add(id)
    const entry: Entry = { kind: cls.kind, itemIndex: i, listIndex: counts[cls.kind]++, id, type: cls.type }
    entries.push(entry)
    byIdentifier.set(item.identifier.toLowerCase(), entry)
  })
  if (errors.length > 0) return { ok: false, errors }

  // Associations → category links and ordered memberships.
  const categoryOf = new Map<Entry, Entry>()
  const membership = new Map<Entry, { seq: number; order: number; statement: Entry }[]>()
  const documentUri = doc.uri ?? null
  ;(pkg.CFAssociations ?? []).forEach((a, i) => {
    const origin = byIdentifier.get(a.originNodeURI.identifier.toLowerCase())
    const destination = byIdentifier.get(a.destinationNodeURI.identifier.toLowerCase())
    if (!origin || !destination) {
      for (const [end, node, ref] of [
        ['originNodeURI', origin, a.originNodeURI],
        ['destinationNodeURI', destination, a.destinationNodeURI],
      ] as const) {
        if (node) continue
        if (isExternalRef(ref, a, documentUri)) {
          warnings.add(
            'external',
            '$.CFAssociations',
            ref.uri ?? ref.identifier,
            (n, ex) =>
              `${n} association end(s) point outside this package (other documents) and were ignored, e.g. ${ex}`,
          )
        } else {
          errors.push({
            path: `$.CFAssociations[${i}].${end}`,
            message: `points at unknown item "${ref.identifier}" (not the CFDocument nor any CFItem in this package)`,
          })
        }
      }
      return
    }
    const type = a.associationType
    const ignore = (why: string) =>
      warnings.add(
        `ignored:${type}:${why}`,
        '$.CFAssociations',
        a.identifier,
        (n) => `${n} "${type}" association(s) ${why} ignored`,
      )
    if (type !== 'isChildOf' && type !== 'isPartOf') return ignore('(no Kenshu equivalent)')
    if (destination.kind === 'document') return // top level of the tree
    if (origin.kind === 'document') return ignore('from the document')
    if (origin.kind === 'workRole' && destination.kind === 'category') {
      if (categoryOf.has(origin))
        warnings.push({
          path: `$.CFAssociations[${i}]`,
          message: `work role "${origin.id}" has more than one category; kept the first`,
        })
      else categoryOf.set(origin, destination)
      return
    }
    if (
      origin.kind === 'statement' &&
      (destination.kind === 'workRole' || destination.kind === 'competencyArea')
    ) {
      const list = membership.get(destination) ?? []
      list.push({ seq: a.sequenceNumber ?? Number.POSITIVE_INFINITY, order: i, statement: origin })
      membership.set(destination, list)
      return
    }
    ignore(`between a ${origin.kind} and a ${destination.kind} (hierarchy Kenshu does not model)`)
  })
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, 100) }

  const listsOf = (owner: Entry): Record<ListKey, string[]> => {
    const lists: Record<ListKey, string[]> = { taskIds: [], knowledgeIds: [], skillIds: [] }
    const seen = new Set<string>()
    const members = [...(membership.get(owner) ?? [])].sort((x, y) => x.seq - y.seq || x.order - y.order)
    for (const m of members) {
      if (seen.has(m.statement.id)) continue // e.g. both isChildOf and isPartOf
      seen.add(m.statement.id)
      lists[LIST_OF[m.statement.type!]].push(m.statement.id)
    }
    return lists
  }
  const itemExtension = <T>(entry: Entry, schema: z.ZodType<T>): T | undefined => {
    const item: CFItemInput = cfItems[entry.itemIndex]!
    const raw = readKenshuExtension(item.extensions)
    if (raw === undefined) return undefined
    const r = schema.safeParse(raw)
    if (r.success) return r.data
    warnings.push({
      path: `$.CFItems[${entry.itemIndex}].extensions.kenshu`,
      message: `ignored (invalid): ${r.error.issues[0]?.message ?? ''}`,
    })
    return undefined
  }

  const categories: Category[] = []
  const workRoles: WorkRole[] = []
  const statements: Statement[] = []
  const competencyAreas: CompetencyArea[] = []
  for (const e of entries) {
    const item = cfItems[e.itemIndex]!
    const description = item.notes ?? ''
    if (e.kind === 'category') categories.push({ id: e.id, title: item.fullStatement, description })
    else if (e.kind === 'statement') {
      const ext = itemExtension(e, StatementExtensionSchema)
      statements.push({
        id: e.id,
        type: e.type!,
        text: item.fullStatement,
        ...(ext?.newInThisVersion !== undefined ? { newInThisVersion: ext.newInThisVersion } : {}),
      })
    } else if (e.kind === 'workRole') {
      const ext = itemExtension(e, WorkRoleExtensionSchema)
      const role: WorkRole = {
        id: e.id,
        title: item.fullStatement,
        description,
        categoryId: categoryOf.get(e)?.id ?? null,
        ...listsOf(e),
      }
      for (const key of ROLE_EXTRA_KEYS)
        if (ext?.[key] !== undefined) Object.assign(role, { [key]: ext[key] })
      workRoles.push(role)
    } else {
      const ext = itemExtension(e, CompetencyAreaExtensionSchema)
      const lists = listsOf(e)
      // Without our extension, "no associations at all" reads as "no mapping published".
      const unpublished = new Set<ListKey>(ext ? ext.unpublishedLists : membership.has(e) ? [] : LIST_KEYS)
      competencyAreas.push({
        id: e.id,
        title: item.fullStatement,
        description,
        taskIds: unpublished.has('taskIds') ? null : lists.taskIds,
        knowledgeIds: unpublished.has('knowledgeIds') ? null : lists.knowledgeIds,
        skillIds: unpublished.has('skillIds') ? null : lists.skillIds,
        mappingSource: ext?.mappingSource ?? null,
      })
    }
  }

  // Framework id, version, publisher, attribution.
  let id = opts.id ?? docExt?.frameworkId
  if (id === undefined) {
    id = slugify(doc.title) || 'imported'
    warnings.push({ path: '$.CFDocument.title', message: `framework id "${id}" derived from the title` })
  }
  let version = opts.version ?? docExt?.frameworkVersion
  if (version === undefined) {
    const v = (doc.version ?? '')
      .trim()
      .replace(/\s+/g, '-')
      .replace(/[^A-Za-z0-9._-]/g, '')
      .replace(/^[._-]+/, '')
    version = v.slice(0, 32) || '1'
    if (v === '')
      warnings.push({ path: '$.CFDocument.version', message: `no usable version; using "${version}"` })
  }
  const idCheck = FrameworkIdSchema.safeParse(id)
  if (!idCheck.success)
    errors.push({
      path: opts.id !== undefined ? 'options.id' : '$.CFDocument',
      message: `framework id "${id}" ${idCheck.error.issues[0]?.message ?? 'is invalid'}`,
    })
  const versionCheck = FrameworkVersionSchema.safeParse(version)
  if (!versionCheck.success)
    errors.push({
      path: opts.version !== undefined ? 'options.version' : '$.CFDocument.version',
      message: `framework version "${version}" ${versionCheck.error.issues[0]?.message ?? 'is invalid'}`,
    })
  const publisher = doc.publisher?.trim() || doc.creator?.trim() || ''
  if (publisher === '') errors.push({ path: '$.CFDocument.creator', message: 'missing creator (publisher)' })
  if (errors.length > 0) return { ok: false, errors }

  const attribution = docExt?.attribution ?? deriveAttribution(pkg, publisher, warnings)
  const framework: Framework = {
    schemaVersion: FRAMEWORK_SCHEMA_VERSION,
    id,
    version,
    title: doc.title,
    publisher,
    attribution,
    ...(docExt?.provenance ? { provenance: docExt.provenance } : {}),
    categories,
    workRoles,
    statements,
    competencyAreas,
  }

  // Never return an invalid framework; locate problems in the CASE JSON where we can.
  const itemIndex = (list: string, i: number): number | undefined => {
    const kind: Kind | undefined =
      list === 'categories'
        ? 'category'
        : list === 'workRoles'
          ? 'workRole'
          : list === 'statements'
            ? 'statement'
            : list === 'competencyAreas'
              ? 'competencyArea'
              : undefined
    return entries.find((e) => e.kind === kind && e.listIndex === i)?.itemIndex
  }
  const casePath = (path: ReadonlyArray<PropertyKey>): string => {
    const [list, i] = path
    const idx = typeof list === 'string' && typeof i === 'number' ? itemIndex(list, i) : undefined
    return idx !== undefined ? `$.CFItems[${idx}]` : '$.CFDocument'
  }
  const check = FrameworkSchema.safeParse(framework)
  if (!check.success) {
    return {
      ok: false,
      errors: check.error.issues.slice(0, 100).map((i) => ({
        path: casePath(i.path),
        message: `${i.message} (framework ${formatJsonPath(i.path)})`,
      })),
    }
  }
  const references = checkFrameworkReferences(check.data)
  if (references.length > 0) {
    return {
      ok: false,
      errors: references
        .slice(0, 100)
        .map((p) => ({ path: '$.CFAssociations', message: `${p.message} (framework ${p.path})` })),
    }
  }
  return { ok: true, framework: check.data, warnings: warnings.list() }
}

/** Attribution for a foreign package: its notes, licence and source, so the credit is never lost. */
function deriveAttribution(pkg: CFPackageInput, publisher: string, warnings: WarningTally): Attribution {
  const doc = pkg.CFDocument
  const licences = pkg.CFDefinitions?.CFLicenses ?? []
  const licenseRef = doc.licenseURI
  const licence = licenseRef?.identifier
    ? licences.find((l) => l.identifier?.toLowerCase() === licenseRef.identifier?.toLowerCase())
    : undefined
  const licenceName = licence?.title?.trim() || licenseRef?.title?.trim() || ''
  if (licenceName === '')
    warnings.push({ path: '$.CFDocument.licenseURI', message: 'no licence given; recorded as "Unspecified"' })
  const licenceUrl = [licence?.uri, licenseRef?.uri].find(isHttpUrl) ?? null
  const sourceUrl = [doc.officialSourceURL, doc.uri].find(isHttpUrl) ?? null
  const text =
    doc.notes?.trim() ||
    `Source: ${publisher}, ${doc.title}${doc.version ? ` (version ${doc.version})` : ''}. Imported from CASE.`
  return { text, licence: licenceName || 'Unspecified', licenceUrl, sourceUrl }
}
