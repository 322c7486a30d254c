/**
 * Authentication of the web tier ↔ lab runner channel (issue #8): every HTTP request and WebSocket
 * upgrade carries an HMAC-SHA256 signature over method, path (with query), a timestamp, a single-use
 * nonce and the SHA-256 of the body, keyed by the shared `KENSHU_RUNNER_SECRET`.
 *
 * - A captured request cannot be altered (the signature covers everything that has meaning).
 * - It cannot be replayed: the runner refuses a timestamp further than `maxSkewMs` from its clock and
 *   a nonce it has already seen within that window (the window bounds the nonce memory).
 * - The secret never travels. Comparison is constant-time.
 *
 * Pure apart from the clock and the nonce set, which are injected; no I/O.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'x-kenshu-runner-signature'
export const TIME_HEADER = 'x-kenshu-runner-time'
export const NONCE_HEADER = 'x-kenshu-runner-nonce'

/** The minimum secret length: 32 bytes of entropy written as text. */
export const MIN_SECRET_LENGTH = 32

export type SignedHeaders = {
  [SIGNATURE_HEADER]: string
  [TIME_HEADER]: string
  [NONCE_HEADER]: string
}

const sha256 = (body: string | Uint8Array) => createHash('sha256').update(body).digest('hex')

function canonical(method: string, pathWithQuery: string, time: string, nonce: string, bodyHash: string) {
  return `${method.toUpperCase()}\n${pathWithQuery}\n${time}\n${nonce}\n${bodyHash}`
}

export function assertSecret(secret: string | undefined): string {
  if (!secret || secret.length < MIN_SECRET_LENGTH)
    throw new Error(`KENSHU_RUNNER_SECRET must be set to at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -hex 32)`)
  return secret
}

/** Headers that authenticate one request. */
export function signRequest(
  secret: string,
  req: { method: string; path: string; body?: string | Uint8Array },
  now = Date.now(),
): SignedHeaders {
  const time = String(now)
  const nonce = randomBytes(16).toString('hex')
  const mac = createHmac('sha256', secret)
    .update(canonical(req.method, req.path, time, nonce, sha256(req.body ?? '')))
    .digest('hex')
  return { [SIGNATURE_HEADER]: mac, [TIME_HEADER]: time, [NONCE_HEADER]: nonce }
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing' | 'skew' | 'replay' | 'signature' }

/**
 * Verifies requests for one runner. Keeps the nonces of the last `maxSkewMs * 2` so a request can be
 * accepted once only; older nonces are refused by the timestamp check anyway.
 */
export class RequestVerifier {
  private seen = new Map<string, number>()
  private lastSweep = 0

  constructor(
    private readonly secret: string,
    private readonly maxSkewMs = 30_000,
    private readonly clock: () => number = Date.now,
    /** Upper bound on remembered nonces (a flood of valid requests cannot grow memory without bound). */
    private readonly maxNonces = 200_000,
  ) {}

  verify(req: {
    method: string
    path: string
    headers: Record<string, string | string[] | undefined>
    body?: string | Uint8Array
  }): VerifyResult {
    const sig = one(req.headers[SIGNATURE_HEADER])
    const time = one(req.headers[TIME_HEADER])
    const nonce = one(req.headers[NONCE_HEADER])
    if (!sig || !time || !nonce || !/^\d{1,16}$/.test(time) || !/^[0-9a-f]{32}$/.test(nonce) || !/^[0-9a-f]{64}$/.test(sig))
      return { ok: false, reason: 'missing' }
    const now = this.clock()
    if (Math.abs(now - Number(time)) > this.maxSkewMs) return { ok: false, reason: 'skew' }
    const expected = createHmac('sha256', this.secret)
      .update(canonical(req.method, req.path, time, nonce, sha256(req.body ?? '')))
      .digest()
    if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) return { ok: false, reason: 'signature' }
    this.sweep(now)
    if (this.seen.has(nonce)) return { ok: false, reason: 'replay' }
    if (this.seen.size >= this.maxNonces) return { ok: false, reason: 'replay' }
    this.seen.set(nonce, now + this.maxSkewMs * 2)
    return { ok: true }
  }

  private sweep(now: number) {
    if (now - this.lastSweep < 1000) return
    this.lastSweep = now
    for (const [n, until] of this.seen) if (until < now) this.seen.delete(n)
  }
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}
