import { expect, test } from '@playwright/test'
import { ROLES } from '../../lib/auth/rbac'
import { PASSWORD, signInAPI, signInUI, USERS } from './helpers'

test.describe('sign-in and roles', () => {
  for (const role of ROLES) {
    test(`${role} signs in and lands on their home`, async ({ page }) => {
      await signInUI(page, USERS[role].email)
      await expect(page).toHaveURL(new RegExp(`${USERS[role].home}$`))
      await expect(page.getByTestId('viewer-name')).toHaveText(USERS[role].name)
      await expect(page.getByTestId('viewer-role')).toBeVisible()
      await expect(page.locator('h1')).toBeVisible()
      await expect(page.getByTestId('forbidden')).toHaveCount(0)
    })
  }

  test('wrong password and unknown email get the same message; nothing about which', async ({ page }) => {
    await signInUI(page, USERS.hr.email, 'not-the-password')
    const wrong = await page.getByTestId('signin-error').textContent()
    await signInUI(page, 'nobody-here@demo.kenshu.local', 'not-the-password')
    const unknown = await page.getByTestId('signin-error').textContent()
    expect(wrong).toBe('The email or password is incorrect.')
    expect(unknown).toBe(wrong)
    await expect(page).toHaveURL(/\/signin/)
  })

  test('repeated failures lock the account, even with the right password afterwards', async ({ page, request }) => {
    const email = 'ot-engineer@demo.kenshu.local'
    for (let i = 0; i < 5; i++) {
      const csrf = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string }
      await request.post('/api/auth/callback/credentials', { form: { csrfToken: csrf.csrfToken, email, password: `wrong-${i}`, json: 'true' } })
    }
    await signInUI(page, email, PASSWORD)
    await expect(page.getByTestId('signin-error')).toContainText('Too many failed attempts')
    await expect(page).toHaveURL(/\/signin/)
  })

  test('sign-out ends the session', async ({ page }) => {
    await signInUI(page, USERS.learner.email)
    await expect(page).toHaveURL(/\/learn$/)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await expect(page).toHaveURL(/\/signin\?signedOut=1/)
    await expect(page.getByRole('status')).toHaveText('You have been signed out.')
    await page.goto('/learn')
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Flearn/)
    expect((await page.request.get('/api/me')).status()).toBe(401)
  })

  test('a tampered session cookie is treated as signed out', async ({ context, page }) => {
    await signInAPI(context.request, USERS.admin.email)
    const cookies = await context.cookies()
    const session = cookies.find((c) => c.name === 'next-auth.session-token')
    expect(session).toBeDefined()
    const v = session!.value
    const flipped = v.slice(0, 40) + (v[40] === 'A' ? 'B' : 'A') + v.slice(41)
    await context.addCookies([{ ...session!, value: flipped }])
    expect((await page.request.get('/api/me')).status()).toBe(401)
    await page.goto('/admin')
    await expect(page).toHaveURL(/\/signin/)
    // A forged role claim in a cookie of our own making cannot even be decrypted.
    await context.addCookies([{ ...session!, value: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.' }])
    expect((await page.request.get('/api/me')).status()).toBe(401)
  })

  test('malformed and oversized sign-in posts get a clear error and change nothing', async ({ request }) => {
    const csrf = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string }
    const big = await request.post('/api/auth/callback/credentials', {
      form: { csrfToken: csrf.csrfToken, email: 'a'.repeat(100_000), password: 'x', json: 'true' },
      maxRedirects: 0,
    })
    expect(big.status()).toBeLessThan(500)
    const noCsrf = await request.post('/api/auth/callback/credentials', {
      form: { email: USERS.admin.email, password: PASSWORD, json: 'true' },
      maxRedirects: 0,
    })
    expect(noCsrf.status()).toBeLessThan(500)
    expect((await request.get('/api/me')).status()).toBe(401)
  })

  test('an open redirect through callbackUrl is refused', async ({ page }) => {
    await page.goto('/signin?callbackUrl=https://evil.example/')
    await page.getByLabel('Email').fill(USERS.learner.email)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await expect(page).toHaveURL(/localhost:\d+\/learn$/)
  })
})
