import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import path from 'node:path'
import { expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test'
import type { Role } from '../../lib/auth/rbac'

export const PASSWORD = 'kenshu-demo-2026'
export const USERS: Record<Role, { email: string; name: string; home: string }> = {
  learner: { email: 'learner@demo.kenshu.local', name: 'Aoi Tanaka', home: '/learn' },
  executive: { email: 'exec@demo.kenshu.local', name: 'Keiko Yamamoto', home: '/exec' },
  manager: { email: 'manager@demo.kenshu.local', name: 'Daiki Sato', home: '/team' },
  hr: { email: 'hr@demo.kenshu.local', name: 'Yui Nakamura', home: '/hr' },
  instructor: { email: 'instructor@demo.kenshu.local', name: 'Kenji Morita', home: '/exercises' },
  admin: { email: 'admin@demo.kenshu.local', name: 'Sora Ito', home: '/admin' },
}

/** Signs in through the real form, as a person would. */
export async function signInUI(page: Page, email: string, password = PASSWORD) {
  await page.goto('/signin')
  await page.getByLabel(/^(Email|メールアドレス)$/).fill(email)
  await page.getByLabel(/^(Password|パスワード)$/).fill(password)
  await page.getByRole('button', { name: /^(Sign in|サインイン)$/ }).click()
}

/** Signs in through next-auth's endpoints (same cookies, faster) for tests about something else. */
export async function signInAPI(request: APIRequestContext, email: string, password = PASSWORD) {
  const csrf = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string }
  const res = await request.post('/api/auth/callback/credentials', {
    form: { csrfToken: csrf.csrfToken, email, password, json: 'true' },
    maxRedirects: 0,
  })
  expect([200, 302]).toContain(res.status())
  const me = await request.get('/api/me')
  expect(me.status(), `sign-in as ${email}`).toBe(200)
}

export async function signInAs(context: BrowserContext, role: Role) {
  await signInAPI(context.request, USERS[role].email)
}

type ActionRef = { id: string; page: string }

/** Server action ids by exported name, from the production build's manifest. */
export function actionRefs(): Record<string, ActionRef> {
  const manifest = JSON.parse(
    readFileSync(path.join(process.cwd(), '.next/server/server-reference-manifest.json'), 'utf8'),
  ) as { node: Record<string, { workers: Record<string, unknown>; exportedName?: string }> }
  const out: Record<string, ActionRef> = {}
  for (const [id, entry] of Object.entries(manifest.node)) {
    if (!entry.exportedName) continue
    const worker = Object.keys(entry.workers)[0] ?? 'app/page'
    const page =
      worker
        .replace(/^app/, '')
        .replace(/\/page$/, '')
        .replace(/\/\([^)]+\)/g, '') || '/'
    out[entry.exportedName] = { id, page }
  }
  return out
}

/**
 * Calls a server action over HTTP the way React's client does (multipart body, `Next-Action` header),
 * i.e. exactly what an attacker with a session cookie can do without the UI.
 */
export async function postAction(
  request: APIRequestContext,
  baseURL: string,
  ref: ActionRef,
  fields: Record<string, string>,
) {
  const page = ref.page.replace(/\[userId\]/, 'x').replace(/\[token\]/, 'x'.repeat(24))
  // React streams the body through busboy: the form fields must come before the root ("0") that
  // refers to them, as the browser sends them.
  const multipart = new FormData()
  for (const [k, v] of Object.entries(fields)) multipart.append(`_1_${k}`, v)
  multipart.append('0', '["$K1"]')
  const res = await request.post(page, {
    headers: { 'Next-Action': ref.id, Origin: baseURL, Accept: 'text/x-component' },
    multipart,
    maxRedirects: 0,
  })
  return { status: res.status(), body: await res.text() }
}

// Quiz questions as written in content/**.yaml (the answer key an author knows).
export type Q = {
  id: string
  kind: 'single' | 'multiple' | 'short'
  prompt: { en: string }
  options?: { id: string; text: { en: string } }[]
  answer?: string | string[]
  accept?: string[]
}
export const quizOf = (file: string) =>
  (parse(readFileSync(file, 'utf8')) as { quiz: { questions: Q[] } }).quiz.questions

/** Answers a quiz on the page from its content file's answer key (right, or wrong with hostile text). */
export async function answer(page: Page, questions: Q[], correct: boolean) {
  for (const q of questions) {
    const box = page.getByTestId(`question-${q.id}`)
    if (q.kind === 'short')
      await box.getByRole('textbox').fill(correct ? q.accept![0]! : '<img src=x onerror=alert(1)>')
    else {
      const right = Array.isArray(q.answer) ? q.answer : [q.answer!]
      const pick = correct ? right : [q.options!.find((o) => !right.includes(o.id))!.id]
      for (const id of pick)
        await box.getByLabel(q.options!.find((o) => o.id === id)!.text.en, { exact: true }).check()
    }
  }
  await page.getByRole('button', { name: 'Submit answers' }).click()
}
