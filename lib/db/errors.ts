/**
 * A unique-constraint violation, however it surfaces (pure): Prisma's P2002 from typed queries
 * (recognised by shape: the client exists in two bundles), or the driver's own code from raw
 * statements (SQLite 2067 / "UNIQUE constraint failed", PostgreSQL 23505). Callers that race on a
 * unique key treat it as "someone else already did it".
 */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const e = err as { code?: unknown; message?: unknown; meta?: { code?: unknown } }
  return (
    e.code === 'P2002' ||
    e.meta?.code === '23505' ||
    e.meta?.code === '2067' ||
    /UNIQUE constraint failed|duplicate key value/.test(String(e.message))
  )
}
