import 'server-only'
import { cache } from 'react'
import { getServerSession } from 'next-auth'
import { forbidden, redirect } from 'next/navigation'
import { loadViewerById, type ViewerRecord } from './viewer-store'
import { authOptions } from './options'
import { can, type Permission } from './rbac'
import { ROUTE_RULES, type RoutePattern } from './routes'
import { ACTION_RULES, type ActionName } from './actions'
import { verifyApiToken } from '../api/tokens'
import { apiError, isSameOrigin, isUnsafeMethod } from '../api/http'

/**
 * The signed-in person as every page and action sees them. Role and organisation come from the DB.
 *
 * A request to /api/v1 may instead authenticate with an API token (lib/api/tokens.ts). Its principal
 * has the same shape, so handlers treat both alike: `id` is the token's creator (writes are attributed
 * to them), the organisation is the token's, and `via: 'token'` plus `permissions` say exactly what the
 * token may do. `role` is then only the nearest built-in role (read → learner, write → hr) for code that
 * displays it; permission checks must go through viewerCan(), which uses `permissions` when present.
 */
export type Viewer = ViewerRecord & {
  via?: 'session' | 'token'
  permissions?: readonly Permission[]
  tokenId?: string
}

/** Whether the viewer holds `permission`: a token principal only what its scope grants, others by role. */
export function viewerCan(viewer: Viewer, permission: Permission): boolean {
  if (viewer.permissions) return viewer.permissions.includes(permission)
  return can(viewer.role, permission)
}

/** The current viewer, or null when signed out (or disabled, or without a valid membership). */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  const session: { userId?: string } | null = await getServerSession(authOptions())
  const userId = session?.userId
  if (!userId) return null
  return loadViewerById(userId)
})

/**
 * Guard for a page: enforces the rule of `pattern` from lib/auth/routes.ts. Signed-out visitors are
 * sent to sign in; signed-in visitors without the permission get the 403 page.
 */
export async function requirePage(pattern: RoutePattern): Promise<Viewer> {
  const rule = ROUTE_RULES[pattern]
  const viewer = await getViewer()
  if (!viewer) redirect(`/signin?callbackUrl=${encodeURIComponent(pattern.includes('[') ? '/' : pattern)}`)
  if (rule.access === 'permission' && !can(viewer.role, rule.permission)) forbidden()
  return viewer
}

export type RequireApiOptions = {
  /** The incoming request: enables bearer tokens and, for writing methods, the Origin check. */
  request?: Request
  /** The handler changes data: additionally needs roles:edit (session) or a `write` token. */
  write?: boolean
}

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i

/**
 * Guard for a route handler: returns the viewer or a JSON error response (401/403), enforcing the
 * rule of `pattern` from lib/auth/routes.ts.
 *
 * With `opts.request` carrying `Authorization: Bearer <token>`, the token is the only credential
 * considered (a session cookie on the same request is ignored, and an invalid token is a 401, never a
 * fall-back to the cookie); the session is not consulted at all. Otherwise the session cookie is used,
 * and a cookie-authenticated writing method (anything but GET/HEAD/OPTIONS) must carry this site's
 * Origin: cookies are ambient credentials a foreign page could make the browser send, tokens are not.
 * `write: true` additionally requires roles:edit.
 */
export async function requireApi(
  pattern: RoutePattern,
  opts: RequireApiOptions = {},
): Promise<Viewer | Response> {
  const rule = ROUTE_RULES[pattern]
  const { request, write = false } = opts
  if (write && !request) throw new Error(`requireApi('${pattern}'): write needs the request (Origin check)`)
  const authorization = request?.headers.get('authorization')
  const bearer = authorization ? BEARER.exec(authorization)?.[1] : undefined
  const challenge = (error?: string) => ({
    'WWW-Authenticate': `Bearer realm="kenshu"${error ? `, error="${error}"` : ''}`,
  })

  let viewer: Viewer
  if (bearer !== undefined || (authorization && /^bearer\b/i.test(authorization))) {
    const principal = bearer ? await verifyApiToken(bearer) : null
    if (!principal)
      return apiError(401, 'invalid_token', 'The API token is unknown, revoked or malformed', {
        headers: challenge('invalid_token'),
      })
    viewer = {
      id: principal.userId,
      email: principal.userEmail,
      name: `API token “${principal.tokenName}”`,
      locale: null,
      role: principal.scope === 'write' ? 'hr' : 'learner',
      organizationId: principal.organizationId,
      organizationName: principal.organizationName,
      via: 'token',
      permissions: principal.permissions,
      tokenId: principal.tokenId,
    }
  } else {
    // Without a Cookie header there is no session to look up (and, outside Next's request scope, as in
    // the integration tests, the session lookup could not run at all).
    const session = request && !request.headers.has('cookie') ? null : await getViewer()
    if (!session)
      return request
        ? apiError(401, 'unauthenticated', 'Sign in or send Authorization: Bearer <token>', {
            headers: challenge(),
          })
        : Response.json({ error: 'unauthenticated' }, { status: 401 })
    if (request && isUnsafeMethod(request.method) && !isSameOrigin(request))
      return apiError(403, 'bad_origin', 'Cross-site request refused: Origin must be this site')
    viewer = { ...session, via: 'session' }
  }
  const missing =
    rule.access === 'permission' && !viewerCan(viewer, rule.permission)
      ? rule.permission
      : write && !viewerCan(viewer, 'roles:edit')
        ? 'roles:edit'
        : null
  if (missing) {
    if (!request) return Response.json({ error: 'forbidden' }, { status: 403 })
    return apiError(
      403,
      'forbidden',
      viewer.via === 'token'
        ? `This token's scope does not include ${missing}`
        : `Your role does not include ${missing}`,
      viewer.via === 'token' ? { headers: challenge('insufficient_scope') } : {},
    )
  }
  return viewer
}

/**
 * requireApi bound to one request, for the /api/v1 handlers:
 * `await withRequest(request, { write: true }).requireApi('/api/v1/roles')`. Keeps the literal
 * `requireApi('<pattern>')` in every handler, which lib/auth/routes.test.ts checks.
 */
export function withRequest(request: Request, opts: { write?: boolean } = {}) {
  return {
    requireApi: (pattern: RoutePattern): Promise<Viewer | Response> =>
      requireApi(pattern, { ...opts, request }),
  }
}

export class ActionDenied extends Error {
  constructor(readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN') {
    super(code)
  }
}

/**
 * Guard for a server action (a public POST endpoint): the permission comes from ACTION_RULES by name.
 * Throws ActionDenied; `runAction` turns it into a `{ ok: false, code }` result.
 */
export async function requireAction(name: ActionName): Promise<Viewer> {
  const permission: Permission | null = ACTION_RULES[name]
  const viewer = await getViewer()
  if (!viewer) throw new ActionDenied('UNAUTHENTICATED')
  if (permission && !can(viewer.role, permission)) throw new ActionDenied('FORBIDDEN')
  return viewer
}
