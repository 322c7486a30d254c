import 'server-only'
import path from 'node:path'
import { PrismaClient as SqliteClient } from './generated/sqlite/client'
import { PrismaClient as PgClient } from './generated/postgres/client'
import { dbKindOf, type DbKind } from './kind'
import { dataDir } from '../paths'
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'

/**
 * The one Prisma client of the process. SQLite (better-sqlite3 driver adapter) by default; PostgreSQL
 * (pg driver adapter) when DATABASE_URL is a postgres:// URL. Both generated clients come from the same
 * schema source, so their model APIs are identical: the PostgreSQL one is typed as the SQLite one.
 */
export type Db = SqliteClient

const globalForDb = globalThis as unknown as { kenshuDb?: { db: Db; kind: DbKind } }

export function sqliteFile(): string {
  const url = process.env.DATABASE_URL
  if (url?.startsWith('file:')) return path.resolve(url.slice('file:'.length))
  return path.join(dataDir(), 'kenshu.db')
}

function create(): { db: Db; kind: DbKind } {
  const url = process.env.DATABASE_URL
  const kind = dbKindOf(url)
  if (kind === 'postgres') {
    const adapter = new PrismaPg({ connectionString: url, max: Number(process.env.KENSHU_PG_POOL ?? 10) })
    return { db: new PgClient({ adapter }) as unknown as Db, kind }
  }
  const adapter = new PrismaBetterSQLite3({ url: `file:${sqliteFile()}`, timeout: 10_000 })
  const db = new SqliteClient({ adapter })
  // WAL with synchronous=NORMAL: a commit is one write() instead of write() + fsync(). Committed
  // transactions survive a crash or kill -9 of the process; only an OS crash or power loss can roll
  // back the last few (never corrupt the file). Queued first, so it applies before any other query.
  // (docs/decisions/009-readiness-cache.md)
  void db.$executeRawUnsafe('PRAGMA synchronous = NORMAL').catch(() => {})
  return { db, kind }
}

function instance() {
  globalForDb.kenshuDb ??= create()
  return globalForDb.kenshuDb
}

/** The Prisma client. Import only from `server-only` modules under lib/. */
export function getDb(): Db {
  return instance().db
}

export function dbKind(): DbKind {
  return instance().kind
}

/** For tests and scripts that switch databases within one process. */
export async function resetDbForTests(): Promise<void> {
  await globalForDb.kenshuDb?.db.$disconnect()
  globalForDb.kenshuDb = undefined
}
