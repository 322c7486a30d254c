/**
 * The web tier's side of the runner channel: signed JSON requests to one lab runner and its terminal
 * WebSocket, presented as a {@link TerminalStream}. No database, no `server-only` (the topology
 * script and tests use it directly).
 */
import { WebSocket } from 'ws'
import type { TerminalSize, TerminalStream } from '../sandbox/types'
import { signRequest } from './auth'

export class RunnerRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export class RunnerClient {
  readonly base: URL

  constructor(
    url: string,
    private readonly secret: string,
  ) {
    this.base = new URL(url)
    if (!/^https?:$/.test(this.base.protocol)) throw new Error(`runner URL must be http(s): ${url}`)
  }

  toString() {
    return this.base.origin
  }

  /** One signed request; resolves with the parsed JSON (or undefined for 204), rejects with the runner's error. */
  async request<T>(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<T> {
    const payload = body === undefined ? '' : JSON.stringify(body)
    const res = await fetch(new URL(path, this.base), {
      method,
      headers: { ...signRequest(this.secret, { method, path, body: payload }), 'content-type': 'application/json' },
      body: payload || undefined,
      signal: AbortSignal.timeout(timeoutMs),
    })
    const text = await res.text()
    if (!res.ok) {
      let message = text.slice(0, 300)
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? message
      } catch {
        /* not JSON */
      }
      throw new RunnerRequestError(res.status, `runner ${this.base.host}: ${res.status} ${message}`)
    }
    return (text ? JSON.parse(text) : undefined) as T
  }

  /** Opens the sandbox's terminal on the runner; resolves once the runner has attached the shell. */
  attach(id: string, size: TerminalSize, timeoutMs = 15_000): Promise<TerminalStream> {
    const path = `/v1/sandboxes/${encodeURIComponent(id)}/attach?cols=${size.cols}&rows=${size.rows}`
    const url = new URL(path, this.base)
    url.protocol = this.base.protocol === 'https:' ? 'wss:' : 'ws:'
    const ws = new WebSocket(url, {
      headers: signRequest(this.secret, { method: 'GET', path }),
      maxPayload: 4 * 1024 * 1024,
      handshakeTimeout: timeoutMs,
    })
    return new Promise((resolve, reject) => {
      const dataListeners = new Set<(chunk: Uint8Array) => void>()
      const exitListeners = new Set<(code: number) => void>()
      // Output that arrives before the caller has subscribed (the replay right after "ready").
      const early: Uint8Array[] = []
      let ready = false
      let exited = false
      const exit = (code: number) => {
        if (exited) return
        exited = true
        for (const l of exitListeners) l(code)
      }
      const control = (msg: object) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(msg))
      const stream: TerminalStream = {
        write: (data) => ws.readyState === ws.OPEN && ws.send(typeof data === 'string' ? Buffer.from(data) : data, { binary: true }),
        resize: (s) => control({ type: 'resize', cols: s.cols, rows: s.rows }),
        onData(listener) {
          dataListeners.add(listener)
          for (const c of early.splice(0)) listener(c)
          return () => dataListeners.delete(listener)
        },
        onExit(listener) {
          exitListeners.add(listener)
          return () => exitListeners.delete(listener)
        },
        pause: () => control({ type: 'pause' }),
        resume: () => control({ type: 'resume' }),
        close: () => ws.close(1000, 'detach'),
      }
      ws.on('message', (data, isBinary) => {
        const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
        if (isBinary) {
          if (dataListeners.size) for (const l of dataListeners) l(buf)
          else if (early.length < 1024) early.push(buf)
          return
        }
        let msg: { type?: string; code?: number }
        try {
          msg = JSON.parse(buf.toString('utf8')) as typeof msg
        } catch {
          return
        }
        if (msg.type === 'ready' && !ready) {
          ready = true
          resolve(stream)
        } else if (msg.type === 'exit') exit(typeof msg.code === 'number' ? msg.code : 0)
      })
      ws.on('unexpected-response', (_req, res) => {
        reject(new RunnerRequestError(res.statusCode ?? 502, `runner ${this.base.host}: attach refused (${res.statusCode})`))
        ws.terminate()
      })
      ws.on('error', (err) => {
        if (!ready) reject(err)
      })
      ws.on('close', (code) => {
        if (!ready) return reject(new Error(`runner ${this.base.host}: attach closed (${code})`))
        // The shell exited (4000, after an exit message) or the runner went away: the terminal ends.
        if (code !== 1000) exit(code === 4000 ? 0 : -1)
      })
    })
  }
}
