import { expect, test } from '@playwright/test'
import { signInAPI, signInAs, USERS } from './helpers'

// The HR API through a real server: a token made in the admin page, used the way an HR system would,
// revoked in the page; and the browser session's cross-site protections on writing requests.
test('an admin creates an API token; an HR system reads and writes with it until it is revoked', async ({
  page,
  context,
  playwright,
  baseURL,
}) => {
  await signInAs(context, 'admin')
  await page.goto('/admin')
  await page.getByRole('link', { name: 'API tokens for HR systems' }).click()
  await page.getByLabel('Name').fill('Workday sync')
  await page.getByLabel('Scope').selectOption('write')
  await page.getByRole('button', { name: 'Create token' }).click()
  const shown = page.getByTestId('create-token').locator('.token')
  await expect(shown).toHaveText(/^ksk_[A-Za-z0-9_-]{43}$/)
  const token = (await shown.textContent())!
  await expect(page.getByTestId('tokens')).toContainText('Workday sync')
  await expect(page.getByTestId('tokens')).not.toContainText(token)

  const hr = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
  })
  const roles = (await (await hr.get('/api/v1/roles')).json()) as { items: { id: string; title: string }[] }
  expect(roles.items.map((r) => r.title)).toContain('SOC analyst / SOC アナリスト')
  const created = await hr.post('/api/v1/roles', {
    data: {
      title: 'Threat hunter (API)',
      framework: { id: 'nice', version: '2.1.0' },
      baselineWorkRoleId: 'PD-WRL-001',
      defaultLevel: 3,
    },
  })
  expect(created.status()).toBe(201)
  const { id } = (await created.json()) as { id: string }
  // Visible to people in the app at once, attributed to the token's creator.
  await page.goto(`/roles/${id}`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Threat hunter (API)')
  await expect(page.getByTestId('role-history')).toContainText('Sora Ito')

  const openapi = (await (await hr.get('/api/v1/openapi.json')).json()) as {
    openapi: string
    paths: Record<string, unknown>
  }
  expect(openapi.openapi).toMatch(/^3\.1/)
  expect(Object.keys(openapi.paths)).toContain('/api/v1/roles/{roleId}')

  await page.goto('/admin/api-tokens')
  await page
    .getByTestId('tokens')
    .getByRole('listitem')
    .filter({ hasText: 'Workday sync' })
    .getByRole('button', { name: 'Revoke' })
    .click()
  await expect(page.getByTestId('tokens')).toContainText('revoked')
  expect((await hr.get('/api/v1/roles')).status()).toBe(401)
  await hr.dispose()
})

test('the browser session cannot be used for cross-site writes, and a bad bearer token never falls back to it', async ({
  playwright,
  baseURL,
}) => {
  const hr = await playwright.request.newContext({ baseURL })
  await signInAPI(hr, USERS.hr.email)
  const body = { title: 'CSRF probe', framework: { id: 'nice', version: '2.1.0' }, defaultLevel: 2 }
  const forged = await hr.post('/api/v1/roles', { data: body, headers: { origin: 'http://evil.example' } })
  expect(forged.status()).toBe(403)
  expect(await forged.json()).toMatchObject({ error: 'bad_origin' })
  expect((await hr.post('/api/v1/roles', { data: body })).status()).toBe(403) // no Origin at all
  const list = (await (await hr.get('/api/v1/roles')).json()) as { items: { title: string }[] }
  expect(list.items.map((r) => r.title)).not.toContain('CSRF probe')
  // Same origin: allowed (this is what the app's own pages do).
  const ok = await hr.post('/api/v1/roles', {
    data: { ...body, title: 'Same-origin role' },
    headers: { origin: baseURL! },
  })
  expect(ok.status()).toBe(201)
  // A wrong bearer token is a 401 even with a valid session cookie alongside.
  expect(
    (await hr.get('/api/v1/roles', { headers: { authorization: 'Bearer ksk_not-a-real-token' } })).status(),
  ).toBe(401)
  await hr.dispose()

  const learner = await playwright.request.newContext({ baseURL })
  await signInAPI(learner, USERS.learner.email)
  expect((await learner.get('/api/v1/roles')).status()).toBe(200)
  expect((await learner.post('/api/v1/roles', { data: body, headers: { origin: baseURL! } })).status()).toBe(
    403,
  )
  await learner.dispose()
})

test('a manager sees the team heatmap; HR exports readiness as CSV; a learner cannot', async ({
  playwright,
  baseURL,
  page,
  context,
}) => {
  await signInAPI(context.request, USERS.manager.email)
  await page.goto('/team')
  const heat = page.getByTestId('heatmap').filter({ hasText: 'Aoi Tanaka' })
  await expect(heat.getByRole('row').filter({ hasText: 'Aoi Tanaka' })).toContainText('%')
  await expect(heat).not.toContainText(USERS.manager.name)
  const hr = await playwright.request.newContext({ baseURL })
  await signInAPI(hr, USERS.hr.email)
  const csv = await hr.get('/api/progress/readiness')
  expect(csv.status()).toBe(200)
  expect(csv.headers()['content-type']).toContain('text/csv')
  const text = await csv.text()
  expect(text.split('\r\n')[0]).toContain('SOC analyst / SOC アナリスト')
  expect(text).toContain('learner@demo.kenshu.local')
  await hr.dispose()
  const learner = await playwright.request.newContext({ baseURL })
  await signInAPI(learner, USERS.learner.email)
  expect((await learner.get('/api/progress/readiness')).status()).toBe(403)
  await learner.dispose()
})
