import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { expect, test, type APIRequestContext } from '@playwright/test'
import WebSocket from 'ws'
import { E2E_DATA_DIR } from '../../playwright.config'
import { actionRefs, postAction, signInAPI, USERS } from './helpers'

const LAB = 'iot-botnet-telnet'

/** RSS (MiB) of the server under test, found by its data directory. */
function serverRssMiB(): number {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/server.js')) continue
      if (!readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`KENSHU_DATA_DIR=${E2E_DATA_DIR}\0`)) continue
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
    } catch {}
  }
  throw new Error('server process not found')
}

function db() {
  return new Database(path.join(E2E_DATA_DIR, 'kenshu.db'), { readonly: true, fileMustExist: true })
}

async function startedSession(request: APIRequestContext, baseURL: string) {
  const res = await postAction(request, baseURL, actionRefs().startLabAction!, { labId: LAB })
  const id = /"sessionId":"([a-z0-9]+)"/i.exec(res.body)?.[1]
  expect(id, res.body).toBeTruthy()
  await expect
    .poll(async () => ((await (await request.get(`/api/labs/sessions/${id}`)).json()) as { state: string }).state, { timeout: 60_000 })
    .toBe('ready')
  return id!
}

async function ticketFor(request: APIRequestContext, baseURL: string, sessionId: string) {
  const res = await postAction(request, baseURL, actionRefs().terminalTicketAction!, { sessionId })
  return /"ticket":"([A-Za-z0-9_-]+)"/.exec(res.body)?.[1] ?? null
}

async function cookieOf(request: APIRequestContext) {
  const state = await request.storageState()
  return state.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
}

function open(url: string, cookie: string, origin: string) {
  return new Promise<{ status: number; ws?: WebSocket }>((resolve) => {
    const ws = new WebSocket(url, { headers: { Cookie: cookie, Origin: origin } })
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }))
    ws.on('open', () => resolve({ status: 101, ws }))
    ws.on('error', () => resolve({ status: -1 }))
  })
}

test.describe('lab sessions cannot be reached by anyone else', () => {
  test('tickets are single-use and bound to their user; variables never reach the browser', async ({ playwright, baseURL }) => {
    test.setTimeout(120_000)
    const owner = await playwright.request.newContext({ baseURL })
    await signInAPI(owner, USERS.learner.email)
    const other = await playwright.request.newContext({ baseURL })
    await signInAPI(other, USERS.manager.email) // managers may take labs too
    const sessionId = await startedSession(owner, baseURL!)
    const wsBase = `${baseURL!.replace('http', 'ws')}/ws/terminal`

    // The owner's ticket works once.
    const ticket = await ticketFor(owner, baseURL!, sessionId)
    expect(ticket).toBeTruthy()
    const first = await open(`${wsBase}?ticket=${ticket}`, await cookieOf(owner), baseURL!)
    expect(first.status).toBe(101)
    first.ws!.close()
    expect((await open(`${wsBase}?ticket=${ticket}`, await cookieOf(owner), baseURL!)).status).toBe(403)

    // A fresh ticket of the owner, presented with another user's session cookie, is refused —
    // and it is burnt only if redeemed by its own user.
    const t2 = await ticketFor(owner, baseURL!, sessionId)
    expect((await open(`${wsBase}?ticket=${t2}`, await cookieOf(other), baseURL!)).status).toBe(403)
    expect((await open(`${wsBase}?ticket=${t2}`, await cookieOf(owner), baseURL!)).status).toBe(101)

    // Another learner gets nothing from the session id: every action says "not found".
    const refs = actionRefs()
    expect(await ticketFor(other, baseURL!, sessionId)).toBeNull()
    for (const [name, fields] of [
      ['checkTaskAction', { sessionId, taskId: 'stop-bot' }],
      ['answerTaskAction', { sessionId, taskId: 'attacker-ip', answer: '192.0.2.1' }],
      ['revealHintAction', { sessionId, taskId: 'attacker-ip', hint: '0' }],
      ['resetLabAction', { sessionId }],
      ['stopLabAction', { sessionId, labId: LAB }],
    ] as const) {
      const res = await postAction(other, baseURL!, refs[name]!, fields)
      expect(res.body, name).toContain('"code":"NOT_FOUND"')
    }
    expect((await other.get(`/api/labs/sessions/${sessionId}`)).status()).toBe(404)
    expect((await owner.get(`/api/labs/sessions/${sessionId}`)).status()).toBe(200)

    // Nothing the other learner did touched the owner's session.
    const conn = db()
    const row = conn.prepare('SELECT state, variables, hintPenalty FROM LabSession WHERE id = ?').get(sessionId) as { state: string; variables: string; hintPenalty: number }
    const attempts = conn.prepare('SELECT COUNT(*) AS n FROM LabTaskAttempt WHERE labSessionId = ?').get(sessionId) as { n: number }
    conn.close()
    expect(row.state).toBe('ready')
    expect(row.hintPenalty).toBe(0)
    expect(attempts.n).toBe(0)

    // The per-session answers are stored server-side only: not in the page, not in the poll.
    const variables = JSON.parse(row.variables) as Record<string, string>
    expect(Object.keys(variables)).toEqual(expect.arrayContaining(['ATTACKER_IP', 'C2_ADDR', 'BOT_SHA256']))
    const page = await (await owner.get(`/labs/${LAB}`)).text()
    const poll = await (await owner.get(`/api/labs/sessions/${sessionId}`)).text()
    // Only distinctive values can be searched for: LOGIN_USER is e.g. "user", which any page contains.
    const distinctive = Object.entries(variables).filter(([, v]) => /\d/.test(v) || v.length >= 10)
    expect(distinctive.map(([k]) => k)).toEqual(expect.arrayContaining(['ATTACKER_IP', 'C2_ADDR', 'BOT_SHA256', 'DROPPER']))
    for (const [name, value] of distinctive) {
      expect(page.includes(value), `${name} in the lab page`).toBe(false)
      expect(poll.includes(value), `${name} in the progress poll`).toBe(false)
    }
    // …and neither are the check scripts.
    const checks = readdirSync(path.join('labs', LAB, 'checks'))
    for (const f of checks) {
      const body = readFileSync(path.join('labs', LAB, 'checks', f), 'utf8').split('\n').find((l) => l.length > 30 && !l.startsWith('#'))
      if (body) expect(page.includes(body.trim()), f).toBe(false)
    }
    await postAction(owner, baseURL!, refs.stopLabAction!, { sessionId, labId: LAB })
    await owner.dispose()
    await other.dispose()
  })

  test('a flood of output is throttled by backpressure, not buffered without bound', async ({ playwright, baseURL }) => {
    test.setTimeout(120_000)
    const owner = await playwright.request.newContext({ baseURL })
    await signInAPI(owner, 'learner2@demo.kenshu.local')
    const sessionId = await startedSession(owner, baseURL!)
    const ticket = await ticketFor(owner, baseURL!, sessionId)
    const { ws } = await open(`${baseURL!.replace('http', 'ws')}/ws/terminal?ticket=${ticket}`, await cookieOf(owner), baseURL!)
    expect(ws).toBeDefined()
    let received = 0
    ws!.on('message', (d: Buffer, binary) => {
      if (binary) received += d.length
    })
    await new Promise((r) => setTimeout(r, 500))
    const rssBefore = serverRssMiB()
    // Hostile output: random bytes and escape sequences as fast as the shell can write them.
    ws!.send(Buffer.from("cat /dev/urandom | tr -dc '\\000-\\377'\r"))
    await new Promise((r) => setTimeout(r, 1500))
    // Stop reading: the server must pause the pty instead of queueing everything in memory.
    ;(ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause()
    const at = received
    await new Promise((r) => setTimeout(r, 4000))
    // /dev/urandom produces hundreds of MB in 4 s; with backpressure the server holds ~1 MB of it.
    const rssPaused = serverRssMiB()
    expect(rssPaused - rssBefore, `server RSS ${rssBefore.toFixed(0)} → ${rssPaused.toFixed(0)} MiB`).toBeLessThan(100)
    ;(ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.resume()
    // Ctrl-C still works and the shell answers.
    ws!.send(Buffer.from('\x03'))
    await new Promise((r) => setTimeout(r, 1000))
    let text = ''
    ws!.on('message', (d: Buffer, binary) => {
      if (binary) text += d.toString('latin1')
    })
    ws!.send(Buffer.from('echo FLOOD-$((40+2))\r'))
    await expect.poll(() => text.includes('FLOOD-42'), { timeout: 20_000 }).toBe(true)
    expect(at).toBeGreaterThan(0)
    ws!.close()
    await postAction(owner, baseURL!, actionRefs().stopLabAction!, { sessionId, labId: LAB })
    await owner.dispose()
  })
})

test('a page reload re-attaches to the same shell', async ({ page, context }) => {
  test.setTimeout(120_000)
  await signInAPI(context.request, 'learner2@demo.kenshu.local')
  await page.goto(`/labs/${LAB}`)
  const start = page.getByTestId('start-lab')
  if (await start.isVisible()) await start.click()
  await expect(page.getByTestId('terminal-status')).toHaveText('Connected', { timeout: 60_000 })
  await page.locator('.xterm-helper-textarea').focus()
  await page.keyboard.type('export KENSHU_MARK=$((6*7)); cd /srv')
  await page.keyboard.press('Enter')
  await page.reload()
  await expect(page.getByTestId('terminal-status')).toHaveText('Connected', { timeout: 30_000 })
  await page.locator('.xterm-helper-textarea').focus()
  await page.keyboard.type('echo "mark=$KENSHU_MARK in $(pwd)"')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await page.locator('.xterm-rows').innerText()).includes('mark=42 in /srv'), { timeout: 15_000 }).toBe(true)
})
