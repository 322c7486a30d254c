/**
 * /api/v1 end to end below HTTP: the route handlers are called with real Request objects against a
 * real, migrated and seeded database (SQLite, and PostgreSQL when reachable). Principals are API
 * tokens; session-cookie access is covered by the e2e suite (getServerSession needs Next's request
 * scope), and the Origin check by lib/api/http.test.ts.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestDb, postgresReachable, useTestDb, type TestDb } from '../support/databases'
import { getDb } from '@/lib/db/client'
import { seedDemo } from '@/lib/org/seed'
import { setDisabled } from '@/lib/org/queries'
import { createApiToken, listApiTokens, revokeApiToken, verifyApiToken } from '@/lib/api/tokens'
import {
  CareerPathSchema,
  ErrorSchema,
  RoleDetailSchema,
  RoleListSchema,
  StatementListSchema,
} from '@/lib/api/schemas'
import { CFPackageSchema } from '@/lib/frameworks/case'
import { getFramework } from '@/lib/frameworks/catalog'
import { MAX_UPLOAD_BYTES } from '@/lib/frameworks/upload'
import * as openapiRoute from '@/app/api/v1/openapi.json/route'
import * as frameworksRoute from '@/app/api/v1/frameworks/route'
import * as frameworkRoute from '@/app/api/v1/frameworks/[frameworkId]/[version]/route'
import * as statementsRoute from '@/app/api/v1/frameworks/[frameworkId]/[version]/statements/route'
import * as importsRoute from '@/app/api/v1/frameworks/imports/route'
import * as rolesRoute from '@/app/api/v1/roles/route'
import * as roleRoute from '@/app/api/v1/roles/[roleId]/route'
import * as exportRoute from '@/app/api/v1/roles/export/route'
import * as careerRoute from '@/app/api/v1/career-paths/route'
import * as edgeRoute from '@/app/api/v1/career-paths/[edgeId]/route'

const root = path.resolve(__dirname, '../..')
const pgOk = await postgresReachable()
const kinds = ['sqlite', ...(pgOk ? ['postgres'] : [])] as const as readonly ('sqlite' | 'postgres')[]
if (!pgOk) console.warn('PostgreSQL not reachable: PostgreSQL API integration tests skipped')

type Handler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>
const ORIGIN = 'http://kenshu.test'

/** Calls a handler the way Next would: a Request plus a context whose params is a Promise. */
async function call(
  handler: unknown,
  method: string,
  url: string,
  opts: {
    token?: string
    json?: unknown
    body?: BodyInit
    headers?: Record<string, string>
    params?: Record<string, string>
  } = {},
): Promise<Response> {
  const headers: Record<string, string> = { host: 'kenshu.test', ...opts.headers }
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`
  let body = opts.body
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json)
    headers['content-type'] ??= 'application/json'
  }
  const request = new Request(ORIGIN + url, { method, headers, body, duplex: 'half' } as RequestInit)
  return (handler as Handler)(request, { params: Promise.resolve(opts.params ?? {}) })
}

async function errorOf(res: Response) {
  return ErrorSchema.parse(await res.json())
}

describe.each(kinds)('/api/v1 on %s', (kind) => {
  let db: TestDb
  let orgId: string
  let adminId: string
  let readToken: string
  let writeToken: string

  beforeAll(async () => {
    db = await createTestDb(kind)
    await useTestDb(db)
    await seedDemo()
    orgId = (await getDb().organization.findUniqueOrThrow({ where: { slug: 'demo' } })).id
    adminId = (await getDb().user.findUniqueOrThrow({ where: { email: 'admin@demo.kenshu.local' } })).id
    readToken = (await createApiToken(orgId, adminId, { name: 'HR read', scope: 'read' })).token
    writeToken = (await createApiToken(orgId, adminId, { name: 'HR sync', scope: 'write' })).token
  })
  afterAll(async () => {
    await db.drop()
  })

  async function createRole(title: string, extra: Record<string, unknown> = {}) {
    const res = await call(rolesRoute.POST, 'POST', '/api/v1/roles', {
      token: writeToken,
      json: { title, framework: { id: 'nice', version: '2.1.0' }, ...extra },
    })
    expect(res.status, await res.clone().text()).toBe(201)
    return RoleDetailSchema.parse(await res.json())
  }

  describe('tokens', () => {
    test('the plaintext is shown once; only hash and prefix are stored; creation is audited', async () => {
      const { token, summary } = await createApiToken(orgId, adminId, { name: 'Once', scope: 'read' })
      expect(token).toMatch(/^ksk_[A-Za-z0-9_-]{43}$/)
      const row = await getDb().apiToken.findUniqueOrThrow({ where: { id: summary.id } })
      expect(row.prefix).toBe(token.slice(0, 8))
      expect(JSON.stringify(row)).not.toContain(token.slice(8))
      expect(JSON.stringify(await listApiTokens(orgId))).not.toContain(token.slice(8))
      expect(
        await getDb().auditEvent.count({ where: { action: 'apitoken.create', target: summary.id } }),
      ).toBe(1)
      await expect(createApiToken(orgId, adminId, { name: ' ', scope: 'read' })).rejects.toThrow()
      await expect(createApiToken(orgId, adminId, { name: 'x', scope: 'admin' as 'read' })).rejects.toThrow()
    })

    test('a read token can GET and not POST; lastUsedAt is recorded', async () => {
      const list = await call(rolesRoute.GET, 'GET', '/api/v1/roles', { token: readToken })
      expect(list.status).toBe(200)
      expect(list.headers.get('cache-control')).toBe('no-store')
      RoleListSchema.parse(await list.json())
      const post = await call(rolesRoute.POST, 'POST', '/api/v1/roles', {
        token: readToken,
        json: { title: 'Nope', framework: { id: 'nice', version: '2.1.0' } },
      })
      expect(post.status).toBe(403)
      expect(post.headers.get('www-authenticate')).toContain('insufficient_scope')
      expect((await errorOf(post)).error).toBe('forbidden')
      expect(await getDb().orgRole.count({ where: { title: 'Nope' } })).toBe(0)
      const used = (await listApiTokens(orgId)).find((t) => t.name === 'HR read')
      expect(used?.lastUsedAt).toBeInstanceOf(Date)
      // A read token cannot reach routes that need roles:edit even for GET.
      expect(
        (await call(importsRoute.GET, 'GET', '/api/v1/frameworks/imports', { token: readToken })).status,
      ).toBe(403)
    })

    test('no credentials, garbage, unknown and revoked tokens are 401', async () => {
      const none = await call(rolesRoute.GET, 'GET', '/api/v1/roles')
      expect(none.status).toBe(401)
      expect((await errorOf(none)).error).toBe('unauthenticated')
      expect(none.headers.get('www-authenticate')).toContain('Bearer')
      for (const token of ['garbage', '', `ksk_${'A'.repeat(43)}`, `${writeToken}x`]) {
        const res = await call(rolesRoute.GET, 'GET', '/api/v1/roles', { token })
        expect(res.status, token).toBe(401)
        expect((await errorOf(res)).error).toBe('invalid_token')
      }
      const { token, summary } = await createApiToken(orgId, adminId, { name: 'To revoke', scope: 'write' })
      expect((await call(rolesRoute.GET, 'GET', '/api/v1/roles', { token })).status).toBe(200)
      await revokeApiToken(orgId, adminId, summary.id)
      await revokeApiToken(orgId, adminId, summary.id) // idempotent
      expect((await call(rolesRoute.GET, 'GET', '/api/v1/roles', { token })).status).toBe(401)
      expect(
        await getDb().auditEvent.count({ where: { action: 'apitoken.revoke', target: summary.id } }),
      ).toBe(1)
    })

    test('a token stops working when its creator is disabled, and cannot be revoked from another organisation', async () => {
      const hr = await getDb().user.findUniqueOrThrow({ where: { email: 'hr@demo.kenshu.local' } })
      const { token, summary } = await createApiToken(orgId, hr.id, { name: 'HR person', scope: 'read' })
      expect(await verifyApiToken(token)).toMatchObject({
        organizationId: orgId,
        userId: hr.id,
        permissions: ['frameworks:read', 'roles:read'],
      })
      await setDisabled(orgId, adminId, hr.id, true)
      expect(await verifyApiToken(token)).toBeNull()
      await setDisabled(orgId, adminId, hr.id, false)
      expect(await verifyApiToken(token)).not.toBeNull()
      await expect(revokeApiToken('another-org', adminId, summary.id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      })
    })

    test("another organisation's token sees none of this organisation's roles", async () => {
      const mine = await createRole('Private role')
      const other = await getDb().organization.create({ data: { slug: `api-other-${kind}`, name: 'Other' } })
      const outsider = await getDb().user.create({
        data: {
          email: `api-${kind}@other.example`,
          name: 'Outsider',
          memberships: { create: { organizationId: other.id, role: 'admin' } },
        },
      })
      const { token } = await createApiToken(other.id, outsider.id, { name: 'Theirs', scope: 'write' })
      const get = await call(roleRoute.GET, 'GET', `/api/v1/roles/${mine.id}`, {
        token,
        params: { roleId: mine.id },
      })
      expect(get.status).toBe(404)
      const del = await call(roleRoute.DELETE, 'DELETE', `/api/v1/roles/${mine.id}`, {
        token,
        params: { roleId: mine.id },
      })
      expect(del.status).toBe(404)
      const list = RoleListSchema.parse(
        await (await call(rolesRoute.GET, 'GET', '/api/v1/roles', { token })).json(),
      )
      expect(list.items).toEqual([])
      const empty = await call(exportRoute.GET, 'GET', '/api/v1/roles/export', { token })
      expect(empty.status).toBe(200)
      expect(CFPackageSchema.parse(await empty.json()).CFItems ?? []).toEqual([])
    })
  })

  describe('roles', () => {
    test('create from NICE PD-WRL-003 (Incident Response): 201, Location, all its statements at the default level', async () => {
      const nice = getFramework('nice', '2.1.0')!
      const wr = nice.workRoles.get('PD-WRL-003')!
      const role = await createRole('Incident Responder', {
        positionLevel: 2,
        baselineWorkRoleId: 'PD-WRL-003',
        defaultLevel: 3,
      })
      expect(role.requirementCount).toBe(wr.taskIds.length + wr.knowledgeIds.length + wr.skillIds.length)
      expect(role.requirements.every((r) => r.level === 3 && r.text !== null && r.type !== null)).toBe(true)
      expect(role).toMatchObject({
        version: 1,
        archived: false,
        framework: { key: 'nice@2.1.0' },
        baselineWorkRoleId: 'PD-WRL-003',
      })
      expect(role.attribution?.text).toContain('NIST')
      const again = await call(roleRoute.GET, 'GET', `/api/v1/roles/${role.id}`, {
        token: readToken,
        params: { roleId: role.id },
      })
      expect(RoleDetailSchema.parse(await again.json()).requirements).toEqual(role.requirements)
    })

    test('create validation: strict body, unknown framework or work role', async () => {
      const extra = await call(rolesRoute.POST, 'POST', '/api/v1/roles', {
        token: writeToken,
        json: { title: 'X', framework: { id: 'nice', version: '2.1.0' }, organizationId: 'someone-else' },
      })
      expect(extra.status).toBe(422)
      expect((await errorOf(extra)).issues).toEqual([expect.objectContaining({ path: '$' })])
      const fw = await call(rolesRoute.POST, 'POST', '/api/v1/roles', {
        token: writeToken,
        json: { title: 'X', framework: { id: 'nice', version: '9.9.9' } },
      })
      expect(fw.status).toBe(422)
      const wr = await call(rolesRoute.POST, 'POST', '/api/v1/roles', {
        token: writeToken,
        json: { title: 'X', framework: { id: 'nice', version: '2.1.0' }, baselineWorkRoleId: 'NOPE' },
      })
      expect(wr.status).toBe(422)
      const text = await call(rolesRoute.POST, 'POST', '/api/v1/roles', {
        token: writeToken,
        body: 'title=X',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      expect(text.status).toBe(415)
      expect(await getDb().orgRole.count({ where: { title: 'X' } })).toBe(0)
    })

    test('PUT: drop and re-level as the next version; stale expectedVersion is 409; unknown statements 422', async () => {
      const role = await createRole('Responder (edit)', { baselineWorkRoleId: 'PD-WRL-003' })
      const [first, second, ...rest] = role.requirements
      const body = {
        expectedVersion: 1,
        title: 'Responder (edited)',
        description: 'Handles incidents',
        positionLevel: 3,
        // first re-levelled, second dropped explicitly (level 0), all but ten of the rest dropped by omission
        requirements: [
          { statementId: first!.statementId, level: 4, weight: 2 },
          { statementId: second!.statementId, level: 0 },
          ...rest.slice(0, 10).map((r) => ({ statementId: r.statementId, level: r.level })),
        ],
      }
      const put = await call(roleRoute.PUT, 'PUT', `/api/v1/roles/${role.id}`, {
        token: writeToken,
        json: body,
        params: { roleId: role.id },
      })
      expect(put.status, await put.clone().text()).toBe(200)
      const saved = (await put.json()) as {
        changed: boolean
        version: number
        requirements: { statementId: string; level: number; weight: number }[]
        title: string
      }
      expect(saved).toMatchObject({ changed: true, version: 2, title: 'Responder (edited)' })
      expect(saved.requirements).toHaveLength(11)
      expect(saved.requirements.find((r) => r.statementId === first!.statementId)).toMatchObject({
        level: 4,
        weight: 2,
      })
      expect(saved.requirements.some((r) => r.statementId === second!.statementId)).toBe(false)

      const stale = await call(roleRoute.PUT, 'PUT', `/api/v1/roles/${role.id}`, {
        token: writeToken,
        json: body,
        params: { roleId: role.id },
      })
      expect(stale.status).toBe(409)
      expect((await errorOf(stale)).error).toBe('conflict')

      const same = await call(roleRoute.PUT, 'PUT', `/api/v1/roles/${role.id}`, {
        token: writeToken,
        json: { ...body, expectedVersion: 2 },
        params: { roleId: role.id },
      })
      expect(await same.json()).toMatchObject({ changed: false, version: 2 })

      const unknown = await call(roleRoute.PUT, 'PUT', `/api/v1/roles/${role.id}`, {
        token: writeToken,
        json: { ...body, expectedVersion: 2, requirements: [{ statementId: 'NOT-A-STATEMENT', level: 2 }] },
        params: { roleId: role.id },
      })
      expect(unknown.status).toBe(422)
      expect((await errorOf(unknown)).issues).toEqual([
        expect.objectContaining({ path: '$.requirements[0].statementId' }),
      ])
      const dup = await call(roleRoute.PUT, 'PUT', `/api/v1/roles/${role.id}`, {
        token: writeToken,
        json: { ...body, expectedVersion: 2, requirements: [body.requirements[0], body.requirements[0]] },
        params: { roleId: role.id },
      })
      expect(dup.status).toBe(422)
      expect((await getDb().orgRole.findUniqueOrThrow({ where: { id: role.id } })).version).toBe(2)
      expect(await getDb().orgRoleRequirement.count({ where: { roleId: role.id } })).toBe(11)
    })

    test('DELETE archives (never deletes), is idempotent, and hides the role from the default list', async () => {
      const role = await createRole('To archive')
      const del = await call(roleRoute.DELETE, 'DELETE', `/api/v1/roles/${role.id}`, {
        token: writeToken,
        params: { roleId: role.id },
      })
      expect(del.status).toBe(204)
      expect(
        (
          await call(roleRoute.DELETE, 'DELETE', `/api/v1/roles/${role.id}`, {
            token: writeToken,
            params: { roleId: role.id },
          })
        ).status,
      ).toBe(204)
      expect((await getDb().orgRole.findUniqueOrThrow({ where: { id: role.id } })).archivedAt).toBeInstanceOf(
        Date,
      )
      const active = RoleListSchema.parse(
        await (await call(rolesRoute.GET, 'GET', '/api/v1/roles', { token: readToken })).json(),
      )
      expect(active.items.map((r) => r.id)).not.toContain(role.id)
      const all = RoleListSchema.parse(
        await (
          await call(rolesRoute.GET, 'GET', '/api/v1/roles?includeArchived=1', { token: readToken })
        ).json(),
      )
      expect(all.items.find((r) => r.id === role.id)?.archived).toBe(true)
      const put = await call(roleRoute.PUT, 'PUT', `/api/v1/roles/${role.id}`, {
        token: writeToken,
        json: { expectedVersion: 1, title: 'x', description: '', positionLevel: null, requirements: [] },
        params: { roleId: role.id },
      })
      expect(put.status).toBe(409)
      const missing = await call(roleRoute.DELETE, 'DELETE', '/api/v1/roles/nope', {
        token: writeToken,
        params: { roleId: 'nope' },
      })
      expect(missing.status).toBe(404)
    })
  })

  describe('career paths', () => {
    test('add, list with what the step adds, cycle and duplicate are 409, delete', async () => {
      const junior = await createRole('Junior analyst', { baselineWorkRoleId: 'PD-WRL-003', defaultLevel: 1 })
      const senior = await createRole('Senior analyst', { baselineWorkRoleId: 'PD-WRL-003', defaultLevel: 3 })
      const lead = await createRole('Lead', { baselineWorkRoleId: 'PD-WRL-001' })
      const add = (fromRoleId: string, toRoleId: string, token = writeToken) =>
        call(careerRoute.POST, 'POST', '/api/v1/career-paths', { token, json: { fromRoleId, toRoleId } })
      expect((await add(junior.id, senior.id, readToken)).status).toBe(403)
      const first = await add(junior.id, senior.id)
      expect(first.status).toBe(201)
      const edge = CareerPathSchema.parse(await first.json())
      expect(first.headers.get('location')).toBe(`/api/v1/career-paths/${edge.id}`)
      expect(edge.raises.length).toBe(senior.requirementCount) // same statements, level 1 → 3
      expect(edge.adds).toEqual([])
      expect((await add(senior.id, lead.id)).status).toBe(201)
      const cycle = await add(lead.id, junior.id)
      expect(cycle.status).toBe(409)
      expect((await errorOf(cycle)).message).toMatch(/circle/)
      expect((await add(junior.id, senior.id)).status).toBe(409)
      expect((await add(junior.id, junior.id)).status).toBe(422)
      expect((await add(junior.id, 'nope')).status).toBe(404)

      const list = await call(careerRoute.GET, 'GET', '/api/v1/career-paths', { token: readToken })
      const items = (await list.json()) as { items: unknown[] }
      const parsed = items.items.map((i) => CareerPathSchema.parse(i))
      const step = parsed.find((p) => p.fromRoleId === senior.id && p.toRoleId === lead.id)!
      expect(step.adds.length).toBeGreaterThan(0)
      expect(step.adds.every((a) => a.text && a.type)).toBe(true)
      expect(step.from.title).toBe('Senior analyst')

      const one = await call(edgeRoute.GET, 'GET', `/api/v1/career-paths/${edge.id}`, {
        token: writeToken,
        params: { edgeId: edge.id },
      })
      expect(CareerPathSchema.parse(await one.json()).id).toBe(edge.id)
      const del = () =>
        call(edgeRoute.DELETE, 'DELETE', `/api/v1/career-paths/${edge.id}`, {
          token: writeToken,
          params: { edgeId: edge.id },
        })
      expect(
        (
          await call(edgeRoute.DELETE, 'DELETE', `/api/v1/career-paths/${edge.id}`, {
            token: readToken,
            params: { edgeId: edge.id },
          })
        ).status,
      ).toBe(403)
      expect((await del()).status).toBe(204)
      expect((await del()).status).toBe(404)
    })
  })

  describe('frameworks', () => {
    test('list carries attribution; one framework as json, case and csv', async () => {
      const list = (await (
        await call(frameworksRoute.GET, 'GET', '/api/v1/frameworks', { token: readToken })
      ).json()) as {
        items: { key: string; attribution: { text: string } }[]
      }
      expect(list.items.map((i) => i.key)).toEqual(expect.arrayContaining(['nice@2.1.0', 'ecsf@1']))
      for (const i of list.items) expect(i.attribution.text.length).toBeGreaterThan(10)

      const params = { frameworkId: 'nice', version: '2.1.0' }
      const nice = getFramework('nice', '2.1.0')!.framework
      const asJson = await call(frameworkRoute.GET, 'GET', '/api/v1/frameworks/nice/2.1.0', {
        token: readToken,
        params,
      })
      expect(((await asJson.json()) as { attribution: unknown }).attribution).toEqual(nice.attribution)

      const asCase = await call(frameworkRoute.GET, 'GET', '/api/v1/frameworks/nice/2.1.0?format=case', {
        token: readToken,
        params,
      })
      expect(asCase.headers.get('content-disposition')).toMatch(
        /^attachment; filename="nice-2\.1\.0\.case\.json"/,
      )
      const caseText = await asCase.text()
      const pkg = CFPackageSchema.parse(JSON.parse(caseText))
      expect(pkg.CFItems).toHaveLength(
        nice.categories.length + nice.workRoles.length + nice.statements.length + nice.competencyAreas.length,
      )
      expect(JSON.stringify(pkg.CFDocument)).toContain('National Institute of Standards and Technology')
      const again = await call(frameworkRoute.GET, 'GET', '/api/v1/frameworks/nice/2.1.0?format=case', {
        token: readToken,
        params,
      })
      expect(await again.text()).toBe(caseText) // deterministic: same framework, same bytes

      const csv = await call(frameworkRoute.GET, 'GET', '/api/v1/frameworks/nice/2.1.0?format=csv', {
        token: readToken,
        params,
      })
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      expect(csv.headers.get('content-disposition')).toMatch(/^attachment/)
      expect(decodeURIComponent(csv.headers.get('kenshu-attribution')!)).toContain(nice.attribution.text)
      expect(csv.headers.get('link')).toContain('rel="cite-as"')
      const bytes = new Uint8Array(await csv.arrayBuffer())
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]) // BOM, for Excel
      expect(new TextDecoder().decode(bytes).split('\r\n')[0]).toBe('type,id,text,description,category,roles')

      expect(
        (
          await call(frameworkRoute.GET, 'GET', '/api/v1/frameworks/nice/2.1.0?format=xml', {
            token: readToken,
            params,
          })
        ).status,
      ).toBe(422)
      expect(
        (
          await call(frameworkRoute.GET, 'GET', '/api/v1/frameworks/nice/0', {
            token: readToken,
            params: { ...params, version: '0' },
          })
        ).status,
      ).toBe(404)
    })

    test('statements: search, filters, limit', async () => {
      const params = { frameworkId: 'nice', version: '2.1.0' }
      const get = (q: string) =>
        call(statementsRoute.GET, 'GET', `/api/v1/frameworks/nice/2.1.0/statements${q}`, {
          token: readToken,
          params,
        })
      const search = StatementListSchema.parse(await (await get('?q=incident&type=task&limit=5')).json())
      expect(search.items).toHaveLength(5)
      expect(search.total).toBeGreaterThan(5)
      expect(search.items.every((s) => s.type === 'task')).toBe(true)
      const ofRole = StatementListSchema.parse(
        await (await get('?workRole=PD-WRL-003&type=skill&limit=200')).json(),
      )
      expect(ofRole.total).toBe(getFramework('nice', '2.1.0')!.workRoles.get('PD-WRL-003')!.skillIds.length)
      expect(ofRole.items.every((s) => s.workRoleIds.includes('PD-WRL-003'))).toBe(true)
      expect((await get('?limit=201')).status).toBe(422)
      expect((await get('?workRole=NOPE')).status).toBe(404)
    })
  })

  describe('uploads', () => {
    const fixture = (name: string) => readFileSync(path.join(root, 'lib/frameworks/upload/fixtures', name))
    const multipart = (file: Uint8Array, fileName: string, meta: Record<string, string>) => {
      const form = new FormData()
      form.set('file', new Blob([file as BlobPart]), fileName)
      for (const [k, v] of Object.entries(meta)) form.set(k, v)
      return form
    }
    const meta = { id: 'acme-soc', version: '1', title: 'ACME SOC standard', publisher: 'ACME' }

    test('a malformed CSV is a 422 with line and column, and nothing is written', async () => {
      const before = await getDb().orgFramework.count()
      const res = await call(importsRoute.POST, 'POST', '/api/v1/frameworks/imports', {
        token: writeToken,
        body: multipart(fixture('unknown-type.csv'), 'unknown-type.csv', meta),
      })
      expect(res.status).toBe(422)
      const body = (await res.json()) as {
        error: string
        issues: { line: number | null; column: string | null; reason: string }[]
      }
      expect(body.error).toBe('invalid_file')
      expect(body.issues[0]).toMatchObject({ line: 3, column: 'type' })
      expect(await getDb().orgFramework.count()).toBe(before)
    })

    test('a read token cannot upload; a valid CSV becomes a draft (multipart and JSON)', async () => {
      const denied = await call(importsRoute.POST, 'POST', '/api/v1/frameworks/imports', {
        token: readToken,
        body: multipart(fixture('valid-utf8.csv'), 'valid-utf8.csv', meta),
      })
      expect(denied.status).toBe(403)
      const res = await call(importsRoute.POST, 'POST', '/api/v1/frameworks/imports', {
        token: writeToken,
        body: multipart(fixture('valid-utf8.csv'), 'valid-utf8.csv', meta),
      })
      expect(res.status, await res.clone().text()).toBe(201)
      const out = (await res.json()) as {
        draftId: string
        key: string
        previewUrl: string
        preview: { workRoles: number }
      }
      expect(out).toMatchObject({
        key: 'acme-soc@1',
        previewUrl: `/frameworks/import/${out.draftId}`,
        preview: { workRoles: 2 },
      })
      const row = await getDb().orgFramework.findUniqueOrThrow({ where: { id: out.draftId } })
      expect(JSON.parse(row.summary)).toMatchObject({
        format: 'csv',
        encoding: expect.stringMatching(/utf-8/i) as unknown,
        warnings: [],
      })
      expect(row).toMatchObject({
        status: 'draft',
        organizationId: orgId,
      })

      const viaJson = await call(importsRoute.POST, 'POST', '/api/v1/frameworks/imports', {
        token: writeToken,
        json: {
          fileName: 'std.csv',
          content: fixture('valid-utf8.csv').toString('base64'),
          contentEncoding: 'base64',
          ...meta,
          version: '2',
        },
      })
      expect(viaJson.status).toBe(201)
      const missingFile = await call(importsRoute.POST, 'POST', '/api/v1/frameworks/imports', {
        token: writeToken,
        body: (() => {
          const f = new FormData()
          f.set('id', 'x')
          return f
        })(),
      })
      expect(missingFile.status).toBe(422)
    })

    test('oversized uploads are 413, by Content-Length or by counting the stream', async () => {
      const before = await getDb().orgFramework.count()
      const declared = await call(importsRoute.POST, 'POST', '/api/v1/frameworks/imports', {
        token: writeToken,
        body: 'x',
        headers: {
          'content-type': 'multipart/form-data; boundary=x',
          'content-length': String(MAX_UPLOAD_BYTES + 65 * 1024),
        },
      })
      expect(declared.status).toBe(413)
      let sent = 0
      const stream = new ReadableStream<Uint8Array>({
        pull(c) {
          sent += 64 * 1024
          c.enqueue(new Uint8Array(64 * 1024).fill(0x61))
          if (sent > MAX_UPLOAD_BYTES * 3) c.close()
        },
      })
      const streamed = await call(importsRoute.POST, 'POST', '/api/v1/frameworks/imports', {
        token: writeToken,
        body: stream,
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
      })
      expect(streamed.status).toBe(413)
      expect(sent).toBeLessThan(MAX_UPLOAD_BYTES * 2)
      // A file just over the limit inside a body that fits the envelope allowance.
      const big = new Uint8Array(MAX_UPLOAD_BYTES + 1).fill(0x61)
      const file = await call(importsRoute.POST, 'POST', '/api/v1/frameworks/imports', {
        token: writeToken,
        body: multipart(big, 'big.csv', meta),
      })
      expect(file.status).toBe(413)
      expect(await getDb().orgFramework.count()).toBe(before)
    })
  })

  describe('export and OpenAPI', () => {
    test('CASE export of all roles: a CFPackage with one Job Role item per active role, and career paths', async () => {
      const res = await call(exportRoute.GET, 'GET', '/api/v1/roles/export', { token: readToken })
      expect(res.status, await res.clone().text()).toBe(200)
      expect(res.headers.get('content-disposition')).toMatch(/^attachment/)
      expect(res.headers.get('kenshu-attribution')).toBeTruthy()
      const pkg = CFPackageSchema.parse(await res.json())
      const active = RoleListSchema.parse(
        await (await call(rolesRoute.GET, 'GET', '/api/v1/roles', { token: readToken })).json(),
      ).items
      expect(active.length).toBeGreaterThan(3)
      expect(pkg.CFItems).toHaveLength(active.length)
      expect(new Set(pkg.CFItems?.map((i) => i.humanCodingScheme))).toEqual(new Set(active.map((r) => r.id)))
      expect(pkg.CFAssociations?.filter((a) => a.associationType === 'precedes').length).toBeGreaterThan(0)

      const csv = await call(exportRoute.GET, 'GET', '/api/v1/roles/export?format=csv', { token: readToken })
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      const rows = (await csv.text()).trim().split('\r\n')
      expect(rows.length - 1).toBe(active.reduce((n, r) => n + r.requirementCount, 0))
    })

    test('the OpenAPI document is public JSON describing every path', async () => {
      const res = await call(openapiRoute.GET, 'GET', '/api/v1/openapi.json')
      expect(res.status).toBe(200)
      const doc = JSON.parse(await res.text()) as { openapi: string; paths: Record<string, unknown> }
      expect(doc.openapi).toBe('3.1.0')
      expect(Object.keys(doc.paths).sort()).toEqual(
        [
          '/api/v1/openapi.json',
          '/api/v1/frameworks',
          '/api/v1/frameworks/{frameworkId}/{version}',
          '/api/v1/frameworks/{frameworkId}/{version}/statements',
          '/api/v1/frameworks/imports',
          '/api/v1/roles',
          '/api/v1/roles/export',
          '/api/v1/roles/{roleId}',
          '/api/v1/career-paths',
          '/api/v1/career-paths/{edgeId}',
        ].sort(),
      )
    })
  })
})
