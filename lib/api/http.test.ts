import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import { DomainError } from '../errors'
import {
  apiHandler,
  attachment,
  errorResponse,
  isSameOrigin,
  isUnsafeMethod,
  readBodyLimited,
  readJson,
} from './http'
import { requirementEditsFor } from './schemas'

const req = (headers: Record<string, string>, init: RequestInit = {}) =>
  new Request('http://kenshu.example/api/v1/roles', { method: 'POST', headers, ...init })

describe('isSameOrigin (CSRF defence for cookie-authenticated writes)', () => {
  test('accepts this site', () => {
    expect(isSameOrigin(req({ host: 'kenshu.example', origin: 'http://kenshu.example' }))).toBe(true)
    expect(isSameOrigin(req({ host: 'kenshu.example:3000', origin: 'http://kenshu.example:3000' }))).toBe(
      true,
    )
    expect(isSameOrigin(req({ host: 'KENSHU.example', origin: 'https://kenshu.example' }))).toBe(true)
  })
  test('refuses other sites, missing, opaque and garbage origins', () => {
    expect(isSameOrigin(req({ host: 'kenshu.example', origin: 'https://evil.example' }))).toBe(false)
    expect(isSameOrigin(req({ host: 'kenshu.example', origin: 'http://kenshu.example.evil.example' }))).toBe(
      false,
    )
    expect(isSameOrigin(req({ host: 'kenshu.example:3000', origin: 'http://kenshu.example' }))).toBe(false)
    expect(isSameOrigin(req({ host: 'kenshu.example' }))).toBe(false)
    expect(isSameOrigin(req({ host: 'kenshu.example', origin: 'null' }))).toBe(false)
    expect(isSameOrigin(req({ host: 'kenshu.example', origin: 'not a url' }))).toBe(false)
  })
  test('only writing methods are checked', () => {
    expect(isUnsafeMethod('GET')).toBe(false)
    expect(isUnsafeMethod('head')).toBe(false)
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(isUnsafeMethod(m)).toBe(true)
  })
})

describe('readBodyLimited', () => {
  test('refuses a declared Content-Length over the limit before reading', async () => {
    const body = new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(new Uint8Array(100)) })
    const r = new Request('http://x/', {
      method: 'POST',
      body,
      headers: { 'content-length': '2000' },
      duplex: 'half',
    } as RequestInit)
    expect(await readBodyLimited(r, 1000)).toBeNull()
    expect(r.bodyUsed).toBe(false)
  })
  test('counts a streamed body without Content-Length and stops at the limit', async () => {
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        sent += 512
        c.enqueue(new Uint8Array(512))
        if (sent > 100_000) c.close()
      },
    })
    const r = new Request('http://x/', { method: 'POST', body, duplex: 'half' } as RequestInit)
    expect(await readBodyLimited(r, 4096)).toBeNull()
    expect(sent).toBeLessThan(10_000)
  })
  test('returns the bytes when within the limit', async () => {
    const r = new Request('http://x/', { method: 'POST', body: 'hello' })
    expect(new TextDecoder().decode((await readBodyLimited(r, 5))!)).toBe('hello')
  })
})

describe('readJson', () => {
  const S = z.strictObject({ title: z.string().min(1) })
  test('415 without application/json, 413 when large, 400 when malformed, 422 with issues when invalid', async () => {
    const send = (body: string, type = 'application/json') =>
      readJson(new Request('http://x/', { method: 'POST', body, headers: { 'content-type': type } }), S, 100)
    const statusOf = async (p: ReturnType<typeof send>) => {
      const r = await p
      return r.ok ? 200 : r.response.status
    }
    expect(await statusOf(send('{"title":"a"}', 'text/plain'))).toBe(415)
    expect(await statusOf(send(JSON.stringify({ title: 'x'.repeat(200) })))).toBe(413)
    expect(await statusOf(send('{not json'))).toBe(400)
    const bad = await send('{"title":"","extra":1}', 'application/json; charset=utf-8')
    expect(bad.ok).toBe(false)
    if (!bad.ok) {
      expect(bad.response.status).toBe(422)
      const body = (await bad.response.json()) as { error: string; issues: { path: string }[] }
      expect(body.error).toBe('invalid')
      expect(body.issues.map((i) => i.path).sort()).toEqual(['$', '$.title'])
      expect(bad.response.headers.get('cache-control')).toBe('no-store')
    }
    expect(await send('{"title":"ok"}')).toEqual({ ok: true, data: { title: 'ok' } })
  })
})

describe('errorResponse and apiHandler', () => {
  test('DomainError codes map to statuses, others to a bare 500', async () => {
    expect(errorResponse(new DomainError('NOT_FOUND', 'x')).status).toBe(404)
    expect(errorResponse(new DomainError('CONFLICT', 'x')).status).toBe(409)
    const invalid = errorResponse(new DomainError('INVALID', 'Unknown', 'baseline'))
    expect(invalid.status).toBe(422)
    expect(await invalid.json()).toEqual({
      error: 'invalid',
      message: 'Unknown',
      issues: [{ path: '$.baseline', message: 'Unknown' }],
    })
    const err = console.error
    console.error = () => undefined
    try {
      const boom = errorResponse(new Error('secret detail'))
      expect(boom.status).toBe(500)
      expect(await boom.text()).not.toContain('secret')
    } finally {
      console.error = err
    }
  })
  test('every response gets Cache-Control: no-store', async () => {
    const h = apiHandler(async () => new Response('x'))
    expect((await h(new Request('http://x/'), {})).headers.get('cache-control')).toBe('no-store')
    const thrown = apiHandler(async () => {
      throw new DomainError('CONFLICT', 'later')
    })
    const res = await thrown(new Request('http://x/'), {})
    expect(res.status).toBe(409)
    expect(res.headers.get('cache-control')).toBe('no-store')
  })
  test('attachment file names cannot inject headers and keep Unicode', () => {
    const v = attachment('ロール\r\nSet-Cookie: a=b.csv')
    expect(v).not.toMatch(/[\r\n]/)
    expect(v).toContain("filename*=UTF-8''")
  })
})

describe('requirementEditsFor (PUT semantics: the body is the full desired list)', () => {
  test('drops unlisted statements, keeps listed ones as given', () => {
    const current = [
      { statementId: 'T1', level: 2 as const, weight: 1 },
      { statementId: 'K1', level: 2 as const, weight: 1 },
    ]
    expect(
      requirementEditsFor(current, [
        { statementId: 'T1', level: 3 },
        { statementId: 'S9', level: 1, weight: 2 },
      ]),
    ).toEqual([
      { statementId: 'K1', level: 0 },
      { statementId: 'T1', level: 3 },
      { statementId: 'S9', level: 1, weight: 2 },
    ])
  })
})
