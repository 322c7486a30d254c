import { generateKeyPairSync, randomUUID, sign } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import {
  buildCredential,
  decodeJwtUnverified,
  hashIdentity,
  isoSeconds,
  signCredentialJwt,
  subjectIdOf,
  verifyCredentialJwt,
  type CredentialInput,
  type PublicJwk,
} from './credential'

const keyPair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return { privateKey, publicJwk: publicKey.export({ format: 'jwk' }) as PublicJwk }
}
const KID = 'https://kenshu.example/api/badges/issuers/org1/keys/org1-key-1'

const input = (over: Partial<CredentialInput> = {}): CredentialInput => ({
  id: randomUUID(),
  baseUrl: 'https://kenshu.example/',
  issuer: { organizationId: 'org1', name: 'Demo Prefecture / デモ県' },
  recipient: { subjectId: subjectIdOf('org1', 'user1'), email: ' Aoi@Example.jp ', salt: 'abc123' },
  achievement: {
    kind: 'lab',
    ref: 'web-log-triage',
    name: 'Web log triage',
    description: 'Find the attacker in the logs.',
    criteria: 'Completed every task of the lab.',
    alignments: [
      {
        statementId: 'T1084',
        text: 'Identify anomalous activity',
        framework: 'NICE Framework Components v2.1.0',
        url: 'https://kenshu.example/case/CFItems/x',
      },
      {
        statementId: 'K0001',
        text: 'Knowledge of networks',
        framework: 'NICE Framework Components v2.1.0',
        url: 'https://kenshu.example/case/CFItems/y',
      },
    ],
  },
  validFrom: new Date('2026-05-01T10:20:30.456Z'),
  ...over,
})

/** Flips one character of the segment at `part` (0 header, 1 payload, 2 signature). */
function tamper(jwt: string, part: number, at = 10): string {
  const parts = jwt.split('.')
  const seg = parts[part]!
  const c = seg[at]!
  parts[part] = seg.slice(0, at) + (c === 'A' ? 'B' : 'A') + seg.slice(at + 1)
  return parts.join('.')
}

describe('OpenBadgeCredential', () => {
  test('has the OB 3.0 shape: contexts, types, issuer profile, hashed recipient, alignments, status', () => {
    const i = input()
    const c = buildCredential(i)
    expect(c['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ])
    expect(c.id).toBe(`urn:uuid:${i.id}`)
    expect(c.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential'])
    expect(c.issuer).toEqual({
      id: 'https://kenshu.example/api/badges/issuers/org1',
      type: ['Profile'],
      name: 'Demo Prefecture / デモ県',
    })
    expect(c.validFrom).toBe('2026-05-01T10:20:30Z')
    const s = c.credentialSubject
    expect(s.type).toEqual(['AchievementSubject'])
    expect(s.id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(s.identifier[0]).toEqual({
      type: 'IdentityObject',
      identityHash: hashIdentity('aoi@example.jp', 'abc123'),
      identityType: 'emailAddress',
      hashed: true,
      salt: 'abc123',
    })
    // sha256("aoi@example.jpabc123")
    expect(s.identifier[0]!.identityHash).toMatch(/^sha256\$[0-9a-f]{64}$/)
    expect(JSON.stringify(c)).not.toMatch(/aoi@example/i)
    expect(s.achievement).toMatchObject({
      id: 'https://kenshu.example/api/badges/achievements/lab/web-log-triage',
      type: ['Achievement'],
      achievementType: 'Assessment',
      criteria: { narrative: 'Completed every task of the lab.' },
    })
    expect(s.achievement.alignment[0]).toEqual({
      type: ['Alignment'],
      targetName: 'Identify anomalous activity',
      targetUrl: 'https://kenshu.example/case/CFItems/x',
      targetCode: 'T1084',
      targetFramework: 'NICE Framework Components v2.1.0',
      targetType: 'CFItem',
    })
    expect(c.credentialStatus).toEqual({
      id: 'https://kenshu.example/api/badges/revocations/org1',
      type: '1EdTechRevocationList',
    })
  })

  test('achievement types per kind are OB 3.0 enumeration values', () => {
    const kinds = { lab: 'Assessment', curriculum: 'LearningProgram', role: 'Competency' } as const
    for (const [kind, type] of Object.entries(kinds)) {
      const c = buildCredential(input({ achievement: { ...input().achievement, kind: kind as 'lab' } }))
      expect(c.credentialSubject.achievement.achievementType).toBe(type)
    }
  })

  test('refuses an id that is not a UUID', () => {
    expect(() => buildCredential(input({ id: 'x' }))).toThrow(/UUID/)
  })

  test('subject ids are stable per person and organisation', () => {
    expect(subjectIdOf('o', 'u')).toBe(subjectIdOf('o', 'u'))
    expect(subjectIdOf('o', 'u')).not.toBe(subjectIdOf('o2', 'u'))
  })
})

describe('VC-JWT (OB 3.0 §8.2)', () => {
  const { privateKey, publicJwk } = keyPair()
  const credential = buildCredential(input())
  const jwt = signCredentialJwt(credential, { kid: KID, privateKey, publicJwk })

  test('header and registered claims follow the JSON Web Token Proof Format', () => {
    const d = decodeJwtUnverified(jwt)!
    expect(d.header).toEqual({
      alg: 'EdDSA',
      typ: 'JWT',
      kid: KID,
      jwk: { kty: 'OKP', crv: 'Ed25519', x: publicJwk.x },
    })
    expect(d.header.jwk).not.toHaveProperty('d')
    expect(d.payload).toMatchObject({
      iss: credential.issuer.id,
      jti: credential.id,
      sub: credential.credentialSubject.id,
      nbf: Date.parse(credential.validFrom) / 1000,
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
    })
    expect(d.payload).not.toHaveProperty('vc')
    expect(d.payload).not.toHaveProperty('exp')
  })

  test('verifies and returns the credential', () => {
    const r = verifyCredentialJwt(jwt, publicJwk, { kid: KID })
    expect(r.ok).toBe(true)
    if (r.ok) expect(r.credential).toEqual(credential)
  })

  test('one changed byte anywhere makes it invalid', () => {
    expect(verifyCredentialJwt(tamper(jwt, 1), publicJwk)).toMatchObject({ ok: false })
    expect(verifyCredentialJwt(tamper(jwt, 2), publicJwk)).toEqual({ ok: false, reason: 'bad-signature' })
    expect(verifyCredentialJwt(tamper(jwt, 0, 3), publicJwk)).toMatchObject({ ok: false })
    // A re-encoded payload with a changed name keeps valid base64url but breaks the signature.
    const [h, p, s] = jwt.split('.') as [string, string, string]
    const forged = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
    forged.name = 'Something else'
    const forgedJwt = `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`
    expect(verifyCredentialJwt(forgedJwt, publicJwk)).toEqual({ ok: false, reason: 'bad-signature' })
  })

  test('another key (even one put in the header) does not verify', () => {
    const other = keyPair()
    expect(verifyCredentialJwt(jwt, other.publicJwk)).toEqual({ ok: false, reason: 'bad-signature' })
    const selfSigned = signCredentialJwt(credential, { kid: KID, ...other })
    expect(verifyCredentialJwt(selfSigned, publicJwk)).toEqual({ ok: false, reason: 'bad-signature' })
    expect(verifyCredentialJwt(jwt, publicJwk, { kid: `${KID}x` })).toEqual({
      ok: false,
      reason: 'wrong-key',
    })
    expect(verifyCredentialJwt(jwt, { ...publicJwk, x: '!!' })).toEqual({ ok: false, reason: 'wrong-key' })
  })

  test('alg none, malformed tokens and early use are refused', () => {
    const [, p] = jwt.split('.') as [string, string]
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${p}.`
    expect(verifyCredentialJwt(none, publicJwk)).toEqual({ ok: false, reason: 'unsupported-alg' })
    expect(verifyCredentialJwt('a.b', publicJwk)).toEqual({ ok: false, reason: 'malformed' })
    expect(verifyCredentialJwt('!.!.!', publicJwk)).toEqual({ ok: false, reason: 'malformed' })
    expect(verifyCredentialJwt(jwt, publicJwk, { now: new Date('2026-05-01T10:00:00Z') })).toEqual({
      ok: false,
      reason: 'not-yet-valid',
    })
  })

  test('claims that disagree with the credential are refused even when signed', () => {
    const c2 = { ...credential, validFrom: isoSeconds(new Date('2026-01-01T00:00:00Z')) }
    const signed = signCredentialJwt(c2, { kid: KID, privateKey, publicJwk })
    // Rebuild the payload with a mismatched jti and re-sign it with the right key.
    const d = decodeJwtUnverified(signed)!
    const h = Buffer.from(JSON.stringify(d.header)).toString('base64url')
    const p = Buffer.from(JSON.stringify({ ...d.payload, jti: 'urn:uuid:other' })).toString('base64url')
    const sig = sign(null, Buffer.from(`${h}.${p}`), privateKey).toString('base64url')
    expect(verifyCredentialJwt(`${h}.${p}.${sig}`, publicJwk)).toEqual({
      ok: false,
      reason: 'claims-mismatch',
    })
    expect(verifyCredentialJwt(signed, publicJwk).ok).toBe(true)
  })
})
