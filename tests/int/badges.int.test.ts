import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose'
import { createTestDb, postgresReachable, useTestDb, type TestDb } from '../support/databases'
import { getDb } from '@/lib/db/client'
import { seedDemo } from '@/lib/org/seed'
import { seedDemoRoles } from '@/lib/roles/seed'
import { labCatalog } from '@/lib/labs/catalog'
import { contentCatalog } from '@/lib/content/catalog'
import {
  badgesOf,
  getPublicBadge,
  issueBadge,
  issueRoleBadge,
  onLearningEvent,
  organisationBadges,
  revocationList,
  revokeBadge,
  publicAchievement,
} from '@/lib/badges/store'
import {
  activeSigningKey,
  BadgeKeyError,
  issuerKeys,
  rotateIssuerKey,
  sealPrivateKey,
} from '@/lib/badges/keys'
import { GET as getBadgeJson } from '@/app/api/badges/[credentialId]/route'
import { GET as getBadgeJwt } from '@/app/api/badges/[credentialId]/jwt/route'
import { GET as getIssuer } from '@/app/api/badges/issuers/[orgId]/route'
import { GET as getIssuerKey } from '@/app/api/badges/issuers/[orgId]/keys/[kid]/route'
import { GET as getRevocations } from '@/app/api/badges/revocations/[orgId]/route'
import type { LearningEvent } from '@/lib/progress/events'

// Open Badges 3.0 against real databases: idempotent issuing under concurrency, one signing key per
// organisation, revocation visible in verification and in the public list, organisation scoping, and
// the signature checked by an independent JOSE implementation (jose) with the key from the issuer profile.
process.env.NEXTAUTH_SECRET = 'badges-int-test-secret-0123456789abcdefghij'

const pgOk = await postgresReachable()
const kinds = ['sqlite', ...(pgOk ? ['postgres'] : [])] as const as readonly ('sqlite' | 'postgres')[]

const BASE = 'http://localhost:3000'
const req = (path: string) => new Request(`${BASE}${path}`)
const json = async (r: Response) => (await r.json()) as Record<string, unknown>

type Achievement = {
  alignment: { targetCode: string; type: string[]; targetType: string }[]
  achievementType: string
}

describe.each(kinds)('Open Badges on %s', (kind) => {
  let db: TestDb
  let who: { userId: string; organizationId: string }
  let hrId: string
  let other: { userId: string; organizationId: string }
  let labId: string
  let labStatements: string[]

  beforeAll(async () => {
    db = await createTestDb(kind)
    await useTestDb(db)
    await seedDemo()
    const u = await getDb().user.findUniqueOrThrow({
      where: { email: 'learner@demo.kenshu.local' },
      include: { memberships: true },
    })
    who = { userId: u.id, organizationId: u.memberships[0]!.organizationId }
    hrId = (await getDb().user.findUniqueOrThrow({ where: { email: 'hr@demo.kenshu.local' } })).id
    const org = await getDb().organization.create({ data: { slug: 'other', name: 'Other Org' } })
    const ou = await getDb().user.create({
      data: {
        email: 'someone@other.example',
        name: 'Someone Else',
        memberships: { create: { organizationId: org.id, role: 'hr' } },
      },
    })
    other = { userId: ou.id, organizationId: org.id }
    const lab = [...(await labCatalog()).labs.values()][0]!
    labId = lab.lab.manifest.id
    labStatements = lab.lab.manifest.framework.statements
  })
  afterAll(async () => db.drop())

  test('one signing key per organisation, even on concurrent first use', async () => {
    const keys = await Promise.all(Array.from({ length: 6 }, () => activeSigningKey(other.organizationId)))
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1)
    expect(await getDb().issuerKey.count({ where: { organizationId: other.organizationId } })).toBe(1)
    // The private key is stored sealed, never as PEM/JWK.
    const row = await getDb().issuerKey.findFirstOrThrow({ where: { organizationId: other.organizationId } })
    expect(row.privateKeySealed).toMatch(/^v1\./)
    expect(row.publicKeyJwk).not.toContain('"d"')
  })

  test('a lab badge is issued once, even when issued concurrently', async () => {
    const event: LearningEvent = {
      type: 'lab-complete',
      who,
      labId,
      labSessionId: 'sess-1',
      scaled: 1,
      passedWithoutHints: true,
      frameworkId: 'nice-v2.1.0',
      statementIds: labStatements,
      at: new Date(),
    }
    const results = await Promise.all([
      issueBadge({ ...who, achievementType: 'lab', achievementRef: labId }),
      issueBadge({ ...who, achievementType: 'lab', achievementRef: labId }),
      onLearningEvent(event),
    ])
    expect(new Set(results.map((r) => r!.id)).size).toBe(1)
    expect(
      await getDb().badgeCredential.count({
        where: { userId: who.userId, achievementType: 'lab', achievementRef: labId },
      }),
    ).toBe(1)
    expect(await getDb().issuerKey.count({ where: { organizationId: who.organizationId } })).toBe(1)
    const again = await issueBadge({ ...who, achievementType: 'lab', achievementRef: labId })
    expect(again).toMatchObject({ id: results[0]?.id, created: false })
    expect((await badgesOf(who.userId)).map((b) => b.id)).toEqual([results[0]?.id])
    // The achievement id resolves to the public Achievement (no holder data); unknown ones do not.
    const achievement = (await publicAchievement('lab', labId))!
    expect(achievement.type).toEqual(['Achievement'])
    expect(JSON.stringify(achievement.alignment)).toContain(labStatements[0]!)
    expect(JSON.stringify(achievement)).not.toContain(who.userId)
    expect(await publicAchievement('lab', 'no-such-lab')).toBeNull()
    expect(await publicAchievement('nope', labId)).toBeNull()
  })

  test('the VC-JWT verifies with jose using the key published in the issuer profile', async () => {
    const [badge] = await badgesOf(who.userId)
    const jwt = await (
      await getBadgeJwt(req(''), { params: Promise.resolve({ credentialId: badge!.id }) })
    ).text()
    const header = decodeProtectedHeader(jwt)
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'JWT' })

    const issuerRes = await getIssuer(req(''), { params: Promise.resolve({ orgId: who.organizationId }) })
    expect(issuerRes.status).toBe(200)
    const profile = (await issuerRes.json()) as {
      id: string
      type: string[]
      name: string
      verificationMethod: { id: string; publicKeyJwk: JWK }[]
    }
    expect(profile).toMatchObject({
      id: `${BASE}/api/badges/issuers/${who.organizationId}`,
      type: ['Profile'],
    })
    const method = profile.verificationMethod.find((m) => m.id === header.kid)
    expect(method, 'the JWT kid names a key of the issuer profile').toBeDefined()
    expect(method!.publicKeyJwk).not.toHaveProperty('d')

    const { payload } = await jwtVerify(jwt, await importJWK(method!.publicKeyJwk, 'EdDSA'), {
      issuer: profile.id,
      algorithms: ['EdDSA'],
    })
    expect(payload.jti).toBe(`urn:uuid:${badge!.id}`)
    expect(payload.type).toContain('OpenBadgeCredential')
    expect(payload['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ])
    const subject = payload.credentialSubject as {
      id: string
      achievement: Achievement
      identifier: { identityHash: string }[]
    }
    expect(payload.sub).toBe(subject.id)
    expect(subject.achievement.achievementType).toBe('Assessment')
    expect(subject.achievement.alignment.map((a) => a.targetCode).sort()).toEqual(
      [...new Set(labStatements)].sort(),
    )
    expect(subject.achievement.alignment.every((a) => a.targetType === 'CFItem')).toBe(true)
    expect(subject.identifier[0]!.identityHash).toMatch(/^sha256\$[0-9a-f]{64}$/)
    expect(JSON.stringify(payload)).not.toContain('learner@demo.kenshu.local')

    // The kid URL itself dereferences to the same JWK (OB 3.0 §8.2.3).
    const path = new URL(header.kid!).pathname.split('/')
    const keyRes = await getIssuerKey(req(''), {
      params: Promise.resolve({ orgId: path[4]!, kid: decodeURIComponent(path[6]!) }),
    })
    const jwk = (await keyRes.json()) as JWK
    await expect(jwtVerify(jwt, await importJWK(jwk, 'EdDSA'))).resolves.toBeDefined()

    // Another organisation's key does not verify it.
    const otherKey = (await issuerKeys(other.organizationId))[0]!
    await expect(jwtVerify(jwt, await importJWK(otherKey.publicJwk, 'EdDSA'))).rejects.toThrow()
  })

  test('the JSON endpoint verifies on the server and leaks no private data', async () => {
    const [badge] = await badgesOf(who.userId)
    const res = await getBadgeJson(req(''), { params: Promise.resolve({ credentialId: badge!.id }) })
    expect(res.status).toBe(200)
    const body = await json(res)
    expect(body.verification).toMatchObject({ valid: true, revoked: false, reason: null })
    expect((body.credential as { id: string }).id).toBe(`urn:uuid:${badge!.id}`)
    const text = JSON.stringify(body)
    expect(text).not.toContain('learner@demo.kenshu.local')
    expect(text).not.toContain(who.userId)
    expect(text).not.toContain('Aoi Tanaka')
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000', "'; drop table x; --"]) {
      const r = await getBadgeJson(req(''), { params: Promise.resolve({ credentialId: id }) })
      expect(r.status).toBe(404)
      expect((await getBadgeJwt(req(''), { params: Promise.resolve({ credentialId: id }) })).status).toBe(404)
    }
    expect((await getIssuer(req(''), { params: Promise.resolve({ orgId: 'nope' }) })).status).toBe(404)
    expect((await getRevocations(req(''), { params: Promise.resolve({ orgId: 'nope' }) })).status).toBe(404)
    expect(
      (
        await getIssuerKey(req(''), {
          params: Promise.resolve({
            orgId: other.organizationId,
            kid: (await issuerKeys(who.organizationId))[0]!.kid,
          }),
        })
      ).status,
    ).toBe(404)
  })

  test('curriculum and role badges; other events are ignored', async () => {
    const c = (await contentCatalog()).curricula[0]!
    const base = { who, frameworkId: 'nice@2.1.0', statementIds: [], at: new Date() }
    const cur = await onLearningEvent({ ...base, type: 'completed', itemType: 'curriculum', itemId: c.id })
    expect(cur).toMatchObject({ kind: 'curriculum', ref: c.id, created: true })
    expect(
      await onLearningEvent({ ...base, type: 'completed', itemType: 'module', itemId: c.modules[0]! }),
    ).toBeNull()
    expect(
      await onLearningEvent({
        ...base,
        type: 'quiz',
        itemType: 'module',
        itemId: c.modules[0]!,
        attemptId: 'a',
        passed: true,
        scaled: 1,
      }),
    ).toBeNull()
    expect(
      await onLearningEvent({
        ...base,
        type: 'completed',
        itemType: 'curriculum',
        itemId: 'no-such-curriculum',
      }),
    ).toBeNull()
    const curBadge = (await getPublicBadge(cur!.id))!
    expect(curBadge.verification.valid).toBe(true)
    expect(curBadge.credential.credentialSubject.achievement.achievementType).toBe('LearningProgram')
    expect(curBadge.credential.credentialSubject.achievement.alignment.length).toBeGreaterThan(0)

    await seedDemoRoles(who.organizationId, hrId)
    const role = await getDb().orgRole.findFirstOrThrow({ where: { organizationId: who.organizationId } })
    const rb = await issueRoleBadge(who, role.id)
    expect(rb).toMatchObject({ kind: 'role', ref: role.id, name: role.title })
    const roleBadge = (await getPublicBadge(rb.id))!
    expect(roleBadge.credential.credentialSubject.achievement.achievementType).toBe('Competency')
    const reqs = await getDb().orgRoleRequirement.count({ where: { roleId: role.id } })
    expect(roleBadge.credential.credentialSubject.achievement.alignment.length).toBe(Math.min(reqs, 150))
    // A role of another organisation is not found for this person.
    await expect(issueRoleBadge(other, role.id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  test('revocation: scoped to the organisation, shown in verification and in the revocation list', async () => {
    const [badge] = (await badgesOf(who.userId)).filter((b) => b.kind === 'lab')
    const id = badge!.id
    await expect(revokeBadge(other.organizationId, id, 'not yours', other.userId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    expect((await getPublicBadge(id))!.verification).toMatchObject({ valid: true, revoked: false })
    await expect(revokeBadge(who.organizationId, id, '   ')).rejects.toMatchObject({ code: 'INVALID' })

    const done = await revokeBadge(who.organizationId, id, 'Issued by mistake', hrId)
    expect(done.alreadyRevoked).toBe(false)
    expect((await revokeBadge(who.organizationId, id, 'again', hrId)).alreadyRevoked).toBe(true)

    const v = (await getPublicBadge(id))!.verification
    expect(v).toMatchObject({ valid: false, revoked: true, reason: 'revoked' })
    const res = await getBadgeJson(req(''), { params: Promise.resolve({ credentialId: id }) })
    expect((await json(res)).verification).toMatchObject({ valid: false, revoked: true })

    const listRes = await getRevocations(req(''), { params: Promise.resolve({ orgId: who.organizationId }) })
    const list = (await listRes.json()) as { issuer: string; revokedCredentials: { id: string }[] }
    expect(list.revokedCredentials.map((r) => r.id)).toEqual([`urn:uuid:${id}`])
    expect(JSON.stringify(list)).not.toContain('Issued by mistake')
    expect((await revocationList(other.organizationId))!.revokedCredentials).toEqual([])
    const row = (await organisationBadges(who.organizationId)).find((b) => b.id === id)!
    expect(row).toMatchObject({ holderName: 'Aoi Tanaka', revocationReason: 'Issued by mistake' })
    expect(await organisationBadges(other.organizationId)).toEqual([])
    // The revoked badge is not re-issued by a replayed event.
    expect(await issueBadge({ ...who, achievementType: 'lab', achievementRef: labId })).toMatchObject({
      id,
      created: false,
    })
  })

  test('a tampered stored JWT shows as an invalid signature', async () => {
    const [b] = (await badgesOf(who.userId)).filter((x) => x.kind === 'curriculum')
    const row = await getDb().badgeCredential.findUniqueOrThrow({ where: { id: b!.id } })
    const [h, p, s] = row.jwt.split('.') as [string, string, string]
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as { name: string }
    payload.name = 'Forged'
    await getDb().badgeCredential.update({
      where: { id: b!.id },
      data: { jwt: `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}` },
    })
    expect((await getPublicBadge(b!.id))!.verification).toMatchObject({
      valid: false,
      reason: 'bad-signature',
    })
    await getDb().badgeCredential.update({ where: { id: b!.id }, data: { jwt: row.jwt } })
    expect((await getPublicBadge(b!.id))!.verification.valid).toBe(true)
  })

  test('an unopenable key is a clear error; rotation recovers and old badges keep verifying', async () => {
    const key = await getDb().issuerKey.findFirstOrThrow({
      where: { organizationId: other.organizationId, retiredAt: null },
    })
    // Sealed under different associated data: what a changed NEXTAUTH_SECRET looks like (GCM tag fails).
    await getDb().issuerKey.update({
      where: { kid: key.kid },
      data: { privateKeySealed: sealPrivateKey(Buffer.from('not a key'), 'someone-else') },
    })
    const err = await activeSigningKey(other.organizationId).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BadgeKeyError)
    expect(String((err as Error).message)).toMatch(/NEXTAUTH_SECRET/)

    const before = (await badgesOf(who.userId)).find((b) => b.kind === 'curriculum')!
    const rotated = await rotateIssuerKey(who.organizationId)
    expect(rotated.kid).toMatch(/-key-2$/)
    expect((await getPublicBadge(before.id))!.verification.valid).toBe(true)
    const profile = (await (
      await getIssuer(req(''), { params: Promise.resolve({ orgId: who.organizationId }) })
    ).json()) as {
      verificationMethod: unknown[]
    }
    expect(profile.verificationMethod).toHaveLength(2)
    const c2 = (await contentCatalog()).curricula[1]!
    const fresh = await issueBadge({ ...who, achievementType: 'curriculum', achievementRef: c2.id })
    const row = await getDb().badgeCredential.findUniqueOrThrow({ where: { id: fresh.id } })
    expect(row.kid).toBe(rotated.kid)
    expect((await getPublicBadge(fresh.id))!.verification.valid).toBe(true)
  })
})
