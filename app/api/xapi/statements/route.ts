import { withRequest, type Viewer } from '@/lib/auth/session'
import { apiError, apiHandler, json } from '@/lib/api/http'
import { parseStatementQuery } from '@/lib/xapi/query'
import { consistentThrough, getStatement, queryStatements, xapiScopeFor } from '@/lib/xapi/store'
import { XAPI_VERSION } from '@/lib/xapi/statement'

export const dynamic = 'force-dynamic'

/** Adds the xAPI headers to every answer (including the guard's 401/403 and 400s). */
function withXapiHeaders(res: Response): Response {
  try {
    res.headers.set('X-Experience-API-Version', XAPI_VERSION)
    return res
  } catch {
    const copy = new Response(res.body, res)
    copy.headers.set('X-Experience-API-Version', XAPI_VERSION)
    return copy
  }
}

/** Preferred languages from Accept-Language, best first (for format=canonical). */
function languagesOf(request: Request): string[] {
  const header = request.headers.get('accept-language') ?? ''
  const tags = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';')
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean)
      return { tag: tag?.trim() ?? '', q: q ? Number(q) : 1 }
    })
    .filter((t) => /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(t.tag) && t.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((t) => t.tag)
  return tags.length ? tags : ['en-US']
}

async function handle(request: Request): Promise<Response> {
  // A client speaking another xAPI version than 1.0.x gets 400 (spec); browsers send no header.
  const version = request.headers.get('x-experience-api-version')
  if (version !== null && !/^1\.0(\.\d+)?$/.test(version.trim()))
    return apiError(
      400,
      'bad_request',
      `Unsupported X-Experience-API-Version '${version}': this LRS speaks 1.0.3`,
    )

  const viewer: Viewer | Response = await withRequest(request).requireApi('/api/xapi/statements')
  if (viewer instanceof Response) return viewer
  const scope = await xapiScopeFor(viewer)
  if (!scope)
    return apiError(
      403,
      'forbidden',
      "This token's scope does not include org:readiness (needed to read xAPI statements)",
    )

  const parsed = parseStatementQuery(new URL(request.url).searchParams)
  if (!parsed.ok) return apiError(400, 'bad_request', parsed.error)
  const filters = parsed.filters
  const through = consistentThrough()
  const headers = { 'X-Experience-API-Consistent-Through': through.toISOString() }
  const opts = { languages: languagesOf(request) }

  if (filters.statementId || filters.voidedStatementId) {
    // Nothing is ever voided here; a statement outside the reader's scope is indistinguishable from none.
    const s = filters.statementId
      ? await getStatement(scope, filters.statementId, filters.format ?? 'exact', opts)
      : null
    if (!s) return apiError(404, 'not_found', 'No such statement', { headers })
    return json(s, { headers: { ...headers, 'Last-Modified': new Date(s.stored!).toUTCString() } })
  }
  return json(await queryStatements(scope, filters, opts), { headers })
}

const wrapped = apiHandler(async (request: Request) => withXapiHeaders(await handle(request)))

/**
 * xAPI 1.0.3 GET Statements (docs/xapi.md): the statements the viewer may read — the organisation with
 * org:readiness, the teams they lead with team:view, else their own — filtered as the spec describes,
 * newest first, paged with the `more` IRL. Session cookie or API bearer token.
 */
export async function GET(request: Request): Promise<Response> {
  return withXapiHeaders(await wrapped(request, undefined))
}

/** HEAD: the same answer without a body (the spec requires HEAD wherever GET is supported). */
export async function HEAD(request: Request): Promise<Response> {
  const res = await GET(request)
  return new Response(null, { status: res.status, headers: res.headers })
}
