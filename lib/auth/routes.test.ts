import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { expectedAccess, ROUTE_RULES, routePatternOf } from './routes'
import { ACTION_RULES } from './actions'
import { ROLES } from './rbac'

const root = path.resolve(__dirname, '../..')

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? walk(full) : [path.relative(root, full).replace(/\\/g, '/')]
  })
}
const appFiles = walk(path.join(root, 'app'))

describe('every route has an access rule', () => {
  const routeFiles = appFiles.filter((f) => /\/(page|route)\.tsx?$/.test(f))
  test('there are routes to check', () => expect(routeFiles.length).toBeGreaterThan(10))
  test.each(routeFiles)('%s', (file) => {
    expect(
      Object.keys(ROUTE_RULES),
      `add a rule for ${routePatternOf(file)} in lib/auth/routes.ts`,
    ).toContain(routePatternOf(file))
  })
  test('no rule names a route that does not exist', () => {
    const patterns = new Set(routeFiles.map(routePatternOf))
    for (const p of Object.keys(ROUTE_RULES)) expect(patterns, `stale rule ${p}`).toContain(p)
  })
  test('protected pages call requirePage with their own pattern', () => {
    for (const file of routeFiles.filter((f) => f.endsWith('page.tsx'))) {
      const pattern = routePatternOf(file) as keyof typeof ROUTE_RULES
      if (ROUTE_RULES[pattern].access === 'public') continue
      const src = readFileSync(path.join(root, file), 'utf8')
      expect(src, file).toContain(`requirePage('${pattern}')`)
    }
  })
  test('protected route handlers call requireApi with their own pattern', () => {
    for (const file of routeFiles.filter((f) => f.endsWith('route.ts'))) {
      const pattern = routePatternOf(file) as keyof typeof ROUTE_RULES
      if (ROUTE_RULES[pattern].access === 'public') continue
      expect(readFileSync(path.join(root, file), 'utf8'), file).toContain(`requireApi('${pattern}')`)
    }
  })
})

describe('every server action has a rule and checks it', () => {
  const actionFiles = appFiles.filter((f) => /(^|\/)actions\.ts$/.test(f))
  const exported = actionFiles.flatMap((file) => {
    const src = readFileSync(path.join(root, file), 'utf8')
    expect(src.trimStart().startsWith("'use server'"), `${file} must start with 'use server'`).toBe(true)
    return [...src.matchAll(/export async function (\w+)/g)].map((m) => ({ file, name: m[1] as string, src }))
  })
  test('actions found', () => expect(exported.length).toBeGreaterThan(5))
  test.each(exported.map((e) => [e.name, e] as const))('%s', (name, e) => {
    expect(Object.keys(ACTION_RULES), `add ${name} to lib/auth/actions.ts`).toContain(name)
    // The body must run through runAction/runPublicAction with its own name.
    expect(e.src).toMatch(new RegExp(`run(Public)?Action\\(\\s*'${name}'`))
  })
  test('no stale action rules', () => {
    const names = new Set(exported.map((e) => e.name))
    for (const n of Object.keys(ACTION_RULES)) expect(names, `stale rule ${n}`).toContain(n)
  })
})

describe('expectedAccess', () => {
  test('public routes allow everyone, signed-in routes need a session', () => {
    expect(expectedAccess({ access: 'public' }, undefined)).toBe('allow')
    expect(expectedAccess({ access: 'signed-in' }, undefined)).toBe('signin')
    for (const r of ROLES) expect(expectedAccess({ access: 'signed-in' }, r)).toBe('allow')
  })
  test('permission routes', () => {
    expect(expectedAccess(ROUTE_RULES['/admin/users'], 'learner')).toBe('forbidden')
    expect(expectedAccess(ROUTE_RULES['/admin/users'], 'admin')).toBe('allow')
    expect(expectedAccess(ROUTE_RULES['/hr'], undefined)).toBe('signin')
  })
  test('routePatternOf strips route groups', () => {
    expect(routePatternOf('app/(app)/admin/users/[userId]/page.tsx')).toBe('/admin/users/[userId]')
    expect(routePatternOf('app/page.tsx')).toBe('/')
  })
})
