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

/**
 * The database cannot be used right now (pure): unreachable or restarting PostgreSQL, an exhausted
 * connection pool, or a full or failing disk under SQLite. Actions answer UNAVAILABLE ("nothing was
 * saved, try again") instead of a generic error; the transaction, if any, was rolled back.
 */
export function isStorageUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const e = err as { code?: unknown; message?: unknown; cause?: unknown }
  if (['P1001', 'P1002', 'P1008', 'P1017', 'P2024'].includes(String(e.code))) return true
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '')
  const text = `${str(e.code)} ${str(e.message)}`
  return (
    /ECONNREFUSED|ECONNRESET|Connection terminated|connection.*(closed|refused)|terminating connection|the database system is (starting up|shutting down)|Can't reach database server/i.test(text) ||
    /SQLITE_FULL|database or disk is full|SQLITE_IOERR|disk I\/O error|ENOSPC/i.test(text) ||
    (e.cause !== undefined && e.cause !== err && isStorageUnavailable(e.cause))
  )
}
