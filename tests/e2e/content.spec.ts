import { expect, test } from '@playwright/test'
import { answer, quizOf, signInAPI, USERS } from './helpers'

// Issue #5's acceptance path: an executive completes a briefing with its tabletop and quiz and gets the
// certificate; an engineer fails, then passes a module quiz and sees the evidence recorded. Answers
// come from the content files, as an author who knows the answer key would give them.

test('an executive completes a briefing: brief, tabletop linked to the flagship lab, quiz, certificate', async ({
  page,
  context,
}) => {
  test.setTimeout(90_000)
  await signInAPI(context.request, USERS.executive.email)
  await page.goto('/exec')
  await page.getByRole('link', { name: /Mirai/ }).first().click()
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/botnet|Mirai/i)
  await expect(page.locator('.source-ref').first()).toBeVisible()
  await page.getByRole('button', { name: 'Mark as read' }).click()
  await expect(page.getByText('Read', { exact: true })).toBeVisible()

  // The tabletop: pick the first decision at every inject, see its consequence, go on.
  const player = page.getByTestId('tabletop')
  for (;;) {
    await player.getByRole('group').getByRole('button').first().click()
    await expect(page.getByTestId('consequence')).toBeVisible()
    const next = player.getByRole('button', { name: 'Next', exact: true })
    if (await next.isVisible()) await next.click()
    else break
  }
  await page.getByRole('button', { name: 'Finish and see the summary' }).click()
  const summary = page.getByTestId('after-action')
  await expect(summary).toContainText('decisions match recommended practice')
  await expect(summary.getByTestId('lab-findings')).toContainText('What your engineers found in the lab')

  // The quiz, answered right.
  await answer(page, quizOf('content/briefings/iot-botnets-mirai/briefing.yaml'), true)
  await expect(page.getByTestId('quiz-result')).toContainText('Passed')
  await expect(page.getByTestId('quiz-result')).toContainText('Completed')
  await page.reload()
  await page.getByTestId('certificate-link').click()
  await expect(page.getByTestId('certificate')).toContainText(USERS.executive.name)
  await expect(page.getByTestId('certificate')).toContainText('Executive briefing')
})

test('an engineer fails then passes a module quiz; the pass is recorded as evidence; typed text stays text', async ({
  page,
  context,
}) => {
  await signInAPI(context.request, 'learner2@demo.kenshu.local')
  await page.goto('/learn/curricula')
  await page.getByRole('link', { name: 'Incident Response' }).first().click()
  await page
    .getByRole('link')
    .filter({ hasText: /handling/i })
    .first()
    .click()
  const questions = quizOf('content/modules/incident-handling/module.yaml')
  let alerted = false
  page.on('dialog', async (d) => {
    alerted = true
    await d.dismiss()
  })
  await answer(page, questions, false)
  await expect(page.getByTestId('quiz-result')).toContainText('Not passed yet')
  await expect(page.locator('.explanation').first()).toBeVisible()
  expect(alerted).toBe(false)
  await page.getByRole('button', { name: 'Retake' }).click()
  await answer(page, questions, true)
  await expect(page.getByTestId('quiz-result')).toContainText(
    `Passed: ${questions.length} of ${questions.length} correct`,
  )
  await page.goto('/learn')
  await expect(page.getByTestId('my-evidence')).toContainText('Quiz passed')
  // Readiness: the evidence counts towards a role, the gap and what to do next are listed.
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'My readiness' })
    .click()
  const soc = await page.locator('#p-role option', { hasText: 'SOC analyst' }).getAttribute('value')
  await page.locator('#p-role').selectOption(soc)
  await page.getByRole('button', { name: 'Show' }).click()
  await expect(page.getByTestId('readiness')).toContainText('ready')
  await expect(page.getByTestId('recommendations').getByRole('listitem').first()).toBeVisible()
  // The gap lists the biggest gaps first; the whole list shows the basic level the quiz proved.
  await page.getByTestId('all-gaps').click()
  await expect(page.getByTestId('gaps').locator('summary').first()).toContainText('1 · Basic')
})

test('briefings and curricula are listed with filters, in both languages', async ({ page, context }) => {
  await signInAPI(context.request, USERS.admin.email)
  await page.goto('/briefings?minutes=15')
  expect(await page.getByTestId('briefing-list').locator('section').count()).toBeGreaterThanOrEqual(8)
  await page.goto('/learn/curricula?level=C')
  const items = page.getByTestId('module-list').getByRole('listitem')
  expect(await items.count()).toBeGreaterThan(0)
  for (const text of await items.allTextContents()) expect(text).toContain('Level C')
  await page.getByTestId('language-switch').selectOption('ja')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('カリキュラム')
  await page.getByTestId('language-switch').selectOption('en')
})
