import 'server-only'
import { getDb } from '../db/client'
import { DomainError } from '../errors'
import { audit } from '../auth/audit'
import { resolveFramework } from '../frameworks/registry'
import {
  applyRequirementEdits,
  baselineRequirements,
  diffRequirements,
  isEmptyDiff,
  type RequirementEdit,
} from './requirements'
import { edgeProblem } from './graph'
import type { CareerEdge, OrgRoleSpec, RequiredLevel, Requirement } from './types'

/**
 * Organisation roles and career paths in the database. Every function takes the acting viewer's
 * organisation id and only reads or writes that organisation's rows; ids from forms or the API cannot
 * reach another organisation. Each saved change bumps the role's version and keeps a snapshot.
 */

export type OrgRoleRecord = OrgRoleSpec & { frameworkKey: string; createdAt: Date; updatedAt: Date }
export type OrgRoleListItem = Omit<OrgRoleRecord, 'requirements'> & { requirementCount: number }

const roleSelect = {
  id: true,
  title: true,
  description: true,
  positionLevel: true,
  frameworkId: true,
  frameworkVersion: true,
  baselineWorkRoleId: true,
  version: true,
  archivedAt: true,
  createdAt: true,
  updatedAt: true,
} as const

type RoleRow = {
  id: string
  title: string
  description: string
  positionLevel: number | null
  frameworkId: string
  frameworkVersion: string
  baselineWorkRoleId: string | null
  version: number
  archivedAt: Date | null
  createdAt: Date
  updatedAt: Date
}

function toSpec(row: RoleRow, requirements: Requirement[]): OrgRoleRecord {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    positionLevel: row.positionLevel,
    frameworkId: row.frameworkId,
    frameworkVersion: row.frameworkVersion,
    frameworkKey: `${row.frameworkId}@${row.frameworkVersion}`,
    baselineWorkRoleId: row.baselineWorkRoleId,
    requirements,
    version: row.version,
    archived: row.archivedAt !== null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

const reqOf = (r: { statementId: string; level: number; weight: number }): Requirement => ({
  statementId: r.statementId,
  level: Math.min(4, Math.max(1, r.level)) as RequiredLevel,
  weight: r.weight,
})

/** Requirements are stored without order; they are returned tasks → knowledge → skills by id. */
function sortRequirements(reqs: Requirement[]): Requirement[] {
  const rank = (id: string) => (/^T/.test(id) ? 0 : /^K/.test(id) ? 1 : /^S/.test(id) ? 2 : 3)
  return reqs.sort(
    (a, b) =>
      rank(a.statementId) - rank(b.statementId) ||
      a.statementId.localeCompare(b.statementId, 'en', { numeric: true }),
  )
}

export async function listRoles(
  organizationId: string,
  opts: { includeArchived?: boolean } = {},
): Promise<OrgRoleListItem[]> {
  const rows = await getDb().orgRole.findMany({
    where: { organizationId, ...(opts.includeArchived ? {} : { archivedAt: null }) },
    orderBy: [{ archivedAt: 'asc' }, { positionLevel: 'asc' }, { title: 'asc' }],
    select: { ...roleSelect, _count: { select: { requirements: true } } },
  })
  return rows.map((r) => {
    const { requirements: _drop, ...spec } = toSpec(r, [])
    return { ...spec, requirementCount: r._count.requirements }
  })
}

/** Every role with its requirements (coverage, career paths, export). */
export async function listRolesWithRequirements(
  organizationId: string,
  opts: { includeArchived?: boolean } = {},
): Promise<OrgRoleRecord[]> {
  const rows = await getDb().orgRole.findMany({
    where: { organizationId, ...(opts.includeArchived ? {} : { archivedAt: null }) },
    orderBy: [{ positionLevel: 'asc' }, { title: 'asc' }],
    select: { ...roleSelect, requirements: { select: { statementId: true, level: true, weight: true } } },
  })
  return rows.map((r) => toSpec(r, sortRequirements(r.requirements.map(reqOf))))
}

export async function getRole(organizationId: string, roleId: string): Promise<OrgRoleRecord | null> {
  const row = await getDb().orgRole.findFirst({
    where: { id: roleId, organizationId },
    select: { ...roleSelect, requirements: { select: { statementId: true, level: true, weight: true } } },
  })
  return row ? toSpec(row, sortRequirements(row.requirements.map(reqOf))) : null
}

export type RoleDetailsInput = { title: string; description: string; positionLevel: number | null }

export type CreateRoleInput = RoleDetailsInput & {
  frameworkId: string
  frameworkVersion: string
  baselineWorkRoleId: string | null
  defaultLevel: RequiredLevel
}

async function snapshot(
  tx: Parameters<Parameters<ReturnType<typeof getDb>['$transaction']>[0]>[0],
  roleId: string,
  actorId: string,
) {
  const row = await tx.orgRole.findUniqueOrThrow({
    where: { id: roleId },
    select: { ...roleSelect, requirements: { select: { statementId: true, level: true, weight: true } } },
  })
  const spec = toSpec(row, sortRequirements(row.requirements.map(reqOf)))
  const { createdAt: _c, updatedAt: _u, frameworkKey: _k, ...data } = spec
  await tx.orgRoleVersion.create({
    data: { roleId, version: row.version, snapshot: JSON.stringify(data), changedById: actorId },
  })
}

export async function createRole(
  organizationId: string,
  actorId: string,
  input: CreateRoleInput,
): Promise<{ id: string }> {
  const fw = await resolveFramework(organizationId, input.frameworkId, input.frameworkVersion)
  if (!fw) throw new DomainError('INVALID', 'Unknown framework version', 'baseline')
  if (input.baselineWorkRoleId && !fw.workRoles.has(input.baselineWorkRoleId))
    throw new DomainError('INVALID', 'Unknown baseline work role', 'baseline')
  const requirements = input.baselineWorkRoleId
    ? baselineRequirements(fw, input.baselineWorkRoleId, input.defaultLevel)
    : []
  const db = getDb()
  const id = await db.$transaction(async (tx) => {
    const role = await tx.orgRole.create({
      data: {
        organizationId,
        title: input.title,
        description: input.description,
        positionLevel: input.positionLevel,
        frameworkId: fw.framework.id,
        frameworkVersion: fw.framework.version,
        baselineWorkRoleId: input.baselineWorkRoleId,
        requirements: { create: requirements },
      },
      select: { id: true },
    })
    await snapshot(tx, role.id, actorId)
    return role.id
  })
  await audit({ organizationId, actorId, action: 'role.create', target: id, detail: input.title })
  return { id }
}

export type UpdateRoleInput = RoleDetailsInput & { expectedVersion: number; edits: RequirementEdit[] }

/**
 * Saves details and requirement edits as the next version. Fails with CONFLICT when someone saved in
 * between (optimistic concurrency on `version`); saving without a change creates no version.
 */
export async function updateRole(
  organizationId: string,
  actorId: string,
  roleId: string,
  input: UpdateRoleInput,
): Promise<{ version: number; changed: boolean; unknown: string[] }> {
  const current = await getRole(organizationId, roleId)
  if (!current) throw new DomainError('NOT_FOUND', 'No such role')
  if (current.archived) throw new DomainError('CONFLICT', 'Archived roles cannot be edited; restore it first')
  if (current.version !== input.expectedVersion)
    throw new DomainError('CONFLICT', 'This role was changed by someone else; reload to see the new version')
  const fw = await resolveFramework(organizationId, current.frameworkId, current.frameworkVersion)
  if (!fw) throw new DomainError('CONFLICT', 'The role’s framework is no longer available')
  const { requirements, unknown } = applyRequirementEdits(current.requirements, input.edits, (id) =>
    fw.statements.has(id),
  )
  const detailsChanged =
    input.title !== current.title ||
    input.description !== current.description ||
    input.positionLevel !== current.positionLevel
  const diff = diffRequirements(current.requirements, requirements)
  if (!detailsChanged && isEmptyDiff(diff)) return { version: current.version, changed: false, unknown }
  const db = getDb()
  const next = current.version + 1
  await db.$transaction(async (tx) => {
    const res = await tx.orgRole.updateMany({
      where: { id: roleId, organizationId, version: current.version },
      data: {
        title: input.title,
        description: input.description,
        positionLevel: input.positionLevel,
        version: next,
      },
    })
    if (res.count !== 1)
      throw new DomainError(
        'CONFLICT',
        'This role was changed by someone else; reload to see the new version',
      )
    for (const r of diff.removed)
      await tx.orgRoleRequirement.delete({
        where: { roleId_statementId: { roleId, statementId: r.statementId } },
      })
    if (diff.added.length)
      await tx.orgRoleRequirement.createMany({
        data: diff.added.map((r) => ({
          roleId,
          statementId: r.statementId,
          level: r.level,
          weight: r.weight,
        })),
      })
    const byId = new Map(requirements.map((r) => [r.statementId, r]))
    for (const ch of [...diff.raised, ...diff.lowered, ...diff.reweighted]) {
      const r = byId.get(ch.statementId)!
      await tx.orgRoleRequirement.update({
        where: { roleId_statementId: { roleId, statementId: r.statementId } },
        data: { level: r.level, weight: r.weight },
      })
    }
    await snapshot(tx, roleId, actorId)
  })
  await audit({
    organizationId,
    actorId,
    action: 'role.update',
    target: roleId,
    detail: `v${next}: +${diff.added.length} −${diff.removed.length} ↑${diff.raised.length} ↓${diff.lowered.length}`,
  })
  return { version: next, changed: true, unknown }
}

export async function cloneRole(
  organizationId: string,
  actorId: string,
  roleId: string,
  title: string,
): Promise<{ id: string }> {
  const src = await getRole(organizationId, roleId)
  if (!src) throw new DomainError('NOT_FOUND', 'No such role')
  const db = getDb()
  const id = await db.$transaction(async (tx) => {
    const role = await tx.orgRole.create({
      data: {
        organizationId,
        title,
        description: src.description,
        positionLevel: src.positionLevel,
        frameworkId: src.frameworkId,
        frameworkVersion: src.frameworkVersion,
        baselineWorkRoleId: src.baselineWorkRoleId,
        requirements: {
          create: src.requirements.map((r) => ({
            statementId: r.statementId,
            level: r.level,
            weight: r.weight,
          })),
        },
      },
      select: { id: true },
    })
    await snapshot(tx, role.id, actorId)
    return role.id
  })
  await audit({ organizationId, actorId, action: 'role.clone', target: id, detail: `from ${roleId}` })
  return { id }
}

export async function setRoleArchived(
  organizationId: string,
  actorId: string,
  roleId: string,
  archived: boolean,
): Promise<void> {
  const res = await getDb().orgRole.updateMany({
    where: { id: roleId, organizationId },
    data: { archivedAt: archived ? new Date() : null },
  })
  if (res.count !== 1) throw new DomainError('NOT_FOUND', 'No such role')
  await audit({ organizationId, actorId, action: archived ? 'role.archive' : 'role.restore', target: roleId })
}

export type RoleVersion = { version: number; createdAt: Date; changedBy: string; spec: OrgRoleSpec }

export async function listRoleVersions(organizationId: string, roleId: string): Promise<RoleVersion[]> {
  const db = getDb()
  const role = await db.orgRole.findFirst({ where: { id: roleId, organizationId }, select: { id: true } })
  if (!role) return []
  const rows = await db.orgRoleVersion.findMany({ where: { roleId }, orderBy: { version: 'desc' } })
  const users = await db.user.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.changedById))] } },
    select: { id: true, name: true },
  })
  const names = new Map(users.map((u) => [u.id, u.name]))
  return rows.map((r) => ({
    version: r.version,
    createdAt: r.createdAt,
    changedBy: names.get(r.changedById) ?? '—',
    spec: JSON.parse(r.snapshot) as OrgRoleSpec,
  }))
}

export type CareerEdgeRecord = CareerEdge & { id: string }

export async function listCareerEdges(organizationId: string): Promise<CareerEdgeRecord[]> {
  return getDb().careerPathEdge.findMany({
    where: { organizationId },
    orderBy: { createdAt: 'asc' },
    select: { id: true, fromRoleId: true, toRoleId: true },
  })
}

export async function addCareerEdge(
  organizationId: string,
  actorId: string,
  edge: CareerEdge,
): Promise<{ id: string }> {
  const db = getDb()
  const roles = await db.orgRole.findMany({
    where: { organizationId, id: { in: [edge.fromRoleId, edge.toRoleId] }, archivedAt: null },
    select: { id: true },
  })
  const found = new Set(roles.map((r) => r.id))
  if (!found.has(edge.fromRoleId)) throw new DomainError('NOT_FOUND', 'No such role', 'fromRoleId')
  if (!found.has(edge.toRoleId)) throw new DomainError('NOT_FOUND', 'No such role', 'toRoleId')
  const problem = edgeProblem(await listCareerEdges(organizationId), edge)
  if (problem === 'self') throw new DomainError('INVALID', 'A role cannot lead to itself', 'toRoleId')
  if (problem === 'duplicate') throw new DomainError('CONFLICT', 'This step already exists', 'toRoleId')
  if (problem === 'cycle')
    throw new DomainError('CONFLICT', 'This step would make the career path go round in a circle', 'toRoleId')
  const row = await db.careerPathEdge.create({ data: { organizationId, ...edge }, select: { id: true } })
  await audit({
    organizationId,
    actorId,
    action: 'career.add',
    target: row.id,
    detail: `${edge.fromRoleId} → ${edge.toRoleId}`,
  })
  return row
}

export async function removeCareerEdge(
  organizationId: string,
  actorId: string,
  edgeId: string,
): Promise<void> {
  const res = await getDb().careerPathEdge.deleteMany({ where: { id: edgeId, organizationId } })
  if (res.count !== 1) throw new DomainError('NOT_FOUND', 'No such career step')
  await audit({ organizationId, actorId, action: 'career.remove', target: edgeId })
}
