/**
 * Open Badges 3.0 (1EdTech, https://www.imsglobal.org/spec/ob/v3p0/) credentials: building an
 * OpenBadgeCredential (a W3C Verifiable Credential, data model 2.0) and securing it as a VC-JWT with the
 * OB 3.0 "JSON Web Token Proof Format" (§8.2). Pure apart from node:crypto; no I/O, no database.
 *
 * Choices, all within the spec:
 * - achievementType (OB 3.0 AchievementType enumeration): a lab is an `Assessment` (a graded, hands-on
 *   performance task), a curriculum a `LearningProgram` (an ordered set of modules leading to a work
 *   role), reaching full readiness for an organisation role a `Competency` (demonstrated competence in
 *   every statement the role requires).
 * - The recipient is identified by a salted SHA-256 hash of their email (IdentityObject, `hashed: true`),
 *   never the email itself, plus a pseudonymous `credentialSubject.id` (`urn:uuid:`) that the JWT `sub`
 *   claim repeats, as §8.2 requires.
 * - Alignments point at the framework statements as 1EdTech CASE items (`targetType: CFItem`), with the
 *   statement id as `targetCode` and the same CFItem URI Kenshu's CASE export gives that statement.
 * - JOSE header: `alg: EdDSA` (Ed25519, RFC 8037), `typ: JWT`, `kid` (an HTTP URL that dereferences to
 *   the public JWK) and `jwk` (the public key; never `d`). §8.2.3 allows no other header.
 * - JWT payload: the credential's own properties at the top level (VCDM 2.0 style, no `vc` wrapper) plus
 *   the registered claims `iss` = issuer.id, `jti` = id, `sub` = credentialSubject.id, `nbf` = validFrom
 *   (whole seconds, so the two are equal). No `validUntil`, so no `exp`: the badges do not expire.
 * - Status: `credentialStatus` of type `1EdTechRevocationList`, pointing at the issuer's public list.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'

export const OB3_CONTEXT = [
  'https://www.w3.org/ns/credentials/v2',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
] as const

export const OB3_ACHIEVEMENT_SCHEMA =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json'

export const ACHIEVEMENT_KINDS = ['lab', 'curriculum', 'role'] as const
export type AchievementKind = (typeof ACHIEVEMENT_KINDS)[number]

/** OB 3.0 AchievementType enumeration value per kind (see the header comment). */
export const ACHIEVEMENT_TYPE_OF: Record<AchievementKind, string> = {
  lab: 'Assessment',
  curriculum: 'LearningProgram',
  role: 'Competency',
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

export function isAchievementKind(v: unknown): v is AchievementKind {
  return typeof v === 'string' && (ACHIEVEMENT_KINDS as readonly string[]).includes(v)
}

/** Every public URL a badge carries, from the site's absolute base URL (no trailing slash). */
export function badgeUrls(baseUrl: string) {
  const base = baseUrl.replace(/\/+$/, '')
  return {
    issuer: (orgId: string) => `${base}/api/badges/issuers/${encodeURIComponent(orgId)}`,
    key: (orgId: string, kid: string) =>
      `${base}/api/badges/issuers/${encodeURIComponent(orgId)}/keys/${encodeURIComponent(kid)}`,
    revocations: (orgId: string) => `${base}/api/badges/revocations/${encodeURIComponent(orgId)}`,
    achievement: (kind: AchievementKind, ref: string) =>
      `${base}/api/badges/achievements/${kind}/${encodeURIComponent(ref)}`,
    page: (credentialId: string) => `${base}/badges/${credentialId}`,
    json: (credentialId: string) => `${base}/api/badges/${credentialId}`,
    jwt: (credentialId: string) => `${base}/api/badges/${credentialId}/jwt`,
  }
}

/** `sha256$<hex>` of the normalised email followed by the salt (the OB IdentityObject hash form). */
export function hashIdentity(email: string, salt: string): string {
  const normalised = email.trim().toLowerCase()
  return `sha256$${createHash('sha256')
    .update(normalised + salt, 'utf8')
    .digest('hex')}`
}

/** A stable pseudonymous subject id for a person in an organisation (no email, no user id in clear). */
export function subjectIdOf(organizationId: string, userId: string): string {
  const h = createHash('sha256').update(`kenshu-badge-subject:${organizationId}:${userId}`).digest()
  h[6] = (h[6]! & 0x0f) | 0x80 // version 8 (RFC 9562: custom, name-based)
  h[8] = (h[8]! & 0x3f) | 0x80 // RFC 4122 variant
  const x = h.subarray(0, 16).toString('hex')
  return `urn:uuid:${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}

export type AlignmentInput = {
  /** Statement id in its framework, e.g. T1084 (becomes `targetCode`). */
  statementId: string
  /** Statement text (becomes `targetName`). */
  text: string
  /** Human name of the framework version, e.g. "NICE Framework Components v2.1.0". */
  framework: string
  /** Absolute URI of the statement (its CASE CFItem URI). */
  url: string
}

export type CredentialInput = {
  /** The credential's UUID (the credential id is `urn:uuid:<id>`). */
  id: string
  baseUrl: string
  issuer: { organizationId: string; name: string }
  recipient: { subjectId: string; email: string; salt: string }
  achievement: {
    kind: AchievementKind
    ref: string
    name: string
    description: string
    criteria: string
    alignments: ReadonlyArray<AlignmentInput>
  }
  /** When it was awarded; truncated to whole seconds (validFrom must equal the JWT's nbf). */
  validFrom: Date
}

export type Alignment = {
  type: ['Alignment']
  targetName: string
  targetUrl: string
  targetCode: string
  targetFramework: string
  targetType: 'CFItem'
}

export type OpenBadgeCredential = {
  '@context': string[]
  id: string
  type: string[]
  issuer: { id: string; type: string[]; name: string }
  validFrom: string
  name: string
  credentialSubject: {
    id: string
    type: string[]
    identifier: {
      type: 'IdentityObject'
      identityHash: string
      identityType: 'emailAddress'
      hashed: true
      salt: string
    }[]
    achievement: {
      id: string
      type: string[]
      achievementType: string
      name: string
      description: string
      criteria: { narrative: string }
      alignment: Alignment[]
    }
  }
  credentialSchema: { id: string; type: string }[]
  credentialStatus: { id: string; type: '1EdTechRevocationList' }
}

/** ISO 8601 in whole seconds, without milliseconds (e.g. 2026-01-02T03:04:05Z). */
export function isoSeconds(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

export function buildCredential(input: CredentialInput): OpenBadgeCredential {
  if (!UUID_RE.test(input.id)) throw new TypeError(`credential id must be a lower-case UUID: ${input.id}`)
  const urls = badgeUrls(input.baseUrl)
  const a = input.achievement
  return {
    '@context': [...OB3_CONTEXT],
    id: `urn:uuid:${input.id}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: urls.issuer(input.issuer.organizationId), type: ['Profile'], name: input.issuer.name },
    validFrom: isoSeconds(input.validFrom),
    name: a.name,
    credentialSubject: {
      id: input.recipient.subjectId,
      type: ['AchievementSubject'],
      identifier: [
        {
          type: 'IdentityObject',
          identityHash: hashIdentity(input.recipient.email, input.recipient.salt),
          identityType: 'emailAddress',
          hashed: true,
          salt: input.recipient.salt,
        },
      ],
      achievement: {
        id: urls.achievement(a.kind, a.ref),
        type: ['Achievement'],
        achievementType: ACHIEVEMENT_TYPE_OF[a.kind],
        name: a.name,
        description: a.description,
        criteria: { narrative: a.criteria },
        alignment: a.alignments.map((al) => ({
          type: ['Alignment'],
          targetName: al.text,
          targetUrl: al.url,
          targetCode: al.statementId,
          targetFramework: al.framework,
          targetType: 'CFItem',
        })),
      },
    },
    credentialSchema: [{ id: OB3_ACHIEVEMENT_SCHEMA, type: '1EdTechJsonSchemaValidator2019' }],
    credentialStatus: { id: urls.revocations(input.issuer.organizationId), type: '1EdTechRevocationList' },
  }
}

// --- VC-JWT ---------------------------------------------------------------------------------------

/** An Ed25519 public key as a JWK (RFC 8037). */
export type PublicJwk = { kty: 'OKP'; crv: 'Ed25519'; x: string; kid?: string; alg?: string; use?: string }

export type JoseHeader = { alg: 'EdDSA'; typ: 'JWT'; kid: string; jwk: PublicJwk }

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url')
const B64URL_RE = /^[A-Za-z0-9_-]*$/

/** Only the public members of an Ed25519 JWK (never `d`). */
export function publicOnly(jwk: PublicJwk): PublicJwk {
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x }
}

function publicKeyOf(jwk: PublicJwk): KeyObject {
  if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || !B64URL_RE.test(jwk.x))
    throw new TypeError('not an Ed25519 public JWK')
  if ('d' in jwk) throw new TypeError('a private JWK was given where a public one belongs')
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' })
}

/**
 * Signs the credential as a compact JWS (OB 3.0 §8.2). `kid` is the URL of the public key; the
 * private key must be the Ed25519 key whose public half is `publicJwk`.
 */
export function signCredentialJwt(
  credential: OpenBadgeCredential,
  key: { kid: string; privateKey: KeyObject; publicJwk: PublicJwk },
): string {
  if (key.privateKey.asymmetricKeyType !== 'ed25519') throw new TypeError('badge keys are Ed25519')
  const header: JoseHeader = { alg: 'EdDSA', typ: 'JWT', kid: key.kid, jwk: publicOnly(key.publicJwk) }
  const payload = {
    ...credential,
    iss: credential.issuer.id,
    jti: credential.id,
    sub: credential.credentialSubject.id,
    nbf: Math.floor(Date.parse(credential.validFrom) / 1000),
  }
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`
  const signature = sign(null, Buffer.from(signingInput, 'ascii'), key.privateKey)
  return `${signingInput}.${b64url(signature)}`
}

export type VerifyFailure =
  | 'malformed'
  | 'unsupported-alg'
  | 'wrong-key'
  | 'bad-signature'
  | 'not-yet-valid'
  | 'expired'
  | 'claims-mismatch'
  | 'not-a-badge'

export type VerifyResult =
  | { ok: true; credential: OpenBadgeCredential; header: JoseHeader; payload: Record<string, unknown> }
  | { ok: false; reason: VerifyFailure }

function parseJson(segment: string): Record<string, unknown> | null {
  if (!B64URL_RE.test(segment)) return null
  try {
    const v = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null
  } catch {
    return null
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/**
 * Verifies a badge VC-JWT against the issuer's public key (never the `jwk` in the header, which anyone
 * can put there): the alg, the optional expected `kid`, the Ed25519 signature, `nbf`/`exp` against
 * `now` (60 s clock skew), and the §8.2 claim checks (iss = issuer.id, jti = id, sub =
 * credentialSubject.id, nbf = validFrom), and that the payload is an OpenBadgeCredential.
 */
export function verifyCredentialJwt(
  jwt: string,
  publicJwk: PublicJwk,
  opts: { kid?: string; now?: Date } = {},
): VerifyResult {
  if (typeof jwt !== 'string' || jwt.length > 200_000) return { ok: false, reason: 'malformed' }
  const parts = jwt.split('.')
  if (parts.length !== 3 || !B64URL_RE.test(parts[2]!)) return { ok: false, reason: 'malformed' }
  const [h, p, s] = parts as [string, string, string]
  const header = parseJson(h)
  const payload = parseJson(p)
  if (!header || !payload) return { ok: false, reason: 'malformed' }
  if (header.alg !== 'EdDSA' || ('typ' in header && header.typ !== 'JWT') || 'crit' in header)
    return { ok: false, reason: 'unsupported-alg' }
  if (opts.kid !== undefined && header.kid !== opts.kid) return { ok: false, reason: 'wrong-key' }
  let key: KeyObject
  try {
    key = publicKeyOf(publicJwk)
  } catch {
    return { ok: false, reason: 'wrong-key' }
  }
  const signature = Buffer.from(s, 'base64url')
  if (signature.length !== 64 || b64url(signature) !== s) return { ok: false, reason: 'bad-signature' }
  if (!verify(null, Buffer.from(`${h}.${p}`, 'ascii'), key, signature))
    return { ok: false, reason: 'bad-signature' }

  const now = (opts.now ?? new Date()).getTime() / 1000
  const { iss, jti, sub, nbf, exp, ...rest } = payload
  if (typeof nbf !== 'number' || !Number.isFinite(nbf)) return { ok: false, reason: 'claims-mismatch' }
  if (nbf > now + 60) return { ok: false, reason: 'not-yet-valid' }
  if (exp !== undefined && (typeof exp !== 'number' || exp <= now - 60))
    return { ok: false, reason: 'expired' }
  const credential = rest as unknown as OpenBadgeCredential
  const types = Array.isArray(credential.type) ? credential.type : []
  const contexts = Array.isArray(credential['@context']) ? credential['@context'] : []
  if (
    !types.includes('VerifiableCredential') ||
    !(types.includes('OpenBadgeCredential') || types.includes('AchievementCredential')) ||
    contexts[0] !== OB3_CONTEXT[0] ||
    !contexts.some(
      (c) => typeof c === 'string' && c.startsWith('https://purl.imsglobal.org/spec/ob/v3p0/context'),
    )
  )
    return { ok: false, reason: 'not-a-badge' }
  const issuerId =
    typeof credential.issuer === 'string'
      ? (credential.issuer as string)
      : str((credential.issuer as { id?: unknown } | undefined)?.id)
  const subjectId = str((credential.credentialSubject as { id?: unknown } | undefined)?.id)
  const validFrom = Date.parse(str(credential.validFrom) ?? '')
  if (
    iss !== issuerId ||
    jti !== credential.id ||
    sub !== subjectId ||
    !Number.isFinite(validFrom) ||
    validFrom !== nbf * 1000
  )
    return { ok: false, reason: 'claims-mismatch' }
  return { ok: true, credential, header: header as unknown as JoseHeader, payload }
}

/** The header and payload of a compact JWS without any check (for display only). */
export function decodeJwtUnverified(
  jwt: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } | null {
  const parts = jwt.split('.')
  if (parts.length !== 3) return null
  const header = parseJson(parts[0]!)
  const payload = parseJson(parts[1]!)
  return header && payload ? { header, payload } : null
}
