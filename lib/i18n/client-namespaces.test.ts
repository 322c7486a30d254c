import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'
import { CLIENT_NAMESPACES } from './client-namespaces'

const root = path.resolve(__dirname, '../..')
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const f = path.join(dir, n)
    return statSync(f).isDirectory() ? walk(f) : /\.tsx?$/.test(n) ? [f] : []
  })

test('every namespace a client component or a form success message uses is sent to the browser', () => {
  const used = new Set<string>()
  for (const file of [...walk(path.join(root, 'components')), ...walk(path.join(root, 'app'))]) {
    const src = readFileSync(file, 'utf8')
    if (src.trimStart().startsWith("'use client'"))
      for (const m of src.matchAll(/useTranslations\('([a-zA-Z]+)/g)) used.add(m[1]!)
    // ActionForm (a client component) translates successKey and errors.* itself.
    for (const m of src.matchAll(/successKey="([a-zA-Z]+)\./g)) used.add(m[1]!)
  }
  expect(used.size).toBeGreaterThan(5)
  for (const ns of used)
    expect(CLIENT_NAMESPACES, `add '${ns}' to lib/i18n/client-namespaces.ts`).toContain(ns)
})
