import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { renderSchema } from '../../scripts/db-schemas.mjs'

const root = path.resolve(__dirname, '../..')

describe('one schema source, two providers', () => {
  test.each(['sqlite', 'postgres'])('prisma/%s/schema.prisma is rendered from schema.base.prisma', (p) => {
    expect(readFileSync(path.join(root, 'prisma', p, 'schema.prisma'), 'utf8')).toBe(renderSchema(p))
  })
  test('the two schemas differ only in the datasource and output', () => {
    const strip = (s: string) => s.replace(/datasource db \{[^}]*\}/, '').replace(/output\s*=.*$/m, '')
    expect(strip(renderSchema('sqlite'))).toBe(strip(renderSchema('postgres')))
  })
  test('both providers have a migration for every schema change', () => {
    // Exits non-zero when the schema differs from the latest migration's snapshot (either provider).
    execFileSync(process.execPath, [path.join(root, 'scripts/db-migration.mjs'), '--check'], { cwd: root, stdio: 'pipe' })
  }, 60_000)
  test('both providers have the same migration names', () => {
    const names = (p: string) =>
      execFileSync('ls', [path.join(root, 'prisma', p, 'migrations')], { encoding: 'utf8' })
        .split('\n')
        .filter((n) => /^\d+_/.test(n))
    expect(names('sqlite')).toEqual(names('postgres'))
    expect(names('sqlite').length).toBeGreaterThan(0)
  })
})
