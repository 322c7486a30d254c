import 'server-only'
import { getDb } from '../db/client'
import { listRolesWithRequirements, type OrgRoleRecord } from '../roles/store'
import { proficiency, readiness, type EvidenceRow } from './readiness'

/**
 * Readiness of many people at once (team heatmap, organisation overview, CSV export): one evidence
 * query for the whole group, then the pure rules of ./readiness.ts per person and role. Scoped to one
 * organisation; callers decide whose rows a viewer may see (team leads: their teams; HR: everyone).
 */
export type PersonReadiness = { userId: string; name: string; email: string; byRole: Map<string, number> }

export async function readinessOf(
  organizationId: string,
  people: ReadonlyArray<{ id: string; name: string; email: string }>,
  roles?: OrgRoleRecord[],
): Promise<{ roles: OrgRoleRecord[]; people: PersonReadiness[] }> {
  const rs = roles ?? (await listRolesWithRequirements(organizationId))
  const rows = await getDb().evidence.findMany({
    where: { organizationId, userId: { in: people.map((p) => p.id) } },
    select: {
      id: true,
      userId: true,
      statementId: true,
      frameworkId: true,
      level: true,
      kind: true,
      createdAt: true,
    },
  })
  const byUser = new Map<string, EvidenceRow[]>()
  for (const r of rows) (byUser.get(r.userId) ?? byUser.set(r.userId, []).get(r.userId)!).push(r)
  const now = new Date()
  return {
    roles: rs,
    people: people.map((p) => {
      const ev = byUser.get(p.id) ?? []
      const byFramework = new Map<string, ReturnType<typeof proficiency>>()
      const byRole = new Map<string, number>()
      for (const role of rs) {
        let prof = byFramework.get(role.frameworkId)
        if (!prof)
          byFramework.set(role.frameworkId, (prof = proficiency(ev, { now, frameworkId: role.frameworkId })))
        byRole.set(role.id, readiness(role.requirements, prof).share)
      }
      return { userId: p.id, name: p.name, email: p.email, byRole }
    }),
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

/** Readiness buckets for a distribution: [0, 25), [25, 50), [50, 80), [80, 100]. */
export const BUCKETS = [0, 0.25, 0.5, 0.8] as const
export function bucketOf(share: number): number {
  let b = 0
  BUCKETS.forEach((min, i) => {
    if (share >= min) b = i
  })
  return b
}
