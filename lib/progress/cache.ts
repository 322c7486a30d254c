import 'server-only'
import { isUniqueViolation } from '../db/errors'
import { getDb } from '../db/client'
import { Prisma } from '../db/generated/sqlite/client'
import type { OrgRoleRecord } from '../roles/store'
import { DEFAULT_STALE_AFTER_DAYS, proficiency, readiness, type EvidenceRow } from './readiness'
import { BUCKETS, bucketOf } from './buckets'

/**
 * Precomputed readiness (RoleReadiness rows) so that a manager's heatmap and the organisation overview
 * read a few thousand small rows instead of every piece of evidence of every person.
 *
 * Correctness rules — the cache is never the source of truth, evidence is:
 * - A row is valid while its role version equals the role's current version, `validUntil` (the
 *   moment the oldest evidence it counted turns stale) is in the future, and the person's membership
 *   is not marked `readinessStale`.
 * - Recording evidence marks the membership stale in the same transaction (`invalidate`: one row, so
 *   recording stays cheap) and again after commit.
 * - A computation of all the organisation's roles clears the mark with its rows. It notes the time
 *   before it reads evidence; afterwards it looks for the person's evidence created since then (minus
 *   a margin for clock skew between instances and long transactions) that it did not read, and marks
 *   them stale again. Either the computation saw the new evidence, or the evidence's mark commits
 *   after the clear, or the re-check sees the evidence: no interleaving leaves a stale cell valid.
 * Nothing is held in process memory, so several web instances share the cache through the database.
 */
type Tx = Prisma.TransactionClient
export type Cell = { share: number; met: number; total: number }
export type Matrix = Map<string, Map<string, Cell>>


const SKEW_MS = 10_000
const CHUNK = 400

/** Marks a person's precomputed readiness out of date (after new evidence). */
export async function invalidate(userId: string, organizationId: string, tx?: Tx): Promise<void> {
  await (tx ?? getDb()).membership.updateMany({
    where: { userId, organizationId },
    data: { readinessStale: true },
  })
}

/**
 * Multi-row INSERTs (≤ 1,000 rows, 10 parameters each: under SQLite's and PostgreSQL's limits).
 * Prisma's createMany costs ≈ 0.25 ms per row with the client engine; one statement per 1,000 rows
 * stores a whole team's or organisation's cells in a fraction of that. Dates go through the same
 * driver adapter serialisation as every other query, so typed reads compare them as usual.
 */
function insertRows(data: RowData[]) {
  const db = getDb()
  return chunks(data, 1000).map(
    (rows) =>
      db.$executeRaw`INSERT INTO "RoleReadiness" ("userId", "orgRoleId", "organizationId", "roleVersion", "share", "bucket", "met", "total", "validUntil", "computedAt") VALUES ${Prisma.join(
        rows.map(
          (r) =>
            Prisma.sql`(${r.userId}, ${r.orgRoleId}, ${r.organizationId}, ${r.roleVersion}, ${r.share}, ${r.bucket}, ${r.met}, ${r.total}, ${r.validUntil}, ${r.computedAt})`,
        ),
      )}`,
  )
}
type RowData = {
  userId: string
  orgRoleId: string
  organizationId: string
  roleVersion: number
  share: number
  bucket: number
  met: number
  total: number
  validUntil: Date
  computedAt: Date
}

function chunks<T>(xs: ReadonlyArray<T>, n = CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n))
  return out
}

/** Computes and stores readiness of `userIds` for `roles`; returns the computed cells. */
async function compute(organizationId: string, userIds: string[], roles: OrgRoleRecord[]): Promise<Matrix> {
  const db = getDb()
  // Only a computation of every active role may declare a person's cache fresh.
  const active = await db.orgRole.findMany({
    where: { organizationId, archivedAt: null },
    select: { id: true },
  })
  const given = new Set(roles.map((r) => r.id))
  const complete = active.every((r) => given.has(r.id))
  const out: Matrix = new Map()
  const staleMs = DEFAULT_STALE_AFTER_DAYS * 86_400_000
  for (const ids of chunks(userIds)) {
    const started = new Date()
    // By user only (the userId index); the organisation is checked below. A filter on organizationId
    // lets SQLite's planner pick the (organizationId, createdAt) index and walk the whole organisation.
    const all = await db.evidence.findMany({
      where: { userId: { in: ids } },
      select: {
        id: true,
        userId: true,
        statementId: true,
        frameworkId: true,
        level: true,
        kind: true,
        createdAt: true,
        organizationId: true,
      },
    })
    const rows = all.filter((r) => r.organizationId === organizationId)
    const byUser = new Map<string, EvidenceRow[]>()
    for (const r of rows) (byUser.get(r.userId) ?? byUser.set(r.userId, []).get(r.userId)!).push(r)
    const now = new Date()
    const cutoff = now.getTime() - staleMs
    const data: RowData[] = []
    for (const userId of ids) {
      const ev = byUser.get(userId) ?? []
      // The earliest moment any counted evidence turns stale (or a year from now when none will).
      let validUntil = now.getTime() + 365 * 86_400_000
      for (const e of ev) {
        const t = e.createdAt.getTime()
        if (t >= cutoff) validUntil = Math.min(validUntil, t + staleMs)
      }
      const cells = new Map<string, Cell>()
      const byFramework = new Map<string, ReturnType<typeof proficiency>>()
      for (const role of roles) {
        let prof = byFramework.get(role.frameworkId)
        if (!prof)
          byFramework.set(role.frameworkId, (prof = proficiency(ev, { now, frameworkId: role.frameworkId })))
        const r = readiness(role.requirements, prof)
        cells.set(role.id, { share: r.share, met: r.met, total: r.total })
        data.push({
          userId,
          orgRoleId: role.id,
          organizationId,
          roleVersion: role.version,
          share: r.share,
          bucket: bucketOf(r.share),
          met: r.met,
          total: r.total,
          validUntil: new Date(validUntil),
          computedAt: now,
        })
      }
      out.set(userId, cells)
    }
    await db
      .$transaction([
        db.roleReadiness.deleteMany({
          where: { userId: { in: ids }, orgRoleId: { in: roles.map((r) => r.id) } },
        }),
        ...insertRows(data),
        ...(complete
          ? [
              db.membership.updateMany({
                where: { organizationId, userId: { in: ids } },
                data: { readinessStale: false },
              }),
            ]
          : []),
      ])
      .catch((err: unknown) => {
        // Another instance stored the same computation at the same moment: its rows are as good as ours.
        if (!isUniqueViolation(err)) throw err
      })
    const seen = new Set(all.map((r) => r.id))
    const recent = await db.evidence.findMany({
      where: { userId: { in: ids }, createdAt: { gte: new Date(started.getTime() - SKEW_MS) } },
      select: { id: true, userId: true },
    })
    const late = [...new Set(recent.filter((r) => !seen.has(r.id)).map((r) => r.userId))]
    if (late.length)
      await db.membership.updateMany({
        where: { organizationId, userId: { in: late } },
        data: { readinessStale: true },
      })
  }
  return out
}

/** Readiness of `userIds` for `roles`, from the cache where valid, computed (and stored) otherwise. */
export async function readinessMatrix(
  organizationId: string,
  userIds: ReadonlyArray<string>,
  roles: OrgRoleRecord[],
): Promise<Matrix> {
  const out: Matrix = new Map()
  if (!userIds.length || !roles.length) return out
  const version = new Map(roles.map((r) => [r.id, r.version]))
  const now = new Date()
  const wanted = new Set(roles.map((r) => r.id))
  const stale = new Set<string>()
  for (const ids of chunks(userIds)) {
    for (const m of await getDb().membership.findMany({
      where: { organizationId, userId: { in: ids }, readinessStale: true },
      select: { userId: true },
    }))
      stale.add(m.userId)
    // By primary-key prefix only (userId): filtering on the organisation or role index instead makes
    // SQLite's planner walk every row of the organisation. The rest is filtered here.
    const rows = await getDb().roleReadiness.findMany({
      where: { userId: { in: ids } },
      select: {
        userId: true,
        orgRoleId: true,
        organizationId: true,
        roleVersion: true,
        validUntil: true,
        share: true,
        met: true,
        total: true,
      },
    })
    for (const r of rows) {
      if (r.organizationId !== organizationId || !wanted.has(r.orgRoleId) || stale.has(r.userId)) continue
      if (version.get(r.orgRoleId) !== r.roleVersion || r.validUntil <= now) continue
      const m = out.get(r.userId) ?? out.set(r.userId, new Map()).get(r.userId)!
      m.set(r.orgRoleId, { share: r.share, met: r.met, total: r.total })
    }
  }
  const missing = userIds.filter((id) => (out.get(id)?.size ?? 0) < roles.length)
  if (missing.length)
    for (const [id, cells] of await compute(organizationId, missing, roles)) out.set(id, cells)
  return out
}

export type RoleOverview = { roleId: string; people: number; buckets: number[]; ready: number; mean: number }

/**
 * Organisation-wide readiness per role (HR overview): one grouped query over the cache. When some
 * people have no valid row for a role (new evidence, an edited role, staleness), only those are
 * computed first.
 */
export async function organisationOverview(
  organizationId: string,
  people: ReadonlyArray<string>,
  roles: OrgRoleRecord[],
): Promise<RoleOverview[]> {
  if (!roles.length) return []
  const stale = await getDb().membership.findMany({
    where: { organizationId, readinessStale: true, user: { disabled: false } },
    select: { userId: true },
  })
  const inScope = new Set(people)
  const staleIds = stale.map((m) => m.userId).filter((id) => inScope.has(id))
  if (staleIds.length) await compute(organizationId, staleIds, roles)
  let groups = await grouped(organizationId, roles)
  // Rows go missing per person (new evidence deletes all of a person's rows, staleness expires them)
  // or per role (an edit bumps its version). Fill the shortest role first: that usually covers all.
  for (let round = 0; round < roles.length; round++) {
    const short = roles
      .map((r) => ({ r, n: groups.get(r.id)?.count ?? 0 }))
      .filter((x) => x.n < people.length)
      .sort((a, b) => a.n - b.n)[0]
    if (!short) break
    const missing = await getDb().user.findMany({
      where: {
        disabled: false,
        memberships: { some: { organizationId } },
        readiness: {
          none: { orgRoleId: short.r.id, roleVersion: short.r.version, validUntil: { gt: new Date() } },
        },
      },
      select: { id: true },
    })
    const ids = missing.map((m) => m.id).filter((id) => inScope.has(id))
    if (!ids.length) break
    await compute(organizationId, ids, roles)
    groups = await grouped(organizationId, roles)
  }
  return roles.map((r) => {
    const g = groups.get(r.id) ?? { count: 0, buckets: [0, 0, 0, 0], sum: 0 }
    return {
      roleId: r.id,
      people: g.count,
      buckets: g.buckets,
      ready: g.buckets[BUCKETS.length - 1] ?? 0,
      mean: g.count ? g.sum / g.count : 0,
    }
  })
}

async function grouped(organizationId: string, roles: OrgRoleRecord[]) {
  const valid = { organizationId, validUntil: { gt: new Date() } }
  const by: Array<'orgRoleId' | 'roleVersion' | 'bucket'> = ['orgRoleId', 'roleVersion', 'bucket']
  // Disabled people keep their rows (they may be enabled again) but are not counted. They are few:
  // find them first and subtract their rows, instead of joining every row with its user.
  const disabledIds = (
    await getDb().membership.findMany({
      where: { organizationId, user: { disabled: true } },
      select: { userId: true },
    })
  ).map((m) => m.userId)
  const [rows, disabled] = await Promise.all([
    getDb().roleReadiness.groupBy({ by, where: valid, _count: { _all: true }, _sum: { share: true } }),
    disabledIds.length
      ? getDb().roleReadiness.groupBy({
          by,
          where: { ...valid, userId: { in: disabledIds } },
          _count: { _all: true },
          _sum: { share: true },
        })
      : Promise.resolve([]),
  ])
  const version = new Map(roles.map((r) => [r.id, r.version]))
  const out = new Map<string, { count: number; buckets: number[]; sum: number }>()
  type Row = {
    orgRoleId: string
    roleVersion: number
    bucket: number
    _count: { _all: number }
    _sum: { share: number | null }
  }
  const add = (row: Row, sign: 1 | -1) => {
    if (version.get(row.orgRoleId) !== row.roleVersion) return
    const g =
      out.get(row.orgRoleId) ??
      out.set(row.orgRoleId, { count: 0, buckets: [0, 0, 0, 0], sum: 0 }).get(row.orgRoleId)!
    g.count += sign * row._count._all
    g.buckets[row.bucket] = (g.buckets[row.bucket] ?? 0) + sign * row._count._all
    g.sum += sign * (row._sum.share ?? 0)
  }
  for (const row of rows as unknown as Row[]) add(row, 1)
  for (const row of disabled as unknown as Row[]) add(row, -1)
  return out
}

/** People whose readiness for `roleId` is at least `min` (career pipeline), from the cache. */
export async function readyFor(
  organizationId: string,
  role: OrgRoleRecord,
  userIds: ReadonlyArray<string>,
  min: number,
) {
  const m = await readinessMatrix(organizationId, userIds, [role])
  return userIds
    .map((id) => ({ userId: id, share: m.get(id)?.get(role.id)?.share ?? 0 }))
    .filter((x) => x.share >= min)
    .sort((a, b) => b.share - a.share)
}

/**
 * Precomputes readiness for every organisation (after boot, in the background): the first HR overview
 * of a large organisation then reads the cache instead of computing 10,000 people at once. Work is done
 * in chunks, so requests are served in between; only stale or missing cells are computed.
 */
export async function warmReadiness(): Promise<{ organisations: number; ms: number }> {
  const t0 = performance.now()
  const { listRolesWithRequirements } = await import('../roles/store')
  const orgs = await getDb().organization.findMany({ select: { id: true } })
  for (const org of orgs) {
    const [members, roles] = await Promise.all([
      getDb().membership.findMany({
        where: { organizationId: org.id, user: { disabled: false } },
        select: { userId: true },
      }),
      listRolesWithRequirements(org.id),
    ])
    await organisationOverview(
      org.id,
      members.map((m) => m.userId),
      roles,
    )
  }
  return { organisations: orgs.length, ms: Math.round(performance.now() - t0) }
}
