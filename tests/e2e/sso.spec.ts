import { expect, test, type Page } from '@playwright/test'
import { USERS } from './helpers'

async function ssoSignIn(page: Page, login: string) {
  await page.goto('/signin')
  await page.getByRole('button', { name: 'Sign in with Demo IdP' }).click()
  // The provider's own login page (a different origin: the IdP on loopback).
  await page.locator('input[name="login"]').fill(login)
  await page.locator('input[name="password"]').fill('anything')
  await page.locator('button[type="submit"]').click()
}

test('single sign-on creates a learner in the default organisation on first use', async ({ page }) => {
  await ssoSignIn(page, 'new-sso-user@demo.kenshu.local')
  await expect(page).toHaveURL(/\/learn$/, { timeout: 20_000 })
  await expect(page.getByTestId('viewer-name')).toHaveText('new-sso-user')
  await expect(page.getByTestId('viewer-role')).toHaveText('Learner')
})

test('single sign-on links an existing account by email and keeps its role', async ({ page }) => {
  await ssoSignIn(page, USERS.hr.email)
  await expect(page).toHaveURL(/\/hr$/, { timeout: 20_000 })
  await expect(page.getByTestId('viewer-name')).toHaveText(USERS.hr.name)
})
