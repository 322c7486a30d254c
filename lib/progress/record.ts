import 'server-only'
import type { Prisma } from '../db/generated/sqlite/client'
import { getDb } from '../db/client'
import { evidenceRows, type EvidenceInput } from './evidence'

type Tx = Prisma.TransactionClient

/**
 * Appends evidence; recording the same (user, source, statement) twice is a no-op, so a retried
 * request can never count a pass twice. Pass a transaction to make it atomic with the pass itself.
 */
export async function recordEvidence(e: EvidenceInput, tx?: Tx): Promise<number> {
  const db = tx ?? getDb()
  let written = 0
  for (const row of evidenceRows(e)) {
    const existing = await db.evidence.findUnique({
      where: {
        userId_sourceType_sourceId_statementId: {
          userId: row.userId,
          sourceType: row.sourceType,
          sourceId: row.sourceId,
          statementId: row.statementId,
        },
      },
      select: { id: true },
    })
    if (existing) continue
    try {
      await db.evidence.create({ data: row })
      written++
    } catch (err) {
      // Inside a transaction the caller decides (it rolls back); outside, a concurrent writer won.
      if (tx || (err as { code?: unknown }).code !== 'P2002') throw err
    }
  }
  return written
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
