/**
 * Access rule for every page and route handler under app/, by URL pattern. Pure.
 * `lib/auth/routes.test.ts` fails when a page or route file exists without a rule here (or a rule
 * names a route that no longer exists), and the end-to-end authorization test requests every route as
 * every role and compares the answer with `expectedAccess`. The pages and handlers enforce the same
 * rule on the server through `requirePage()` / `requireApi()`; the proxy only redirects early.
 */
import { can, type Permission, type Role } from './rbac'

export type RouteRule =
  { access: 'public' } | { access: 'signed-in' } | { access: 'permission'; permission: Permission }

const P = (permission: Permission): RouteRule => ({ access: 'permission', permission })

export const ROUTE_RULES = {
  '/': { access: 'public' },
  '/signin': { access: 'public' },
  '/invite/[token]': { access: 'public' },
  '/settings': P('profile:edit'),
  '/learn': P('home:learner'),
  '/exec': P('home:executive'),
  '/team': P('home:manager'),
  '/team/people/[userId]': P('team:view'),
  '/hr': P('home:hr'),
  '/hr/report': P('org:readiness'),
  '/admin': P('home:admin'),
  '/admin/users': P('users:manage'),
  '/admin/users/[userId]': P('users:manage'),
  '/admin/teams': P('users:manage'),
  '/frameworks': P('frameworks:read'),
  '/frameworks/[frameworkId]/roles/[roleId]': P('frameworks:read'),
  '/frameworks/import': P('roles:edit'),
  '/frameworks/import/[draftId]': P('roles:edit'),
  '/roles': P('roles:read'),
  '/roles/new': P('roles:edit'),
  '/roles/[roleId]': P('roles:read'),
  '/roles/[roleId]/edit': P('roles:edit'),
  '/career-paths': P('roles:read'),
  '/coverage': P('roles:read'),
  '/coverage/[roleId]': P('roles:read'),
  '/admin/api-tokens': P('users:manage'),
  '/progress': P('learn:use'),
  '/learn/curricula': P('learn:use'),
  '/learn/curricula/[curriculumId]': P('learn:use'),
  '/learn/modules/[moduleId]': P('learn:use'),
  '/briefings': P('brief:use'),
  '/briefings/[briefingId]': P('brief:use'),
  '/certificates/[kind]/[itemId]': { access: 'signed-in' },
  '/labs': P('lab:use'),
  '/labs/[labId]': P('lab:use'),
  '/api/labs/sessions/[sessionId]': P('lab:use'),
  '/api/health': { access: 'public' },
  '/api/progress/readiness': P('org:readiness'),
  // xAPI 1.0.3 LRS read endpoint (docs/xapi.md): everyone signed in, scoped in the handler (own
  // statements; team leads their teams; org:readiness the organisation). Session or bearer token.
  '/api/xapi/statements': { access: 'signed-in' },
  '/api/xapi/about': { access: 'public' },
  // The JSON API for HR systems (docs/api.md, /api/v1/openapi.json). GET needs the permission below;
  // writing methods additionally need roles:edit (checked in the handler). Bearer tokens or a session.
  '/api/v1/openapi.json': { access: 'public' },
  '/api/v1/frameworks': P('frameworks:read'),
  '/api/v1/frameworks/[frameworkId]/[version]': P('frameworks:read'),
  '/api/v1/frameworks/[frameworkId]/[version]/statements': P('frameworks:read'),
  '/api/v1/frameworks/imports': P('roles:edit'),
  '/api/v1/roles': P('roles:read'),
  '/api/v1/roles/export': P('roles:read'),
  '/api/v1/roles/[roleId]': P('roles:read'),
  '/api/v1/career-paths': P('roles:read'),
  '/api/v1/career-paths/[edgeId]': P('roles:edit'),
  // Open Badges 3.0: public verification page and documents (lib/badges); HR revokes on /badges.
  '/badges': P('badges:manage'),
  '/badges/[credentialId]': { access: 'public' },
  '/api/badges/[credentialId]': { access: 'public' },
  '/api/badges/[credentialId]/jwt': { access: 'public' },
  '/api/badges/issuers/[orgId]': { access: 'public' },
  '/api/badges/issuers/[orgId]/keys/[kid]': { access: 'public' },
  '/api/badges/revocations/[orgId]': { access: 'public' },
  '/api/badges/achievements/[kind]/[ref]': { access: 'public' },
  // Exercise days (CYDER, lib/exercises): members see their exercises and team; instructors run them
  // (scoped to their organisation in the store). The SSE streams follow the page they feed.
  '/exercises': P('lab:use'),
  '/exercises/new': P('exercise:run'),
  '/exercises/[exerciseId]': P('exercise:run'),
  '/exercises/[exerciseId]/team': P('lab:use'),
  '/exercises/[exerciseId]/debrief': P('exercise:run'),
  '/api/exercises/[exerciseId]/events': P('exercise:run'),
  '/api/exercises/[exerciseId]/team/events': P('lab:use'),
  '/api/exercises/[exerciseId]/debrief.csv': P('exercise:run'),
  '/api/auth/[...nextauth]': { access: 'public' },
  '/api/me': { access: 'signed-in' },
} as const satisfies Record<string, RouteRule>

export type RoutePattern = keyof typeof ROUTE_RULES

/** What a visitor with `role` (undefined = signed out) should get from a route. */
export function expectedAccess(rule: RouteRule, role: Role | undefined): 'allow' | 'signin' | 'forbidden' {
  if (rule.access === 'public') return 'allow'
  if (!role) return 'signin'
  if (rule.access === 'signed-in') return 'allow'
  return can(role, rule.permission) ? 'allow' : 'forbidden'
}

/** Converts an app/ file path (e.g. `app/(app)/admin/users/page.tsx`) to its URL pattern. */
export function routePatternOf(file: string): string {
  const parts = file
    .replace(/\\/g, '/')
    .replace(/^app\//, '')
    .split('/')
    .slice(0, -1)
    .filter((p) => !(p.startsWith('(') && p.endsWith(')')) && !p.startsWith('@'))
  return '/' + parts.join('/')
}
