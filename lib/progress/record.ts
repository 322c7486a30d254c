import 'server-only'
import { isUniqueViolation } from '../db/errors'
import { randomUUID } from 'node:crypto'
import { Prisma } from '../db/generated/sqlite/client'
import { dbKind, getDb } from '../db/client'
import { evidenceRows, type EvidenceInput } from './evidence'
import { invalidate } from './cache'

type Tx = Prisma.TransactionClient

/**
 * Appends evidence; recording the same (user, source, statement) twice is a no-op, so a retried
 * request can never count a pass twice. Pass a transaction to make it atomic with the pass itself.
 */
export async function recordEvidence(e: EvidenceInput, tx?: Tx): Promise<number> {
  if (dbKind() === 'postgres') return writePg(e, tx ?? getDb())
  if (tx) return write(e, tx)
  // One transaction (one commit) for the rows and the invalidation. A concurrent writer of the same
  // source wins the unique key: run again, and the rows it wrote are skipped.
  try {
    return await getDb().$transaction((t) => write(e, t))
  } catch (err) {
    if (!isUniqueViolation(err)) throw err
    return getDb().$transaction((t) => write(e, t))
  }
}

async function write(e: EvidenceInput, db: Tx): Promise<number> {
  const rows = evidenceRows(e)
  if (!rows.length) return 0
  // Three statements however many rows: which exist already, insert the rest, invalidate.
  const existing = await db.evidence.findMany({
    where: {
      userId: e.userId,
      sourceType: e.sourceType,
      sourceId: e.sourceId,
      statementId: { in: rows.map((r) => r.statementId) },
    },
    select: { statementId: true },
  })
  const have = new Set(existing.map((x) => x.statementId))
  const fresh = rows.filter((r) => !have.has(r.statementId))
  if (fresh.length) await db.evidence.createMany({ data: fresh })
  const written = fresh.length
  // The person's precomputed readiness is out of date now (./cache.ts; publish() repeats this after commit).
  if (written) await invalidate(e.userId, e.organizationId, db)
  return written
}

/**
 * PostgreSQL: the same in one statement (one round trip; atomic on its own or inside the caller's
 * transaction). Rows that already exist are skipped by the unique key, so retries and concurrent
 * writers of one source count once; the membership is marked stale only when a row was written.
 */
async function writePg(e: EvidenceInput, db: Tx): Promise<number> {
  const rows = evidenceRows(e)
  if (!rows.length) return 0
  const now = new Date()
  const values = Prisma.join(
    rows.map(
      (r) =>
        Prisma.sql`(${randomUUID()}, ${r.userId}, ${r.organizationId}, ${r.statementId}, ${r.frameworkId}, ${r.kind}, ${r.level}, ${r.score}, ${r.sourceType}, ${r.sourceId}, ${r.note}, ${now})`,
    ),
  )
  const result = await db.$queryRaw<Array<{ written: number }>>`
    WITH ins AS (
      INSERT INTO "Evidence" ("id", "userId", "organizationId", "statementId", "frameworkId", "kind", "level", "score", "sourceType", "sourceId", "note", "createdAt")
      VALUES ${values}
      ON CONFLICT ("userId", "sourceType", "sourceId", "statementId") DO NOTHING
      RETURNING 1
    ), stale AS (
      UPDATE "Membership" SET "readinessStale" = true
      WHERE "userId" = ${e.userId} AND "organizationId" = ${e.organizationId} AND EXISTS (SELECT 1 FROM ins)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins)::int AS written`
  return result[0]?.written ?? 0
}

/** A person's evidence, newest first (for the lab result page and, later, the progress views). */
export async function evidenceFor(userId: string, sourceType?: string, sourceIdPrefix?: string) {
  return getDb().evidence.findMany({
    where: {
      userId,
      ...(sourceType ? { sourceType } : {}),
      ...(sourceIdPrefix ? { sourceId: { startsWith: sourceIdPrefix } } : {}),
    },
    orderBy: { createdAt: 'desc' },
    take: 500,
  })
}
