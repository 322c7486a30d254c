/**
 * Password hashing with scrypt from node:crypto (no native dependency). Format:
 * `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` so parameters can be raised later without breaking old hashes.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

const scrypt = (pw: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(pw, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  )

const N = 1 << 15
const R = 8
const P = 1
const KEYLEN = 32
// scrypt needs 128 * N * r bytes; allow twice that.
const MAXMEM = 256 * N * R

export const PASSWORD_MIN = 10
export const PASSWORD_MAX = 256

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password.normalize('NFKC'), salt, KEYLEN, { N, r: R, p: P, maxmem: MAXMEM })
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$')
}

/** A valid hash of a random password: verifying against it costs the same as a real check. */
let dummyHash: Promise<string> | undefined
function dummy() {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
  return dummyHash
}

/**
 * Checks a password against a stored hash in constant time. With `stored` null (unknown user, SSO-only
 * account) it still spends a full scrypt so response time does not reveal whether the account exists.
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const target = stored ?? (await dummy())
  const parts = target.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    await scrypt(password, randomBytes(16), KEYLEN, { N, r: R, p: P, maxmem: MAXMEM })
    return false
  }
  const [, n, r, p, saltB64, hashB64] = parts as [string, string, string, string, string, string]
  const expected = Buffer.from(hashB64, 'base64')
  const opts = { N: Number(n), r: Number(r), p: Number(p), maxmem: 256 * Number(n) * Number(r) }
  if (!Number.isInteger(opts.N) || opts.N > 1 << 20 || expected.length !== KEYLEN) return false
  const actual = await scrypt(password.normalize('NFKC'), Buffer.from(saltB64, 'base64'), KEYLEN, opts)
  return timingSafeEqual(actual, expected) && stored != null
}

/** Reasons a new password is refused (empty when acceptable). Keys are i18n message ids. */
export function passwordProblems(password: string): string[] {
  const problems: string[] = []
  if (password.length < PASSWORD_MIN) problems.push('passwordTooShort')
  if (password.length > PASSWORD_MAX) problems.push('passwordTooLong')
  return problems
}
