import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { encode } from 'next-auth/jwt'
import { expect, test, type APIRequestContext } from '@playwright/test'
import { E2E_DATA_DIR } from '../../playwright.config'
import { actionRefs, postAction, signInAPI, USERS } from './helpers'

// Session cookies forged with the server's own secret (SECURITY.md 4.3, 4.5), against pages, route
// handlers and server actions of the running production server: an expired token, a token for a
// disabled, deleted or unknown user, a token with role claims, and a token encrypted with another
// secret. A positive control (a fresh token for a real user) shows the forging itself works, so every
// refusal is the server's doing. The terminal upgrade is covered in tests/security/sessions.test.ts.

/** The secret the e2e server uses: NEXTAUTH_SECRET, or the one it generated in its data directory. */
function serverSecret(): string {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET
  const file = path.join(E2E_DATA_DIR, 'auth-secret')
  expect(existsSync(file), 'the e2e server keeps its secret in its data directory').toBe(true)
  return readFileSync(file, 'utf8').trim()
}
function userId(email: string): string {
  const db = new Database(path.join(E2E_DATA_DIR, 'kenshu.db'), { readonly: true, fileMustExist: true })
  try {
    return (db.prepare('SELECT id FROM User WHERE email = ?').get(email) as { id: string }).id
  } finally {
    db.close()
  }
}

async function withCookie(
  playwright: { request: { newContext: (o: object) => Promise<APIRequestContext> } },
  baseURL: string,
  jwe: string,
) {
  const host = new URL(baseURL).hostname
  return playwright.request.newContext({
    baseURL,
    storageState: {
      cookies: [
        {
          name: 'next-auth.session-token',
          value: jwe,
          domain: host,
          path: '/',
          expires: -1,
          httpOnly: true,
          secure: false,
          sameSite: 'Lax',
        },
      ],
      origins: [],
    },
  })
}
/** What a cookie gets: /api/me status, and whether an app page lets it in. */
async function outcome(ctx: APIRequestContext) {
  const me = await ctx.get('/api/me')
  const page = await ctx.get('/learn', { maxRedirects: 0 })
  return {
    me: me.status(),
    page: page.status() === 200 ? 'in' : (page.headers()['location'] ?? String(page.status())),
  }
}

test('forged session cookies: only a fresh token for an active user gets in', async ({
  playwright,
  baseURL,
}) => {
  const secret = serverSecret()
  const learner = userId(USERS.learner.email)

  // Positive control: forged with the right secret for a real, active user → signed in.
  const good = await withCookie(playwright, baseURL!, await encode({ token: { sub: learner }, secret }))
  expect(await outcome(good)).toEqual({ me: 200, page: 'in' })
  expect(((await (await good.get('/api/me')).json()) as { role: string }).role).toBe('learner')
  await good.dispose()

  const refused = async (label: string, jwe: string) => {
    const ctx = await withCookie(playwright, baseURL!, jwe)
    const o = await outcome(ctx)
    expect(o.me, label).toBe(401)
    expect(o.page, label).toMatch(/\/signin/)
    await ctx.dispose()
  }
  await refused('expired', await encode({ token: { sub: learner }, secret, maxAge: -120 }))
  await refused(
    'another secret',
    await encode({ token: { sub: learner }, secret: `${secret}-other-deployment` }),
  )
  await refused('unknown user', await encode({ token: { sub: 'doesnotexist' }, secret }))
  await refused(
    'no subject',
    await encode({ token: { email: USERS.admin.email, name: USERS.admin.name }, secret }),
  )

  // Claims beside the subject grant nothing: an executive claiming admin is an executive.
  const exec = userId(USERS.executive.email)
  const claims = await withCookie(
    playwright,
    baseURL!,
    await encode({
      token: { sub: exec, role: 'admin', organizationId: 'x', permissions: ['users:manage'] },
      secret,
    }),
  )
  expect(((await (await claims.get('/api/me')).json()) as { role: string }).role).toBe('executive')
  expect((await claims.get('/admin/users', { maxRedirects: 0 })).status()).toBe(403)
  await claims.dispose()
})

test('a disabled user’s still-valid cookie stops working at once', async ({ playwright, baseURL }) => {
  const secret = serverSecret()
  // A user of this test's own, so disabling it disturbs nobody else.
  const admin = await playwright.request.newContext({ baseURL })
  await signInAPI(admin, USERS.admin.email)
  const email = 'session-victim@demo.kenshu.local'
  const created = await postAction(admin, baseURL!, actionRefs().createUserAction!, {
    email,
    name: 'Session Victim',
    role: 'learner',
    password: 'session-victim-pass-1',
  })
  expect(created.body).toContain('"ok":true')
  const id = userId(email)
  const ctx = await withCookie(playwright, baseURL!, await encode({ token: { sub: id }, secret }))
  expect((await ctx.get('/api/me')).status()).toBe(200)
  const disabled = await postAction(
    admin,
    baseURL!,
    { ...actionRefs().setUserDisabledAction!, page: `/admin/users/${id}` },
    { userId: id, disabled: 'true' },
  )
  expect(disabled.body).toContain('"ok":true')
  expect((await ctx.get('/api/me')).status()).toBe(401)
  expect((await ctx.get('/learn', { maxRedirects: 0 })).headers()['location'] ?? '').toMatch(/\/signin/)
  // Server actions refuse it too.
  const action = await postAction(ctx, baseURL!, actionRefs().setCareerRolesAction!, {
    currentRoleId: '',
    targetRoleId: '',
  })
  expect(action.body).not.toContain('"ok":true')
  expect(
    action.body.includes('"code":"UNAUTHENTICATED"') || /\/signin\?callbackUrl=/.test(action.body),
    action.body.slice(0, 200),
  ).toBe(true)
  await ctx.dispose()
  await admin.dispose()
})
