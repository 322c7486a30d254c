#!/usr/bin/env node
// Renders one Prisma schema per provider from prisma/schema.base.prisma.
// Usage: node scripts/db-schemas.mjs [--check]   (--check: exit 1 if the committed files differ)
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const PROVIDERS = /** @type {const} */ (['sqlite', 'postgres'])

/** @param {'sqlite'|'postgres'} provider */
export function renderSchema(provider, base = readFileSync(join(root, 'prisma/schema.base.prisma'), 'utf8')) {
  const header = [
    '// GENERATED from prisma/schema.base.prisma by scripts/db-schemas.mjs. Do not edit.',
    '',
    'generator client {',
    '  provider   = "prisma-client"',
    `  output     = "../../lib/db/generated/${provider}"`,
    '  engineType = "client"',
    '  moduleFormat = "esm"',
    '}',
    '',
    'datasource db {',
    `  provider = "${provider === 'sqlite' ? 'sqlite' : 'postgresql'}"`,
    // Connections go through driver adapters (lib/db/client.ts); the CLI's validator still wants a url.
    provider === 'sqlite' ? '  url      = "file:../../data/kenshu.db"' : '  url      = env("DATABASE_URL")',
    '}',
    '',
  ].join('\n')
  return header + base
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check')
  let drift = false
  for (const provider of PROVIDERS) {
    const file = join(root, 'prisma', provider, 'schema.prisma')
    const want = renderSchema(provider)
    let have = ''
    try {
      have = readFileSync(file, 'utf8')
    } catch {}
    if (have === want) continue
    if (check) {
      console.error(`${file} is out of date: run npm run db:schemas`)
      drift = true
    } else {
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, want)
      console.log(`wrote ${file}`)
    }
  }
  process.exit(drift ? 1 : 0)
}
