import path from 'node:path'
import Database from 'better-sqlite3'
import { expect, test, type Browser, type Page } from '@playwright/test'
import { E2E_DATA_DIR } from '../../playwright.config'
import { actionRefs, answer, postAction, quizOf, signInAPI, USERS } from './helpers'

// Stored XSS (SECURITY.md 4.4 "XSS"): a script payload in every user-writable field that some page
// renders, written through the real server actions and the upload API by the role that may write it,
// then viewed on every page that shows it, by the roles that see it. Each view must show the payload as
// text, contain none of its elements (escaping, not only the CSP, stops it), run none of it and open
// no dialog. Quiz short answers: tests/e2e/content.spec.ts; the search box: frameworks.spec.ts.
// Not covered here: lab report answers (need a running sandbox).

/** A distinct payload per field: an <img onerror> and an <svg onload>, each would set __xss or alert. */
const P = (tag: string) => `${tag}<img src=x onerror="window.__xss=1;alert(1)"><svg/onload=window.__xss=2>`
const NAME = P('N ')
const TEAM = P('T ')
const ROLE = P('R ')
const ROLE_DESC = P('D ')
const TRANSLATION = P('J ')
const NOTE = P('A ')
const ATTEST = P('E ')
const REASON = P('B ')
const TOKEN = P('K ')
const STD_TITLE = P('S ')
const STD_ROLE = P('W ')
const STD_TEXT = P('X ')

function sql<T>(query: string, ...params: unknown[]): T | undefined {
  const db = new Database(path.join(E2E_DATA_DIR, 'kenshu.db'), { readonly: true, fileMustExist: true })
  try {
    return db.prepare(query).get(...params) as T | undefined
  } finally {
    db.close()
  }
}

const ok = (label: string, res: { body: string }) => expect(res.body, label).toContain('"ok":true')

async function viewer(browser: Browser, baseURL: string, email: string, password?: string) {
  const context = await browser.newContext({ baseURL })
  await signInAPI(context.request, email, password)
  const page = await context.newPage()
  const dialogs: string[] = []
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    void d.dismiss()
  })
  return { context, page, dialogs }
}

/** Opens `url` and checks that every payload in `texts` is there as text and nothing of it runs. */
async function expectInert(v: { page: Page; dialogs: string[] }, url: string, texts: string[]) {
  const res = await v.page.goto(url)
  expect(res?.status(), url).toBe(200)
  await v.page.waitForLoadState('load')
  const seen = await v.page.evaluate(() => {
    const body = document.body.cloneNode(true) as HTMLElement
    body.querySelectorAll('script, template, noscript').forEach((n) => n.remove())
    return {
      text: body.textContent ?? '',
      injected: document.querySelectorAll('img[src="x"], svg[onload], [onerror]').length,
      xss: (window as unknown as { __xss?: unknown }).__xss,
    }
  })
  for (const t of texts) expect(seen.text, `${url} shows ${t.slice(0, 2)}as text`).toContain(t)
  expect(seen.injected, `${url}: no payload element in the DOM`).toBe(0)
  expect(seen.xss, `${url}: no payload ran`).toBeUndefined()
  expect(v.dialogs, `${url}: no dialog`).toEqual([])
}

test('stored script payloads in every user-writable field render as text for every role', async ({
  browser,
  playwright,
  baseURL,
}) => {
  test.setTimeout(120_000)
  const refs = actionRefs()
  const org = sql<{ id: string }>("SELECT id FROM Organization WHERE slug = 'demo'")!.id
  const manager = sql<{ id: string }>('SELECT id FROM User WHERE email = ?', USERS.manager.email)!.id
  const team = sql<{ teamId: string }>(
    'SELECT teamId FROM TeamMember WHERE userId = ? AND isLead = 1 ORDER BY addedAt LIMIT 1',
    manager,
  )!.teamId
  const required = sql<{ roleId: string; statementId: string }>(
    'SELECT q.roleId, q.statementId FROM OrgRoleRequirement q JOIN OrgRole r ON r.id = q.roleId WHERE r.organizationId = ? AND r.archivedAt IS NULL AND q.level >= 2 ORDER BY r.title, q.statementId LIMIT 1',
    org,
  )!

  // Admin: a learner named with the payload in the manager's team, a team, an API token.
  const admin = await playwright.request.newContext({ baseURL })
  await signInAPI(admin, USERS.admin.email)
  const learner = { email: 'xss-everywhere@demo.kenshu.local', password: 'xss-everywhere-pass-1' }
  ok(
    'create user',
    await postAction(admin, baseURL!, refs.createUserAction!, {
      email: learner.email,
      name: NAME,
      role: 'learner',
      password: learner.password,
      teamId: team,
    }),
  )
  const learnerId = sql<{ id: string }>('SELECT id FROM User WHERE email = ?', learner.email)!.id
  ok('create team', await postAction(admin, baseURL!, refs.createTeamAction!, { name: TEAM }))
  ok(
    'create token',
    await postAction(admin, baseURL!, refs.createApiTokenAction!, { name: TOKEN, scope: 'read' }),
  )

  // HR: an org role (title, description) on a career path, a statement translation, an uploaded standard.
  const hr = await playwright.request.newContext({ baseURL })
  await signInAPI(hr, USERS.hr.email)
  const created = await postAction(hr, baseURL!, refs.createRoleAction!, {
    title: ROLE,
    description: ROLE_DESC,
    positionLevel: '',
    baseline: 'nice@2.1.0#PD-WRL-003',
    defaultLevel: '2',
  })
  ok('create role', created)
  const roleId = /\/roles\/([a-z0-9]+)\/edit/.exec(created.body)![1]!
  ok(
    'career step',
    await postAction(hr, baseURL!, refs.addCareerEdgeAction!, {
      fromRoleId: roleId,
      toRoleId: required.roleId,
    }),
  )
  ok(
    'translation',
    await postAction(hr, baseURL!, refs.setStatementTranslationAction!, {
      frameworkId: 'nice',
      frameworkVersion: '2.1.0',
      statementId: 'T0164',
      roleId: 'PD-WRL-003',
      locale: 'ja',
      text: TRANSLATION,
    }),
  )
  const q = (s: string) => `"${s.replaceAll('"', '""')}"`
  const csv = `type,id,text,description,category,roles\nrole,R1,${q(STD_ROLE)},,,\ntask,T1,${q(STD_TEXT)},,,R1\n`
  const upload = await hr.post('/api/v1/frameworks/imports', {
    headers: { Origin: baseURL! },
    multipart: {
      file: { name: 'xss.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) },
      id: 'xss-standard',
      version: '1',
      title: STD_TITLE,
      publisher: 'XSS Corp',
    },
  })
  expect(upload.status(), await upload.text()).toBe(201)
  const { previewUrl } = (await upload.json()) as { previewUrl: string }
  // A role that only needs one statement the alert-triage quiz proves: passing the quiz earns its badge,
  // whose revocation reason (HR only) is the last field.
  const badgeRole = await postAction(hr, baseURL!, refs.createRoleAction!, {
    title: 'XSS badge role',
    description: '',
    positionLevel: '',
    baseline: 'nice@2.1.0#',
    defaultLevel: '1',
  })
  ok('badge role', badgeRole)
  const badgeRoleId = /\/roles\/([a-z0-9]+)\/edit/.exec(badgeRole.body)![1]!
  ok(
    'badge role requirement',
    await postAction(
      hr,
      baseURL!,
      { ...refs.updateRoleAction!, page: `/roles/${badgeRoleId}/edit` },
      {
        roleId: badgeRoleId,
        expectedVersion: '1',
        title: 'XSS badge role',
        description: '',
        positionLevel: '',
        requirements: JSON.stringify([{ statementId: 'T1254', level: 1 }]),
      },
    ),
  )
  // Manager: work assigned with a note, an attestation with a note.
  const mgr = await playwright.request.newContext({ baseURL })
  await signInAPI(mgr, USERS.manager.email)
  const due = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)
  const person = `/team/people/${learnerId}`
  ok(
    'assign',
    await postAction(
      mgr,
      baseURL!,
      { ...refs.assignWorkAction!, page: person },
      { userId: learnerId, item: 'module:alert-triage', due, note: NOTE },
    ),
  )
  ok(
    'attest',
    await postAction(
      mgr,
      baseURL!,
      { ...refs.attestAction!, page: person },
      {
        userId: learnerId,
        roleId: required.roleId,
        statementId: required.statementId,
        level: '1',
        note: ATTEST,
      },
    ),
  )
  const quizzer = await viewer(browser, baseURL!, learner.email, learner.password)
  await quizzer.page.goto('/learn/modules/alert-triage')
  await answer(quizzer.page, quizOf('content/modules/alert-triage/module.yaml'), true)
  await expect(quizzer.page.getByTestId('quiz-result')).toBeVisible()
  await quizzer.context.close()
  const findBadge = () =>
    sql<{ id: string }>(
      "SELECT id FROM BadgeCredential WHERE userId = ? AND achievementType = 'role' AND achievementRef = ? AND revokedAt IS NULL",
      learnerId,
      badgeRoleId,
    )
  await expect
    .poll(findBadge, { message: 'passing the quiz earned the role badge', timeout: 15_000 })
    .toBeDefined()
  const badge = findBadge()
  ok(
    'revoke badge',
    await postAction(hr, baseURL!, refs.revokeBadgeAction!, { credentialId: badge!.id, reason: REASON }),
  )
  await Promise.all([admin.dispose(), hr.dispose(), mgr.dispose()])

  // Now look, as each role, at every page that shows these values.
  const a = await viewer(browser, baseURL!, USERS.admin.email)
  await expectInert(a, '/admin/users', [NAME])
  await expectInert(a, `/admin/users/${learnerId}`, [NAME])
  await expectInert(a, '/admin/teams', [TEAM, NAME])
  await expectInert(a, '/admin/api-tokens', [TOKEN])
  await a.context.close()

  const h = await viewer(browser, baseURL!, USERS.hr.email)
  await expectInert(h, '/hr', [ROLE, TEAM])
  await expectInert(h, '/hr/report', [ROLE])
  await expectInert(h, '/roles', [ROLE])
  await expectInert(h, `/roles/${roleId}`, [ROLE, ROLE_DESC])
  await expectInert(h, '/career-paths', [ROLE])
  await expectInert(h, '/coverage', [ROLE])
  await expectInert(h, previewUrl, [STD_TITLE, STD_ROLE])
  await expectInert(h, '/frameworks/import', [STD_TITLE])
  await expectInert(h, '/badges', [REASON])
  // The translation is shown to Japanese readers.
  await h.context.addCookies([{ name: 'kenshu-locale', value: 'ja', url: baseURL! }])
  await h.page.setExtraHTTPHeaders({ 'Accept-Language': 'ja' })
  await h.page.goto('/frameworks/nice/roles/PD-WRL-003')
  if ((await h.page.locator('html').getAttribute('lang')) !== 'ja')
    await h.page.getByTestId('language-switch').selectOption('ja')
  await expectInert(h, '/frameworks/nice/roles/PD-WRL-003', [TRANSLATION])
  if ((await h.page.locator('html').getAttribute('lang')) === 'ja')
    await h.page.getByTestId('language-switch').selectOption('en')
  await h.context.close()

  const m = await viewer(browser, baseURL!, USERS.manager.email)
  await expectInert(m, '/team', [NAME])
  await expectInert(m, person, [NAME, NOTE])
  await m.context.close()

  const l = await viewer(browser, baseURL!, learner.email, learner.password)
  await expectInert(l, '/learn', [NAME])
  await expectInert(l, '/progress', [NAME, NOTE, ROLE])
  // The attestation (below the required level, so still a gap) is evidence in that role's gap list.
  await expectInert(l, `/progress?role=${required.roleId}`, [ATTEST])
  await l.context.close()
})
