import 'server-only'
import { getDb } from '../db/client'
import { listRolesWithRequirements, type OrgRoleRecord } from '../roles/store'
import { readinessMatrix } from './cache'

/**
 * Readiness of many people at once (team heatmap, CSV export), through the precomputed cache of
 * ./cache.ts (computed from evidence with the pure rules of ./readiness.ts where missing). Scoped to one
 * organisation; callers decide whose rows a viewer may see (team leads: their teams; HR: everyone).
 */
export type PersonReadiness = { userId: string; name: string; email: string; byRole: Map<string, number> }

export async function readinessOf(
  organizationId: string,
  people: ReadonlyArray<{ id: string; name: string; email: string }>,
  roles?: OrgRoleRecord[],
): Promise<{ roles: OrgRoleRecord[]; people: PersonReadiness[] }> {
  const rs = roles ?? (await listRolesWithRequirements(organizationId))
  const matrix = await readinessMatrix(
    organizationId,
    people.map((p) => p.id),
    rs,
  )
  return {
    roles: rs,
    people: people.map((p) => ({
      userId: p.id,
      name: p.name,
      email: p.email,
      byRole: new Map(rs.map((r) => [r.id, matrix.get(p.id)?.get(r.id)?.share ?? 0])),
    })),
  }
}

/** Everyone in the organisation (not disabled), for the HR overview and export. */
export async function organisationPeople(organizationId: string) {
  const rows = await getDb().membership.findMany({
    where: { organizationId, user: { disabled: false } },
    select: { user: { select: { id: true, name: true, email: true } } },
    orderBy: { user: { name: 'asc' } },
  })
  return rows.map((r) => r.user)
}

export { BUCKETS, bucketOf } from './buckets'
