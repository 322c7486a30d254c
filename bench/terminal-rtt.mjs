#!/usr/bin/env node
// Keystroke echo round trip: Kenshu's terminal path vs WeTTY vs shellinabox, on this machine.
// Method, targets and how to read the numbers: bench/README.md ("Terminal keystroke round trip").
// `node bench/terminal-rtt.mjs --help` for options. JSON result on stdout, a table on stderr.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { createRequire } from 'node:module'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const REPO = path.resolve(HERE, '..')
const ALL_TARGETS = ['raw-pty', 'ws-host-pty', 'kenshu-sandbox-direct', 'wetty', 'shellinabox']
const PS1 = 'bench$' // same fixed prompt everywhere; no spaces (shellinabox splits its command line on them)
// Typed characters: printable, and never part of the escape sequences bash emits while editing a
// line (\e[K, \e[?2004h/l, \b), so a match is always the echo of the key just sent.
const KEYS = 'abcdefgijmnopqrstuvwxyz'

const STOPPED_HINT =
  ' — if nobody stopped it here: another BwrapDriver on this host ran stopAll() (Kenshu server start/stop, vitest, labs:check), which reaps every kenshu-* cgroup; rerun while none of these runs'

const HELP = `Usage: node bench/terminal-rtt.mjs [options]

Keystroke echo round trip (send one printable character, time until its echo arrives over the
target's own network protocol), for several terminal servers started on 127.0.0.1. JSON result on
stdout, readable table on stderr. Needs root for the sandbox target (Kenshu's bwrap driver) and for
WeTTY's local-shell mode. Every server it starts is stopped at the end (also on error and Ctrl-C).

Options:
  --targets LIST        comma list, default: ${ALL_TARGETS.join(',')}
                        (kenshu is added automatically when --kenshu-url is given)
  --iterations N        measured keystrokes per target (default 500)
  --warmup N            keystrokes per target before measuring, discarded (default 50)
  --rounds N            measured keystrokes are split into N rounds that rotate over the targets,
                        so slow drifts of machine load hit every target alike (default 5)
  --pause-ms N          pause between keystrokes (default 10)
  --timeout-s N         hard bound on the measuring part of the run (default 170); peers' first
                        installation has its own bound (--install-timeout-s, default 240)
  --peers-dir DIR       where WeTTY + socket.io-client are installed (default
                        \${XDG_CACHE_HOME:-~/.cache}/kenshu-bench/peers); never the repo's node_modules
  --wetty-version V     default 3.2.0     --socketio-version V   default 4.8.3
  --no-install          do not run npm install for peers (skip WeTTY if absent)
  --apt-install         apt-get install -y shellinabox if shellinaboxd is missing (root)
  --json-out FILE       also write the JSON result to FILE

Real Kenshu app (once the labs capability issues tickets; see TODO(kenshu-app) in this file):
  --kenshu-url URL      ws://127.0.0.1:3000/ws/terminal   (the gateway; ?ticket= is appended)
  --cookie STR          Cookie header of a signed-in user with lab:use, e.g.
                        "next-auth.session-token=eyJ..."
  --ticket-url URL      endpoint that issues a single-use terminal ticket for a running lab
                        session (POST with the cookie; JSON answer with a "ticket" field)
  --ticket STR          or a ticket obtained by other means (single use, valid ~1 minute)
  --ticket-cmd CMD      or a shell command whose last stdout line is a fresh ticket (run once,
                        right before connecting), e.g. a tsx script calling issueTicket()
  --origin URL          Origin header (default: http://<host of --kenshu-url>)
`

// ---------------------------------------------------------------------------------------------
// options

function parseArgs(argv) {
  const o = {
    targets: ALL_TARGETS.join(','),
    iterations: 500,
    warmup: 50,
    rounds: 5,
    pauseMs: 10,
    timeoutS: 170,
    installTimeoutS: 240,
    peersDir: path.join(
      process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
      'kenshu-bench',
      'peers',
    ),
    wettyVersion: '3.2.0',
    socketioVersion: '4.8.3',
    install: true,
    aptInstall: false,
    jsonOut: undefined,
    kenshuUrl: undefined,
    cookie: undefined,
    ticketUrl: undefined,
    ticket: undefined,
    ticketCmd: undefined,
    origin: undefined,
    help: false,
  }
  const num = new Set(['iterations', 'warmup', 'rounds', 'pauseMs', 'timeoutS', 'installTimeoutS'])
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--help' || a === '-h') o.help = true
    else if (a === '--no-install') o.install = false
    else if (a === '--apt-install') o.aptInstall = true
    else if (a.startsWith('--')) {
      const key = a.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase())
      if (!(key in o)) throw new Error(`unknown option ${a} (see --help)`)
      const v = argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      o[key] = num.has(key) ? Number(v) : v
      if (num.has(key) && !(Number.isFinite(o[key]) && o[key] >= 0)) throw new Error(`${a}: not a number`)
    } else throw new Error(`unexpected argument ${a}`)
  }
  o.rounds = Math.max(1, Math.floor(o.rounds))
  o.iterations = Math.max(o.rounds, Math.floor(o.iterations))
  return o
}

// ---------------------------------------------------------------------------------------------
// process bookkeeping: everything started is recorded here and stopped by cleanup()

const RUN_ID = `${process.pid}-${Date.now().toString(36)}`
const MARK = 'KENSHU_BENCH_RTT' // env marker on every process we start (where the server passes env on)
const children = [] // { name, child, graceMs }
const closers = [] // in-process things (raw pty, sockets)
const sandboxIds = [] // kenshu-sandbox-direct session ids (cgroup check after the run)
let cleaning

function log(...a) {
  process.stderr.write(a.join(' ') + '\n')
}

function startChild(name, file, args, opts = {}) {
  const child = spawn(file, args, {
    cwd: opts.cwd ?? os.tmpdir(),
    env: { ...(opts.env ?? { PATH: '/usr/local/bin:/usr/bin:/bin' }), [MARK]: RUN_ID },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // own process group: cleanup signals the whole group
  })
  const errTail = []
  child.stderr.on('data', (d) => {
    errTail.push(d.toString())
    if (errTail.length > 20) errTail.shift()
  })
  child.on('error', () => {})
  child.stdin.on('error', () => {})
  const rec = { name, child, graceMs: opts.graceMs ?? 2000, errTail }
  children.push(rec)
  return rec
}

function alive(child) {
  return child.exitCode === null && child.signalCode === null
}

function signalGroup(child, sig) {
  try {
    process.kill(-child.pid, sig)
  } catch {
    try {
      child.kill(sig)
    } catch {
      /* gone */
    }
  }
}

async function cleanup() {
  cleaning ??= (async () => {
    for (const c of closers.splice(0)) {
      try {
        c()
      } catch {
        /* best effort */
      }
    }
    // SIGTERM first (the sandbox server stops its sandbox through the driver), then SIGKILL.
    for (const { child } of children) if (alive(child)) signalGroup(child, 'SIGTERM')
    const deadline = Date.now() + Math.max(0, ...children.map((c) => c.graceMs))
    while (children.some((c) => alive(c.child)) && Date.now() < deadline) await sleep(50)
    // Whatever is still in a group (a peer's helper) gets SIGKILL, even if the leader exited.
    for (const { child } of children) signalGroup(child, 'SIGKILL')
    await sleep(200)
    return verifyClean()
  })()
  return cleaning
}

/** Report (and remove) anything of ours that survived: marked processes, our sandbox cgroups. */
function verifyClean() {
  const left = { processes: [], cgroups: [] }
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'latin1')
      if (env.includes(`${MARK}=${RUN_ID}\0`)) {
        left.processes.push(
          `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim()}`,
        )
        try {
          process.kill(Number(pid), 'SIGKILL')
        } catch {
          /* raced */
        }
      }
    } catch {
      /* gone or not readable */
    }
  }
  for (const id of sandboxIds) {
    for (const ctl of ['pids', 'memory', 'cpu', 'freezer']) {
      const dir = `/sys/fs/cgroup/${ctl}/kenshu/kenshu-${id}`
      if (!existsSync(dir)) continue
      left.cgroups.push(dir)
      try {
        for (const p of readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n').filter(Boolean))
          process.kill(Number(p), 'SIGKILL')
        rmdirSync(dir)
      } catch {
        /* reported */
      }
    }
  }
  return left
}

function installSignalHandlers() {
  const bail = (why, code) => {
    log(`\nterminal-rtt: ${why}, stopping everything it started ...`)
    void cleanup().finally(() => process.exit(code))
  }
  process.on('SIGINT', () => bail('interrupted', 130))
  process.on('SIGTERM', () => bail('terminated', 143))
  process.on('uncaughtException', (e) => bail(`error: ${e?.stack ?? e}`, 1))
  process.on('unhandledRejection', (e) => bail(`error: ${e?.stack ?? e}`, 1))
}

// ---------------------------------------------------------------------------------------------
// helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function withTimeout(promise, ms, what) {
  let t
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms)
    }),
  ]).finally(() => clearTimeout(t))
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

async function waitHttp(port, ms, child) {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (child && !alive(child)) throw new Error('server exited during start')
    const ok = await new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: 500 }, (res) => {
        res.resume()
        resolve(true)
      })
      req.on('error', () => resolve(false))
      req.on('timeout', () => {
        req.destroy()
        resolve(false)
      })
    })
    if (ok) return
    await sleep(100)
  }
  throw new Error(`nothing answered on 127.0.0.1:${port}`)
}

function pct(sorted, p) {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b)
  const r3 = (x) => (x === null ? null : Math.round(x * 1000) / 1000)
  return {
    n: s.length,
    p50: r3(pct(s, 50)),
    p95: r3(pct(s, 95)),
    p99: r3(pct(s, 99)),
    mean: r3(s.length ? s.reduce((a, b) => a + b, 0) / s.length : null),
    min: r3(s[0] ?? null),
    max: r3(s[s.length - 1] ?? null),
  }
}

function cpuTimes() {
  const [line] = readFileSync('/proc/stat', 'utf8').split('\n')
  const f = line.trim().split(/\s+/).slice(1).map(Number)
  const idle = f[3] + (f[4] ?? 0)
  const steal = f[7] ?? 0
  return { total: f.reduce((a, b) => a + b, 0), idle, steal }
}

function pkgVersion(dir) {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// a terminal client: write(), an output buffer, and waiting for output that matches

/** Wraps a transport with `send(str)`; the transport calls `term.feed(str)` with received output. */
function makeTerm(name, send, close) {
  const term = {
    name,
    buf: '',
    all: '',
    waiter: undefined,
    dead: undefined, // reason, once the connection or the shell is gone
    send,
    close,
    /** The far end is gone: fail the current wait at once instead of timing out. */
    fail(reason) {
      if (term.dead) return
      term.dead = reason
      const w = term.waiter
      if (w) {
        term.waiter = undefined
        clearTimeout(w.timer)
        w.reject(new Error(`${name}: ${reason}`))
      }
    },
    feed(text) {
      const at = performance.now()
      term.buf += text
      if (term.all.length < 8192) term.all += text
      const w = term.waiter
      if (w && w.pred(term.buf)) {
        term.waiter = undefined
        clearTimeout(w.timer)
        w.resolve(at)
      }
    },
    /** Resolves with the arrival time (performance.now()) of the chunk that made `pred` true. */
    waitFor(pred, ms, what) {
      return new Promise((resolve, reject) => {
        if (pred(term.buf)) return resolve(performance.now())
        if (term.dead) return reject(new Error(`${name}: ${term.dead}`))
        const timer = setTimeout(() => {
          term.waiter = undefined
          reject(
            new Error(
              `${name}: no ${what} within ${ms} ms (last output: ${JSON.stringify(term.buf.slice(-120))})`,
            ),
          )
        }, ms)
        term.waiter = { pred, resolve, reject, timer }
      })
    },
  }
  closers.push(() => term.close())
  return term
}

/** Until the prompt is the last thing on screen, then a quiet moment, then an empty buffer. */
async function waitPrompt(term, ms = 10_000) {
  await term.waitFor((b) => /bench\$(\x1b\[[0-9;?]*[A-Za-z])*$/.test(b), ms, 'prompt')
  await sleep(200)
  term.buf = ''
}

/** Replace whatever login shell the server started by the benchmark shell (same settings as the peers). */
async function execBenchShell(term) {
  await sleep(300) // let the login shell print its prompt
  term.buf = ''
  // 'bench'\$ never matches the prompt regex, so the echo of this line is not mistaken for the prompt.
  term.send(`HISTFILE=/dev/null PS1='bench'\\$ exec bash --norc --noprofile\r`)
  await waitPrompt(term)
}

// ---------------------------------------------------------------------------------------------
// targets. Each returns a connected, prompt-ready term.

const HOST_SHELL_ENV = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  TERM: 'xterm-256color',
  LANG: 'C.UTF-8',
  HOME: os.tmpdir(),
  PS1,
  HISTFILE: '/dev/null',
}

async function rawPty() {
  const pty = await import('node-pty')
  const p = pty.spawn('bash', ['--norc', '--noprofile'], {
    name: 'xterm-256color',
    cols: 80,
    rows: 24,
    cwd: os.tmpdir(),
    env: { ...HOST_SHELL_ENV, [MARK]: RUN_ID },
  })
  const term = makeTerm(
    'raw-pty',
    (s) => p.write(s),
    () => p.kill('SIGKILL'),
  )
  p.onData((d) => term.feed(d))
  p.onExit(({ exitCode }) => term.fail(`shell exited (${exitCode})`))
  await waitPrompt(term)
  return { term, info: { what: 'node-pty bash in this process, no network' } }
}

/** Client of the Kenshu wire protocol (binary = terminal bytes, text = JSON control). */
async function kenshuClient(name, url, headers = {}) {
  const { WebSocket } = await import('ws')
  const ws = new WebSocket(url, { headers, perMessageDeflate: false })
  const decoder = new TextDecoder()
  let term
  const ready = new Promise((resolve, reject) => {
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`${name}: upgrade refused (${res.statusCode})`)),
    )
    ws.on('message', (data, isBinary) => {
      if (isBinary) return term?.feed(decoder.decode(data, { stream: true }))
      const msg = JSON.parse(data.toString())
      if (msg.type === 'ready') resolve()
      else if (msg.type === 'error') {
        const why = `server error ${msg.code}${msg.reason ? ` (${msg.reason})` : ''}`
        reject(new Error(`${name}: ${why}`))
        term?.fail(why)
      } else if (msg.type === 'exit') term?.fail(`shell exited (${msg.code})`)
    })
    ws.once('close', (code) => {
      reject(new Error(`${name}: socket closed (${code})`))
      term?.fail(`socket closed (${code})`)
    })
  })
  term = makeTerm(
    name,
    (s) => ws.send(Buffer.from(s), { binary: true }),
    () => ws.terminate(),
  )
  await withTimeout(ready, 20_000, `${name} ready`)
  ws.send(JSON.stringify({ type: 'resize', cols: 80, rows: 24 }))
  return term
}

async function wsPtyServer(mode, name) {
  const rec = startChild(
    name,
    process.execPath,
    ['--import', 'tsx', path.join(HERE, 'lib/ws-pty-server.ts'), '--mode', mode, '--ps1', PS1],
    {
      cwd: REPO,
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: os.tmpdir() },
      graceMs: 8000,
    },
  )
  const line = await withTimeout(
    new Promise((resolve, reject) => {
      let out = ''
      rec.child.stdout.on('data', (d) => {
        out += d
        if (out.includes('\n')) resolve(out.split('\n')[0])
      })
      rec.child.once('exit', (c) =>
        reject(new Error(`${name} server exited (${c}): ${rec.errTail.join('').trim()}`)),
      )
    }),
    30_000,
    `${name} server start`,
  )
  const { port, sessionId } = JSON.parse(line)
  if (sessionId) sandboxIds.push(sessionId)
  const term = await kenshuClient(name, `ws://127.0.0.1:${port}/ws/terminal`)
  if (mode === 'sandbox') await execBenchShell(term)
  else await waitPrompt(term)
  return {
    term,
    info:
      mode === 'sandbox'
        ? {
            what: 'ws server + BwrapDriver.attach() (real bwrap sandbox, learner shell), Kenshu framing',
            sessionId,
          }
        : { what: 'same ws server, node-pty bash on the host (no sandbox)' },
  }
}

/**
 * TODO(kenshu-app): the real gateway. Expected inputs, once the labs capability lands:
 *   --kenshu-url ws://127.0.0.1:3000/ws/terminal
 *   --cookie     "next-auth.session-token=<JWT of a user whose role has lab:use>"
 *   and one of:
 *   --ticket-url http://127.0.0.1:3000/api/labs/sessions/<labSessionId>/ticket   (POST, Cookie; answers
 *                {"ticket":"..."} or {"ok":true,"data":{"ticket":"..."}}). No such route exists yet: the
 *                app issues tickets through the server action `terminalTicketAction` (app/(app)/labs/
 *                [labId]/actions.ts → labSessions().issueTicket(userId, labSessionId)), which a script
 *                cannot call without Next's action id. Either add that small POST route, or
 *   --ticket-cmd "<command printing a fresh ticket>"  e.g. a tsx script that calls issueTicket()
 *                for the benchmark user and session (tickets are single use and expire after ~60 s), or
 *   --ticket <single-use ticket>
 * The lab session must already be started (its sandbox running); the gateway sends {"type":"ready"}
 * once attached. The benchmark then replaces the learner's login shell by the benchmark shell.
 */
async function fetchTicket(o) {
  if (o.ticket) return o.ticket
  if (o.ticketCmd) {
    const r = spawnSync('sh', ['-c', o.ticketCmd], { encoding: 'utf8', timeout: 30_000, cwd: REPO })
    const ticket = (r.stdout ?? '').trim().split('\n').pop()
    if (r.status !== 0 || !ticket)
      throw new Error(`kenshu: --ticket-cmd failed (${r.status}): ${r.stderr?.slice(-300)}`)
    return ticket
  }
  if (!o.ticketUrl)
    throw new Error('kenshu: --ticket-url, --ticket or --ticket-cmd is required with --kenshu-url')
  const res = await fetch(o.ticketUrl, {
    method: 'POST',
    headers: { cookie: o.cookie ?? '', origin: originOf(o) },
  })
  if (!res.ok) throw new Error(`kenshu: ticket request answered ${res.status}`)
  const body = await res.json()
  const ticket = body.ticket ?? body.data?.ticket
  if (typeof ticket !== 'string') throw new Error('kenshu: ticket answer has no "ticket" field')
  return ticket
}

function originOf(o) {
  if (o.origin) return o.origin
  const u = new URL(o.kenshuUrl)
  return `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}`
}

async function kenshuApp(o) {
  const ticket = await fetchTicket(o)
  const url = new URL(o.kenshuUrl)
  url.searchParams.set('ticket', ticket)
  const term = await kenshuClient('kenshu', url.toString(), { cookie: o.cookie ?? '', origin: originOf(o) })
  await execBenchShell(term)
  return { term, info: { what: 'the Kenshu app gateway', url: o.kenshuUrl } }
}

async function ensurePeers(o) {
  const dir = path.join(o.peersDir, `wetty-${o.wettyVersion}`)
  const wettyDir = path.join(dir, 'node_modules/wetty')
  const ok = () =>
    pkgVersion(wettyDir) === o.wettyVersion &&
    pkgVersion(path.join(dir, 'node_modules/socket.io-client')) === o.socketioVersion &&
    existsSync(path.join(dir, 'node_modules/node-pty/build/Release/pty.node'))
  if (ok()) return dir
  if (!o.install) throw new Error(`WeTTY not installed in ${dir} (--no-install)`)
  mkdirSync(dir, { recursive: true })
  // A throwaway project of its own: npm 11 runs node-pty's build script only because this
  // package.json approves it (allowScripts), the same mechanism as the repo's own package.json.
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'kenshu-bench-peers',
        private: true,
        description: 'Peers for bench/terminal-rtt.mjs (not part of Kenshu)',
        dependencies: { wetty: o.wettyVersion, 'socket.io-client': o.socketioVersion },
        allowScripts: { 'node-pty': true },
      },
      null,
      2,
    ) + '\n',
  )
  log(`installing wetty@${o.wettyVersion} + socket.io-client@${o.socketioVersion} into ${dir} ...`)
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: o.installTimeoutS * 1000,
    killSignal: 'SIGKILL',
    encoding: 'utf8',
  })
  if (r.status !== 0 || !ok())
    throw new Error(`npm install of peers failed: ${(r.stderr || r.error || '').toString().slice(-800)}`)
  return dir
}

async function wetty(o) {
  if (process.getuid?.() !== 0)
    throw new Error('WeTTY gives a local shell (no ssh) only when it runs as root')
  const dir = await ensurePeers(o)
  const port = await freePort()
  const cwd = path.join(os.tmpdir(), `kenshu-bench-wetty-${RUN_ID}`)
  mkdirSync(cwd, { recursive: true })
  closers.push(() => rmdirSync(cwd))
  // As root with ssh host localhost, WeTTY runs `--command` through /usr/bin/env -S in a pty (no
  // ssh, no login): build/server/command.js `localhost()`. The pty inherits WeTTY's environment.
  const rec = startChild(
    'wetty',
    process.execPath,
    [
      path.join(dir, 'node_modules/wetty/build/main.js'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--ssh-host',
      'localhost',
      '--command',
      'bash --norc --noprofile',
      '--log-level',
      'error',
    ],
    { cwd, env: { ...HOST_SHELL_ENV, NODE_ENV: 'production' } },
  )
  await waitHttp(port, 20_000, rec.child)
  const require = createRequire(path.join(dir, 'package.json'))
  const { io } = require('socket.io-client')
  // Browsers start with HTTP long-polling and upgrade; the upgraded WebSocket is what carries
  // typing, so the client goes straight to it.
  const sock = io(`http://127.0.0.1:${port}`, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
  })
  let acked = 0
  const term = makeTerm(
    'wetty',
    (s) => sock.emit('input', s),
    () => sock.close(),
  )
  sock.on('data', (d) => {
    term.feed(d)
    // WeTTY's flow control: the browser client acknowledges every 256 KiB it has rendered.
    acked += d.length
    if (acked >= 262144) {
      sock.emit('commit', 262144)
      acked -= 262144
    }
  })
  sock.on('logout', () => term.fail('shell exited'))
  sock.on('disconnect', (why) => term.fail(`disconnected (${why})`))
  await withTimeout(
    new Promise((resolve, reject) => {
      sock.once('connect', resolve)
      sock.once('connect_error', reject)
    }),
    15_000,
    'wetty connect',
  )
  sock.emit('resize', { cols: 80, rows: 24 })
  await waitPrompt(term)
  return {
    term,
    info: {
      what: `wetty@${pkgVersion(path.join(dir, 'node_modules/wetty'))} (socket.io over WebSocket)`,
      socketio: pkgVersion(path.join(dir, 'node_modules/socket.io-client')),
    },
  }
}

async function shellinabox(o) {
  let bin = spawnSync('sh', ['-c', 'command -v shellinaboxd'], { encoding: 'utf8' }).stdout.trim()
  if (!bin && o.aptInstall) {
    log('installing shellinabox (apt) ...')
    spawnSync('apt-get', ['install', '-y', 'shellinabox'], {
      stdio: 'ignore',
      timeout: o.installTimeoutS * 1000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
    bin = spawnSync('sh', ['-c', 'command -v shellinaboxd'], { encoding: 'utf8' }).stdout.trim()
  }
  if (!bin) throw new Error('shellinaboxd not installed (apt-get install -y shellinabox, or --apt-install)')
  const port = await freePort()
  const uid = process.getuid?.()
  // As root: the daemon drops to nobody, the shell runs as nobody:nogroup. Otherwise as ourselves.
  const who =
    uid === 0
      ? 'nobody:nogroup'
      : `${os.userInfo().username}:${spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim()}`
  const cmd = `/usr/bin/env PS1=${PS1} HISTFILE=/dev/null TERM=xterm-256color bash --norc --noprofile`
  const rec = startChild('shellinabox', bin, [
    '--disable-ssl',
    '--localhost-only',
    '--port',
    String(port),
    '--quiet',
    '--disable-utmp-logging',
    '--service',
    `/:${who}:/tmp:${cmd}`,
  ])
  await waitHttp(port, 10_000, rec.child)
  // The protocol of its ShellInABox.js: POST / with width/height(+rooturl) creates the session
  // and is the long poll for output ({"session":..,"data":..}); keys go in separate POSTs as
  // hex (keys=..). The browser keeps exactly one poll outstanding and one keys request in flight.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 })
  closers.push(() => agent.destroy())
  let session
  let closed = false
  const post = (body) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/?',
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
            'cache-control': 'no-cache',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (d) => (text += d))
          res.on('end', () => resolve({ status: res.statusCode, text }))
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  const size = 'width=80&height=24'
  let pending = ''
  let inFlight = false
  const sendKeys = (s) => {
    pending += Buffer.from(s, 'utf8').toString('hex').toUpperCase()
    if (inFlight || !session) return
    const keys = pending
    pending = ''
    inFlight = true
    post(`${size}&session=${encodeURIComponent(session)}&keys=${keys}`)
      .catch(() => {})
      .finally(() => {
        inFlight = false
        if (pending) sendKeys('')
      })
  }
  const term = makeTerm('shellinabox', sendKeys, () => {
    closed = true
  })
  const poll = async (first) => {
    while (!closed) {
      const body = first
        ? `${size}&rooturl=${encodeURIComponent(`http://127.0.0.1:${port}/`)}`
        : `${size}&session=${encodeURIComponent(session)}`
      first = false
      let r
      try {
        r = await post(body)
      } catch {
        if (!closed) await sleep(100)
        continue
      }
      if (r.status !== 200) throw new Error(`shellinabox: poll answered ${r.status}`)
      const msg = JSON.parse(r.text)
      if (!msg.session) return term.fail('session closed')
      session = msg.session
      if (msg.data) term.feed(msg.data)
    }
  }
  poll(true).catch((e) => {
    if (!closed) term.feed(`\n[poll failed: ${e.message}]`)
  })
  await waitPrompt(term)
  const version = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'shellinabox'], {
    encoding: 'utf8',
  }).stdout.trim()
  return {
    term,
    info: {
      what: `shellinaboxd ${version || '?'} (HTTP long polling, ${uid === 0 ? 'shell as nobody' : 'shell as current user'})`,
    },
  }
}

// ---------------------------------------------------------------------------------------------
// measuring

/** One keystroke: send a character, time until its echo arrives; then erase it (not timed). */
async function keystroke(term, ch) {
  term.buf = ''
  const t0 = performance.now()
  term.send(ch)
  const t1 = await term.waitFor((b) => b.includes(ch), 3000, `echo of ${JSON.stringify(ch)}`)
  term.buf = ''
  term.send('\x7f') // backspace: readline answers with \b (and \e[K or " \b")
  await term.waitFor((b) => b.includes('\b'), 3000, 'echo of backspace')
  return t1 - t0
}

async function measure(term, count, pauseMs, samples, state) {
  for (let i = 0; i < count; i++) {
    const ch = KEYS[state.k++ % KEYS.length]
    try {
      samples.push(await keystroke(term, ch))
    } catch (e) {
      if (term.dead) throw e
      state.lost++
      state.lastError = e.message
      if (state.lost > 10) throw new Error(`${term.name}: more than 10 keystrokes lost (${e.message})`)
      await sleep(200)
      term.buf = ''
    }
    await sleep(pauseMs)
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  let o
  try {
    o = parseArgs(process.argv.slice(2))
  } catch (e) {
    log(e.message)
    process.exit(2)
  }
  if (o.help) {
    process.stdout.write(HELP)
    return
  }
  installSignalHandlers()
  let targets = o.targets
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const t of targets)
    if (!ALL_TARGETS.includes(t) && t !== 'kenshu') throw new Error(`unknown target ${t}`)
  if (o.kenshuUrl && !targets.includes('kenshu')) targets = ['kenshu', ...targets]
  if (targets.includes('kenshu') && !o.kenshuUrl)
    throw new Error('target kenshu needs --kenshu-url (see --help)')

  // Peers are installed before the clock starts (first run only).
  const skipped = {}
  if (targets.includes('wetty')) {
    try {
      await ensurePeers(o)
    } catch (e) {
      skipped.wetty = e.message
    }
  }

  const watchdog = setTimeout(() => {
    log(`\nterminal-rtt: time bound of ${o.timeoutS} s reached`)
    void cleanup().finally(() => process.exit(3))
  }, o.timeoutS * 1000)
  watchdog.unref()

  const started = Date.now()
  const load0 = os.loadavg()
  const makers = {
    kenshu: () => kenshuApp(o),
    'raw-pty': rawPty,
    'ws-host-pty': () => wsPtyServer('host', 'ws-host-pty'),
    'kenshu-sandbox-direct': () => wsPtyServer('sandbox', 'kenshu-sandbox-direct'),
    wetty: () => wetty(o),
    shellinabox: () => shellinabox(o),
  }
  const live = []
  const info = {}
  for (const t of targets) {
    if (skipped[t]) continue
    try {
      const r = await makers[t]()
      live.push(r.term)
      info[t] = r.info
      log(`ready: ${t} — ${r.info.what}`)
    } catch (e) {
      skipped[t] = e.message
      log(`skipped: ${t} — ${e.message}`)
    }
  }
  if (live.length === 0) throw new Error('no target could be started')

  const results = {}
  const states = {}
  for (const term of live) {
    results[term.name] = { samples: [], perRound: [] }
    states[term.name] = { k: 0, lost: 0 }
  }
  // Warm-up (discarded), then rounds rotating over the targets.
  for (const term of live) {
    try {
      await measure(term, o.warmup, o.pauseMs, [], states[term.name])
    } catch (e) {
      results[term.name].error = `during warm-up: ${e.message}`
    }
  }
  for (const term of live) states[term.name].lost = 0
  const cpu0 = cpuTimes()
  const perRound = Math.ceil(o.iterations / o.rounds)
  for (let r = 0; r < o.rounds; r++) {
    const order = live.map((_, i) => live[(i + r) % live.length])
    for (const term of order) {
      const res = results[term.name]
      if (res.error) continue
      const n = Math.min(perRound, o.iterations - res.samples.length)
      const mine = []
      try {
        await measure(term, n, o.pauseMs, mine, states[term.name])
      } catch (e) {
        res.error = e.message
      }
      res.samples.push(...mine)
      res.perRound.push(stats(mine).p50)
    }
  }
  const cpu1 = cpuTimes()
  const load1 = os.loadavg()
  const measuredS = (Date.now() - started) / 1000

  const left = await cleanup()
  clearTimeout(watchdog)

  const ref = results.kenshu
    ? 'kenshu'
    : results['kenshu-sandbox-direct']
      ? 'kenshu-sandbox-direct'
      : undefined
  const out = {
    benchmark: 'terminal-rtt',
    date: new Date().toISOString(),
    host: {
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      kernel: os.release(),
    },
    settings: {
      iterations: o.iterations,
      warmup: o.warmup,
      rounds: o.rounds,
      pauseMs: o.pauseMs,
      shell: `bash --norc --noprofile, PS1=${PS1}, 80x24, TERM=xterm-256color`,
    },
    unit: 'ms',
    reference: ref ?? null,
    targets: {},
    skipped,
    noise: {
      loadavgBefore: load0.map((x) => +x.toFixed(2)),
      loadavgAfter: load1.map((x) => +x.toFixed(2)),
      cpuBusyPctDuringMeasurement: +(
        100 * (1 - (cpu1.idle - cpu0.idle) / (cpu1.total - cpu0.total)) || 0
      ).toFixed(1),
      cpuStealPct: +((100 * (cpu1.steal - cpu0.steal)) / (cpu1.total - cpu0.total) || 0).toFixed(2),
    },
    wallSeconds: +measuredS.toFixed(1),
    leftovers: left,
  }
  for (const term of live) {
    const r = results[term.name]
    const s = stats(r.samples)
    out.targets[term.name] = {
      ...info[term.name],
      ...s,
      lost: states[term.name].lost,
      p50PerRound: r.perRound,
      ...(r.error ? { error: r.error + (term.name === 'kenshu-sandbox-direct' ? STOPPED_HINT : '') } : {}),
    }
  }
  if (ref && out.targets[ref].n === 0) out.reference = null // nothing to compare against
  if (out.reference) {
    const k = out.targets[ref]
    for (const [name, t] of Object.entries(out.targets)) {
      t.ratioToReference = {
        p50: k.p50 ? +(t.p50 / k.p50).toFixed(2) : null,
        p95: k.p95 ? +(t.p95 / k.p95).toFixed(2) : null,
        p99: k.p99 ? +(t.p99 / k.p99).toFixed(2) : null,
      }
      if (name === ref) t.ratioToReference = { p50: 1, p95: 1, p99: 1 }
      if (t.n === 0) t.ratioToReference = null
    }
  }
  const json = JSON.stringify(out, null, 2)
  process.stdout.write(json + '\n')
  if (o.jsonOut) writeFileSync(o.jsonOut, json + '\n')

  const pad = (s, n) => String(s).padStart(n)
  const f2 = (x, d = 2) => (typeof x === 'number' ? x.toFixed(d) : '-')
  log('')
  log(
    `keystroke echo round trip, ms (n=${o.iterations} per target after ${o.warmup} warm-up; ratio = target / ${out.reference ?? '-'})`,
  )
  log(
    `${'target'.padEnd(24)}${pad('p50', 8)}${pad('p95', 8)}${pad('p99', 8)}${pad('max', 8)}${pad('lost', 6)}   ratio p50/p95/p99`,
  )
  for (const [name, t] of Object.entries(out.targets)) {
    const rt = t.ratioToReference
      ? `${t.ratioToReference.p50} / ${t.ratioToReference.p95} / ${t.ratioToReference.p99}`
      : '-'
    log(
      `${name.padEnd(24)}${pad(f2(t.p50), 8)}${pad(f2(t.p95), 8)}${pad(f2(t.p99), 8)}${pad(f2(t.max, 1), 8)}${pad(t.lost, 6)}   ${rt}`,
    )
  }
  for (const [name, why] of Object.entries(skipped)) log(`${name.padEnd(24)}skipped: ${why}`)
  for (const [name, t] of Object.entries(out.targets))
    if (t.error) log(`${name.padEnd(24)}ERROR (n=${t.n}): ${t.error}`)
  log(
    `noise: load ${out.noise.loadavgBefore[0]} → ${out.noise.loadavgAfter[0]}, CPU busy ${out.noise.cpuBusyPctDuringMeasurement}% (2 cores, benchmark included), steal ${out.noise.cpuStealPct}%`,
  )
  if (left.processes.length || left.cgroups.length) log(`LEFTOVERS removed: ${JSON.stringify(left)}`)
  else log('cleanup: no process or cgroup of this run left')
  // Non-zero when a measured target broke off: its numbers rest on fewer samples than asked for.
  return Object.values(out.targets).some((t) => t.error) ? 4 : 0
}

main().then(
  (code) => process.exit(code ?? 0),
  (e) => {
    log(`terminal-rtt: ${e?.stack ?? e}`)
    void cleanup().finally(() => process.exit(1))
  },
)
