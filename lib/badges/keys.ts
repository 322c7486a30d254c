import 'server-only'
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto'
import { isUniqueViolation } from '../db/errors'
import { getDb } from '../db/client'
import { env } from '../env'
import type { PublicJwk } from './credential'

/**
 * Each organisation's Open Badges signing key: Ed25519, generated on first use and kept in the database
 * (IssuerKey). The public key is stored as a JWK; the private key as PKCS#8, sealed with AES-256-GCM
 * under a key derived (HKDF-SHA256, info "kenshu-badge-keys") from NEXTAUTH_SECRET, the same secret
 * next-auth uses (set by the operator, or generated into the data directory on first start by
 * server/prepare.ts). The key id is bound to the ciphertext as associated data, so sealed keys cannot be
 * swapped between rows.
 *
 * One active key per organisation, even when several requests (or instances) need it at once: key ids
 * are `<orgId>-key-<generation>` (generation = retired keys + 1), and `kid` is unique, so concurrent
 * first uses all try to insert the same id and the losers read the winner's key. Rotation retires the active key (credentials it signed
 * keep verifying: their key stays published) and makes the next generation.
 *
 * If NEXTAUTH_SECRET changes, sealed keys cannot be opened: signing fails with a BadgeKeyError saying
 * so (verification needs only public keys and keeps working). Restore the secret, or rotate the key.
 */

export class BadgeKeyError extends Error {
  override readonly name = 'BadgeKeyError'
}

export type IssuerKeyInfo = {
  kid: string
  organizationId: string
  publicJwk: PublicJwk
  createdAt: Date
  retiredAt: Date | null
}

export type SigningKey = IssuerKeyInfo & { privateKey: KeyObject }

const INFO = 'kenshu-badge-keys'
const SEAL_VERSION = 'v1'

function sealingKey(): Buffer {
  const secret = env().NEXTAUTH_SECRET
  if (!secret)
    throw new BadgeKeyError(
      'NEXTAUTH_SECRET is not set, so badge signing keys cannot be sealed or opened. Set it (the server sets one on start).',
    )
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), INFO, 32))
}

/** AES-256-GCM; `v1.<iv>.<tag>.<ciphertext>` in base64url; the kid is the associated data. */
export function sealPrivateKey(pkcs8: Buffer, kid: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', sealingKey(), iv)
  cipher.setAAD(Buffer.from(kid, 'utf8'))
  const ct = Buffer.concat([cipher.update(pkcs8), cipher.final()])
  return [SEAL_VERSION, iv, cipher.getAuthTag(), ct]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.')
}

export function unsealPrivateKey(sealed: string, kid: string): KeyObject {
  const parts = sealed.split('.')
  if (parts.length !== 4 || parts[0] !== SEAL_VERSION)
    throw new BadgeKeyError(`The badge signing key ${kid} is stored in an unknown format.`)
  const [, iv, tag, ct] = parts.map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer, Buffer]
  let der: Buffer
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(), iv)
    decipher.setAAD(Buffer.from(kid, 'utf8'))
    decipher.setAuthTag(tag)
    der = Buffer.concat([decipher.update(ct), decipher.final()])
  } catch (err) {
    if (err instanceof BadgeKeyError) throw err
    throw new BadgeKeyError(
      `The badge signing key ${kid} cannot be opened: NEXTAUTH_SECRET is not the secret it was sealed with. ` +
        'Restore the previous secret, or rotate the key (issued badges keep verifying with the published public key).',
    )
  }
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
}

type Row = {
  kid: string
  organizationId: string
  publicKeyJwk: string
  privateKeySealed: string
  createdAt: Date
  retiredAt: Date | null
}

function info(row: Row): IssuerKeyInfo {
  const jwk = JSON.parse(row.publicKeyJwk) as PublicJwk
  return {
    kid: row.kid,
    organizationId: row.organizationId,
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
    createdAt: row.createdAt,
    retiredAt: row.retiredAt,
  }
}


async function findActive(organizationId: string): Promise<Row | null> {
  return getDb().issuerKey.findFirst({
    where: { organizationId, retiredAt: null },
    orderBy: [{ createdAt: 'desc' }, { kid: 'desc' }],
  })
}

async function createNext(organizationId: string): Promise<Row> {
  const db = getDb()
  for (let attempt = 0; attempt < 8; attempt++) {
    // Keys 1..n-1 are retired when key n is made, so the next generation is one more than the retired
    // count: every concurrent creator computes the same id, and the unique kid lets only one win.
    const generation = (await db.issuerKey.count({ where: { organizationId, retiredAt: { not: null } } })) + 1
    const kid = `${organizationId}-key-${generation}`
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    const publicJwk = publicKey.export({ format: 'jwk' }) as PublicJwk
    const sealed = sealPrivateKey(privateKey.export({ format: 'der', type: 'pkcs8' }), kid)
    try {
      return await db.issuerKey.create({
        data: {
          organizationId,
          kid,
          publicKeyJwk: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: publicJwk.x }),
          privateKeySealed: sealed,
        },
      })
    } catch (err) {
      if (!isUniqueViolation(err)) throw err
      // Someone else made this generation at the same moment: use theirs (or, if a rotation retired it
      // meanwhile, try the next generation).
      const active = await findActive(organizationId)
      if (active) return active
    }
  }
  throw new BadgeKeyError(`Could not create a badge signing key for organisation ${organizationId}.`)
}

/** The organisation's active signing key, created on first use. Throws BadgeKeyError when it cannot be opened. */
export async function activeSigningKey(organizationId: string): Promise<SigningKey> {
  const row = (await findActive(organizationId)) ?? (await createNext(organizationId))
  const privateKey = unsealPrivateKey(row.privateKeySealed, row.kid)
  const key = info(row)
  // The sealed private key must belong to the published public key.
  const derived = createPublicKey(privateKey).export({ format: 'jwk' }) as PublicJwk
  if (derived.x !== key.publicJwk.x)
    throw new BadgeKeyError(`The badge signing key ${row.kid} does not match its public key.`)
  return { ...key, privateKey }
}

/** Every key of the organisation (active and retired), oldest first: what its issuer profile publishes. */
export async function issuerKeys(organizationId: string): Promise<IssuerKeyInfo[]> {
  const rows = await getDb().issuerKey.findMany({
    where: { organizationId },
    orderBy: [{ createdAt: 'asc' }, { kid: 'asc' }],
  })
  return rows.map(info)
}

/** One key by id, or null. */
export async function issuerKey(kid: string): Promise<IssuerKeyInfo | null> {
  const row = await getDb().issuerKey.findUnique({ where: { kid } })
  return row ? info(row) : null
}

/**
 * Retires the active key and makes a new one (for a suspected compromise, or after NEXTAUTH_SECRET was
 * lost). Badges signed by the retired key keep verifying; new badges use the new key.
 */
export async function rotateIssuerKey(organizationId: string): Promise<IssuerKeyInfo> {
  await getDb().issuerKey.updateMany({
    where: { organizationId, retiredAt: null },
    data: { retiredAt: new Date() },
  })
  return info(await createNext(organizationId))
}
