import { expect, test, type Page } from '@playwright/test'
import { actionRefs, postAction, signInAPI, signInUI, USERS } from './helpers'

// The "done when": a new user opens the flagship lab in Chromium, sees the queue progress,
// works in the terminal, uses a hint, passes every task and sees the score. Everything the learner
// needs (attacker, C2, account) is read off the terminal, as a person would.

async function terminalText(page: Page) {
  return page.locator('.xterm-rows').innerText()
}

async function run(page: Page, command: string) {
  await page.locator('.xterm-helper-textarea').focus()
  await page.keyboard.type(command)
  await page.keyboard.press('Enter')
}

test('a new learner completes the flagship lab end to end', async ({ page, playwright, baseURL }) => {
  test.setTimeout(240_000)
  // An administrator creates the account (over HTTP, as the admin page does).
  const admin = await playwright.request.newContext({ baseURL })
  await signInAPI(admin, USERS.admin.email)
  const created = await postAction(admin, baseURL!, actionRefs().createUserAction!, {
    email: 'newcomer@demo.kenshu.local',
    name: 'Newcomer Analyst',
    role: 'learner',
    password: 'newcomer-pass-1',
  })
  expect(created.body).toContain('"ok":true')
  await admin.dispose()

  await signInUI(page, 'newcomer@demo.kenshu.local', 'newcomer-pass-1')
  await expect(page).toHaveURL(/\/learn$/)
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Labs' }).click()
  await page.waitForURL(/\/labs$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Labs')
  await page.getByTestId('lab-card').getByRole('link', { name: /Mirai-style telnet botnet/ }).click()
  await page.waitForURL(/\/labs\/iot-botnet-telnet$/)
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Mirai-style telnet botnet')

  // Record every state the progress badge shows from the click on.
  await page.evaluate(() => {
    const seen: string[] = []
    ;(window as unknown as { __states: string[] }).__states = seen
    const el = document.querySelector('[data-testid="lab-state"]')!
    new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true })
  })
  await page.getByTestId('start-lab').click()
  await expect(page.getByTestId('terminal-status')).toHaveText('Connected', { timeout: 60_000 })
  const states = await page.evaluate(() => (window as unknown as { __states: string[] }).__states)
  expect(states.some((s) => s === 'Queued' || s === 'Starting'), `states seen: ${states.join(' → ')}`).toBe(true)
  await expect(page.getByTestId('lab-state')).toHaveText('Ready')
  await expect(page.getByTestId('lab-score')).toHaveText('0 / 115 points')

  // Detect: read the logs in the terminal.
  await run(
    page,
    `IP=$(grep 'FAILED LOGIN' /srv/gateway/log/messages | awk '{print $(NF-2)}' | sort | uniq -c | sort -rn | head -1 | awk '{print $2}'); ` +
      `C2=$(grep state=ESTABLISHED /srv/gateway/log/flow.log | grep -oE 'dst=[0-9.]+' | sort | uniq -c | sort -rn | head -1 | awk '{print $2}' | cut -d= -f2); ` +
      `U=$(grep "LOGIN '" /srv/gateway/log/messages | grep "from $IP " | sed -E "s/.*LOGIN '([a-z]+)'.*/\\1/"); echo "@@$IP@@$C2@@$U@@"`,
  )
  let found: RegExpMatchArray | null = null
  await expect
    .poll(async () => (found = (await terminalText(page)).match(/@@(\d+\.\d+\.\d+\.\d+)@@(\d+\.\d+\.\d+\.\d+)@@([a-z]+)@@/)), { timeout: 15_000 })
    .not.toBeNull()
  const [, attacker, c2, account] = found!
  expect(attacker).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\./)

  const step = (n: RegExp) => page.getByRole('button', { name: n }).click()
  const task = (id: string) => page.getByTestId(`task-${id}`)

  // A wrong answer first: told so, attempts left shown, nothing passed.
  await task('attacker-ip').getByRole('textbox').fill('198.51.100.254')
  await task('attacker-ip').getByRole('button', { name: 'Submit' }).click()
  await expect(task('attacker-ip').getByTestId('task-feedback')).toContainText('Not correct. 4 attempts left.')
  await task('attacker-ip').getByRole('textbox').fill(attacker!)
  await task('attacker-ip').getByRole('button', { name: 'Submit' }).click()
  await expect(task('attacker-ip').getByTestId('task-passed')).toBeVisible()

  // First response: the right first move, then preserve the bot (in the terminal) and check.
  await step(/^2\. First response/)
  await task('first-action').getByLabel(/Save the volatile evidence/).check()
  await task('first-action').getByRole('button', { name: 'Submit' }).click()
  await expect(task('first-action').getByTestId('task-passed')).toBeVisible()
  await run(
    page,
    `mkdir -p ~/evidence; : > ~/bot.pids; for p in /proc/[0-9]*; do e=$(readlink $p/exe 2>/dev/null); case "$e" in /tmp/*' (deleted)') n=\${p#/proc/}; cp $p/exe ~/evidence/$n.exe; cp $p/fd/0 ~/evidence/$n.stdin; echo $n >> ~/bot.pids;; esac; done; (cd ~/evidence && sha256sum * > SHA256SUMS); echo PRESERVED-$(wc -l < ~/bot.pids)`,
  )
  await expect.poll(async () => (await terminalText(page)).match(/PRESERVED-[1-9]/) !== null, { timeout: 15_000 }).toBe(true)
  await task('preserve-implant').getByTestId('check-button').click()
  await expect(task('preserve-implant').getByTestId('task-passed')).toBeVisible({ timeout: 20_000 })

  // Investigate: use a hint (its cost is shown before opening), then answer the C2.
  await step(/^3\. Investigate/)
  const hintButton = task('c2-address').getByTestId('reveal-hint')
  await expect(hintButton).toHaveText('Show a hint (costs 2 points)')
  await hintButton.click()
  await expect(task('c2-address').getByTestId('hint-text')).toContainText('flow.log')
  await expect(page.getByTestId('lab-toolbar')).toContainText('(−2 for hints)')
  await task('c2-address').getByRole('textbox').fill(c2!)
  await task('c2-address').getByRole('button', { name: 'Submit' }).click()
  await expect(task('c2-address').getByTestId('task-passed')).toBeVisible()

  // Contain and eradicate in the terminal; checks before the fix fail, after it pass.
  await step(/^4\. Contain/)
  await task('remove-persistence').getByTestId('check-button').click()
  await expect(task('remove-persistence').getByTestId('task-feedback')).toBeVisible({ timeout: 20_000 })
  await expect(task('remove-persistence').getByTestId('task-passed')).toHaveCount(0)
  await run(
    page,
    `D=$(grep -v '^#' /srv/gateway/etc/crontab | awk '{print $6}' | grep '/\\.cache/' | head -1); sed -i "\\#$D#d" /srv/gateway/etc/crontab /srv/gateway/etc/rc.local; rm -f "$D"; kill -9 $(cat ~/bot.pids); echo ERADICATED-$?`,
  )
  await expect.poll(async () => (await terminalText(page)).includes('ERADICATED-0'), { timeout: 15_000 }).toBe(true)
  await task('remove-persistence').getByTestId('check-button').click()
  await expect(task('remove-persistence').getByTestId('task-passed')).toBeVisible({ timeout: 20_000 })
  await task('stop-bot').getByTestId('check-button').click()
  await expect(task('stop-bot').getByTestId('task-passed')).toBeVisible({ timeout: 20_000 })

  // Recover: close telnet and retire the default passwords.
  await step(/^5\. Recover/)
  await run(
    page,
    `sed -i 's/^telnet=on/telnet=off/' /srv/gateway/etc/services.conf; /srv/gateway/bin/gwctl stop telnetd; for u in admin support user; do printf 'Kita-Minato-%s-2026!\\nKita-Minato-%s-2026!\\n' $u $u | /srv/gateway/bin/gwctl passwd $u; done; echo HARDENED`,
  )
  await expect.poll(async () => (await terminalText(page)).includes('HARDENED'), { timeout: 15_000 }).toBe(true)
  await task('harden-gateway').getByTestId('check-button').click()
  await expect(task('harden-gateway').getByTestId('task-passed')).toBeVisible({ timeout: 20_000 })

  // Report and escalate.
  await step(/^6\. Report/)
  for (const label of [/Report to the CISO/, /Contact the gateway's maintenance vendor/, /Reply to the ISP/]) await task('escalation').getByLabel(label).check()
  await task('escalation').getByRole('button', { name: 'Submit' }).click()
  await expect(task('escalation').getByTestId('task-passed')).toBeVisible()

  const report = task('incident-report')
  await report.getByLabel('Summary').fill(`The building-management gateway bms-gw01 was infected by a Mirai-style bot after a telnet brute force from ${attacker}.`)
  await report.getByLabel('Timeline').fill(`Brute force from ${attacker}, then a successful login with the factory default ${account}/${account}; the bot started and beaconed to ${c2}:23 every minute until we contained it.`)
  await report.getByLabel('Impact').fill('The gateway scanned other networks on telnet (taking part in attacks on others); HVAC and lighting kept running.')
  await report.getByLabel('Actions taken').fill('Preserved the bot and its script with hashes, removed the cron and rc.local persistence, killed the bot, disabled telnet and changed every default password.')
  await report.getByLabel('Reporting and escalation').fill('Reported to the CISO and division head; informed the vendor; replied to the ISP and sent indicators to JPCERT/CC.')
  await report.getByLabel('Recurrence prevention').fill('Audit every device of the same model, require changed credentials and closed maintenance ports at commissioning, monitor flow logs.')
  await report.getByRole('button', { name: 'Submit report' }).click()
  await expect(report.getByTestId('task-passed')).toBeVisible()

  // Every task passed; the score reflects the hint.
  await expect(page.getByTestId('lab-complete')).toContainText('Lab complete: 113 of 115 points')
  await expect(page.getByTestId('lab-score')).toHaveText('113 / 115 points')
  await expect(page.getByTestId('lab-toolbar')).toContainText('9 of 9 tasks')

  // The lab earned an Open Badge: listed on the learner's progress page, verifiable by anyone.
  await page.goto('/progress')
  const badge = page.getByTestId('my-badge').filter({ hasText: 'Mirai-style telnet botnet' })
  await expect(badge).toBeVisible()
  await badge.getByRole('link').click()
  await expect(page.getByTestId('badge-status')).toHaveAttribute('data-status', 'verified')
  const badgeUrl = page.url()
  const anonymous = await playwright.request.newContext({ baseURL })
  const pub = await anonymous.get(`/api${new URL(badgeUrl).pathname}`)
  expect(pub.status()).toBe(200)
  const doc = (await pub.json()) as { verification: { valid: boolean }; credential: { type: string[] } }
  expect(doc.verification.valid).toBe(true)
  expect(doc.credential.type).toContain('OpenBadgeCredential')
  expect(JSON.stringify(doc)).not.toContain('newcomer@demo.kenshu.local')

  // HR revokes it (a reason is required); the public page says so at once.
  const hr = await playwright.request.newContext({ baseURL })
  await signInAPI(hr, USERS.hr.email)
  const id = new URL(badgeUrl).pathname.split('/').pop()!
  const revoked = await postAction(hr, baseURL!, actionRefs().revokeBadgeAction!, { credentialId: id, reason: 'Issued in a test run' })
  expect(revoked.body).toContain('"ok":true')
  await page.reload()
  await expect(page.getByTestId('badge-status')).toHaveAttribute('data-status', 'revoked')
  expect(((await (await anonymous.get(`/api${new URL(badgeUrl).pathname}`)).json()) as { verification: { valid: boolean } }).verification.valid).toBe(false)
  await Promise.all([anonymous.dispose(), hr.dispose()])
})
