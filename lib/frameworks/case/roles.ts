/**
 * An organisation's roles ⇄ CASE 1.1 CFPackage, and the same roles as a CSV for spreadsheets.
 *
 * Mapping (CASE fields and their required-ness: ./schema.ts):
 *
 * - The organisation's role catalogue is one CFDocument (creator = publisher = organisation name,
 *   extensions.kenshu = { format: "kenshu-org-roles", formatVersion, organization: { id, name } }).
 * - Each org role is a CFItem, CFItemType "Job Role": humanCodingScheme = role id, fullStatement =
 *   title, notes = description, extensions.kenshu = { positionLevel, version, archived,
 *   baselineWorkRoleId, frameworkId, frameworkVersion }; `isChildOf` the document (sequenceNumber = order).
 * - Each requirement is a CFAssociation `isRelatedTo` from the role item to the framework statement's
 *   CFItem in the framework's own package (destinationNodeURI.targetType "CASE", identifier = the
 *   same UUID v5 frameworkToCase gives that statement, uri under `frameworkBaseUri`, default baseUri),
 *   so a consumer holding both files can follow the link. sequenceNumber = position in the role.
 * - Required level and weight live in one CFRubric per role, CASE's own construct for "what level of
 *   which competency": one CFRubricCriterion per requirement with CFItemURI → the statement, `weight`,
 *   `position`, category = statement type, description = statement text, and the four
 *   CFRubricCriterionLevels of docs/DESIGN.md's scale (position = score = 1..4, quality =
 *   Basic/Intermediate/Advanced/Expert). The required level is machine-readable in the criterion's
 *   extensions.kenshu = { statementId, requiredLevel } and human-readable in each level's `feedback`
 *   ("Meets the required level (Advanced) for this role." / "Below …"), which the importer falls back
 *   to when the extension is missing. The rubric's extensions.kenshu.roleId ties it to its role (CASE
 *   has no rubric → item link; criteria point at the statements).
 * - Career paths are `precedes` associations from role to role (origin comes before destination),
 *   sequenceNumber = position in the list.
 * - Identifiers: UUID v5 of `org:<org id>:roles`, `…:role:<role id>`, `…:rubric`, `…:criterion:<statement
 *   id>`, `…:level:<n>`; associations from type + both ends. Same input ⇒ byte-identical JSON.
 *
 * `caseToOrgRoles` reads requirements from the rubrics (the isRelatedTo associations are
 * cross-checked, a mismatch is a warning); it needs the Kenshu extensions on role items, which
 * carry what CASE cannot say (framework version, position level, …).
 *
 * Pure: no I/O, no database, no 'server-only'.
 */
import { z } from 'zod'
import {
  DEFAULT_WEIGHT,
  MAX_WEIGHT,
  MIN_WEIGHT,
  POSITION_LEVELS,
  type CareerEdge,
  type OrgRoleSpec,
  type RequiredLevel,
} from '../../roles/types'
import {
  FrameworkIdSchema,
  FrameworkVersionSchema,
  ItemIdSchema,
  formatJsonPath,
  type Framework,
  type Statement,
} from '../schema'
import {
  ITEM_TYPES,
  LEVEL_NAMES,
  PackageBuilder,
  WarningTally,
  kenshuExtensions,
  readKenshuExtension,
} from './build'
import type { CaseImportResult } from './framework'
import {
  CASE_VERSION,
  caseUri,
  checkDateTime,
  findDuplicateIdentifiers,
  normaliseBaseUri,
  parsePackageInput,
  type CaseIssue,
  type CFItem,
  type CFPackage,
  type CFRubric,
  type CFRubricCriterionInput,
  type LinkGenURI,
} from './schema'
import { orgRolesName, statementUuid, uuidV5 } from './uuid'

export type OrgRolesInput = {
  organization: { id: string; name: string }
  roles: OrgRoleSpec[]
  careerPaths: CareerEdge[]
  /** The framework versions the roles point at: statement texts and types come from here. */
  frameworks: Framework[]
}

export type OrgRolesToCaseOptions = {
  /** Base of this package's `uri` fields, e.g. `https://kenshu.example/case`. */
  baseUri: string
  /** Base under which the frameworks' CASE packages live; default baseUri (same export endpoint). */
  frameworkBaseUri?: string
  /** ISO 8601 date-time written to every lastChangeDateTime (deterministic output). */
  lastChangeDateTime: string
  /** CFDocument.language; default "en". */
  language?: string
}

export const ORG_ROLES_EXTENSION_FORMAT = 'kenshu-org-roles'
const FORMAT_VERSION = 1

const RequiredLevelSchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)])
const RequirementSchema = z.object({
  statementId: ItemIdSchema,
  level: RequiredLevelSchema,
  weight: z.number().min(MIN_WEIGHT).max(MAX_WEIGHT),
})
const PositionLevelSchema = z
  .number()
  .int()
  .min(POSITION_LEVELS[0])
  .max(POSITION_LEVELS[POSITION_LEVELS.length - 1]!)
  .nullable()

/** What an org role must satisfy to be exported or imported (checked both ways, so exports re-import). */
const OrgRoleSchema = z.object({
  frameworkId: FrameworkIdSchema,
  frameworkVersion: FrameworkVersionSchema,
  id: z.string().trim().min(1),
  title: z.string().trim().min(1),
  description: z.string(),
  positionLevel: PositionLevelSchema,
  baselineWorkRoleId: ItemIdSchema.nullable(),
  requirements: z.array(RequirementSchema),
  version: z.number().int().min(0),
  archived: z.boolean(),
})

const DocumentExtensionSchema = z.object({
  format: z.literal(ORG_ROLES_EXTENSION_FORMAT),
  formatVersion: z.literal(FORMAT_VERSION),
  organization: z.object({ id: z.string().min(1), name: z.string().min(1) }),
})
const RoleExtensionSchema = OrgRoleSchema.pick({
  positionLevel: true,
  version: true,
  archived: true,
  baselineWorkRoleId: true,
  frameworkId: true,
  frameworkVersion: true,
})
const RubricExtensionSchema = z.object({ roleId: z.string().min(1) })
const CriterionExtensionSchema = z.object({ statementId: ItemIdSchema, requiredLevel: RequiredLevelSchema })

const STATEMENT_TYPE_TITLE = {
  task: ITEM_TYPES.task.title,
  knowledge: ITEM_TYPES.knowledge.title,
  skill: ITEM_TYPES.skill.title,
} as const

/** Statement lookup over the frameworks passed in; throws with a clear message when data is inconsistent. */
function statementLookup(frameworks: ReadonlyArray<Framework>) {
  const byKey = new Map<string, Map<string, Statement>>()
  for (const fw of frameworks)
    byKey.set(`${fw.id}@${fw.version}`, new Map(fw.statements.map((s) => [s.id, s])))
  return (role: OrgRoleSpec, statementId: string): Statement => {
    const statements = byKey.get(`${role.frameworkId}@${role.frameworkVersion}`)
    if (!statements)
      throw new Error(
        `role "${role.id}" points at framework ${role.frameworkId}@${role.frameworkVersion}, which was not passed in`,
      )
    const s = statements.get(statementId)
    if (!s)
      throw new Error(
        `role "${role.id}" requires statement "${statementId}", unknown in ${role.frameworkId}@${role.frameworkVersion}`,
      )
    return s
  }
}

/** Validates the roles and career paths before writing anything (throws; see OrgRoleSchema). */
function checkRoles(roles: ReadonlyArray<OrgRoleSpec>, careerPaths: ReadonlyArray<CareerEdge>): void {
  const ids = new Set<string>()
  roles.forEach((role, i) => {
    const r = OrgRoleSchema.safeParse(role)
    if (!r.success) {
      const issue = r.error.issues[0]
      throw new Error(
        `roles[${i}] (${role.id}): ${formatJsonPath(issue?.path ?? [])} ${issue?.message ?? ''}`,
      )
    }
    if (ids.has(role.id)) throw new Error(`duplicate role id "${role.id}"`)
    ids.add(role.id)
    const seen = new Set<string>()
    for (const q of role.requirements) {
      if (seen.has(q.statementId))
        throw new Error(`role "${role.id}" lists statement "${q.statementId}" twice`)
      seen.add(q.statementId)
    }
  })
  careerPaths.forEach((e, i) => {
    if (!ids.has(e.fromRoleId) || !ids.has(e.toRoleId))
      throw new Error(`careerPaths[${i}] links unknown role(s) ${e.fromRoleId} → ${e.toRoleId}`)
  })
}

const levelName = (level: number) => LEVEL_NAMES[level - 1] ?? String(level)
const meetsFeedback = (required: number) => `Meets the required level (${levelName(required)}) for this role.`
const belowFeedback = (required: number) => `Below the required level (${levelName(required)}) for this role.`

// ---------------------------------------------------------------------------------------------------
// Export

/**
 * Exports an organisation's roles and career paths as a CASE 1.1 CFPackage whose requirements link
 * into the frameworks' own CASE exports. Throws on inconsistent input (unknown framework or
 * statement, duplicate ids, level/weight/position level out of range).
 */
export function orgRolesToCase(input: OrgRolesInput, opts: OrgRolesToCaseOptions): CFPackage {
  const { organization, roles, careerPaths } = input
  checkRoles(roles, careerPaths)
  const statementOf = statementLookup(input.frameworks)
  const time = checkDateTime(opts.lastChangeDateTime)
  const base = normaliseBaseUri(opts.baseUri)
  const frameworkBase = normaliseBaseUri(opts.frameworkBaseUri ?? base)
  const name = orgRolesName(organization.id)
  const b = new PackageBuilder(base, time, name)

  const docId = uuidV5(name)
  const docRef: LinkGenURI = {
    title: `${organization.name}: roles`,
    identifier: docId,
    uri: b.uri('CFDocuments', docId),
  }
  const items: CFItem[] = []
  const rubrics: CFRubric[] = []
  const roleRefs = new Map<string, LinkGenURI>()

  roles.forEach((role, i) => {
    const roleName = `${name}:role:${role.id}`
    const identifier = uuidV5(roleName)
    const itemType = b.itemType('jobRole')
    const roleRef: LinkGenURI = { title: role.id, identifier, uri: b.uri('CFItems', identifier) }
    roleRefs.set(role.id, roleRef)
    items.push({
      identifier,
      uri: roleRef.uri,
      CFItemType: itemType.title,
      CFItemTypeURI: itemType,
      humanCodingScheme: role.id,
      fullStatement: role.title,
      ...(role.description !== '' ? { notes: role.description } : {}),
      lastChangeDateTime: time,
      extensions: kenshuExtensions({
        positionLevel: role.positionLevel,
        version: role.version,
        archived: role.archived,
        baselineWorkRoleId: role.baselineWorkRoleId,
        frameworkId: role.frameworkId,
        frameworkVersion: role.frameworkVersion,
      }),
    })
    b.associate('isChildOf', roleRef, docRef, i + 1)

    const rubricName = `${roleName}:rubric`
    const rubricId = uuidV5(rubricName)
    const criteria = role.requirements.map((q, j) => {
      const statement = statementOf(role, q.statementId)
      const stmtId = statementUuid(role.frameworkId, role.frameworkVersion, q.statementId)
      const stmtUri = caseUri(frameworkBase, 'CFItems', stmtId)
      b.associate(
        'isRelatedTo',
        roleRef,
        { title: q.statementId, identifier: stmtId, uri: stmtUri, targetType: 'CASE' },
        j + 1,
      )
      const criterionName = `${rubricName}:criterion:${q.statementId}`
      const criterionId = uuidV5(criterionName)
      return {
        identifier: criterionId,
        uri: b.uri('CFRubricCriteria', criterionId),
        category: STATEMENT_TYPE_TITLE[statement.type],
        description: statement.text,
        CFItemURI: { title: q.statementId, identifier: stmtId, uri: stmtUri },
        weight: q.weight,
        position: j + 1,
        rubricId,
        lastChangeDateTime: time,
        CFRubricCriterionLevels: LEVEL_NAMES.map((quality, k) => {
          const level = k + 1
          const levelId = uuidV5(`${criterionName}:level:${level}`)
          return {
            identifier: levelId,
            uri: b.uri('CFRubricCriterionLevels', levelId),
            quality,
            score: level,
            feedback: level >= q.level ? meetsFeedback(q.level) : belowFeedback(q.level),
            position: level,
            rubricCriterionId: criterionId,
            lastChangeDateTime: time,
          }
        }),
        extensions: kenshuExtensions({ statementId: q.statementId, requiredLevel: q.level }),
      }
    })
    rubrics.push({
      identifier: rubricId,
      uri: b.uri('CFRubrics', rubricId),
      title: `${role.title}: required proficiency`,
      description:
        'Required proficiency level (1 Basic, 2 Intermediate, 3 Advanced, 4 Expert) and weight of each framework statement for this role.',
      lastChangeDateTime: time,
      CFRubricCriteria: criteria,
      extensions: kenshuExtensions({ roleId: role.id }),
    })
  })

  careerPaths.forEach((edge, i) => {
    b.associate('precedes', roleRefs.get(edge.fromRoleId)!, roleRefs.get(edge.toRoleId)!, i + 1)
  })

  return {
    CFDocument: {
      identifier: docId,
      uri: docRef.uri,
      caseVersion: CASE_VERSION,
      creator: organization.name,
      title: docRef.title,
      lastChangeDateTime: time,
      publisher: organization.name,
      description: `Roles of ${organization.name}: the framework statements each requires, with level and weight (CFRubrics), and career paths (precedes).`,
      language: opts.language ?? 'en',
      adoptionStatus: 'Adopted',
      extensions: kenshuExtensions({
        format: ORG_ROLES_EXTENSION_FORMAT,
        formatVersion: FORMAT_VERSION,
        organization: { id: organization.id, name: organization.name },
      }),
    },
    CFItems: items,
    CFAssociations: b.associations,
    CFDefinitions: { CFItemTypes: b.itemTypeDefinitions() },
    CFRubrics: rubrics,
  }
}

// ---------------------------------------------------------------------------------------------------
// Import

/**
 * Reads a role catalogue written by orgRolesToCase back into roles and career paths (a parsed object
 * or a JSON string). Errors with JSONPath-like locations for anything that would lose or invent data.
 */
export function caseToOrgRoles(input: unknown): CaseImportResult<{
  organization: { id: string; name: string } | null
  roles: OrgRoleSpec[]
  careerPaths: CareerEdge[]
}> {
  const parsed = parsePackageInput(input)
  if (!parsed.ok) return parsed
  const pkg = parsed.pkg
  const errors: CaseIssue[] = findDuplicateIdentifiers(pkg)
  if (errors.length > 0) return { ok: false, errors }
  const warnings = new WarningTally()
  const doc = pkg.CFDocument

  let organization: { id: string; name: string } | null = null
  const rawDocExt = readKenshuExtension(doc.extensions)
  const docExt = DocumentExtensionSchema.safeParse(rawDocExt)
  if (docExt.success) organization = docExt.data.organization
  else
    warnings.push({
      path: '$.CFDocument.extensions.kenshu',
      message: 'no Kenshu role-catalogue extension; organization unknown',
    })

  type RoleEntry = { role: OrgRoleSpec; itemIndex: number; identifier: string }
  const roleByIdentifier = new Map<string, RoleEntry>()
  const roleById = new Map<string, RoleEntry>()
  const entries: RoleEntry[] = []
  ;(pkg.CFItems ?? []).forEach((item, i) => {
    const type = (item.CFItemType ?? '').trim().toLowerCase()
    if (type !== ITEM_TYPES.jobRole.title.toLowerCase()) {
      warnings.add('not-role', '$.CFItems', item.humanCodingScheme ?? item.identifier, (n, ex) => {
        return `${n} item(s) that are not "Job Role" ignored (${ex})`
      })
      return
    }
    const path = `$.CFItems[${i}]`
    const id = item.humanCodingScheme?.trim() ?? ''
    if (id === '') return void errors.push({ path: `${path}.humanCodingScheme`, message: 'missing role id' })
    if (roleById.has(id))
      return void errors.push({ path: `${path}.humanCodingScheme`, message: `duplicate role id "${id}"` })
    const ext = RoleExtensionSchema.safeParse(readKenshuExtension(item.extensions))
    if (!ext.success) {
      const issue = ext.error.issues[0]
      return void errors.push({
        path: `${path}.extensions.kenshu${formatJsonPath(issue?.path ?? []).slice(1)}`,
        message: `missing or invalid Kenshu role data: ${issue?.message ?? ''}`,
      })
    }
    const role: OrgRoleSpec = {
      frameworkId: ext.data.frameworkId,
      frameworkVersion: ext.data.frameworkVersion,
      id,
      title: item.fullStatement,
      description: item.notes ?? '',
      positionLevel: ext.data.positionLevel,
      baselineWorkRoleId: ext.data.baselineWorkRoleId,
      requirements: [],
      version: ext.data.version,
      archived: ext.data.archived,
    }
    const entry = { role, itemIndex: i, identifier: item.identifier.toLowerCase() }
    entries.push(entry)
    roleById.set(id, entry)
    roleByIdentifier.set(entry.identifier, entry)
  })
  if (errors.length > 0) return { ok: false, errors }

  // Requirements from the rubrics.
  const withRubric = new Set<RoleEntry>()
  ;(pkg.CFRubrics ?? []).forEach((rubric, i) => {
    const path = `$.CFRubrics[${i}]`
    const ext = RubricExtensionSchema.safeParse(readKenshuExtension(rubric.extensions))
    const entry = ext.success
      ? roleById.get(ext.data.roleId)
      : organization
        ? entries.find(
            (e) => uuidV5(`${orgRolesName(organization.id)}:role:${e.role.id}:rubric`) === rubric.identifier,
          )
        : undefined
    if (!entry) {
      warnings.push({ path, message: 'rubric not tied to any role in this package; ignored' })
      return
    }
    if (withRubric.has(entry))
      return void errors.push({ path, message: `second rubric for role "${entry.role.id}"` })
    withRubric.add(entry)
    const criteria = (rubric.CFRubricCriteria ?? [])
      .map((c, j) => ({ c, j }))
      .sort((x, y) => (x.c.position ?? Infinity) - (y.c.position ?? Infinity) || x.j - y.j)
    const seen = new Set<string>()
    for (const { c, j } of criteria) {
      const q = readCriterion(c, `${path}.CFRubricCriteria[${j}]`, entry.role, errors, warnings)
      if (!q) continue
      if (seen.has(q.statementId)) {
        errors.push({
          path: `${path}.CFRubricCriteria[${j}]`,
          message: `statement "${q.statementId}" listed twice`,
        })
        continue
      }
      seen.add(q.statementId)
      entry.role.requirements.push(q)
    }
  })
  for (const e of entries) {
    if (!withRubric.has(e))
      errors.push({
        path: `$.CFItems[${e.itemIndex}]`,
        message: `no CFRubric gives the requirements of role "${e.role.id}"`,
      })
  }

  // Associations: career paths, plus a cross-check of the requirement links.
  const edges: { seq: number; order: number; edge: CareerEdge }[] = []
  const linked = new Map<RoleEntry, Set<string>>()
  ;(pkg.CFAssociations ?? []).forEach((a, i) => {
    const path = `$.CFAssociations[${i}]`
    const origin = roleByIdentifier.get(a.originNodeURI.identifier.toLowerCase())
    const destination = roleByIdentifier.get(a.destinationNodeURI.identifier.toLowerCase())
    if (a.associationType === 'precedes') {
      if (!origin || !destination) {
        errors.push({
          path: `${path}.${origin ? 'destinationNodeURI' : 'originNodeURI'}`,
          message: 'career path end is not a role in this package',
        })
        return
      }
      const edge = { fromRoleId: origin.role.id, toRoleId: destination.role.id }
      edges.push({ seq: a.sequenceNumber ?? Infinity, order: i, edge })
    } else if (a.associationType === 'isRelatedTo' && origin) {
      const set = linked.get(origin) ?? new Set<string>()
      set.add(a.destinationNodeURI.identifier.toLowerCase())
      linked.set(origin, set)
    } else if (a.associationType === 'isChildOf' && origin) {
      // the tree: role → document
    } else {
      warnings.add(`assoc:${a.associationType}`, '$.CFAssociations', a.identifier, (n) => {
        return `${n} "${a.associationType}" association(s) with no meaning for roles ignored`
      })
    }
  })
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, 100) }
  for (const e of entries) {
    const links = linked.get(e) ?? new Set<string>()
    const wanted = new Set(
      e.role.requirements.map((q) =>
        statementUuid(e.role.frameworkId, e.role.frameworkVersion, q.statementId),
      ),
    )
    const same = links.size === wanted.size && [...wanted].every((x) => links.has(x))
    if (!same)
      warnings.push({
        path: `$.CFItems[${e.itemIndex}]`,
        message: `isRelatedTo links of role "${e.role.id}" differ from its rubric; the rubric was used`,
      })
  }

  const careerPaths = edges.sort((x, y) => x.seq - y.seq || x.order - y.order).map((x) => x.edge)
  return { ok: true, organization, roles: entries.map((e) => e.role), careerPaths, warnings: warnings.list() }
}

/** One rubric criterion → a requirement, or undefined after recording an error. */
function readCriterion(
  c: CFRubricCriterionInput,
  path: string,
  role: OrgRoleSpec,
  errors: CaseIssue[],
  warnings: WarningTally,
): OrgRoleSpec['requirements'][number] | undefined {
  const ext = CriterionExtensionSchema.safeParse(readKenshuExtension(c.extensions))
  const statementId = ext.success ? ext.data.statementId : (c.CFItemURI?.title?.trim() ?? '')
  if (!ItemIdSchema.safeParse(statementId).success) {
    errors.push({ path: `${path}.CFItemURI`, message: 'cannot tell which statement this criterion is for' })
    return undefined
  }
  const expected = statementUuid(role.frameworkId, role.frameworkVersion, statementId)
  const target = c.CFItemURI?.identifier?.toLowerCase()
  if (target && target !== expected) {
    errors.push({
      path: `${path}.CFItemURI.identifier`,
      message: `does not identify statement "${statementId}" of ${role.frameworkId}@${role.frameworkVersion}`,
    })
    return undefined
  }
  let level: RequiredLevel | undefined = ext.success ? ext.data.requiredLevel : undefined
  if (level === undefined) {
    // Fallback for packages whose extensions were stripped: the lowest level whose feedback says "meets".
    const meets = [...(c.CFRubricCriterionLevels ?? [])]
      .filter((l) => l.feedback?.startsWith('Meets the required level'))
      .map((l) => l.score ?? l.position)
      .filter((n): n is number => typeof n === 'number')
    const parsedLevel = RequiredLevelSchema.safeParse(meets.length > 0 ? Math.min(...meets) : undefined)
    if (!parsedLevel.success) {
      errors.push({ path, message: `no required level for statement "${statementId}"` })
      return undefined
    }
    level = parsedLevel.data
  }
  let weight = c.weight
  if (weight === null || weight === undefined) {
    weight = DEFAULT_WEIGHT
    warnings.add(
      'no-weight',
      path,
      statementId,
      (n, ex) => `${n} criteria without weight got ${DEFAULT_WEIGHT} (${ex})`,
    )
  }
  if (!(weight >= MIN_WEIGHT && weight <= MAX_WEIGHT)) {
    errors.push({ path: `${path}.weight`, message: `weight ${weight} outside ${MIN_WEIGHT}..${MAX_WEIGHT}` })
    return undefined
  }
  return { statementId, level, weight }
}

// ---------------------------------------------------------------------------------------------------
// CSV

export const ORG_ROLES_CSV_HEADER = [
  'role_id',
  'role_title',
  'position_level',
  'framework',
  'framework_version',
  'statement_id',
  'statement_type',
  'statement_text',
  'required_level',
  'weight',
] as const

/**
 * One CSV cell: OWASP CSV-injection defence (a cell starting with = + - @ tab or CR gets a leading
 * `'` so spreadsheets show it as text instead of evaluating it), then RFC 4180 quoting.
 */
export function csvCell(value: string | number | null): string {
  let s = value === null ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s
}

/**
 * The roles as a spreadsheet: UTF-8 with BOM (so Excel detects the encoding), CRLF line ends, one row
 * per requirement (roles without requirements have no rows; archived roles are included, filter
 * before calling if unwanted). Throws like orgRolesToCase on inconsistent input.
 */
export function orgRolesToCsv(input: Pick<OrgRolesInput, 'roles' | 'frameworks'>): string {
  checkRoles(input.roles, [])
  const statementOf = statementLookup(input.frameworks)
  const lines = [ORG_ROLES_CSV_HEADER.join(',')]
  for (const role of input.roles) {
    for (const q of role.requirements) {
      const s = statementOf(role, q.statementId)
      lines.push(
        [
          role.id,
          role.title,
          role.positionLevel,
          role.frameworkId,
          role.frameworkVersion,
          q.statementId,
          s.type,
          s.text,
          q.level,
          q.weight,
        ]
          .map(csvCell)
          .join(','),
      )
    }
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`
}
