import { expect, test } from '@playwright/test'
import { signInAPI, USERS } from './helpers'

test('HR searches NICE v2.1.0 and opens the Incident Response work role, with attribution', async ({ page, context }) => {
  await signInAPI(context.request, USERS.hr.email)
  await page.goto('/hr')
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Skill standards' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Skill standards')
  await expect(page.getByText('41 work roles · 2,148 statements')).toBeVisible()
  await expect(page.getByText('12 work roles', { exact: false })).toBeVisible()
  await page.getByLabel('Search statements').fill('incident triage')
  await page.getByRole('button', { name: 'Search' }).click()
  const results = page.getByTestId('search-results')
  await expect(results.getByRole('heading', { level: 2 })).toContainText(/match(es)? “incident triage”/)
  await expect(results.locator('mark').first()).toBeVisible()
  await expect(results.getByTestId('framework-attribution')).toContainText('National Institute of Standards and Technology')
  await page.goto('/frameworks/nice/roles/PD-WRL-003')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Incident Response')
  await expect(page.getByTestId('statements-tasks').getByRole('row').first()).toBeVisible()
  await expect(page.getByTestId('framework-attribution')).toContainText('does not imply endorsement by NIST')
  // Japanese UI, statement text stays in the source language.
  await page.getByTestId('language-switch').selectOption('ja')
  await expect(page.getByRole('heading', { name: /^タスク（\d+）$/ })).toBeVisible()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Incident Response')
  await page.getByTestId('language-switch').selectOption('en')
  expect((await page.goto('/frameworks/nice/roles/NOPE-1'))?.status()).toBe(404)
})

test('a hostile search string is shown as text', async ({ page, context }) => {
  await signInAPI(context.request, USERS.learner.email)
  await page.goto(`/frameworks?q=${encodeURIComponent('<img src=x onerror="window.__pwned=1">')}`)
  await expect(page.getByTestId('search-results')).toContainText('<img src=x onerror="window.__pwned=1">')
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
})
