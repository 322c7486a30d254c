/**
 * Applies the committed Prisma migrations at start-up, without the Prisma CLI.
 *
 * Why not `prisma migrate deploy`? It costs seconds of WebAssembly start-up on every boot and needs the
 * CLI in production. This migrator writes the same `_prisma_migrations` bookkeeping (sha256 checksum,
 * timestamps, step count), so `prisma migrate status` and `migrate deploy` keep working on the same
 * database — a test proves that. Concurrent starts are serialised: SQLite with BEGIN IMMEDIATE,
 * PostgreSQL with an advisory lock, so several web instances can boot at once.
 */
import { createHash, randomUUID } from 'node:crypto'
import { readdirSync, readFileSync, existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import type { DbKind } from './kind'

export type MigrationFile = { name: string; sql: string; checksum: string }
export type MigrateResult = { applied: string[]; alreadyApplied: number }

/** Reads `prisma/<provider>/migrations/<name>/migration.sql` in name order. */
export function readMigrations(root: string, kind: DbKind): MigrationFile[] {
  const dir = path.join(root, 'prisma', kind, 'migrations')
  if (!existsSync(dir)) throw new Error(`No migrations folder at ${dir}`)
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8')
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') }
    })
}

const SQLITE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
  "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
  "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`

const PG_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`

function checkApplied(applied: Map<string, string>, migrations: MigrationFile[]) {
  for (const [name, checksum] of applied) {
    const m = migrations.find((x) => x.name === name)
    if (!m) throw new Error(`Database has migration ${name}, which this version of Kenshu does not know (downgrade?)`)
    if (m.checksum !== checksum) throw new Error(`Migration ${name} was modified after it was applied (checksum mismatch)`)
  }
}

/** Migrates a SQLite database file (created if missing). */
export async function migrateSqlite(file: string, root: string): Promise<MigrateResult> {
  const { default: Database } = await import('better-sqlite3')
  mkdirSync(path.dirname(file), { recursive: true })
  const db = new Database(file)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('busy_timeout = 10000')
    const migrations = readMigrations(root, 'sqlite')
    const result: MigrateResult = { applied: [], alreadyApplied: 0 }
    db.exec('BEGIN IMMEDIATE')
    try {
      db.exec(SQLITE_TABLE)
      const rows = db
        .prepare('SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL')
        .all() as { migration_name: string; checksum: string }[]
      const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]))
      checkApplied(applied, migrations)
      result.alreadyApplied = applied.size
      for (const m of migrations) {
        if (applied.has(m.name)) continue
        db.exec(m.sql)
        db.prepare(
          `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), m.checksum, m.name, Date.now(), Date.now())
        result.applied.push(m.name)
      }
      db.exec('COMMIT')
    } catch (err) {
      db.exec('ROLLBACK')
      throw err
    }
    return result
  } finally {
    db.close()
  }
}

/** Migrates a PostgreSQL database; safe to call from several instances at once. */
export async function migratePostgres(url: string, root: string): Promise<MigrateResult> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const migrations = readMigrations(root, 'postgres')
  const result: MigrateResult = { applied: [], alreadyApplied: 0 }
  try {
    // An arbitrary constant key: every Kenshu instance takes the same lock while migrating.
    await client.query('SELECT pg_advisory_lock(72736558)')
    await client.query(PG_TABLE)
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    )
    const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]))
    checkApplied(applied, migrations)
    result.alreadyApplied = applied.size
    for (const m of migrations) {
      if (applied.has(m.name)) continue
      await client.query('BEGIN')
      try {
        await client.query(m.sql)
        await client.query(
          `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        )
        await client.query('COMMIT')
      } catch (err) {
        await client.query('ROLLBACK')
        throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`)
      }
      result.applied.push(m.name)
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(72736558)').catch(() => {})
    await client.end()
  }
  return result
}
