import 'server-only'
import { getDb } from '../db/client'
import { listCareerEdges, listRolesWithRequirements, type OrgRoleRecord } from '../roles/store'
import { READY_SHARE } from './buckets'
import { organisationOverview, readinessMatrix, type RoleOverview } from './cache'

/**
 * The HR view of the whole organisation (the /hr page and the printable report): readiness per role
 * from the precomputed cache, and the pipeline of every career step — who holds the step's starting
 * role and is at least 80 % ready for the next one.
 */
export type PipelineStep = {
  edgeId: string
  from: OrgRoleRecord
  to: OrgRoleRecord
  holders: number
  ready: Array<{ userId: string; name: string; share: number }>
}

export type OrgReadiness = {
  people: number
  roles: OrgRoleRecord[]
  perRole: Array<RoleOverview & { role: OrgRoleRecord }>
  pipeline: PipelineStep[]
  computedAt: Date
}

export async function orgReadiness(organizationId: string): Promise<OrgReadiness> {
  const [members, roles, edges] = await Promise.all([
    getDb().membership.findMany({
      where: { organizationId, user: { disabled: false } },
      select: { userId: true, currentRoleId: true },
    }),
    listRolesWithRequirements(organizationId),
    listCareerEdges(organizationId),
  ])
  const ids = members.map((m) => m.userId)
  const overview = await organisationOverview(organizationId, ids, roles)
  const byRole = new Map(roles.map((r) => [r.id, r]))
  const holders = members.filter((m) => m.currentRoleId !== null)
  const pipeline: PipelineStep[] = []
  for (const e of edges) {
    const from = byRole.get(e.fromRoleId)
    const to = byRole.get(e.toRoleId)
    if (!from || !to) continue
    const inRole = holders.filter((h) => h.currentRoleId === from.id).map((h) => h.userId)
    const m = await readinessMatrix(organizationId, inRole, [to])
    const readyIds = inRole.filter((userId) => (m.get(userId)?.get(to.id)?.share ?? 0) >= READY_SHARE)
    const names = await getDb().user.findMany({
      where: { id: { in: readyIds } },
      select: { id: true, name: true },
    })
    const ready = names
      .map((u) => ({ userId: u.id, name: u.name, share: m.get(u.id)?.get(to.id)?.share ?? 0 }))
      .sort((a, b) => b.share - a.share || a.name.localeCompare(b.name))
    pipeline.push({ edgeId: e.id, from, to, holders: inRole.length, ready })
  }
  return {
    people: ids.length,
    roles,
    perRole: overview.map((o) => ({ ...o, role: byRole.get(o.roleId)! })),
    pipeline,
    computedAt: new Date(),
  }
}
