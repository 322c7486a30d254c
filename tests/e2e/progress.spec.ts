import { expect, test, type Page } from '@playwright/test'
import { actionRefs, answer, postAction, quizOf, signInAPI, USERS } from './helpers'

// Issue #6's acceptance path: a learner passes a lab task and completes a module (lessons + quiz); their
// readiness for the target role rises and the next recommendation changes; their manager sees the new
// figure on the team heatmap, drills in and assigns work the learner then sees; HR sees the distribution
// and exports the CSV and the printable report; the learner's statements are in the xAPI endpoint.

// A new engineer of their own (no other test's evidence, lockouts or lab sessions), in the OT team.
const LEARNER = { email: 'progress-learner@demo.kenshu.local', name: 'Mio Hayashi', password: 'progress-pass-1' }

/** Readiness for a role as the learner reads it: "12% ready: 25 of 206 required statements met …". */
async function readinessFor(page: Page, roleId: string): Promise<{ pct: number; met: number }> {
  await page.goto(`/progress?role=${roleId}`)
  const text = await page.getByTestId('readiness').innerText()
  const [, pct, met] = text.match(/^(\d+)%.*?(\d+) of \d+/)!
  return { pct: Number(pct), met: Number(met) }
}

test('evidence raises readiness and changes the advice; manager, HR and the LRS see it', async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(240_000)
  // The administrator creates the account and adds it to the manager's OT team, through the admin pages.
  const actx = await browser.newContext()
  await signInAPI(actx.request, USERS.admin.email)
  const created = await postAction(actx.request, baseURL!, actionRefs().createUserAction!, {
    email: LEARNER.email,
    name: LEARNER.name,
    role: 'learner',
    password: LEARNER.password,
  })
  expect(created.body).toContain('"ok":true')
  const apage = await actx.newPage()
  await apage.goto('/admin/teams')
  const team = apage.getByTestId('team-card').filter({ hasText: 'OT Engineering' })
  await team.getByRole('combobox').selectOption({ label: LEARNER.name })
  await team.getByRole('button', { name: 'Add member' }).click()
  await expect(team).toContainText(LEARNER.name)
  await actx.close()

  await signInAPI(page.request, LEARNER.email, LEARNER.password)
  await page.goto('/progress')
  const soc = (await page.locator('#p-role option', { hasText: 'SOC analyst' }).getAttribute('value'))!
  const ot = (await page.locator('#p-role option', { hasText: 'OT engineer' }).getAttribute('value'))!

  // Career position: now an OT engineer, aiming for the SOC.
  await page.locator('#c-current').selectOption(ot)
  await page.locator('#c-target').selectOption(soc)
  await page.getByTestId('career-form').getByRole('button', { name: 'Save' }).click()
  await expect(page.getByTestId('career-form').getByTestId('form-success')).toBeVisible()
  await page.reload()
  await expect(page.locator('[data-testid="career-node"][data-target="true"]')).toContainText('SOC analyst')
  await expect(page.locator('[data-testid="career-node"][data-current="true"]')).toContainText('OT engineer')
  // The chart is drawn, and the same numbers are available as a table.
  await expect(page.getByTestId('chart-roles').locator('svg').first()).toBeVisible()
  await expect(page.getByTestId('roles-table')).toContainText('SOC analyst')

  const before = await readinessFor(page, soc)
  const firstRec = page.getByTestId('recommendations').getByRole('listitem').first()
  const recBefore = await firstRec.innerText()
  const recHref = (await firstRec.getByRole('link').getAttribute('href'))!
  expect(recHref, 'the top recommendation for this learner is a module').toMatch(/^\/learn\/modules\//)

  // A lab task: find the attacker in the gateway's log through the terminal and answer.
  await page.goto('/labs/iot-botnet-telnet')
  await page.getByTestId('start-lab').click()
  await expect(page.getByTestId('terminal-status')).toHaveText('Connected', { timeout: 90_000 })
  await page.locator('.xterm-helper-textarea').focus()
  await page.keyboard.type(
    `echo "@@$(grep 'FAILED LOGIN' /srv/gateway/log/messages | awk '{print $(NF-2)}' | sort | uniq -c | sort -rn | head -1 | awk '{print $2}')@@"`,
  )
  await page.keyboard.press('Enter')
  let ip: RegExpMatchArray | null = null
  await expect
    .poll(
      async () => (ip = (await page.locator('.xterm-rows').innerText()).match(/@@(\d+\.\d+\.\d+\.\d+)@@/)),
      {
        timeout: 15_000,
      },
    )
    .not.toBeNull()
  const task = page.getByTestId('task-attacker-ip')
  await task.getByRole('textbox').fill(ip![1]!)
  await task.getByRole('button', { name: 'Submit' }).click()
  await expect(task.getByTestId('task-passed')).toBeVisible()
  const afterLab = await readinessFor(page, soc)
  expect(afterLab.met).toBeGreaterThan(before.met)

  // The recommended module: every lesson read, the quiz passed.
  await page.goto(recHref)
  const moduleId = recHref.split('/').pop()!
  const marks = page.getByRole('button', { name: 'Mark as read' })
  for (let left = await marks.count(); left > 0; left--) {
    await marks.first().click()
    await expect(marks).toHaveCount(left - 1)
  }
  await answer(page, quizOf(`content/modules/${moduleId}/module.yaml`), true)
  await expect(page.getByTestId('quiz-result')).toContainText('Completed')
  const after = await readinessFor(page, soc)
  expect(after.met).toBeGreaterThanOrEqual(afterLab.met)
  const recAfter = await page.getByTestId('recommendations').getByRole('listitem').first().innerText()
  expect(recAfter).not.toBe(recBefore)
  // Every level opens to its evidence; the timeline lists what was done.
  await expect(page.getByTestId('evidence-timeline')).toContainText('Lab task passed')
  await expect(page.getByTestId('evidence-timeline')).toContainText('Quiz passed')
  await expect(page.getByTestId('chart-trend').locator('svg').first()).toBeVisible()

  // The learner's xAPI statements: the lab task and the quiz, passed.
  const lrs = await page.request.get('/api/xapi/statements?verb=http://adlnet.gov/expapi/verbs/passed', {
    headers: { 'X-Experience-API-Version': '1.0.3' },
  })
  expect(lrs.status()).toBe(200)
  const objects = ((await lrs.json()) as { statements: { object: { id: string } }[] }).statements.map(
    (s) => s.object.id,
  )
  expect(objects.some((id) => id.includes('/lab/iot-botnet-telnet/task/attacker-ip'))).toBe(true)
  expect(objects.some((id) => id.includes(`/module/${moduleId}`))).toBe(true)

  // The manager: the new figure on the heatmap, the drill-in, an assignment with a due date.
  const mctx = await browser.newContext()
  await signInAPI(mctx.request, USERS.manager.email)
  const mpage = await mctx.newPage()
  await mpage.goto('/team')
  const row = mpage
    .getByTestId('heatmap')
    .getByRole('row', { name: new RegExp(LEARNER.name) })
    .first()
  await expect(row).toContainText(`${after.pct}%`)
  await row.getByRole('link', { name: LEARNER.name }).click()
  await expect(mpage.getByTestId('person-readiness')).toContainText(`${after.pct}%`)
  const form = mpage.getByTestId('assign-form')
  await form.locator('#as-item').selectOption({ label: 'Alert triage' })
  await form.locator('#as-note').fill('Before the night shift <b>rota</b>')
  await form.getByRole('button').click()
  await expect(form.getByTestId('form-success')).toBeVisible()
  await expect(mpage.getByTestId('person-assignments')).toContainText('Alert triage')
  // An attestation: the manager saw them detect anomalous network activity, at advanced level.
  await mpage.getByTestId('person-readiness').getByRole('link', { name: /SOC analyst/ }).click()
  await expect(mpage.getByTestId('person-gaps')).toContainText('T1084')
  const attest = mpage.getByTestId('attest-form')
  await attest.locator('#at-statement').selectOption('T1084')
  await attest.locator('#at-level').selectOption('3')
  await attest.locator('#at-note').fill('Spotted the beaconing gateway in the flow logs during the 12 Nov drill.')
  await attest.getByRole('button', { name: 'Attest' }).click()
  await expect(attest.getByTestId('form-success')).toBeVisible()
  await mpage.reload()
  await expect(mpage.getByTestId('person-gaps')).not.toContainText('T1084')
  await mctx.close()
  expect((await readinessFor(page, soc)).met).toBe(after.met + 1)

  await page.goto('/progress')
  await expect(page.getByTestId('my-assignments')).toContainText('Alert triage')
  await expect(page.getByTestId('my-assignments')).toContainText(USERS.manager.name)

  // HR: the distribution (chart and table), the CSV with the learner's figure, the printable report.
  const hctx = await browser.newContext()
  await signInAPI(hctx.request, USERS.hr.email)
  const hpage = await hctx.newPage()
  await hpage.goto('/hr')
  await expect(hpage.getByTestId('chart-distribution').locator('svg').first()).toBeVisible()
  await expect(hpage.getByTestId('org-readiness')).toContainText('SOC analyst')
  await expect(hpage.getByTestId('pipeline')).toContainText('OT engineer')
  const download = hpage.waitForEvent('download')
  await hpage.getByTestId('readiness-csv').click()
  const csv = await (await (await download).createReadStream()).toArray()
  const text = Buffer.concat(csv).toString('utf8')
  const line = text.split(/\r?\n/).find((l) => l.includes(LEARNER.email))!
  expect(line).toBeDefined()
  expect(text.split(/\r?\n/)[0]).toContain('SOC analyst')
  await hpage.getByTestId('hr-report-link').click()
  await expect(hpage.getByTestId('hr-report')).toContainText('readiness report')
  await expect(hpage.getByTestId('report-roles')).toContainText('SOC analyst')
  await hctx.close()
})
