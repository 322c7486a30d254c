/**
 * Everything that must be true before the first request: data directory, auth secret, database
 * migrated. Runs in the custom server before Next starts, so the first request never races a migration.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs'
import path from 'node:path'
import { dataDir, appRoot } from '../lib/paths'
import { dbKindOf, type DbKind } from '../lib/db/kind'
import { migratePostgres, migrateSqlite } from '../lib/db/migrate'

export type Runtime = { dbKind: DbKind; dataDir: string }

export async function prepareRuntime(): Promise<Runtime> {
  process.env.NEXT_TELEMETRY_DISABLED = '1'
  const dir = dataDir()
  mkdirSync(dir, { recursive: true, mode: 0o750 })
  ensureAuthSecret(dir)
  process.env.NEXTAUTH_URL ??= `http://localhost:${process.env.PORT ?? 3000}`

  const url = process.env.DATABASE_URL
  const kind = dbKindOf(url)
  const root = appRoot()
  const result =
    kind === 'postgres'
      ? await migratePostgres(url as string, root)
      : await migrateSqlite(url?.startsWith('file:') ? path.resolve(url.slice(5)) : path.join(dir, 'kenshu.db'), root)
  if (result.applied.length > 0) console.log(`database: applied ${result.applied.length} migration(s): ${result.applied.join(', ')}`)
  return { dbKind: kind, dataDir: dir }
}

/**
 * next-auth needs a stable secret to encrypt session cookies. Operators set NEXTAUTH_SECRET (required
 * when several web instances share sessions); a single-host install gets one generated on first start
 * and kept in the data directory, readable only by the service user.
 */
function ensureAuthSecret(dir: string) {
  if (process.env.NEXTAUTH_SECRET) return
  const file = path.join(dir, 'auth-secret')
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 })
  }
  chmodSync(file, 0o600)
  process.env.NEXTAUTH_SECRET = readFileSync(file, 'utf8').trim()
}
