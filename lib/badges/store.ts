import 'server-only'
import { isUniqueViolation } from '../db/errors'
import { randomBytes, randomUUID } from 'node:crypto'
import { getDb } from '../db/client'
import { env } from '../env'
import { DomainError, isDomainError } from '../errors'
import { audit } from '../auth/audit'
import { getLab } from '../labs/catalog'
import { labFramework } from '../labs/package/framework'
import { contentCatalog } from '../content/catalog'
import { CONTENT_FRAMEWORK_KEY, quizStatements, type LocalizedText } from '../content/schema'
import { getRole } from '../roles/store'
import { resolveFramework, resolveFrameworkKey } from '../frameworks/registry'
import type { FrameworkIndex } from '../frameworks/catalog'
import { statementUuid } from '../frameworks/case/uuid'
import type { LearningEvent, Who } from '../progress/events'
import {
  OB3_CONTEXT,
  UUID_RE,
  badgeUrls,
  buildCredential,
  isAchievementKind,
  subjectIdOf,
  signCredentialJwt,
  verifyCredentialJwt,
  type AchievementKind,
  type AlignmentInput,
  type OpenBadgeCredential,
  type VerifyFailure,
} from './credential'
import { activeSigningKey, issuerKey, issuerKeys } from './keys'

/**
 * Open Badges 3.0 credentials in the database: issuing (idempotent per person and achievement),
 * verification, revocation and the public documents (issuer profile, revocation list). Reads that serve
 * the public pages return only what a credential's holder shares by sharing its link: the badge, the
 * issuer, the holder's display name. Never an email (the credential carries a salted hash), never other
 * badges of the person. Writes that an organisation member triggers are scoped to their organisation.
 *
 * One credential per (person, achievement kind, achievement): issuing again returns the first one, even
 * after it was revoked (re-awarding is a deliberate decision, not a side effect of replaying an event).
 */

/** The site's public origin (NEXTAUTH_URL, which the server sets on start); badges carry absolute URLs. */
export function badgeBaseUrl(): string {
  const configured = env().NEXTAUTH_URL
  return configured ? new URL(configured).origin : 'http://localhost:3000'
}

export type BadgeSummary = {
  id: string
  organizationId: string
  kind: AchievementKind
  ref: string
  name: string
  issuedAt: Date
  revokedAt: Date | null
}

type BadgeRow = {
  id: string
  organizationId: string
  userId: string
  achievementType: string
  achievementRef: string
  kid: string
  credentialJson: string
  jwt: string
  issuedAt: Date
  revokedAt: Date | null
  revocationReason: string | null
}

function nameOf(row: Pick<BadgeRow, 'credentialJson' | 'achievementRef'>): string {
  try {
    const c = JSON.parse(row.credentialJson) as { name?: unknown }
    if (typeof c.name === 'string') return c.name
  } catch {}
  return row.achievementRef
}

function summary(row: BadgeRow): BadgeSummary {
  return {
    id: row.id,
    organizationId: row.organizationId,
    kind: isAchievementKind(row.achievementType) ? row.achievementType : 'lab',
    ref: row.achievementRef,
    name: nameOf(row),
    issuedAt: row.issuedAt,
    revokedAt: row.revokedAt,
  }
}

// --- What an achievement is --------------------------------------------------------------------------

type Achievement = { name: string; description: string; criteria: string; alignments: AlignmentInput[] }

/** "English / 日本語" when the two differ (the convention of the demo organisation's name). */
const bilingual = (t: LocalizedText) => (t.en === t.ja ? t.en : `${t.en} / ${t.ja}`)
const twoLanguages = (t: LocalizedText) => (t.en === t.ja ? t.en : `${t.en}\n\n${t.ja}`)

const MAX_ALIGNMENTS = 150

function alignmentsOf(
  fw: FrameworkIndex | undefined,
  statementIds: Iterable<string>,
  baseUrl: string,
): AlignmentInput[] {
  if (!fw) return []
  const out: AlignmentInput[] = []
  for (const id of new Set(statementIds)) {
    const s = fw.statements.get(id)
    if (!s) continue
    out.push({
      statementId: id,
      text: s.text,
      framework: fw.framework.title,
      // The URI Kenshu's CASE export (lib/frameworks/case) gives this statement's CFItem.
      url: `${baseUrl}/case/CFItems/${statementUuid(fw.framework.id, fw.framework.version, id)}`,
    })
    if (out.length >= MAX_ALIGNMENTS) break
  }
  return out
}

async function achievementOf(
  organizationId: string,
  kind: AchievementKind,
  ref: string,
  baseUrl: string,
): Promise<Achievement | null> {
  if (kind === 'lab') {
    const entry = await getLab(ref)
    if (!entry) return null
    const m = entry.lab.manifest
    const f = labFramework(m.framework.id)
    const fw = f.version ? await resolveFramework(organizationId, f.id, f.version) : undefined
    return {
      name: bilingual(m.title),
      description: twoLanguages(m.summary),
      criteria:
        `Completed the hands-on lab “${m.title.en}” (level ${m.level}): every task passed in an isolated sandbox, graded automatically by Kenshu.` +
        `\n\nハンズオン演習「${m.title.ja}」（レベル ${m.level}）を修了：隔離された環境ですべての課題に合格（Kenshu による自動採点）。`,
      alignments: alignmentsOf(fw, m.framework.statements, baseUrl),
    }
  }
  if (kind === 'curriculum') {
    const catalog = await contentCatalog()
    const c = catalog.curricula.find((x) => x.id === ref)
    if (!c) return null
    const modules = c.modules.flatMap((id) => {
      const m = catalog.modules.get(id)
      return m ? [m] : []
    })
    const statements = modules.flatMap((m) => [
      ...m.lessons.flatMap((l) => l.statements),
      ...quizStatements(m.quiz),
      ...m.labs.flatMap((l) => l.statements),
    ])
    const fw = await resolveFrameworkKey(organizationId, CONTENT_FRAMEWORK_KEY)
    return {
      name: bilingual(c.title),
      description: twoLanguages(c.summary),
      criteria:
        `Completed every module of the curriculum “${c.title.en}” (every lesson read, every quiz passed): ${modules.map((m) => m.title.en).join('; ')}.` +
        `\n\nカリキュラム「${c.title.ja}」の全モジュールを修了（全レッスン既読・全クイズ合格）：${modules.map((m) => m.title.ja).join('、')}。`,
      alignments: alignmentsOf(fw, statements, baseUrl),
    }
  }
  const role = await getRole(organizationId, ref)
  if (!role) return null
  const fw = await resolveFramework(organizationId, role.frameworkId, role.frameworkVersion)
  const n = role.requirements.length
  return {
    name: role.title,
    description: role.description.trim() || role.title,
    criteria:
      `Reached 100% readiness for the role “${role.title}” (version ${role.version}): all ${n} required statements met at the required proficiency level, shown by recorded evidence (labs, quizzes, briefings, assessments).` +
      `\n\nロール「${role.title}」（版 ${role.version}）の準備度 100% に到達：必要な ${n} 項目すべてで必要な習熟度を記録済みのエビデンスにより確認。`,
    alignments: alignmentsOf(
      fw,
      role.requirements.map((r) => r.statementId),
      baseUrl,
    ),
  }
}

// --- Issuing -----------------------------------------------------------------------------------------

export type IssueInput = {
  userId: string
  organizationId: string
  achievementType: AchievementKind
  achievementRef: string
}

const REF_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/

async function findExisting(userId: string, achievementType: string, achievementRef: string) {
  return getDb().badgeCredential.findUnique({
    where: { userId_achievementType_achievementRef: { userId, achievementType, achievementRef } },
  })
}

/**
 * Issues the badge for an achievement, or returns the one already issued (`created: false`). Safe
 * under concurrency: two simultaneous calls store one credential. Throws DomainError NOT_FOUND for an
 * unknown achievement or a person who is not a member of the organisation, BadgeKeyError when the
 * signing key cannot be opened.
 */
export async function issueBadge(input: IssueInput): Promise<BadgeSummary & { created: boolean }> {
  const { userId, organizationId, achievementType: kind, achievementRef: ref } = input
  if (!isAchievementKind(kind) || !REF_RE.test(ref)) throw new DomainError('INVALID', 'unknown achievement')
  const existing = await findExisting(userId, kind, ref)
  if (existing) return { ...summary(existing), created: false }

  const db = getDb()
  const membership = await db.membership.findUnique({
    where: { userId_organizationId: { userId, organizationId } },
    select: { user: { select: { email: true } }, organization: { select: { name: true } } },
  })
  if (!membership) throw new DomainError('NOT_FOUND', 'no such member')
  const baseUrl = badgeBaseUrl()
  const achievement = await achievementOf(organizationId, kind, ref, baseUrl)
  if (!achievement) throw new DomainError('NOT_FOUND', `unknown ${kind} ${ref}`)
  const key = await activeSigningKey(organizationId)

  const id = randomUUID()
  const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000)
  const credential = buildCredential({
    id,
    baseUrl,
    issuer: { organizationId, name: membership.organization.name },
    recipient: {
      subjectId: subjectIdOf(organizationId, userId),
      email: membership.user.email,
      salt: randomBytes(16).toString('hex'),
    },
    achievement: { kind, ref, ...achievement },
    validFrom: issuedAt,
  })
  const jwt = signCredentialJwt(credential, {
    kid: badgeUrls(baseUrl).key(organizationId, key.kid),
    privateKey: key.privateKey,
    publicJwk: key.publicJwk,
  })
  try {
    const row = await db.badgeCredential.create({
      data: {
        id,
        organizationId,
        userId,
        achievementType: kind,
        achievementRef: ref,
        kid: key.kid,
        credentialJson: JSON.stringify(credential),
        jwt,
        issuedAt,
      },
    })
    return { ...summary(row), created: true }
  } catch (err) {
    if (!isUniqueViolation(err)) throw err
    // A concurrent call issued it first.
    const winner = await findExisting(userId, kind, ref)
    if (!winner) throw err
    return { ...summary(winner), created: false }
  }
}

/**
 * The badge consumer of learning events: a completed lab earns its lab badge, a completed curriculum
 * its curriculum badge; every other event is ignored. Unknown labs or curricula (e.g. removed since)
 * are ignored too; other failures (database, signing key) are thrown for the dispatcher to handle.
 */
export async function onLearningEvent(e: LearningEvent): Promise<BadgeSummary | null> {
  const target: { kind: AchievementKind; ref: string } | null =
    e.type === 'lab-complete'
      ? { kind: 'lab', ref: e.labId }
      : e.type === 'completed' && e.itemType === 'curriculum'
        ? { kind: 'curriculum', ref: e.itemId }
        : null
  if (!target) return null
  try {
    return await issueBadge({
      userId: e.who.userId,
      organizationId: e.who.organizationId,
      achievementType: target.kind,
      achievementRef: target.ref,
    })
  } catch (err) {
    if (isDomainError(err) && (err.code === 'NOT_FOUND' || err.code === 'INVALID')) return null
    throw err
  }
}

/**
 * Issues the role badge when a person reaches 100% readiness for an organisation role. The caller
 * decides that readiness is complete; this checks only that the role belongs to the person's
 * organisation (DomainError NOT_FOUND otherwise).
 */
export async function issueRoleBadge(who: Who, roleId: string) {
  return issueBadge({ ...who, achievementType: 'role', achievementRef: roleId })
}

// --- Revocation --------------------------------------------------------------------------------------

/**
 * Revokes a credential of the viewer's organisation (a credential of another organisation is NOT_FOUND,
 * as is an unknown one). Revoking twice keeps the first revocation. The reason is kept for HR and the
 * audit log; the public documents say only that and when it was revoked.
 */
export async function revokeBadge(
  viewerOrgId: string,
  credentialId: string,
  reason: string,
  actorId?: string,
): Promise<{ revokedAt: Date; alreadyRevoked: boolean }> {
  const why = reason.trim()
  if (!why || why.length > 500) throw new DomainError('INVALID', 'a reason is required', 'reason')
  if (!UUID_RE.test(credentialId)) throw new DomainError('NOT_FOUND', 'no such badge')
  const db = getDb()
  const now = new Date()
  const { count } = await db.badgeCredential.updateMany({
    where: { id: credentialId, organizationId: viewerOrgId, revokedAt: null },
    data: { revokedAt: now, revocationReason: why },
  })
  if (count === 0) {
    const row = await db.badgeCredential.findFirst({
      where: { id: credentialId, organizationId: viewerOrgId },
      select: { revokedAt: true },
    })
    if (!row?.revokedAt) throw new DomainError('NOT_FOUND', 'no such badge')
    return { revokedAt: row.revokedAt, alreadyRevoked: true }
  }
  await audit({
    action: 'badge.revoke',
    organizationId: viewerOrgId,
    actorId: actorId ?? null,
    target: credentialId,
    detail: why,
  })
  return { revokedAt: now, alreadyRevoked: false }
}

// --- Reading -----------------------------------------------------------------------------------------

/** A person's badges, newest first (their own list; links go to the public pages). */
export async function badgesOf(userId: string): Promise<BadgeSummary[]> {
  const rows = await getDb().badgeCredential.findMany({
    where: { userId },
    orderBy: { issuedAt: 'desc' },
    take: 500,
  })
  return rows.map(summary)
}

export type OrgBadge = BadgeSummary & { holderName: string; revocationReason: string | null }

/** The organisation's issued badges with their holders, newest first (HR: badges:manage). */
export async function organisationBadges(organizationId: string, take = 500): Promise<OrgBadge[]> {
  const db = getDb()
  const rows = await db.badgeCredential.findMany({
    where: { organizationId },
    orderBy: { issuedAt: 'desc' },
    take,
  })
  const users = await db.user.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.userId))] } },
    select: { id: true, name: true },
  })
  const names = new Map(users.map((u) => [u.id, u.name]))
  return rows.map((r) => ({
    ...summary(r),
    holderName: names.get(r.userId) ?? '',
    revocationReason: r.revocationReason,
  }))
}

export type VerificationFailure = VerifyFailure | 'revoked' | 'unknown-key' | 'key-retired'

export type Verification = {
  /** Signature, claims and key check out and the credential is not revoked. */
  valid: boolean
  revoked: boolean
  revokedAt: string | null
  /** Why it is not valid (null when valid). */
  reason: VerificationFailure | null
  checkedAt: string
}

export type PublicBadge = {
  id: string
  organizationId: string
  kind: AchievementKind
  /** The signed credential (decoded from the JWT when the signature verifies, else as stored). */
  credential: OpenBadgeCredential
  jwt: string
  verification: Verification
  /** For the verification page only (the holder shares it by sharing the link); not in the JSON. */
  holderName: string
  issuedAt: Date
}

async function verifyRow(
  row: BadgeRow,
): Promise<{ verification: Verification; credential: OpenBadgeCredential | null }> {
  const checkedAt = new Date().toISOString()
  const revoked = row.revokedAt !== null
  const result = (reason: VerificationFailure | null, credential: OpenBadgeCredential | null = null) => ({
    verification: {
      valid: reason === null,
      revoked,
      revokedAt: row.revokedAt?.toISOString() ?? null,
      reason,
      checkedAt,
    },
    credential,
  })
  const key = await issuerKey(row.kid)
  if (!key || key.organizationId !== row.organizationId) return result('unknown-key')
  const v = verifyCredentialJwt(row.jwt, key.publicJwk)
  if (!v.ok) return result(v.reason)
  if (typeof v.header.kid !== 'string' || !v.header.kid.endsWith(`/keys/${encodeURIComponent(row.kid)}`))
    return result('wrong-key')
  if (v.credential.id !== `urn:uuid:${row.id}`) return result('claims-mismatch')
  if (key.retiredAt && key.retiredAt.getTime() < row.issuedAt.getTime()) return result('key-retired')
  return result(revoked ? 'revoked' : null, v.credential)
}

/** A credential for the public page and JSON: the credential, its JWT and a fresh verification. */
export async function getPublicBadge(credentialId: string): Promise<PublicBadge | null> {
  if (!UUID_RE.test(credentialId)) return null
  const row = await getDb().badgeCredential.findUnique({ where: { id: credentialId } })
  if (!row) return null
  const [{ verification, credential }, holder] = await Promise.all([
    verifyRow(row),
    getDb().user.findUnique({ where: { id: row.userId }, select: { name: true } }),
  ])
  return {
    id: row.id,
    organizationId: row.organizationId,
    kind: isAchievementKind(row.achievementType) ? row.achievementType : 'lab',
    credential: credential ?? (JSON.parse(row.credentialJson) as OpenBadgeCredential),
    jwt: row.jwt,
    verification,
    holderName: holder?.name ?? '',
    issuedAt: row.issuedAt,
  }
}

/** Just the stored VC-JWT (for /api/badges/<id>/jwt), or null. */
export async function badgeJwt(credentialId: string): Promise<string | null> {
  if (!UUID_RE.test(credentialId)) return null
  const row = await getDb().badgeCredential.findUnique({ where: { id: credentialId }, select: { jwt: true } })
  return row?.jwt ?? null
}

const ORG_ID_RE = /^[A-Za-z0-9_-]{1,64}$/

/** An organisation that has issued badges (has a signing key), or null: others are not published. */
async function issuingOrg(organizationId: string) {
  if (!ORG_ID_RE.test(organizationId)) return null
  const keys = await issuerKeys(organizationId)
  if (keys.length === 0) return null
  const org = await getDb().organization.findUnique({
    where: { id: organizationId },
    select: { id: true, name: true },
  })
  return org ? { org, keys } : null
}

/**
 * The issuer Profile (OB 3.0) with its public keys as `verificationMethod` entries (type JsonWebKey,
 * `publicKeyJwk`), each id being the URL a badge's JOSE `kid` names. Retired keys stay listed so older
 * badges keep verifying. Null for an unknown organisation or one that has never issued a badge.
 */
export async function issuerProfile(organizationId: string) {
  const found = await issuingOrg(organizationId)
  if (!found) return null
  const urls = badgeUrls(badgeBaseUrl())
  const id = urls.issuer(organizationId)
  return {
    '@context': [...OB3_CONTEXT],
    id,
    type: ['Profile'],
    name: found.org.name,
    verificationMethod: found.keys.map((k) => ({
      id: urls.key(organizationId, k.kid),
      type: 'JsonWebKey',
      controller: id,
      publicKeyJwk: { ...k.publicJwk, kid: urls.key(organizationId, k.kid), alg: 'EdDSA', use: 'sig' },
    })),
  }
}

/** One public key as a JWK (what a badge's `kid` URL dereferences to), or null. */
export async function issuerPublicJwk(organizationId: string, kid: string) {
  if (!ORG_ID_RE.test(organizationId) || kid.length > 200) return null
  const key = await issuerKey(kid)
  if (!key || key.organizationId !== organizationId) return null
  const url = badgeUrls(badgeBaseUrl()).key(organizationId, kid)
  return { ...key.publicJwk, kid: url, alg: 'EdDSA', use: 'sig' }
}

/**
 * The organisation's 1EdTech revocation list: the ids of its revoked credentials and when. No holder,
 * no reason. Null for an unknown organisation or one that has never issued a badge.
 */
export async function revocationList(organizationId: string) {
  const found = await issuingOrg(organizationId)
  if (!found) return null
  const urls = badgeUrls(badgeBaseUrl())
  const rows = await getDb().badgeCredential.findMany({
    where: { organizationId, revokedAt: { not: null } },
    orderBy: { revokedAt: 'asc' },
    select: { id: true, revokedAt: true },
  })
  return {
    id: urls.revocations(organizationId),
    type: '1EdTechRevocationList',
    issuer: urls.issuer(organizationId),
    revokedCredentials: rows.map((r) => ({
      id: `urn:uuid:${r.id}`,
      revoked: true,
      revokedAt: r.revokedAt!.toISOString(),
    })),
  }
}

/**
 * The public Achievement document behind an achievement id (`/api/badges/achievements/<kind>/<ref>`),
 * as embedded in the most recent credential issued for it. Unknown, or never issued: null. Carries the
 * achievement's name, criteria and alignment only; nothing about who holds it.
 */
export async function publicAchievement(kind: string, ref: string): Promise<Record<string, unknown> | null> {
  if (!isAchievementKind(kind) || !/^[A-Za-z0-9_.:-]{1,128}$/.test(ref)) return null
  const row = await getDb().badgeCredential.findFirst({
    where: { achievementType: kind, achievementRef: ref },
    orderBy: { issuedAt: 'desc' },
    select: { credentialJson: true },
  })
  if (!row) return null
  const credential = JSON.parse(row.credentialJson) as {
    credentialSubject?: { achievement?: Record<string, unknown> }
  }
  const achievement = credential.credentialSubject?.achievement
  return achievement ? { '@context': OB3_CONTEXT, ...achievement } : null
}
