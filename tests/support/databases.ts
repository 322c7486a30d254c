/**
 * Throwaway databases for integration tests: a temp SQLite file, and a fresh PostgreSQL database on
 * KENSHU_TEST_PG (default postgres://postgres@127.0.0.1:5432/postgres) when one is reachable.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { migratePostgres, migrateSqlite } from '@/lib/db/migrate'
import { resetDbForTests } from '@/lib/db/client'

const root = path.resolve(__dirname, '../..')
export const PG_ADMIN_URL = process.env.KENSHU_TEST_PG ?? 'postgresql://postgres@127.0.0.1:5432/postgres'

export type TestDb = { kind: 'sqlite' | 'postgres'; url: string; drop: () => Promise<void> }

export async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 })
  try {
    await c.connect()
    await c.end()
    return true
  } catch {
    return false
  }
}

export async function createTestDb(kind: 'sqlite' | 'postgres'): Promise<TestDb> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'kenshu-it-'))
    const file = path.join(dir, 'kenshu.db')
    await migrateSqlite(file, root)
    return { kind, url: `file:${file}`, drop: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  const name = `kenshu_it_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = PG_ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${name}$1`)
  await migratePostgres(url, root)
  return {
    kind,
    url,
    drop: async () => {
      await resetDbForTests()
      const c = new pg.Client({ connectionString: PG_ADMIN_URL })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}

/** Points the app's db client at `db` for the following calls. */
export async function useTestDb(db: TestDb) {
  await resetDbForTests()
  process.env.DATABASE_URL = db.url
}
