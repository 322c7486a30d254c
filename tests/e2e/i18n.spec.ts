import { expect, test } from '@playwright/test'
import { signInAPI, USERS } from './helpers'

test('the language switch shows Japanese and is remembered for the user', async ({ page, context }) => {
  await signInAPI(context.request, USERS.hr.email)
  await page.goto('/hr')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Workforce')
  await page.getByTestId('language-switch').selectOption('ja')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('人材')
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja')
  await expect(page.getByTestId('viewer-role')).toHaveText('人事')
  // Saved on the user: a new browser context (no cookie, English browser) still gets Japanese.
  const other = await page.context().browser()!.newContext({ locale: 'en-US' })
  await signInAPI(other.request, USERS.hr.email)
  const p2 = await other.newPage()
  await p2.goto('/hr')
  await expect(p2.getByRole('heading', { level: 1 })).toHaveText('人材')
  await p2.getByTestId('language-switch').selectOption('en')
  await expect(p2.getByRole('heading', { level: 1 })).toHaveText('Workforce')
  await other.close()
})

test('a signed-out Japanese browser gets Japanese from Accept-Language', async ({ browser }) => {
  const ctx = await browser.newContext({ locale: 'ja-JP' })
  const page = await ctx.newPage()
  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    '実在のスキル標準で測る、セキュリティ人材育成',
  )
  await page.goto('/signin')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kenshu にサインイン')
  await ctx.close()
})

test('every page renders in both languages without a missing translation', async ({ browser }) => {
  // The e2e server runs with KENSHU_STRICT_I18N=1: a missing key throws and the page answers 500.
  for (const locale of ['en-US', 'ja-JP']) {
    const ctx = await browser.newContext({ locale })
    await signInAPI(ctx.request, USERS.admin.email)
    const page = await ctx.newPage()
    for (const url of [
      '/admin',
      '/admin/users',
      '/admin/teams',
      '/admin/api-tokens',
      '/learn',
      '/exec',
      '/team',
      '/hr',
      '/settings',
      '/roles',
      '/roles/new',
      '/career-paths',
      '/coverage',
      '/coverage?source=nice%402.1.0',
      '/frameworks/import',
      '/learn/curricula',
      '/learn/curricula/incident-response',
      '/learn/modules/incident-handling',
      '/briefings',
      '/briefings/iot-botnets-mirai',
      '/briefings/ai-risks',
      '/progress',
      '/hr/report',
      '/badges',
      '/exercises',
      '/exercises/new',
    ]) {
      const res = await page.goto(url)
      expect(res?.status(), `${locale} ${url}`).toBe(200)
    }
    // Pages of one role and one draft-less framework role, found through the UI.
    await page.goto('/roles')
    const href = await page.getByTestId('roles-table').getByRole('link').first().getAttribute('href')
    for (const url of [
      href!,
      `${href}/edit`,
      href!.replace('/roles/', '/coverage/'),
      '/frameworks/kenshu-sample-ja/roles/CSIRT-COORD',
    ]) {
      const res = await page.goto(url)
      expect(res?.status(), `${locale} ${url}`).toBe(200)
    }
    await ctx.close()
  }
})
