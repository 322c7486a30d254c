import 'server-only'
import { listFrameworks, listOrgFrameworks, resolveFramework } from '../frameworks/registry'
import type { FrameworkIndex } from '../frameworks/catalog'
import type { Attribution, Framework } from '../frameworks/schema'
import { frameworkToCase, orgRolesToCase, orgRolesToCsv } from '../frameworks/case'
import {
  getRole,
  listCareerEdges,
  listRolesWithRequirements,
  type OrgRoleListItem,
  type OrgRoleRecord,
} from '../roles/store'
import { careerStepDelta } from '../roles/requirements'
import { env } from '../env'
import { iso, siteOrigin } from './http'
import type { z } from 'zod'
import type {
  CareerPathSchema,
  FrameworkSummarySchema,
  RoleDetailSchema,
  RoleListItemSchema,
} from './schemas'

/**
 * Turns store records into the JSON shapes of /api/v1 (lib/api/schemas.ts), so the route handlers
 * stay thin and the shapes live in one place. Reads only; every function is scoped to one organisation.
 */

type FrameworkSummaryOut = z.output<typeof FrameworkSummarySchema>
type RoleListItemOut = z.output<typeof RoleListItemSchema>
type RoleDetailOut = z.output<typeof RoleDetailSchema>
type CareerPathOut = z.output<typeof CareerPathSchema>

export async function frameworkSummaries(organizationId: string): Promise<FrameworkSummaryOut[]> {
  const list = await listFrameworks(organizationId)
  const out: FrameworkSummaryOut[] = []
  for (const f of list) {
    const index = await resolveFramework(organizationId, f.id, f.version)
    // listFrameworks and resolveFramework read the same rows; a miss would mean a concurrent change.
    if (index) out.push({ ...f, attribution: index.framework.attribution })
  }
  return out
}

/**
 * lastChangeDateTime of a framework's CASE export. Exports are deterministic (same framework ⇒ same
 * bytes), so this must not be "now": an organisation's standard uses its publication time; a shipped
 * framework version is immutable content whose date the data does not carry, so a fixed instant.
 */
const BUILTIN_CHANGE_TIME = '2000-01-01T00:00:00Z'

export async function frameworkChangeTime(organizationId: string, index: FrameworkIndex): Promise<string> {
  const own = (await listOrgFrameworks(organizationId)).find(
    (f) =>
      f.frameworkId === index.framework.id &&
      f.version === index.framework.version &&
      f.status === 'published',
  )
  return own?.publishedAt ? own.publishedAt.toISOString() : BUILTIN_CHANGE_TIME
}

/**
 * Base of the `uri` fields in CASE exports: the configured public URL (NEXTAUTH_URL) when there is
 * one, so URIs stay the same whichever host name a client used; else the origin the request reached.
 */
export function caseBaseUri(request: Request): string {
  const configured = env().NEXTAUTH_URL
  return `${configured ? new URL(configured).origin : siteOrigin(request)}/case`
}

export function frameworkCase(fw: Framework, baseUri: string, lastChangeDateTime: string) {
  return frameworkToCase(fw, { baseUri, lastChangeDateTime })
}

/**
 * Attribution as response headers, for the formats that have no place for it in the body (CSV).
 * Header values must be Latin-1, so the text is percent-encoded (RFC 8187 style); licence and source
 * also go in standard `Link` relations.
 */
export function attributionHeaders(attributions: ReadonlyArray<Attribution>): Record<string, string> {
  if (!attributions.length) return {}
  const links = attributions.flatMap((a) => [
    ...(a.licenceUrl ? [`<${encodeURI(a.licenceUrl)}>; rel="license"`] : []),
    ...(a.sourceUrl ? [`<${encodeURI(a.sourceUrl)}>; rel="cite-as"`] : []),
  ])
  return {
    'Kenshu-Attribution': attributions
      .map((a) => encodeURIComponent(`${a.text} Licence: ${a.licence}`))
      .join(', '),
    ...(links.length ? { Link: links.join(', ') } : {}),
  }
}

function roleListItem(
  r: Omit<OrgRoleListItem, 'requirementCount'>,
  requirementCount: number,
): RoleListItemOut {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    positionLevel: r.positionLevel,
    framework: { id: r.frameworkId, version: r.frameworkVersion, key: r.frameworkKey },
    baselineWorkRoleId: r.baselineWorkRoleId,
    version: r.version,
    archived: r.archived,
    requirementCount,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }
}

export function presentRoleListItem(r: OrgRoleListItem): RoleListItemOut {
  return roleListItem(r, r.requirementCount)
}

export function presentRole(role: OrgRoleRecord, fw: FrameworkIndex | undefined): RoleDetailOut {
  return {
    ...roleListItem(role, role.requirements.length),
    requirements: role.requirements.map((q) => {
      const s = fw?.statements.get(q.statementId)
      return {
        statementId: q.statementId,
        type: s?.type ?? null,
        text: s?.text ?? null,
        level: q.level,
        weight: q.weight,
      }
    }),
    attribution: fw?.framework.attribution ?? null,
  }
}

/** A role with statement texts from its framework, or null when the organisation has no such role. */
export async function roleDetail(organizationId: string, roleId: string): Promise<RoleDetailOut | null> {
  const role = await getRole(organizationId, roleId)
  if (!role) return null
  return presentRole(role, await resolveFramework(organizationId, role.frameworkId, role.frameworkVersion))
}

/** Resolves each distinct framework version the roles use (missing ones are left out). */
async function frameworksOf(
  organizationId: string,
  roles: ReadonlyArray<OrgRoleRecord>,
): Promise<Map<string, FrameworkIndex>> {
  const out = new Map<string, FrameworkIndex>()
  for (const r of roles) {
    if (out.has(r.frameworkKey)) continue
    const fw = await resolveFramework(organizationId, r.frameworkId, r.frameworkVersion)
    if (fw) out.set(r.frameworkKey, fw)
  }
  return out
}

/**
 * Every career step with both roles' titles and what the step asks for (careerStepDelta: statements
 * the next role adds, and those it requires at a higher level). Archived roles are included so an
 * edge never points at a role the caller cannot name.
 */
export async function careerPaths(organizationId: string, only?: string): Promise<CareerPathOut[]> {
  const [edges, roles] = await Promise.all([
    listCareerEdges(organizationId),
    listRolesWithRequirements(organizationId, { includeArchived: true }),
  ])
  const byId = new Map(roles.map((r) => [r.id, r]))
  const frameworks = await frameworksOf(organizationId, roles)
  const out: CareerPathOut[] = []
  for (const e of edges) {
    if (only !== undefined && e.id !== only) continue
    const from = byId.get(e.fromRoleId)
    const to = byId.get(e.toRoleId)
    if (!from || !to) continue // the edge rows cascade with their roles; this is a concurrent delete
    const delta = careerStepDelta(from, to)
    const fw = frameworks.get(to.frameworkKey)
    const statement = (id: string) => fw?.statements.get(id)
    out.push({
      id: e.id,
      fromRoleId: e.fromRoleId,
      toRoleId: e.toRoleId,
      from: { id: from.id, title: from.title, archived: from.archived },
      to: { id: to.id, title: to.title, archived: to.archived },
      adds: delta.added.map((q) => ({
        statementId: q.statementId,
        type: statement(q.statementId)?.type ?? null,
        text: statement(q.statementId)?.text ?? null,
        level: q.level,
      })),
      raises: delta.raised.map((q) => ({
        statementId: q.statementId,
        type: statement(q.statementId)?.type ?? null,
        text: statement(q.statementId)?.text ?? null,
        from: q.from,
        to: q.to,
      })),
    })
  }
  return out
}

/**
 * The organisation's roles and career paths for export (CASE 1.1 or CSV). Active roles only unless
 * `includeArchived`; career steps are kept when both ends are exported. lastChangeDateTime is the
 * newest role change, so an unchanged catalogue exports byte-identically (career-path edits do not
 * move it: edges carry no timestamp of their own in the export).
 */
export async function exportRoles(
  organization: { id: string; name: string },
  opts: { format: 'case' | 'csv'; includeArchived: boolean; baseUri: string },
): Promise<{ body: string; attributions: Attribution[] }> {
  const roles = await listRolesWithRequirements(organization.id, { includeArchived: opts.includeArchived })
  const fwMap = await frameworksOf(organization.id, roles)
  // A role whose framework vanished cannot be exported faithfully; it is left out rather than failing all.
  const exportable = roles.filter((r) => fwMap.has(r.frameworkKey))
  const ids = new Set(exportable.map((r) => r.id))
  const edges = (await listCareerEdges(organization.id))
    .filter((e) => ids.has(e.fromRoleId) && ids.has(e.toRoleId))
    .map((e) => ({ fromRoleId: e.fromRoleId, toRoleId: e.toRoleId }))
  const frameworks = [...fwMap.values()].map((f) => f.framework)
  const specs = exportable.map(({ createdAt: _c, updatedAt: _u, frameworkKey: _k, ...spec }) => spec)
  const attributions = frameworks.map((f) => f.attribution)
  if (opts.format === 'csv') return { body: orgRolesToCsv({ roles: specs, frameworks }), attributions }
  const newest = exportable.reduce<Date | null>(
    (max, r) => (!max || r.updatedAt > max ? r.updatedAt : max),
    null,
  )
  const pkg = orgRolesToCase(
    { organization, roles: specs, careerPaths: edges, frameworks },
    { baseUri: opts.baseUri, lastChangeDateTime: iso(newest) ?? BUILTIN_CHANGE_TIME },
  )
  return { body: JSON.stringify(pkg), attributions }
}
