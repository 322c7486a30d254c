/**
 * Deterministic name-based UUIDs (version 5, RFC 4122 §4.3 / RFC 9562 §5.5) for CASE identifiers.
 *
 * CASE wants every CFDocument, CFItem, CFAssociation … identified by a UUID that stays the same
 * for the same object, so that a consumer re-importing a newer export updates instead of
 * duplicating, and so that two files exported separately (a framework, an organisation's roles
 * pointing at it) link up. Random v4 UUIDs cannot do that without storing them; v5 derives them
 * from a stable name such as `framework:nice@2.1.0:statement:T0001`.
 *
 * Pure apart from node:crypto (SHA-1, as RFC 9562 prescribes for v5); no I/O.
 */
import { createHash } from 'node:crypto'

/**
 * Kenshu's namespace for CASE identifiers. Never change it: every exported identifier depends on it.
 * Derived once as uuidV5('urn:kenshu:case', NAMESPACE_URL) so it is reproducible.
 */
export const KENSHU_CASE_NAMESPACE = '8ab3a314-a877-5291-a8c8-abc83f4a8c41'

/** The RFC 4122 URL namespace (6ba7b811-…), exported for tests and for documenting the derivation. */
export const NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8'

/** Lower-case UUID with the RFC 4122 variant, as the CASE 1.1 JSON schema's identifier pattern requires. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value)
}

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '')
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`not a UUID: ${uuid}`)
  return Buffer.from(hex, 'hex')
}

/** UUID v5 of `name` (UTF-8) in `namespace` (defaults to Kenshu's CASE namespace). */
export function uuidV5(name: string, namespace: string = KENSHU_CASE_NAMESPACE): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest()
  const b = hash.subarray(0, 16)
  b[6] = (b[6]! & 0x0f) | 0x50 // version 5
  b[8] = (b[8]! & 0x3f) | 0x80 // variant 10xx
  const hex = b.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The kinds of framework objects that become CFItems. */
export type FrameworkItemKind = 'category' | 'work-role' | 'statement' | 'competency-area'

/** Stable name of a framework version: `framework:nice@2.1.0`. */
export function frameworkName(frameworkId: string, version: string): string {
  return `framework:${frameworkId}@${version}`
}

/** CFDocument identifier of a framework version. */
export function frameworkDocumentUuid(frameworkId: string, version: string): string {
  return uuidV5(frameworkName(frameworkId, version))
}

/**
 * CFItem identifier of a framework object, e.g. `framework:nice@2.1.0:statement:T0001`. The kind is part
 * of the name because ids are only unique per list (a category and a statement may share one).
 */
export function frameworkItemUuid(
  frameworkId: string,
  version: string,
  kind: FrameworkItemKind,
  itemId: string,
): string {
  return uuidV5(`${frameworkName(frameworkId, version)}:${kind}:${itemId}`)
}

/** CFItem identifier of a statement: what org-role exports point at. */
export function statementUuid(frameworkId: string, version: string, statementId: string): string {
  return frameworkItemUuid(frameworkId, version, 'statement', statementId)
}

/** Stable name of an organisation's role catalogue: `org:acme:roles`. */
export function orgRolesName(orgId: string): string {
  return `org:${orgId}:roles`
}
