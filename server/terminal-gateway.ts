/**
 * The terminal WebSocket endpoint (`/ws/terminal`). Every upgrade is authenticated here, on the server:
 * the next-auth session cookie is decrypted, the user and their organisation role are read from the
 * database, and the `lab:use` permission is checked before any socket is accepted; then a single-use
 * ticket (issued by a server action to this user for one lab session, valid one minute) is redeemed.
 * The socket is bridged to the shell inside that session's sandbox; nothing here spawns a host shell.
 */
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { decode } from 'next-auth/jwt'
import { can } from '../lib/auth/rbac'
import { parseCookies } from '../lib/http/cookies'
import { loadViewerById } from '../lib/auth/viewer-store'
import type { TerminalStream } from '../lib/labs/sandbox/types'

export const TERMINAL_PATH = '/ws/terminal'
const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token']

type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void

export type TicketVerifier = (ticket: string, userId: string) => Promise<{ sessionId: string } | null>

/** What the gateway needs from the lab session manager. */
export type TerminalBackend = {
  redeemTicket(ticket: string, userId: string): Promise<{ labSessionId: string; sandboxId: string } | null>
  attach(sandboxId: string, size: { cols: number; rows: number }): Promise<TerminalStream>
  touch(sandboxId: string): void
}

/** Stop reading the pty when this much output waits for a slow client; resume below the low mark. */
const HIGH_WATER = 1024 * 1024
const LOW_WATER = 256 * 1024

export function attachTerminalGateway(
  server: Server,
  opts: { upgradeNext?: UpgradeHandler; backend?: TerminalBackend } = {},
) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== TERMINAL_PATH) {
      // Next's dev server uses its own upgrade path for HMR; anything else is refused.
      if (opts.upgradeNext && url.pathname.startsWith('/_next/')) return opts.upgradeNext(req, socket, head)
      return reject(socket, 404, 'Not Found')
    }
    const backend = opts.backend
    const verify: TicketVerifier | undefined = backend
      ? async (ticket, userId) => {
          const r = await backend.redeemTicket(ticket, userId)
          return r ? { sessionId: r.sandboxId } : null
        }
      : undefined
    void authorizeUpgrade(req, url, verify)
      .then((result) => {
        if (!result.ok || !backend) return reject(socket, result.ok ? 503 : result.status, result.ok ? 'Service Unavailable' : result.reason)
        wss.handleUpgrade(req, socket, head, (ws) => void bridge(ws, backend, result.sessionId, url))
      })
      .catch((err: unknown) => {
        console.error('terminal upgrade failed', err)
        reject(socket, 500, 'Internal Server Error')
      })
  })

  return {
    async close() {
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}

type AuthResult = { ok: true; userId: string; sessionId: string } | { ok: false; status: number; reason: string }

/** Session cookie → user → permission → ticket. Exported for the security tests. */
export async function authorizeUpgrade(req: IncomingMessage, url: URL, verifyTicket?: TicketVerifier): Promise<AuthResult> {
  const secret = process.env.NEXTAUTH_SECRET
  if (!secret) return { ok: false, status: 503, reason: 'Service Unavailable' }
  // Cross-site WebSocket hijacking: browsers always send Origin; it must be this site.
  // An unparsable Origin (`null` from a sandboxed iframe or a file: page) is refused, not a 500.
  const origin = req.headers.origin
  if (origin && originHost(origin) !== req.headers.host) return { ok: false, status: 403, reason: 'Forbidden' }
  const cookies = parseCookies(req.headers.cookie)
  const raw = SESSION_COOKIES.map((c) => cookies[c]).find(Boolean)
  if (!raw) return { ok: false, status: 401, reason: 'Unauthorized' }
  const token = await decode({ token: raw, secret }).catch(() => null)
  if (!token?.sub) return { ok: false, status: 401, reason: 'Unauthorized' }
  const viewer = await loadViewerById(token.sub)
  if (!viewer) return { ok: false, status: 401, reason: 'Unauthorized' }
  if (!can(viewer.role, 'lab:use')) return { ok: false, status: 403, reason: 'Forbidden' }
  const ticket = url.searchParams.get('ticket')
  if (!ticket || !verifyTicket) return { ok: false, status: 403, reason: 'Forbidden' }
  const session = await verifyTicket(ticket, viewer.id)
  if (!session) return { ok: false, status: 403, reason: 'Forbidden' }
  return { ok: true, userId: viewer.id, sessionId: session.sessionId }
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host
  } catch {
    return null
  }
}

/**
 * Connects one WebSocket to the sandbox's shell. Binary frames carry terminal bytes both ways (no
 * decoding, so any byte sequence is safe); text frames carry JSON control messages. Output never
 * queues without bound: past HIGH_WATER unsent bytes the pty is paused until the client catches up,
 * so `cat /dev/urandom` cannot flood the server's memory or the browser.
 */
async function bridge(ws: WebSocket, backend: TerminalBackend, sandboxId: string, url: URL) {
  const cols = clampInt(url.searchParams.get('cols'), 80, 10, 500)
  const rows = clampInt(url.searchParams.get('rows'), 24, 4, 200)
  let stream: TerminalStream
  try {
    stream = await backend.attach(sandboxId, { cols, rows })
  } catch {
    ws.send(JSON.stringify({ type: 'error', code: 'SESSION_GONE' }))
    ws.close(4410, 'session gone')
    return
  }
  let pending = 0
  let paused = false
  const offData = stream.onData((chunk) => {
    if (ws.readyState !== ws.OPEN) return
    pending += chunk.byteLength
    ws.send(chunk, { binary: true }, () => {
      pending -= chunk.byteLength
      if (paused && pending < LOW_WATER) {
        paused = false
        stream.resume()
      }
    })
    if (!paused && pending > HIGH_WATER) {
      paused = true
      stream.pause()
    }
  })
  const offExit = stream.onExit((code) => {
    if (ws.readyState === ws.OPEN) {
      ws.send(JSON.stringify({ type: 'exit', code }))
      ws.close(4000, 'shell exited')
    }
  })
  ws.send(JSON.stringify({ type: 'ready' }))
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
      backend.touch(sandboxId)
      stream.write(buf)
      return
    }
    let msg: unknown
    try {
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8')
      msg = JSON.parse(text.slice(0, 1000))
    } catch {
      return
    }
    if (msg && typeof msg === 'object' && (msg as { type?: unknown }).type === 'resize') {
      const m = msg as { cols?: unknown; rows?: unknown }
      stream.resize({ cols: clampInt(m.cols, cols, 10, 500), rows: clampInt(m.rows, rows, 4, 200) })
    } else if (msg && typeof msg === 'object' && (msg as { type?: unknown }).type === 'ping') {
      backend.touch(sandboxId)
    }
  })
  const cleanup = () => {
    offData()
    offExit()
    if (paused) stream.resume()
    // Detach only: the shell keeps running so a reload or a network drop can re-attach.
    stream.close()
  }
  ws.on('close', cleanup)
  ws.on('error', cleanup)
}

function clampInt(v: unknown, fallback: number, min: number, max: number) {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number.parseInt(v, 10) : Number.NaN
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.trunc(n))) : fallback
}

function reject(socket: Duplex, status: number, reason: string) {
  socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  socket.destroy()
}
