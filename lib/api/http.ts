/**
 * Shared plumbing of the /api/v1 route handlers (docs/api.md): one error shape, one status mapping,
 * bounded body reading and `Cache-Control: no-store` on every answer. Pure apart from the Web Fetch
 * API, so it is unit-tested without Next or a database.
 *
 * Every error body is `{ error: <code>, message?, issues? }`. `code` is stable and meant for programs;
 * `message` is for people and may change. The codes are listed in API_ERROR_CODES (and the OpenAPI
 * document), so a client can switch on them.
 */
import { z } from 'zod'
import { isDomainError } from '../errors'
import { formatJsonPath } from '../frameworks/schema'

export const API_ERROR_CODES = [
  'bad_request', // malformed JSON, unreadable form data
  'unauthenticated', // no credentials
  'invalid_token', // a bearer token that is unknown, revoked, malformed or whose creator left
  'forbidden', // authenticated, but the role or token scope lacks the permission
  'bad_origin', // a cookie-authenticated write without this site's Origin (CSRF defence)
  'not_found',
  'conflict', // stale expectedVersion, duplicate, cycle, already published
  'payload_too_large',
  'unsupported_media_type',
  'invalid', // the request body or query failed validation (see issues)
  'invalid_file', // an uploaded standard failed validation (issues carry line/column)
  'internal',
] as const
export type ApiErrorCode = (typeof API_ERROR_CODES)[number]

/** A validation problem: `path` is a JSONPath-like location in the body or query (`$.requirements[2].level`). */
export type ApiIssue = { path: string; message: string }

/** JSON bodies the API accepts are small (role edits are ~100 kB at most); uploads have their own limit. */
export const MAX_JSON_BYTES = 1024 * 1024

/** Applied to every response: answers carry organisation data and depend on the credentials. */
function noStore(res: Response): Response {
  try {
    res.headers.set('Cache-Control', 'no-store')
    return res
  } catch {
    // Immutable headers (a Response that came from fetch): copy it.
    const copy = new Response(res.body, res)
    copy.headers.set('Cache-Control', 'no-store')
    return copy
  }
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  return noStore(Response.json(body, init))
}

export function apiError(
  status: number,
  error: ApiErrorCode,
  message?: string,
  extra: { issues?: unknown[]; headers?: HeadersInit } = {},
): Response {
  const body: Record<string, unknown> = { error }
  if (message) body.message = message
  if (extra.issues) body.issues = extra.issues
  return json(body, { status, headers: extra.headers })
}

export function zodIssues(err: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): ApiIssue[] {
  return err.issues.map((i) => ({ path: formatJsonPath([...prefix, ...i.path]), message: i.message }))
}

/**
 * Maps a thrown error to a response. DomainErrors carry the status (NOT_FOUND 404, CONFLICT 409,
 * INVALID 422, FORBIDDEN 403); zod errors are 422 with issues. Anything else is a bug: logged, and
 * answered with a bare 500 so no internals leak.
 */
export function errorResponse(err: unknown): Response {
  if (isDomainError(err)) {
    const issues = err.field ? [{ path: formatJsonPath([err.field]), message: err.message }] : undefined
    switch (err.code) {
      case 'NOT_FOUND':
        return apiError(404, 'not_found', err.message, { issues })
      case 'CONFLICT':
        return apiError(409, 'conflict', err.message, { issues })
      case 'INVALID':
        return apiError(422, 'invalid', err.message, { issues })
      case 'FORBIDDEN':
        return apiError(403, 'forbidden', err.message)
    }
  }
  if (err instanceof z.ZodError)
    return apiError(422, 'invalid', 'The request is invalid', { issues: zodIssues(err) })
  console.error('api: unexpected error', err)
  return apiError(500, 'internal', 'Internal error')
}

/**
 * Wraps a route handler: thrown DomainErrors/ZodErrors become JSON errors, and every response
 * (including the guard's 401/403) gets `Cache-Control: no-store`.
 */
export function apiHandler<C>(fn: (request: Request, ctx: C) => Promise<Response>) {
  return async (request: Request, ctx: C): Promise<Response> => {
    let res: Response
    try {
      res = await fn(request, ctx)
    } catch (err) {
      res = errorResponse(err)
    }
    return noStore(res)
  }
}

/** The essence (`type/subtype`, lower case) of a Content-Type header, or ''. */
export function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
}

/**
 * Reads the body with a hard byte limit. The declared Content-Length is checked first (so a huge
 * upload is refused before a byte is read); a body without one, or one that lies, is counted while
 * streaming and abandoned at the limit. Returns null when the limit is exceeded.
 */
export async function readBodyLimited(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = request.headers.get('content-length')
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) return null
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined)
      return null
    }
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; response: Response }

/**
 * Reads and validates a JSON body: Content-Type must be application/json (415 otherwise; this also
 * keeps HTML forms from other sites out, as they cannot send that type without a CORS preflight),
 * at most `maxBytes` (413), well-formed (400), and valid for `schema` (422 with issues).
 */
export async function readJson<S extends z.ZodType>(
  request: Request,
  schema: S,
  maxBytes = MAX_JSON_BYTES,
): Promise<Parsed<z.output<S>>> {
  const type = mediaType(request)
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type))
    return {
      ok: false,
      response: apiError(415, 'unsupported_media_type', 'Send Content-Type: application/json'),
    }
  const bytes = await readBodyLimited(request, maxBytes)
  if (!bytes) return { ok: false, response: tooLarge(maxBytes) }
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return { ok: false, response: apiError(400, 'bad_request', 'The body is not valid UTF-8 JSON') }
  }
  return validate(schema, value)
}

export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix: PropertyKey[] = [],
): Parsed<z.output<S>> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return { ok: true, data: parsed.data }
  return {
    ok: false,
    response: apiError(422, 'invalid', 'The request is invalid', { issues: zodIssues(parsed.error, prefix) }),
  }
}

/** Query parameters as a plain object (first value of each name), for zod. */
export function queryOf(request: Request): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of new URL(request.url).searchParams) if (!(k in out)) out[k] = v
  return out
}

export function tooLarge(maxBytes: number): Response {
  return apiError(413, 'payload_too_large', `The body is larger than ${maxBytes} bytes`)
}

/** GET and HEAD cannot change anything (and OPTIONS is answered by Next); everything else can. */
export function isUnsafeMethod(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase())
}

/**
 * CSRF defence for cookie-authenticated writes: browsers send Origin on every cross-origin request and
 * on same-origin non-GET ones, so a write whose Origin host is not the Host the request was sent to
 * comes from another site (or from a client that is not a browser and should use a token). A missing
 * or unparsable Origin is refused too. Same rule as the terminal WebSocket (server/terminal-gateway.ts).
 */
export function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get('origin')
  const host = request.headers.get('host') ?? new URL(request.url).host
  if (!origin || origin === 'null' || !host) return false
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase()
  } catch {
    return false
  }
}

/** The site's origin as this request reached it, for absolute URIs in exports (CASE). */
export function siteOrigin(request: Request): string {
  const url = new URL(request.url)
  const host = request.headers.get('host')
  return host ? `${url.protocol}//${host}` : url.origin
}

/**
 * `Content-Disposition: attachment` with an ASCII fallback and the RFC 6266/8187 UTF-8 form, so
 * Japanese file names survive and no header injection is possible.
 */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120) || 'download'
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`
}

/** ISO string for a Date (JSON bodies never carry Date objects, so the shape matches the OpenAPI schema). */
export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null)
