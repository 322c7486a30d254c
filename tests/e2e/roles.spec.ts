import { readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { signInAPI, USERS } from './helpers'
import { caseToOrgRoles } from '../../lib/frameworks/case'

// Issue #4's acceptance path, the way an HR manager does it in the browser: a role from NICE
// "Incident Response", statements dropped and re-levelled, a career step from the SOC analyst role
// (built on "Defensive Cybersecurity"), the coverage gaps, and a CASE export that re-imports.
test('HR builds an incident responder role, puts it on a career path, sees coverage gaps and exports CASE', async ({
  page,
  context,
}) => {
  test.setTimeout(120_000)
  await signInAPI(context.request, USERS.hr.email)

  // Start from the framework's work role page.
  await page.goto('/frameworks/nice/roles/PD-WRL-003')
  await page.getByTestId('create-role-from').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('New organisation role')
  await expect(page.getByLabel('Baseline', { exact: true })).toHaveValue('nice@2.1.0#PD-WRL-003')
  await page.getByLabel('Title', { exact: true }).fill('Incident responder <e2e>')
  await page.getByLabel("Required level for the baseline's statements").selectOption('2')
  await page.getByLabel('Position level').selectOption('3')
  await page.getByRole('button', { name: 'Create and choose statements' }).click()

  // The editor: 107 statements from the baseline; drop one, re-level one, add one from search.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Edit “Incident responder <e2e>”')
  await expect(page.getByTestId('editor-summary')).toHaveText('107 statements required · 0 to drop · 0 new')
  await page.getByLabel('Required level T0164').selectOption('0')
  await expect(page.getByTestId('row-T0164')).toContainText('will be dropped')
  await page.getByLabel('Required level T1084').selectOption('4')
  await page.getByLabel('Search the standard').fill('SCADA')
  await page.getByRole('button', { name: 'Search the standard' }).click()
  const hit = page.getByTestId('search-hits').getByRole('listitem').filter({ hasText: 'K1002' })
  await hit.getByRole('button', { name: 'Add' }).click()
  await expect(hit.getByRole('button', { name: 'Added' })).toBeDisabled()
  await expect(page.getByTestId('editor-summary')).toHaveText('107 statements required · 1 to drop · 1 new')
  await page.getByRole('button', { name: 'Save as version 2' }).click()

  // The role page shows version 2 with the changes, and the history says what changed.
  await expect(page.getByTestId('role-meta')).toContainText('Version 2')
  const roleUrl = page.url()
  const roleId = roleUrl.split('/').pop()!
  await expect(page.getByTestId('req-T0164')).toHaveCount(0)
  await expect(page.getByTestId('req-T1084').getByTestId('req-level')).toHaveText('4 · Expert')
  await expect(page.getByTestId('req-K1002').getByTestId('req-level')).toHaveText('2 · Intermediate')
  await expect(page.getByTestId('role-history')).toContainText(
    '1 statement added · 1 statement dropped · 1 level raised',
  )
  await expect(page.getByTestId('framework-attribution')).toContainText(
    'National Institute of Standards and Technology',
  )
  // The title was rendered as text, never as markup.
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Incident responder <e2e>')

  // Career path: SOC analyst (Defensive Cybersecurity) → Incident responder.
  await page.getByRole('link', { name: 'Roles', exact: true }).first().click()
  await page.getByRole('link', { name: 'Career paths' }).click()
  await page.getByLabel('From').selectOption({ label: 'SOC analyst / SOC アナリスト' })
  await page.getByLabel('To').selectOption({ label: 'Incident responder <e2e>' })
  await page.getByRole('button', { name: 'Add step' }).click()
  const step = page
    .getByTestId('career-step')
    .filter({ hasText: 'SOC analyst / SOC アナリスト → Incident responder <e2e>' })
  await expect(step).toBeVisible()
  await step.locator('summary').click()
  await expect(step).toContainText('K1002')
  await expect(
    page.getByTestId('career-graph').locator('a', { hasText: 'Incident responder <e2e>' }),
  ).toHaveCount(1)
  // A step back to the start of the path would make a circle: refused with a clear message.
  await page.getByLabel('From').selectOption({ label: 'Incident responder <e2e>' })
  await page.getByLabel('To').selectOption({ label: 'OT engineer / 制御システム技術者' })
  await page.getByRole('button', { name: 'Add step' }).click()
  await expect(page.getByTestId('add-career-step').getByRole('alert')).toContainText('go round in a circle')

  // Coverage: the matrix row, then the gaps of this role.
  await page.getByRole('link', { name: 'Coverage' }).click()
  const row = page.getByTestId('coverage-row').filter({ hasText: 'Incident responder <e2e>' })
  await expect(row).toBeVisible()
  const gaps = Number(await row.getByTestId('coverage-gaps').textContent())
  expect(gaps).toBeGreaterThan(0)
  await row.getByRole('link', { name: 'Incident responder <e2e>' }).click()
  await expect(
    page.getByTestId('coverage-statements').getByTestId('covered').filter({ hasText: 'T1084' }),
  ).toContainText('IoT')
  await page.getByRole('link', { name: 'Show gaps only' }).click()
  await expect(page.getByTestId('coverage-statements').getByTestId('gap')).toHaveCount(gaps)
  await expect(page.getByTestId('coverage-statements').getByTestId('covered')).toHaveCount(0)

  // Export the organisation's roles as CASE 1.1 and re-import the file.
  await page.goto('/roles')
  const download = page.waitForEvent('download')
  await page.getByTestId('export-case').click()
  const file = await (await download).path()
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { CFDocument: { title: string }; CFItems: unknown[] }
  expect(pkg.CFDocument.title).toBeTruthy()
  const back = caseToOrgRoles(pkg)
  expect(back.ok, JSON.stringify(back).slice(0, 500)).toBe(true)
  if (!back.ok) return
  const responder = back.roles.find((r) => r.id === roleId)!
  expect(responder.title).toBe('Incident responder <e2e>')
  expect(responder.version).toBe(2)
  expect(responder.requirements).toHaveLength(107)
  expect(responder.requirements.find((r) => r.statementId === 'T1084')).toMatchObject({ level: 4 })
  expect(responder.requirements.some((r) => r.statementId === 'T0164')).toBe(false)
  expect(back.careerPaths.some((e) => e.toRoleId === roleId)).toBe(true)
})

test('an organisation standard: a broken file gets line-level errors and saves nothing; a Shift_JIS file is previewed and published', async ({
  page,
  context,
}) => {
  await signInAPI(context.request, USERS.hr.email)
  await page.goto('/frameworks/import')
  const fill = async (id: string, version: string) => {
    await page.getByLabel('Identifier (a-z, 0-9, -)').fill(id)
    await page.getByLabel('Version').fill(version)
    await page.getByLabel('Title').fill('Plant security skills / プラントセキュリティ')
    await page.getByLabel('Publisher').fill('Demo Prefecture')
  }
  await page.getByLabel(/^File/).setInputFiles({
    name: 'broken.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      'type,id,text,description,category,roles\nrole,R1,Responder,,NOPE,\ntask,T1,Triage alerts,,,R1\ntask,T1,Triage again,,,R1\nskill,bad id,Has a space,,,R1\nknowledge,K1,Knows logs,,,R9\n',
    ),
  })
  await fill('plant-sec', '2026.1')
  await page.getByRole('button', { name: 'Check the file' }).click()
  const errors = page.getByTestId('upload-errors')
  await expect(errors).toContainText('Nothing was saved')
  // Every problem, each with its line: unknown category (2), duplicate id (4, naming line 3), bad id (5), unknown role (6).
  await expect(errors.getByRole('row').filter({ hasText: 'NOPE' }).getByRole('cell').first()).toHaveText('2')
  await expect(errors.getByRole('row').filter({ hasText: 'line 3' }).getByRole('cell').first()).toHaveText(
    '4',
  )
  await expect(errors.getByRole('row').filter({ hasText: 'R9' }).getByRole('cell').first()).toHaveText('6')
  await expect(errors.getByRole('row').filter({ hasText: 'bad id' }).getByRole('cell').first()).toHaveText(
    '5',
  )
  await expect(page.getByTestId('org-standards')).not.toContainText('plant-sec')

  // The Shift_JIS fixture (an Excel "CSV" export) is converted and previewed.
  await page.getByLabel(/^File/).setInputFiles('lib/frameworks/upload/fixtures/shift-jis.csv')
  await page.getByRole('button', { name: 'Check the file' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'Preview: Plant security skills / プラントセキュリティ',
  )
  await expect(page.getByText('Read as Shift_JIS (csv)')).toBeVisible()
  await expect(page.getByText('Shift_JIS', { exact: false }).first()).toBeVisible()
  await page.getByRole('button', { name: 'Publish' }).click()
  await expect(page.getByTestId('org-standards')).toContainText('plant-sec@2026.1')
  await expect(page.getByTestId('org-standards')).toContainText('published')
  // It is now browsable like NICE, with its own attribution.
  await page.goto('/frameworks?fw=plant-sec')
  await expect(
    page.getByRole('heading', { name: 'Plant security skills / プラントセキュリティ' }),
  ).toBeVisible()
})

test('HR adds a Japanese translation of a statement; the source text stays', async ({ page, context }) => {
  await signInAPI(context.request, USERS.hr.email)
  await page.goto('/frameworks/nice/roles/PD-WRL-003')
  await page.getByTestId('language-switch').selectOption('ja')
  const form = page.getByTestId('translate-statement')
  await form.getByLabel('ステートメント').selectOption('T1084')
  await form.getByLabel('訳文').fill('異常なネットワーク活動を特定する <b>')
  await form.getByRole('button', { name: '訳を保存' }).click()
  await expect(form.getByTestId('form-success')).toBeVisible()
  const row = page.getByTestId('statements-tasks').getByRole('row').filter({ hasText: 'T1084' })
  await expect(row).toContainText('Identify anomalous network activity')
  await expect(row.getByTestId('org-translation')).toHaveText('組織の訳: 異常なネットワーク活動を特定する <b>')
  await page.getByTestId('language-switch').selectOption('en')
  await expect(row.getByTestId('org-translation')).toHaveCount(0)
})

test('managers and learners read roles but cannot edit them', async ({ page, context }) => {
  await signInAPI(context.request, USERS.learner.email)
  await page.goto('/roles')
  await expect(page.getByTestId('roles-table')).toContainText('SOC analyst / SOC アナリスト')
  await expect(page.getByRole('link', { name: 'New role' })).toHaveCount(0)
  await page.getByRole('link', { name: 'SOC analyst / SOC アナリスト' }).click()
  await expect(page.getByRole('link', { name: 'Edit requirements' })).toHaveCount(0)
  expect((await page.goto('/roles/new'))?.status()).toBe(403)
  await page.goto('/career-paths')
  await expect(page.getByRole('button', { name: 'Add step' })).toHaveCount(0)
  expect((await page.goto('/frameworks/import'))?.status()).toBe(403)
})
