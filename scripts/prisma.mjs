#!/usr/bin/env node
// Offline-safe Prisma CLI wrapper: `node scripts/prisma.mjs <sqlite|postgres|both> <prisma args...>`.
// Prisma 6.19's CLI still tries to download native engines unless PRISMA_SCHEMA_ENGINE_BINARY and
// PRISMA_QUERY_ENGINE_LIBRARY point at files; with `engine: "js"` they are never executed, so empty
// placeholders are enough (docs/decisions/001-prisma-offline.md).
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const placeholders = join(root, 'node_modules', '.cache', 'kenshu-prisma')

export function prismaEnv(extra = {}) {
  mkdirSync(placeholders, { recursive: true })
  const schemaEngine = join(placeholders, 'schema-engine-placeholder')
  const queryEngine = join(placeholders, 'libquery-engine-placeholder.so.node')
  for (const f of [schemaEngine, queryEngine]) if (!existsSync(f)) writeFileSync(f, '')
  return {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: schemaEngine,
    PRISMA_QUERY_ENGINE_LIBRARY: queryEngine,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
    NEXT_TELEMETRY_DISABLED: '1',
    ...extra,
  }
}

export function runPrisma(provider, args, extraEnv = {}) {
  const cli = createRequire(import.meta.url).resolve('prisma/build/index.js')
  const config = join(root, 'prisma', provider, 'prisma.config.ts')
  const res = spawnSync(process.execPath, [cli, ...args, '--config', config], {
    cwd: root,
    env: prismaEnv(extraEnv),
    stdio: 'inherit',
  })
  return res.status ?? 1
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [target, ...args] = process.argv.slice(2)
  if (!target || !['sqlite', 'postgres', 'both'].includes(target) || args.length === 0) {
    console.error('usage: node scripts/prisma.mjs <sqlite|postgres|both> <prisma args...>')
    process.exit(2)
  }
  const providers = target === 'both' ? ['sqlite', 'postgres'] : [target]
  for (const p of providers) {
    const code = runPrisma(p, args)
    if (code !== 0) process.exit(code)
  }
}
