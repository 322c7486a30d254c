import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { routePatternOf } from '../auth/routes'
import { OPERATIONS, openApiDocument } from './openapi'

const root = path.resolve(__dirname, '../..')
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? walk(full) : [path.relative(root, full).replace(/\\/g, '/')]
  })
}

const routeFiles = walk(path.join(root, 'app/api/v1')).filter((f) => /\/route\.ts$/.test(f))
/** `/api/v1/roles/[roleId]` → `/api/v1/roles/{roleId}` */
const toOpenApiPath = (pattern: string) => pattern.replace(/\[([^\]]+)\]/g, '{$1}')

describe('the OpenAPI document matches the route handlers', () => {
  test('route files found', () => expect(routeFiles.length).toBeGreaterThanOrEqual(10))

  test('every exported method is documented, and every documented operation has a handler', async () => {
    const implemented = new Set<string>()
    for (const file of routeFiles) {
      const mod = (await import(path.join(root, file))) as Record<string, unknown>
      for (const m of HTTP_METHODS)
        if (typeof mod[m] === 'function')
          implemented.add(`${m.toLowerCase()} ${toOpenApiPath(routePatternOf(file))}`)
    }
    const documented = new Set(OPERATIONS.map((o) => `${o.method} ${o.path}`))
    expect(
      [...implemented].filter((x) => !documented.has(x)),
      'implemented but not documented',
    ).toEqual([])
    expect(
      [...documented].filter((x) => !implemented.has(x)),
      'documented but not implemented',
    ).toEqual([])
    const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> }
    const inDoc = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
    expect(new Set(inDoc)).toEqual(documented)
  }, 60_000)

  test('operation ids are unique', () => {
    const ids = OPERATIONS.map((o) => o.operationId)
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe('the OpenAPI document is well-formed', () => {
  const doc = JSON.parse(JSON.stringify(openApiDocument())) as {
    openapi: string
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: { name: string; in: string }[]
          responses: Record<string, unknown>
          security: unknown[]
        }
      >
    >
    components: {
      schemas: Record<string, unknown>
      responses: Record<string, unknown>
      securitySchemes: Record<string, unknown>
    }
  }
  const text = JSON.stringify(doc)

  test('is OpenAPI 3.1 with both security schemes', () => {
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearerAuth', 'cookieAuth'])
  })

  test('every $ref resolves', () => {
    const refs = [...text.matchAll(/"\$ref":"#\/components\/(schemas|responses)\/([^"]+)"/g)]
    expect(refs.length).toBeGreaterThan(20)
    for (const [, kind, name] of refs)
      expect(doc.components[kind as 'schemas' | 'responses'], `${kind}/${name}`).toHaveProperty([name!])
    expect(text).not.toMatch(/"\$ref":"(?!#\/components\/)/)
  })

  test('path parameters are declared, protected operations have security and error responses', () => {
    for (const [p, ops] of Object.entries(doc.paths)) {
      const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
      for (const [method, op] of Object.entries(ops)) {
        const declared = (op.parameters ?? []).filter((x) => x.in === 'path').map((x) => x.name)
        expect(declared, `${method} ${p}`).toEqual(names)
        if (p === '/api/v1/openapi.json') expect(op.security).toEqual([])
        else {
          expect(op.security.length, `${method} ${p}`).toBe(2)
          expect(Object.keys(op.responses), `${method} ${p}`).toEqual(expect.arrayContaining(['401', '403']))
        }
      }
    }
  })

  test('component schemas are JSON Schema 2020-12 fragments (no per-document keywords)', () => {
    for (const [name, s] of Object.entries(doc.components.schemas)) {
      expect(s, name).not.toHaveProperty('$schema')
      expect(s, name).not.toHaveProperty('$id')
    }
    // Request schemas are strict: unknown fields are rejected.
    expect(doc.components.schemas.RoleCreate).toMatchObject({
      additionalProperties: false,
      required: ['title', 'framework'],
    })
  })
})
