import { expect, test } from '@playwright/test'
import { ROLES, type Role } from '../../lib/auth/rbac'
import { ACTION_RULES } from '../../lib/auth/actions'
import { expectedAccess, ROUTE_RULES } from '../../lib/auth/routes'
import { can } from '../../lib/auth/rbac'
import { actionRefs, postAction, signInAPI, USERS } from './helpers'

// Walks every route in lib/auth/routes.ts as every role (and signed out) and compares what the server
// answers with the permission table. Adding a route without a rule already fails routes.test.ts.
const SAMPLE: Record<string, string> = { '[userId]': 'doesnotexist', '[token]': 'x'.repeat(24), '[...nextauth]': 'session' }
const concrete = (pattern: string) => pattern.replace(/\[[^\]]+\]/g, (m) => SAMPLE[m] ?? 'x')

const visitors: (Role | undefined)[] = [undefined, ...ROLES]

for (const role of visitors) {
  test(`every route as ${role ?? 'a signed-out visitor'}`, async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL })
    if (role) await signInAPI(request, USERS[role].email)
    const problems: string[] = []
    for (const [pattern, rule] of Object.entries(ROUTE_RULES)) {
      const url = concrete(pattern)
      const res = await request.get(url, { maxRedirects: 0 })
      const status = res.status()
      const expected = expectedAccess(rule, role)
      const location = res.headers()['location'] ?? ''
      const api = pattern.startsWith('/api/')
      let ok: boolean
      if (expected === 'allow') ok = status < 400 || (status === 404 && pattern.includes('['))
      else if (expected === 'signin') ok = api ? status === 401 : (status === 307 || status === 302) && location.includes('/signin')
      else ok = status === 403
      if (!ok) problems.push(`${url}: expected ${expected}, got ${status} ${location}`)
      if (status >= 500) problems.push(`${url}: server error ${status}`)
    }
    expect(problems).toEqual([])
    await request.dispose()
  })
}

test.describe('server actions refuse roles without the permission, and change nothing', () => {
  for (const role of ['learner', 'executive', 'manager', 'hr', 'instructor'] as const) {
    test(`as ${role}`, async ({ playwright, baseURL }) => {
      const request = await playwright.request.newContext({ baseURL })
      await signInAPI(request, USERS[role].email)
      const refs = actionRefs()
      const email = `forged-${role}@demo.kenshu.local`
      const samples: Record<string, Record<string, string>> = {
        createUserAction: { email, name: 'Forged', role: 'admin', password: 'forged-password-123' },
        updateMembershipAction: { userId: 'x', role: 'admin' },
        setUserDisabledAction: { userId: 'x', disabled: 'true' },
        createInvitationAction: { email, role: 'admin' },
        createTeamAction: { name: `Forged ${role}` },
        setTeamMemberAction: { teamId: 'x', userId: 'x', isLead: 'true' },
        removeTeamMemberAction: { teamId: 'x', userId: 'x' },
      }
      for (const [name, permission] of Object.entries(ACTION_RULES)) {
        if (permission === null || can(role, permission)) continue
        const ref = refs[name]
        expect(ref, `${name} in the build manifest`).toBeDefined()
        const res = await postAction(request, baseURL!, ref!, samples[name] ?? {})
        expect(res.body, name).toContain('"code":"FORBIDDEN"')
        expect(res.body, name).not.toContain('"ok":true')
      }
      // Nothing was written: the forged user does not exist (checked as an admin).
      const admin = await playwright.request.newContext({ baseURL })
      await signInAPI(admin, USERS.admin.email)
      const users = await (await admin.get('/admin/users')).text()
      expect(users).not.toContain(email)
      await admin.dispose()
      await request.dispose()
    })
  }

  test('signed-out callers get UNAUTHENTICATED', async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL })
    const res = await postAction(request, baseURL!, actionRefs().createTeamAction!, { name: 'Anonymous team' })
    // Either the proxy's early redirect or the action's own guard answers; never a success.
    expect(res.body.includes('"code":"UNAUTHENTICATED"') || /\/signin\?callbackUrl=/.test(res.body)).toBe(true)
    expect(res.body).not.toContain('"ok":true')
    // Without any cookie the proxy is skipped for paths it does not match: the action still refuses.
    const direct = await postAction(request, baseURL!, { ...actionRefs().createTeamAction!, page: '/signin' }, { name: 'Anonymous team' })
    expect(direct.body).not.toContain('"ok":true')
    await request.dispose()
  })

  test('positive control: the same HTTP call as an admin succeeds', async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL })
    await signInAPI(request, USERS.admin.email)
    const res = await postAction(request, baseURL!, actionRefs().createTeamAction!, { name: 'Red Team (via HTTP)' })
    expect(res.body).toContain('"ok":true')
    expect(await (await request.get('/admin/teams')).text()).toContain('Red Team (via HTTP)')
    await request.dispose()
  })

  test('a forged role or organisation field is ignored or rejected', async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL })
    await signInAPI(request, USERS.admin.email)
    const res = await postAction(request, baseURL!, actionRefs().createUserAction!, {
      email: 'forged-org@demo.kenshu.local',
      name: 'Forged Org',
      role: 'superuser',
      password: 'long enough password',
      organizationId: 'someone-elses-org',
    })
    expect(res.body).toContain('"code":"INVALID"')
    expect(res.body).toContain('role')
    await request.dispose()
  })
})

test('a learner sees the 403 page (not a crash) on HR and admin pages', async ({ page, context }) => {
  await signInAPI(context.request, USERS.learner.email)
  for (const url of ['/hr', '/admin', '/admin/users', '/admin/teams', '/team', '/exec']) {
    const res = await page.goto(url)
    expect(res?.status(), url).toBe(403)
    await expect(page.getByTestId('forbidden')).toBeVisible()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('You do not have access to this page')
    await expect(page.getByTestId('viewer-name')).toHaveText(USERS.learner.name)
  }
})

test('oversized and malformed action posts get a clear error and change nothing', async ({ playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL })
  await signInAPI(request, USERS.admin.email)
  const ref = actionRefs().createTeamAction!
  // One field over the per-field cap.
  const long = await postAction(request, baseURL!, ref, { name: 'x'.repeat(5000) })
  expect(long.body).toContain('"code":"TOO_LARGE"')
  // A body over the server-action limit (256 kB) is refused before the action runs.
  const huge = await postAction(request, baseURL!, ref, { name: 'y'.repeat(400_000) })
  expect(huge.body).not.toContain('"ok":true')
  expect(huge.status).toBeLessThan(600)
  // Garbage instead of React's encoding.
  const garbage = await request.post(ref.page, {
    headers: { 'Next-Action': ref.id, Origin: baseURL!, 'Content-Type': 'text/plain' },
    data: '{{{{not json',
    maxRedirects: 0,
  })
  expect(await garbage.text()).not.toContain('"ok":true')
  // A cross-site origin is refused by Next's CSRF check for server actions.
  const cross = await request.post(ref.page, {
    headers: { 'Next-Action': ref.id, Origin: 'http://evil.example', Accept: 'text/x-component' },
    multipart: { _1_name: 'Cross-site team', '0': '["$K1"]' },
    maxRedirects: 0,
  })
  expect(await cross.text()).not.toContain('"ok":true')
  const teams = await (await request.get('/admin/teams')).text()
  expect(teams).not.toContain('x'.repeat(100))
  expect(teams).not.toContain('Cross-site team')
  await request.dispose()
})
