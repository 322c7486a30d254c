import 'server-only'
import { getDb } from '../db/client'
import { DomainError } from '../errors'
import { audit } from '../auth/audit'
import { getBuiltinFrameworks, indexFramework, type FrameworkIndex } from './catalog'
import { FrameworkSchema, type Framework } from './schema'

/**
 * The frameworks an organisation can use: the shipped ones (NICE, ECSF) plus the organisation's own
 * published standards. Org standards are immutable once published, so each is parsed and indexed once
 * per process and cached by row id. Every function is scoped to one organisation.
 */

export type FrameworkSource = 'builtin' | 'organisation'
export type FrameworkSummary = {
  key: string
  id: string
  version: string
  title: string
  publisher: string
  source: FrameworkSource
  workRoles: number
  statements: number
}

/** Ids the shipped frameworks use; an organisation cannot upload a standard under them. */
export function reservedFrameworkIds(): Set<string> {
  return new Set(getBuiltinFrameworks().map((f) => f.framework.id))
}

const cache = new Map<string, FrameworkIndex>()

function indexRow(row: { id: string; content: string }): FrameworkIndex {
  let hit = cache.get(row.id)
  if (!hit) {
    // Validated before it was written; parse again anyway so a hand-edited row fails loudly, not subtly.
    hit = indexFramework(FrameworkSchema.parse(JSON.parse(row.content)))
    cache.set(row.id, hit)
  }
  return hit
}

function summary(index: FrameworkIndex, source: FrameworkSource): FrameworkSummary {
  const fw = index.framework
  return {
    key: index.key,
    id: fw.id,
    version: fw.version,
    title: fw.title,
    publisher: fw.publisher,
    source,
    workRoles: fw.workRoles.length,
    statements: fw.statements.length,
  }
}

/** Shipped and published organisation frameworks, shipped first. */
export async function listFrameworks(organizationId: string): Promise<FrameworkSummary[]> {
  const rows = await getDb().orgFramework.findMany({
    where: { organizationId, status: 'published' },
    orderBy: [{ frameworkId: 'asc' }, { publishedAt: 'asc' }],
    select: { id: true, content: true },
  })
  return [
    ...getBuiltinFrameworks().map((f) => summary(f, 'builtin')),
    ...rows.map((r) => summary(indexRow(r), 'organisation')),
  ]
}

/** Shipped and published organisation frameworks as indexes (for browsing and search). */
export async function listFrameworkIndexes(
  organizationId: string,
): Promise<{ index: FrameworkIndex; source: FrameworkSource }[]> {
  const rows = await getDb().orgFramework.findMany({
    where: { organizationId, status: 'published' },
    orderBy: [{ frameworkId: 'asc' }, { publishedAt: 'asc' }],
    select: { id: true, content: true },
  })
  return [
    ...getBuiltinFrameworks().map((index) => ({ index, source: 'builtin' as const })),
    ...rows.map((r) => ({ index: indexRow(r), source: 'organisation' as const })),
  ]
}

/** A framework version the organisation can use (shipped, or its own published one), or undefined. */
export async function resolveFramework(
  organizationId: string,
  id: string,
  version?: string,
): Promise<FrameworkIndex | undefined> {
  const builtin = getBuiltinFrameworks().filter(
    (f) => f.framework.id === id && (version === undefined || f.framework.version === version),
  )
  if (builtin.length) return builtin[builtin.length - 1]
  const row = await getDb().orgFramework.findFirst({
    where: { organizationId, frameworkId: id, status: 'published', ...(version ? { version } : {}) },
    orderBy: { publishedAt: 'desc' },
    select: { id: true, content: true },
  })
  return row ? indexRow(row) : undefined
}

/** Like resolveFramework, by `id@version` key. */
export async function resolveFrameworkKey(
  organizationId: string,
  key: string,
): Promise<FrameworkIndex | undefined> {
  const at = key.lastIndexOf('@')
  if (at <= 0) return undefined
  return resolveFramework(organizationId, key.slice(0, at), key.slice(at + 1))
}

export type DraftSummary = {
  id: string
  frameworkId: string
  version: string
  title: string
  status: string
  sourceFileName: string
  summary: unknown
  createdAt: Date
  publishedAt: Date | null
}

/**
 * Stores a validated upload as a draft (nothing is usable until it is published). A draft with the
 * same id and version replaces an earlier draft; a published version is never replaced.
 */
export async function saveDraft(
  organizationId: string,
  actorId: string,
  input: { framework: Framework; sha256: string; sourceFileName: string; summary: unknown },
): Promise<{ id: string }> {
  const fw = FrameworkSchema.parse(input.framework)
  indexFramework(fw) // throws on a broken reference: never store what cannot be indexed
  if (reservedFrameworkIds().has(fw.id))
    throw new DomainError('CONFLICT', `"${fw.id}" is the id of a shipped framework`, 'id')
  const db = getDb()
  const existing = await db.orgFramework.findUnique({
    where: {
      organizationId_frameworkId_version: { organizationId, frameworkId: fw.id, version: fw.version },
    },
    select: { id: true, status: true },
  })
  if (existing && existing.status !== 'draft')
    throw new DomainError(
      'CONFLICT',
      `${fw.id}@${fw.version} is already published; upload it as a new version`,
      'version',
    )
  const data = {
    title: fw.title,
    content: JSON.stringify(fw),
    sha256: input.sha256,
    sourceFileName: input.sourceFileName.slice(0, 200),
    summary: JSON.stringify(input.summary),
    createdById: actorId,
  }
  const row = existing
    ? await db.orgFramework.update({ where: { id: existing.id }, data, select: { id: true } })
    : await db.orgFramework.create({
        data: { ...data, organizationId, frameworkId: fw.id, version: fw.version, status: 'draft' },
        select: { id: true },
      })
  cache.delete(row.id)
  await audit({ organizationId, actorId, action: 'framework.draft', target: `${fw.id}@${fw.version}` })
  return row
}

export async function getDraft(
  organizationId: string,
  draftId: string,
): Promise<(DraftSummary & { index: FrameworkIndex }) | null> {
  const row = await getDb().orgFramework.findFirst({ where: { id: draftId, organizationId } })
  if (!row) return null
  return {
    id: row.id,
    frameworkId: row.frameworkId,
    version: row.version,
    title: row.title,
    status: row.status,
    sourceFileName: row.sourceFileName,
    summary: JSON.parse(row.summary) as unknown,
    createdAt: row.createdAt,
    publishedAt: row.publishedAt,
    index: indexRow(row),
  }
}

export async function listOrgFrameworks(organizationId: string): Promise<DraftSummary[]> {
  const rows = await getDb().orgFramework.findMany({
    where: { organizationId },
    orderBy: [{ createdAt: 'desc' }],
    select: {
      id: true,
      frameworkId: true,
      version: true,
      title: true,
      status: true,
      sourceFileName: true,
      summary: true,
      createdAt: true,
      publishedAt: true,
    },
  })
  return rows.map((r) => ({ ...r, summary: JSON.parse(r.summary) as unknown }))
}

/** draft → published. Published content never changes again. */
export async function publishDraft(
  organizationId: string,
  actorId: string,
  draftId: string,
): Promise<{ key: string }> {
  const db = getDb()
  const res = await db.orgFramework.updateMany({
    where: { id: draftId, organizationId, status: 'draft' },
    data: { status: 'published', publishedAt: new Date() },
  })
  if (res.count !== 1) throw new DomainError('NOT_FOUND', 'No such draft')
  const row = await db.orgFramework.findUniqueOrThrow({
    where: { id: draftId },
    select: { frameworkId: true, version: true },
  })
  await audit({
    organizationId,
    actorId,
    action: 'framework.publish',
    target: `${row.frameworkId}@${row.version}`,
  })
  return { key: `${row.frameworkId}@${row.version}` }
}

/** Deletes a draft; published standards cannot be deleted (roles may point at them). */
export async function discardDraft(organizationId: string, actorId: string, draftId: string): Promise<void> {
  const res = await getDb().orgFramework.deleteMany({
    where: { id: draftId, organizationId, status: 'draft' },
  })
  if (res.count !== 1) throw new DomainError('NOT_FOUND', 'No such draft')
  cache.delete(draftId)
  await audit({ organizationId, actorId, action: 'framework.discard', target: draftId })
}
