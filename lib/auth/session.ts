import 'server-only'
import { cache } from 'react'
import { getServerSession } from 'next-auth'
import { forbidden, redirect } from 'next/navigation'
import { loadViewerById, type ViewerRecord } from './viewer-store'
import { authOptions } from './options'
import { can, type Permission } from './rbac'
import { ROUTE_RULES, type RoutePattern } from './routes'
import { ACTION_RULES, type ActionName } from './actions'

/** The signed-in person as every page and action sees them. Role and organisation come from the DB. */
export type Viewer = ViewerRecord

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

/** Guard for a route handler: returns the viewer or a JSON error response (401/403). */
export async function requireApi(pattern: RoutePattern): Promise<Viewer | Response> {
  const rule = ROUTE_RULES[pattern]
  const viewer = await getViewer()
  if (!viewer) return Response.json({ error: 'unauthenticated' }, { status: 401 })
  if (rule.access === 'permission' && !can(viewer.role, rule.permission))
    return Response.json({ error: 'forbidden' }, { status: 403 })
  return viewer
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
