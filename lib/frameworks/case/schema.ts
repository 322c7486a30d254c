/**
 * Zod schemas for 1EdTech CASE 1.1 (Competencies and Academic Standards Exchange) CFPackage JSON.
 *
 * Source: the CASE v1.1 JSON Schema binding of getCFPackage (1EdTech Final Release, January 2025,
 * "getCFPackage-200-responsepayload-schema.json", as shipped in OpenSALT's core/config/schema) and the
 * v1.1 information model (https://www.imsglobal.org/spec/case/v1p1/). Required fields per that binding:
 *
 *   CFPackage               CFDocument                      (CFItems, CFAssociations, CFDefinitions, CFRubrics,
 *                                                             extensions optional)
 *   CFDocument              identifier, uri, creator, title, lastChangeDateTime
 *   CFItem                  identifier, fullStatement, uri, lastChangeDateTime
 *   CFAssociation           identifier, associationType, uri, originNodeURI, destinationNodeURI,
 *                           lastChangeDateTime
 *   LinkGenURI (node refs)  title, identifier, uri            (targetType optional, 1.1: "CASE" | "ext:…")
 *   LinkURI                 title, identifier (UUID), uri
 *   CFItemType              identifier, uri, title, description, hierarchyCode, lastChangeDateTime
 *   CFLicense               identifier, uri, title, licenseText, lastChangeDateTime
 *   CFConcept / CFSubject   identifier, uri, title, hierarchyCode, lastChangeDateTime
 *   CFAssociationGrouping   identifier, uri, title, lastChangeDateTime
 *   CFRubric / CFRubricCriterion / CFRubricCriterionLevel   identifier, uri, lastChangeDateTime
 *
 * Identifiers are lower-case UUIDs with the RFC 4122 variant (pattern
 * `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[8-9a-b][0-9a-f]{3}-[0-9a-f]{12}`), except LinkGenURI.identifier,
 * which "may or may not be a UUID". associationType is the 1.1 extensible vocabulary: the ten terms
 * below or `ext:<name>`. New in 1.1 and used here: CFDocument.caseVersion ("1.1"), `extensions` objects
 * on every class (proprietary data, free form), CFAssociation.notes. CFItem in a 1.1 package carries
 * no CFDocumentURI (1.0 had it); items belong to the package's one CFDocument.
 *
 * Two families of schemas:
 * - `CFPackageSchema` & co. are strict like the binding (`additionalProperties: false`): what Kenshu
 *   writes, checked in tests, usable to validate any CASE 1.1 package.
 * - `CFPackageInputSchema` & co. are what Kenshu reads: only the fields it uses, unknown properties
 *   dropped, spec-required fields Kenshu does not need (uri, lastChangeDateTime) optional and `null`
 *   accepted for absent, because real-world CASE producers (1.0 and 1.1) differ in exactly those ways.
 *
 * Pure: zod only. No I/O, no database, no 'server-only'.
 */
import { z } from 'zod'
import { formatJsonPath, type FrameworkIssue } from '../schema'
import { UUID_PATTERN } from './uuid'

export const CASE_VERSION = '1.1'

/** The CASE 1.1 associationType vocabulary (extensible with `ext:` terms). */
export const ASSOCIATION_TYPES = [
  'isChildOf',
  'isPeerOf',
  'isPartOf',
  'exactMatchOf',
  'precedes',
  'isRelatedTo',
  'replacedBy',
  'exemplar',
  'hasSkillLevel',
  'isTranslationOf',
] as const
export type AssociationType = (typeof ASSOCIATION_TYPES)[number]

const ExtTerm = z.string().regex(/^ext:[a-zA-Z0-9.\-_]+$/, 'must be one of the CASE terms or "ext:<name>"')
export const AssociationTypeSchema = z.union([z.enum(ASSOCIATION_TYPES), ExtTerm])

export const CaseUuidSchema = z.string().regex(UUID_PATTERN, 'must be a lower-case RFC 4122 UUID')
const Uri = z.url()
const DateTime = z.iso.datetime({ offset: true })
const DateOnly = z.iso.date()
/** `extensions` are free-form objects in 1.1; Kenshu keeps its own data under the single key `kenshu`. */
export const ExtensionsSchema = z.record(z.string(), z.unknown())
export type Extensions = z.infer<typeof ExtensionsSchema>

// ---------------------------------------------------------------------------------------------------
// Strict: the CASE 1.1 binding

export const LinkURISchema = z.strictObject({ title: z.string(), identifier: CaseUuidSchema, uri: Uri })
export type LinkURI = z.infer<typeof LinkURISchema>

export const LinkGenURISchema = z.strictObject({
  title: z.string(),
  identifier: z.string().min(1),
  uri: Uri,
  targetType: z.union([z.literal('CASE'), ExtTerm]).optional(),
})
export type LinkGenURI = z.infer<typeof LinkGenURISchema>

export const CFDocumentSchema = z.strictObject({
  identifier: CaseUuidSchema,
  uri: Uri,
  frameworkType: z.string().optional(),
  caseVersion: z.literal(CASE_VERSION).optional(),
  creator: z.string(),
  title: z.string(),
  lastChangeDateTime: DateTime,
  officialSourceURL: Uri.optional(),
  publisher: z.string().optional(),
  description: z.string().optional(),
  subject: z.array(z.string()).optional(),
  subjectURI: z.array(LinkURISchema).optional(),
  language: z.string().optional(),
  version: z.string().optional(),
  adoptionStatus: z.string().optional(),
  statusStartDate: DateOnly.optional(),
  statusEndDate: DateOnly.optional(),
  licenseURI: LinkURISchema.optional(),
  notes: z.string().optional(),
  extensions: ExtensionsSchema.optional(),
})
export type CFDocument = z.infer<typeof CFDocumentSchema>

export const CFItemSchema = z.strictObject({
  identifier: CaseUuidSchema,
  fullStatement: z.string(),
  alternativeLabel: z.string().optional(),
  CFItemType: z.string().optional(),
  uri: Uri,
  humanCodingScheme: z.string().optional(),
  listEnumeration: z.string().optional(),
  abbreviatedStatement: z.string().optional(),
  conceptKeywords: z.array(z.string()).optional(),
  conceptKeywordsURI: LinkURISchema.optional(),
  notes: z.string().optional(),
  subject: z.array(z.string()).optional(),
  subjectURI: z.array(LinkURISchema).optional(),
  language: z.string().optional(),
  educationLevel: z.array(z.string()).optional(),
  CFItemTypeURI: LinkURISchema.optional(),
  licenseURI: LinkURISchema.optional(),
  statusStartDate: DateOnly.optional(),
  statusEndDate: DateOnly.optional(),
  lastChangeDateTime: DateTime,
  extensions: ExtensionsSchema.optional(),
})
export type CFItem = z.infer<typeof CFItemSchema>

export const CFAssociationSchema = z.strictObject({
  identifier: CaseUuidSchema,
  associationType: AssociationTypeSchema,
  sequenceNumber: z.number().int().optional(),
  uri: Uri,
  originNodeURI: LinkGenURISchema,
  destinationNodeURI: LinkGenURISchema,
  CFAssociationGroupingURI: LinkURISchema.optional(),
  lastChangeDateTime: DateTime,
  notes: z.string().optional(),
  extensions: ExtensionsSchema.optional(),
})
export type CFAssociation = z.infer<typeof CFAssociationSchema>

const definitionBase = {
  identifier: CaseUuidSchema,
  uri: Uri,
  title: z.string(),
  lastChangeDateTime: DateTime,
  extensions: ExtensionsSchema.optional(),
}
export const CFItemTypeSchema = z.strictObject({
  ...definitionBase,
  description: z.string(),
  hierarchyCode: z.string(),
  typeCode: z.string().optional(),
})
export type CFItemTypeDefinition = z.infer<typeof CFItemTypeSchema>
export const CFLicenseSchema = z.strictObject({
  ...definitionBase,
  description: z.string().optional(),
  licenseText: z.string(),
})
export type CFLicense = z.infer<typeof CFLicenseSchema>
export const CFConceptSchema = z.strictObject({
  ...definitionBase,
  keywords: z.string().optional(),
  hierarchyCode: z.string(),
  description: z.string().optional(),
})
export const CFSubjectSchema = z.strictObject({
  ...definitionBase,
  hierarchyCode: z.string(),
  description: z.string().optional(),
})
export const CFAssociationGroupingSchema = z.strictObject({
  ...definitionBase,
  description: z.string().optional(),
})

export const CFDefinitionsSchema = z.strictObject({
  CFConcepts: z.array(CFConceptSchema).optional(),
  CFSubjects: z.array(CFSubjectSchema).optional(),
  CFLicenses: z.array(CFLicenseSchema).optional(),
  CFItemTypes: z.array(CFItemTypeSchema).optional(),
  CFAssociationGroupings: z.array(CFAssociationGroupingSchema).optional(),
  extensions: ExtensionsSchema.optional(),
})
export type CFDefinitions = z.infer<typeof CFDefinitionsSchema>

export const CFRubricCriterionLevelSchema = z.strictObject({
  identifier: CaseUuidSchema,
  uri: Uri,
  description: z.string().optional(),
  quality: z.string().optional(),
  score: z.number().optional(),
  feedback: z.string().optional(),
  position: z.number().int().optional(),
  rubricCriterionId: CaseUuidSchema.optional(),
  lastChangeDateTime: DateTime,
  // The 1.1 JSON binding types this one as an array of extension objects (unlike every other class);
  // Kenshu writes none here so it does not matter which reading a consumer follows.
  extensions: z.union([ExtensionsSchema, z.array(ExtensionsSchema)]).optional(),
})
export type CFRubricCriterionLevel = z.infer<typeof CFRubricCriterionLevelSchema>

export const CFRubricCriterionSchema = z.strictObject({
  identifier: CaseUuidSchema,
  uri: Uri,
  category: z.string().optional(),
  description: z.string().optional(),
  CFItemURI: LinkURISchema.optional(),
  weight: z.number().optional(),
  position: z.number().int().optional(),
  rubricId: CaseUuidSchema.optional(),
  lastChangeDateTime: DateTime,
  CFRubricCriterionLevels: z.array(CFRubricCriterionLevelSchema).optional(),
  extensions: ExtensionsSchema.optional(),
})
export type CFRubricCriterion = z.infer<typeof CFRubricCriterionSchema>

export const CFRubricSchema = z.strictObject({
  identifier: CaseUuidSchema,
  uri: Uri,
  title: z.string().optional(),
  description: z.string().optional(),
  lastChangeDateTime: DateTime,
  CFRubricCriteria: z.array(CFRubricCriterionSchema).optional(),
  extensions: ExtensionsSchema.optional(),
})
export type CFRubric = z.infer<typeof CFRubricSchema>

export const CFPackageSchema = z.strictObject({
  CFDocument: CFDocumentSchema,
  CFItems: z.array(CFItemSchema).optional(),
  CFAssociations: z.array(CFAssociationSchema).optional(),
  CFDefinitions: CFDefinitionsSchema.optional(),
  CFRubrics: z.array(CFRubricSchema).optional(),
  extensions: ExtensionsSchema.optional(),
})
/** A CASE 1.1 CFPackage as Kenshu writes it. */
export type CFPackage = z.infer<typeof CFPackageSchema>

// ---------------------------------------------------------------------------------------------------
// Lenient: what Kenshu reads

const Text = z.string().nullish()
const Identifier = z.string('missing identifier').trim().min(1, 'missing identifier')
const InputExtensions = ExtensionsSchema.nullish()

export const NodeRefInputSchema = z.object({
  identifier: Identifier,
  uri: Text,
  title: Text,
  targetType: Text,
})
export type NodeRefInput = z.infer<typeof NodeRefInputSchema>

const LinkInputSchema = z.object({ identifier: Text, uri: Text, title: Text })

export const CFDocumentInputSchema = z.object({
  identifier: Identifier,
  uri: Text,
  title: z.string('missing title').refine((t) => t.trim() !== '', 'missing title'),
  creator: Text,
  publisher: Text,
  description: Text,
  version: Text,
  language: Text,
  adoptionStatus: Text,
  officialSourceURL: Text,
  licenseURI: LinkInputSchema.nullish(),
  notes: Text,
  extensions: InputExtensions,
})

export const CFItemInputSchema = z.object({
  identifier: Identifier,
  fullStatement: z.string('missing fullStatement'),
  CFItemType: Text,
  humanCodingScheme: Text,
  abbreviatedStatement: Text,
  notes: Text,
  uri: Text,
  extensions: InputExtensions,
})
export type CFItemInput = z.infer<typeof CFItemInputSchema>

export const CFAssociationInputSchema = z.object({
  identifier: Identifier,
  associationType: z.string('missing associationType').min(1, 'missing associationType'),
  sequenceNumber: z.number().int().nullish(),
  originNodeURI: NodeRefInputSchema,
  destinationNodeURI: NodeRefInputSchema,
  /** CASE 1.0 put the owning document on each association; 1.1 packages usually omit it. */
  CFDocumentURI: LinkInputSchema.nullish(),
  extensions: InputExtensions,
})
export type CFAssociationInput = z.infer<typeof CFAssociationInputSchema>

export const CFRubricCriterionLevelInputSchema = z.object({
  identifier: Text,
  quality: Text,
  score: z.number().nullish(),
  position: z.number().int().nullish(),
  feedback: Text,
  description: Text,
})

export const CFRubricCriterionInputSchema = z.object({
  identifier: Identifier,
  category: Text,
  description: Text,
  CFItemURI: LinkInputSchema.nullish(),
  weight: z.number().nullish(),
  position: z.number().int().nullish(),
  CFRubricCriterionLevels: z.array(CFRubricCriterionLevelInputSchema).nullish(),
  extensions: InputExtensions,
})
export type CFRubricCriterionInput = z.infer<typeof CFRubricCriterionInputSchema>

export const CFRubricInputSchema = z.object({
  identifier: Identifier,
  title: Text,
  description: Text,
  CFRubricCriteria: z.array(CFRubricCriterionInputSchema).nullish(),
  extensions: InputExtensions,
})
export type CFRubricInput = z.infer<typeof CFRubricInputSchema>

export const CFPackageInputSchema = z.object({
  CFDocument: CFDocumentInputSchema,
  CFItems: z.array(CFItemInputSchema).nullish(),
  CFAssociations: z.array(CFAssociationInputSchema).nullish(),
  CFDefinitions: z
    .object({
      CFLicenses: z
        .array(z.object({ identifier: Text, uri: Text, title: Text, licenseText: Text, description: Text }))
        .nullish(),
    })
    .nullish(),
  CFRubrics: z.array(CFRubricInputSchema).nullish(),
  extensions: InputExtensions,
})
/** A CFPackage as Kenshu reads it (unknown fields dropped, optional things possibly null). */
export type CFPackageInput = z.infer<typeof CFPackageInputSchema>

// ---------------------------------------------------------------------------------------------------
// Shared helpers for the importers

/** A problem located by a JSONPath-like string into the CASE JSON (`$.CFItems[3].identifier`). */
export type CaseIssue = FrameworkIssue

/** At most this many errors are reported; past that they are noise. */
export const MAX_ISSUES = 100

/** Parses untrusted input (a JSON string or an already parsed value) into a CFPackageInput, or errors. */
export function parsePackageInput(
  input: unknown,
): { ok: true; pkg: CFPackageInput } | { ok: false; errors: CaseIssue[] } {
  let value = input
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown
    } catch (e) {
      return { ok: false, errors: [{ path: '$', message: `not valid JSON: ${(e as Error).message}` }] }
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, errors: [{ path: '$', message: 'expected a JSON object (a CASE CFPackage)' }] }
  }
  if (!('CFDocument' in value) || value.CFDocument === undefined || value.CFDocument === null) {
    return {
      ok: false,
      errors: [{ path: '$.CFDocument', message: 'missing CFDocument: not a CASE CFPackage' }],
    }
  }
  const parsed = CFPackageInputSchema.safeParse(value)
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues
        .slice(0, MAX_ISSUES)
        .map((i) => ({ path: formatJsonPath(i.path), message: i.message })),
    }
  }
  return { ok: true, pkg: parsed.data }
}

/**
 * Finds duplicate identifiers among the document and items, and among associations (CASE identifiers
 * are globally unique; a duplicate makes every reference to it ambiguous).
 */
export function findDuplicateIdentifiers(pkg: CFPackageInput): CaseIssue[] {
  const issues: CaseIssue[] = []
  const check = (seen: Map<string, string>, identifier: string, path: string) => {
    const key = identifier.toLowerCase()
    const first = seen.get(key)
    if (first !== undefined)
      issues.push({ path, message: `duplicate identifier "${identifier}" (first at ${first})` })
    else seen.set(key, path)
  }
  const nodes = new Map<string, string>()
  check(nodes, pkg.CFDocument.identifier, '$.CFDocument.identifier')
  ;(pkg.CFItems ?? []).forEach((item, i) => check(nodes, item.identifier, `$.CFItems[${i}].identifier`))
  const associations = new Map<string, string>()
  ;(pkg.CFAssociations ?? []).forEach((a, i) =>
    check(associations, a.identifier, `$.CFAssociations[${i}].identifier`),
  )
  return issues.slice(0, MAX_ISSUES)
}

/**
 * Builds the `uri` of a CASE object under a base such as `https://kenshu.example/case`
 * (`${base}/CFItems/${identifier}`), mirroring the CASE REST paths so the URIs can later resolve.
 */
export function caseUri(baseUri: string, collection: string, identifier: string): string {
  return `${baseUri}/${collection}/${identifier}`
}

/** Validates and normalises a base URI (absolute http(s), no trailing slash). Throws on garbage. */
export function normaliseBaseUri(baseUri: string): string {
  let url: URL
  try {
    url = new URL(baseUri)
  } catch {
    throw new TypeError(`baseUri must be an absolute URL, got "${baseUri}"`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`baseUri must be an http(s) URL, got "${baseUri}"`)
  }
  if (url.search || url.hash) throw new TypeError(`baseUri must not have a query or fragment: "${baseUri}"`)
  return baseUri.replace(/\/+$/, '')
}

/** Checks the caller-supplied timestamp (exports are deterministic, so the caller picks it). */
export function checkDateTime(value: string): string {
  if (!DateTime.safeParse(value).success) {
    throw new TypeError(`lastChangeDateTime must be an ISO 8601 date-time with offset, got "${value}"`)
  }
  return value
}

/** True for a non-null, non-array object (what `extensions` values must be). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
