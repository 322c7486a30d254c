// Prisma CLI config for the embedded SQLite database. Run through scripts/prisma.mjs, which points the
// CLI at placeholder engine files so it never tries to download a native engine (see docs/decisions/001).
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { defineConfig } from 'prisma/config'
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'

const dataDir = path.resolve(process.env.KENSHU_DATA_DIR ?? 'data')

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(import.meta.dirname, 'schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, 'migrations') },
  adapter: async () => {
    mkdirSync(dataDir, { recursive: true })
    return new PrismaBetterSQLite3({ url: `file:${path.join(dataDir, 'kenshu.db')}` })
  },
})
