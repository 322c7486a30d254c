import { expect, test } from '@playwright/test'
import WebSocket from 'ws'
import { signInAPI, USERS } from './helpers'

test('health reports version, database and sandbox', async ({ request }) => {
  const res = await request.get('/api/health')
  expect(res.status()).toBe(200)
  const body = (await res.json()) as Record<string, unknown>
  expect(body).toMatchObject({ status: 'ok', version: expect.any(String), database: { kind: 'sqlite', reachable: true } })
  expect(body.sandbox).toHaveProperty('available')
  expect(JSON.stringify(body)).not.toMatch(/kenshu\.db|\/tmp\/|secret/i)
})

test('security headers on pages', async ({ request }) => {
  const res = await request.get('/signin')
  const h = res.headers()
  expect(h['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/)
  expect(h['content-security-policy']).not.toMatch(/script-src[^;]*unsafe-inline/)
  expect(h['content-security-policy']).toContain("frame-ancestors 'none'")
  expect(h['x-frame-options']).toBe('DENY')
  expect(h['x-content-type-options']).toBe('nosniff')
  expect(h['referrer-policy']).toBe('same-origin')
  expect(h['x-powered-by']).toBeUndefined()
})

test('no request leaves the machine: fonts and assets are local', async ({ page }) => {
  const external: string[] = []
  page.on('request', (r) => {
    const u = new URL(r.url())
    if (!['localhost', '127.0.0.1'].includes(u.hostname) && u.protocol !== 'data:') external.push(r.url())
  })
  await page.goto('/')
  await page.goto('/signin')
  await page.waitForLoadState('networkidle')
  expect(external).toEqual([])
  const fonts = await page.evaluate(() => [...document.fonts].map((f) => f.family))
  expect(fonts.join(' ')).toMatch(/Noto Sans JP/)
})

function wsStatus(url: string, headers: Record<string, string>) {
  return new Promise<number>((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('open', () => {
      resolve(101)
      ws.close()
    })
    ws.on('error', () => resolve(-1))
  })
}

test('the terminal WebSocket checks the session and permission on upgrade', async ({ baseURL, browser }) => {
  const wsBase = baseURL!.replace('http', 'ws')
  const origin = baseURL!
  expect(await wsStatus(`${wsBase}/ws/terminal`, { Origin: origin })).toBe(401)
  expect(await wsStatus(`${wsBase}/ws/terminal?ticket=abc`, { Origin: origin, Cookie: 'next-auth.session-token=forged' })).toBe(401)
  const cookieFor = async (role: keyof typeof USERS) => {
    const ctx = await browser.newContext()
    await signInAPI(ctx.request, USERS[role].email)
    const c = (await ctx.cookies()).find((x) => x.name === 'next-auth.session-token')!
    await ctx.close()
    return `next-auth.session-token=${c.value}`
  }
  // Executives have no lab:use permission.
  expect(await wsStatus(`${wsBase}/ws/terminal?ticket=abc`, { Origin: origin, Cookie: await cookieFor('executive') })).toBe(403)
  const learner = await cookieFor('learner')
  // A learner without a valid ticket is refused; so is a cross-site origin.
  expect(await wsStatus(`${wsBase}/ws/terminal?ticket=not-a-ticket`, { Origin: origin, Cookie: learner })).toBe(403)
  expect(await wsStatus(`${wsBase}/ws/terminal`, { Origin: 'http://evil.example', Cookie: learner })).toBe(403)
  expect(await wsStatus(`${wsBase}/ws/other`, { Origin: origin, Cookie: learner })).toBe(404)
})
