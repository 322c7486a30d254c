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
import { bridgeStreamToSocket, terminalSize } from '../lib/labs/runner/stream-socket'

export const TERMINAL_PATH = '/ws/terminal'
const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token']

type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void

export type TicketVerifier = (ticket: string, userId: string) => Promise<{ sessionId: string; shell?: string } | null>

/** What the gateway needs from the lab session manager. */
export type TerminalBackend = {
  redeemTicket(ticket: string, userId: string): Promise<{ labSessionId: string; sandboxId: string; shell?: string } | null>
  /** `shell`: an exercise member's own shell on a shared team host. */
  attach(sandboxId: string, size: { cols: number; rows: number }, shell?: string): Promise<TerminalStream>
  touch(sandboxId: string): void
}

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
          return r ? { sessionId: r.sandboxId, ...(r.shell ? { shell: r.shell } : {}) } : null
        }
      : undefined
    void authorizeUpgrade(req, url, verify)
      .then((result) => {
        if (!result.ok || !backend) return reject(socket, result.ok ? 503 : result.status, result.ok ? 'Service Unavailable' : result.reason)
        wss.handleUpgrade(req, socket, head, (ws) => void bridge(ws, backend, result.sessionId, url, result.shell))
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

type AuthResult = { ok: true; userId: string; sessionId: string; shell?: string } | { ok: false; status: number; reason: string }

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
  return { ok: true, userId: viewer.id, sessionId: session.sessionId, ...(session.shell ? { shell: session.shell } : {}) }
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host
  } catch {
    return null
  }
}

/** Attaches to the sandbox's shell and bridges it to the browser's socket (lib/labs/runner/stream-socket.ts). */
async function bridge(ws: WebSocket, backend: TerminalBackend, sandboxId: string, url: URL, shell?: string) {
  const size = terminalSize(url.searchParams.get('cols'), url.searchParams.get('rows'))
  let stream: TerminalStream
  try {
    stream = await backend.attach(sandboxId, size, shell)
  } catch {
    ws.send(JSON.stringify({ type: 'error', code: 'SESSION_GONE' }))
    ws.close(4410, 'session gone')
    return
  }
  bridgeStreamToSocket(ws, stream, { size, onActivity: () => backend.touch(sandboxId) })
}

function reject(socket: Duplex, status: number, reason: string) {
  socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  socket.destroy()
}
