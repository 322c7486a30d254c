/**
 * Stand-alone "Kenshu-equivalent" terminal server for bench/terminal-rtt.mjs. Not used by the app.
 *
 * Speaks the Kenshu gateway's wire protocol on ws://127.0.0.1:PORT/ws/terminal (no auth, no ticket):
 * binary frames both ways are raw terminal bytes; text frames are JSON control messages
 * (client→server `{"type":"resize","cols":80,"rows":24}`; server→client `{"type":"ready"}`,
 * `{"type":"exit","code":0}`, `{"type":"error","code":"..."}`).
 *
 * --mode sandbox  one real bubblewrap sandbox started through Kenshu's BwrapDriver; the socket is
 *                 attached with driver.attach() (the learner shell, as in production). Needs root.
 * --mode host     a plain node-pty bash on the host (no sandbox): isolates what the sandbox adds.
 *
 * Run with tsx from the repo root: `node --import tsx bench/lib/ws-pty-server.ts --mode sandbox`.
 * Prints one JSON line `{"port":N}` on stdout when listening. Stops (and stops its sandbox) on
 * SIGTERM/SIGINT or when its stdin closes (the parent died).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { BwrapDriver } from '../../lib/labs/sandbox/bwrap-driver'
import type { TerminalStream } from '../../lib/labs/sandbox/types'

/** Backpressure: pause the pty above HIGH bytes queued on the socket, resume below LOW. */
const HIGH_WATER = 1 << 20
const LOW_WATER = 256 << 10

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback
}

const mode = arg('mode', 'sandbox')
const sessionId = arg('session', `bench-rtt-${process.pid}`)
const prompt = arg('ps1', 'bench$')

/** Sockets to tell when the sandbox is stopped from outside (see onStopped below). */
const sockets = new Set<WebSocket>()

type Backend = { attach(cols: number, rows: number): Promise<TerminalStream>; shutdown(): Promise<void> }

async function sandboxBackend(): Promise<Backend> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'kenshu-bench-rtt-'))
  await writeFile(path.join(tmp, 'setup.sh'), 'true\n')
  // onStopped: the sandbox can end without us asking, e.g. when another driver instance on this
  // host runs stopAll() (server start/stop, the driver's tests), which reaps every kenshu-* cgroup.
  const driver = new BwrapDriver({
    idleTimeoutSec: 0,
    maxConcurrentStarts: 1,
    onStopped: (_id, reason) => {
      for (const ws of sockets)
        if (ws.readyState === ws.OPEN)
          ws.send(JSON.stringify({ type: 'error', code: 'SANDBOX_STOPPED', reason }))
    },
  })
  const avail = await driver.availability()
  if (!avail.available) throw new Error(`sandbox unavailable: ${avail.reason}`)
  await driver.start({
    sessionId,
    labDir: tmp,
    network: 'none',
    timeLimitSec: 600,
    limits: { memoryMb: 256, pids: 128, cpus: 1, homeMb: 64, tmpMb: 64 },
  })
  return {
    attach: (cols, rows) => driver.attach(sessionId, { cols, rows }),
    async shutdown() {
      // Only this bench's session: never driver.stopAll(), which reaps every kenshu-* cgroup on the
      // host (other people's sandboxes included).
      await driver.stop(sessionId)
      await rm(tmp, { recursive: true, force: true })
    },
  }
}

async function hostBackend(): Promise<Backend> {
  const pty = await import('node-pty')
  const shells: { kill(signal?: string): void }[] = []
  return {
    async attach(cols, rows) {
      const p = pty.spawn('bash', ['--norc', '--noprofile'], {
        name: 'xterm-256color',
        cols,
        rows,
        cwd: os.tmpdir(),
        env: {
          PATH: '/usr/bin:/bin',
          HOME: os.tmpdir(),
          TERM: 'xterm-256color',
          LANG: 'C.UTF-8',
          PS1: prompt,
        },
        encoding: null,
      })
      shells.push(p)
      let exited = false
      return {
        write: (d) => p.write(typeof d === 'string' ? d : Buffer.from(d)),
        resize: (s) => p.resize(s.cols, s.rows),
        onData: (l) => {
          const sub = p.onData((d: string | Buffer) => l(typeof d === 'string' ? Buffer.from(d) : d))
          return () => sub.dispose()
        },
        onExit: (l) => {
          const sub = p.onExit(({ exitCode }) => {
            exited = true
            l(exitCode)
          })
          return () => sub.dispose()
        },
        pause: () => p.pause(),
        resume: () => p.resume(),
        close: () => {
          if (!exited) p.kill('SIGKILL')
        },
      }
    },
    async shutdown() {
      for (const s of shells) {
        try {
          s.kill('SIGKILL')
        } catch {
          /* gone */
        }
      }
    },
  }
}

/** One socket ↔ one terminal stream, with the gateway's framing and backpressure. */
async function serve(ws: WebSocket, backend: Backend): Promise<void> {
  sockets.add(ws)
  ws.on('close', () => sockets.delete(ws))
  const term = await backend.attach(80, 24)
  let paused = false
  const offData = term.onData((chunk) => {
    if (ws.readyState !== ws.OPEN) return
    ws.send(chunk, { binary: true }, () => {
      if (paused && ws.bufferedAmount < LOW_WATER) {
        paused = false
        term.resume()
      }
    })
    if (!paused && ws.bufferedAmount > HIGH_WATER) {
      paused = true
      term.pause()
    }
  })
  const offExit = term.onExit((code) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'exit', code }))
    ws.close(1000)
  })
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
    if (isBinary) return term.write(buf)
    try {
      const msg = JSON.parse(buf.toString('utf8')) as { type?: string; cols?: number; rows?: number }
      if (msg.type === 'resize' && typeof msg.cols === 'number' && typeof msg.rows === 'number')
        term.resize({ cols: msg.cols, rows: msg.rows })
    } catch {
      ws.send(JSON.stringify({ type: 'error', code: 'BAD_MESSAGE' }))
    }
  })
  ws.on('close', () => {
    offData()
    offExit()
    term.close()
  })
  ws.send(JSON.stringify({ type: 'ready' }))
}

async function main(): Promise<void> {
  const backend = mode === 'host' ? await hostBackend() : await sandboxBackend()
  const http = createServer((_req, res) => {
    res.writeHead(404).end()
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  http.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/ws/terminal') return socket.destroy()
    wss.handleUpgrade(req, socket, head, (ws) => {
      serve(ws, backend).catch((e: unknown) => {
        ws.send(JSON.stringify({ type: 'error', code: 'ATTACH_FAILED', message: String(e) }))
        ws.close(1011)
      })
    })
  })
  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      for (const c of wss.clients) c.terminate()
      http.close()
      await backend.shutdown().catch((e: unknown) => console.error('shutdown failed', e))
      process.exit(0)
    })()
    return stopping
  }
  process.on('SIGTERM', () => void stop())
  process.on('SIGINT', () => void stop())
  process.stdin.on('end', () => void stop())
  process.stdin.on('error', () => void stop())
  process.stdin.resume()
  http.listen(Number(arg('port', '0')), '127.0.0.1', () => {
    const addr = http.address()
    const port = typeof addr === 'object' && addr ? addr.port : 0
    process.stdout.write(JSON.stringify({ port, sessionId: mode === 'sandbox' ? sessionId : null }) + '\n')
  })
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
