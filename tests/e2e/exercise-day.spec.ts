import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { signInAPI, signInUI, USERS } from './helpers'

// Issue #9's "done when", in Chromium with five browser contexts: an instructor schedules and opens a
// CYDER exercise day on the multi-host team lab; two teams of two join; in one team the members work
// on different hosts of the same team network (one hardens the gateway in its terminal, the other
// answers from the workstation); the instructor sends an inject that appears for that team only; the
// tasks complete for the team (attributed to who did them) and the console follows live; the close
// stops everything and the debrief shows both teams' timelines and exports CSV.
test.describe.configure({ mode: 'serial' })

const LEARNERS = ['learner@demo.kenshu.local', 'learner2@demo.kenshu.local', 'learner3@demo.kenshu.local', 'learner4@demo.kenshu.local']

async function contextFor(browser: Browser, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext()
  await signInAPI(context.request, email)
  return { context, page: await context.newPage() }
}

async function typeIn(page: Page, host: string, command: string) {
  const panel = page.locator(`#host-panel-${host}`)
  await panel.locator('.xterm-helper-textarea').focus()
  await page.keyboard.type(command)
  await page.keyboard.press('Enter')
}
const terminalText = (page: Page, host: string) => page.locator(`#host-panel-${host} .xterm-rows`).innerText()

test('an instructor runs an exercise day for two teams of two', async ({ browser }, testInfo) => {
  test.setTimeout(300_000)
  // ── the instructor schedules ──────────────────────────────────────────────────────────────────
  const instructor = await browser.newContext()
  const ip = await instructor.newPage()
  await signInUI(ip, USERS.instructor.email)
  await expect(ip).toHaveURL(/\/exercises$/)
  await ip.getByRole('link', { name: 'Schedule an exercise' }).click()
  await ip.getByLabel('Title').fill('CYDER day — annex botnet')
  await ip.getByLabel('Lab').selectOption('iot-botnet-team')
  await ip.getByLabel(/Starts at/).fill('2026-12-01T09:30')
  await ip.getByLabel('Duration (minutes)').fill('120')
  await ip.getByLabel('People per team').selectOption('2')
  for (const email of LEARNERS) await ip.locator(`[data-testid="participant"][data-email="${email}"]`).check()
  await ip.getByTestId('create-exercise').click()
  await expect(ip).toHaveURL(/\/exercises\/(?!new$)[a-z0-9]+$/)
  const exerciseUrl = new URL(ip.url()).pathname
  await expect(ip.getByTestId('team-card')).toHaveCount(2)
  await expect(ip.getByTestId('exercise-state')).toHaveText('Scheduled')

  // A learner sees "your exercise starts at …" before the opening.
  const members = await Promise.all(LEARNERS.map((e) => contextFor(browser, e)))
  await members[0]!.page.goto('/exercises')
  await expect(members[0]!.page.getByText('Your exercise starts at')).toBeVisible()

  // ── open: every team's environment starts ─────────────────────────────────────────────────────
  await ip.getByTestId('open-exercise').click()
  await expect(ip.getByTestId('exercise-state')).toHaveText('In progress')
  await expect(ip.getByTestId('team-card').filter({ hasText: 'Ready' })).toHaveCount(2, { timeout: 60_000 })

  // ── members join their teams ───────────────────────────────────────────────────────────────────
  const teamOf = new Map<string, string>()
  for (const [i, m] of members.entries()) {
    await m.page.goto('/exercises')
    await m.page.getByTestId('join-exercise').click()
    await expect(m.page).toHaveURL(/\/exercises\/[a-z0-9]+\/team$/)
    const heading = await m.page.getByRole('heading', { name: /Your team: Team \d+/ }).innerText()
    teamOf.set(LEARNERS[i]!, heading.match(/Team \d+/)![0])
  }
  const teamA = teamOf.get(LEARNERS[0]!)!
  const [a1, a2] = members.filter((_, i) => teamOf.get(LEARNERS[i]!) === teamA)
  const [b1] = members.filter((_, i) => teamOf.get(LEARNERS[i]!) !== teamA)
  expect(a1 && a2 && b1).toBeTruthy()
  const nameA2 = (await a2!.page.getByTestId('viewer-name').innerText()).trim()

  // Both team hosts are tabs; the two members of team A start on different hosts.
  for (const m of [a1!, a2!]) await expect(m.page.getByTestId('host-tab')).toHaveCount(2)
  const hostOf = async (p: Page) => (await p.getByTestId('host-tab').and(p.locator('[aria-selected="true"]')).getAttribute('data-host'))!
  const [h1, h2] = [await hostOf(a1!.page), await hostOf(a2!.page)]
  expect(new Set([h1, h2])).toEqual(new Set(['ws01', 'gw01']))
  const onGw = h1 === 'gw01' ? a1! : a2!
  const onWs = h1 === 'gw01' ? a2! : a1!

  // Each member's terminal is on their own host of the same team network.
  for (const [m, host] of [[onGw, 'gw01'], [onWs, 'ws01']] as const) {
    await expect(m.page.locator(`#host-panel-${host}`).getByTestId('terminal-status')).toHaveText('Connected', { timeout: 60_000 })
    await typeIn(m.page, host, 'echo "@@$(hostname)@@"')
    await expect.poll(async () => (await terminalText(m.page, host)).includes(`@@${host}@@`), { timeout: 15_000 }).toBe(true)
  }
  // The workstation reaches the gateway by name on the team network (a real network, not a mock).
  await typeIn(onWs.page, 'ws01', 'getent hosts gw01 | awk \'{print "GW-ADDR=" $1}\'')
  await expect.poll(async () => /GW-ADDR=10\.214\.\d+\.5/.test(await terminalText(onWs.page, 'ws01')), { timeout: 15_000 }).toBe(true)

  // ── the instructor sends an inject to team A only ──────────────────────────────────────────────
  const form = ip.getByTestId('inject-form')
  await form.getByLabel('To').selectOption({ label: teamA })
  await form.getByLabel('Kind').selectOption('call')
  await form.getByLabel('Headline').fill('Call from the press')
  await form.getByLabel('Text').fill('A reporter from the Kita-Minato Shimbun asks whether the city leaked data. <b>Reply?</b>')
  await form.getByTestId('send-inject').click()
  for (const m of [a1!, a2!]) {
    const inject = m.page.getByTestId('inject').filter({ hasText: 'Call from the press' })
    await expect(inject).toBeVisible({ timeout: 15_000 })
    // Authored text is shown as text, never as markup.
    await expect(inject).toContainText('<b>Reply?</b>')
  }
  // The other team never sees it (give the live stream time to deliver it if it were going to).
  await b1!.page.waitForTimeout(3000)
  await expect(b1!.page.getByTestId('inject').filter({ hasText: 'Call from the press' })).toHaveCount(0)

  // ── the team works: the gateway is hardened in its terminal, the answer comes from the workstation ─
  const harden = onGw.page.getByTestId('task-card').and(onGw.page.locator('[data-task-id="harden-gw01"]'))
  await harden.getByTestId('check-button').click()
  await expect(harden.getByTestId('task-feedback')).toContainText(/telnet/i)
  await typeIn(onGw.page, 'gw01', "sed -i 's/^telnet=on/telnet=off/' /srv/gateway/etc/services.conf && gwctl stop telnetd && echo STOPPED-OK")
  await expect.poll(async () => (await terminalText(onGw.page, 'gw01')).includes('STOPPED-OK'), { timeout: 15_000 }).toBe(true)
  await typeIn(onGw.page, 'gw01', 'for u in admin support user; do printf "Tq8-vR2m-Lx5w\\nTq8-vR2m-Lx5w\\n" | gwctl passwd $u; done; echo PASSWD-DONE')
  await expect.poll(async () => (await terminalText(onGw.page, 'gw01')).includes('PASSWD-DONE'), { timeout: 15_000 }).toBe(true)
  await harden.getByTestId('check-button').click()
  await expect(harden.getByTestId('task-passed')).toBeVisible({ timeout: 20_000 })

  // A wrong guess first (it becomes a "common mistake" in the debrief), then patient zero, right.
  const c2 = onWs.page.getByTestId('task-card').and(onWs.page.locator('[data-task-id="c2-endpoint"]'))
  await c2.getByTestId('answer-input').fill('203.0.113.10:23')
  await c2.getByTestId('answer-submit').click()
  await expect(c2.getByTestId('task-feedback')).toContainText('Not correct')
  const zero = onWs.page.getByTestId('task-card').and(onWs.page.locator('[data-task-id="patient-zero"]'))
  await zero.getByTestId('answer-input').fill('ws01')
  await zero.getByTestId('answer-submit').click()
  await expect(zero.getByTestId('task-passed')).toBeVisible()

  // The teammate sees both passes live, attributed to whoever did them.
  const gwName = (await onGw.page.getByTestId('viewer-name').innerText()).trim()
  const wsName = (await onWs.page.getByTestId('viewer-name').innerText()).trim()
  await expect(onWs.page.locator('[data-task-id="harden-gw01"]').getByTestId('task-passed')).toContainText(gwName, { timeout: 15_000 })
  await expect(onGw.page.locator('[data-task-id="patient-zero"]').getByTestId('task-passed')).toContainText(wsName, { timeout: 15_000 })
  expect([gwName, wsName]).toContain(nameA2)

  // The console follows without a reload: team A has 2 tasks passed and a score; team B none.
  const cardA = ip.getByTestId('team-card').and(ip.locator(`[data-team-name="${teamA}"]`))
  await expect(cardA.getByTestId('team-tasks-passed')).toHaveAttribute('data-passed', '2', { timeout: 15_000 })
  await expect(cardA.getByTestId('team-score')).not.toHaveText(/^0 \//)
  const cardB = ip.getByTestId('team-card').and(ip.locator(`:not([data-team-name="${teamA}"])`))
  await expect(cardB.getByTestId('team-tasks-passed')).toHaveAttribute('data-passed', '0')
  await ip.screenshot({ path: testInfo.outputPath('console.png'), fullPage: true })
  await onGw.page.screenshot({ path: testInfo.outputPath('team-view.png'), fullPage: true })

  // ── close: everything stops, nothing is lost; the debrief has both timelines ────────────────────
  ip.once('dialog', (d) => void d.accept())
  await ip.getByTestId('close-exercise').click()
  await expect(ip.getByTestId('exercise-state')).toHaveText('Closed', { timeout: 60_000 })
  await expect(ip.getByTestId('team-card').filter({ hasText: 'Stopped' })).toHaveCount(2, { timeout: 30_000 })
  await expect(onGw.page.getByTestId('exercise-closed')).toBeVisible({ timeout: 15_000 })

  await ip.goto(`${exerciseUrl}/debrief`)
  const timelines = ip.getByTestId('team-timeline')
  await expect(timelines).toHaveCount(2)
  const timelineA = timelines.and(ip.locator(`[data-team-name="${teamA}"]`))
  await expect(timelineA).toContainText('Joined')
  await expect(timelineA).toContainText('Call from the press')
  await expect(timelineA).toContainText(gwName)
  await expect(timelines.and(ip.locator(`:not([data-team-name="${teamA}"])`))).toContainText('Joined')
  await expect(ip.getByText('ws01').first()).toBeVisible()
  // The wrong answer shows up as a common mistake; the model answers are revealed.
  await expect(ip.locator('body')).toContainText('203.0.113.10:23')
  await ip.screenshot({ path: testInfo.outputPath('debrief.png'), fullPage: true })
  const csv = await ip.request.get(`/api${exerciseUrl}/debrief.csv`)
  expect(csv.status()).toBe(200)
  const text = await csv.text()
  expect(text).toContain('harden-gw01')
  expect(text.split('\r\n').filter((l) => l.includes(`${teamA},`) && l.includes(',yes,')).length).toBe(2)

  // Another organisation's or a learner's eyes: the console is refused to a learner.
  expect((await members[0]!.context.request.get(exerciseUrl, { maxRedirects: 0 })).status()).toBe(403)
  for (const m of members) await m.context.close()
  await instructor.close()
})
