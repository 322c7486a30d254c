/**
 * Connects one WebSocket to a terminal stream — used twice: browser ↔ web tier (server/terminal-gateway.ts)
 * and web tier ↔ lab runner (server.ts in this folder). Binary frames carry terminal bytes both ways (no
 * decoding, so any byte sequence is safe); text frames carry small JSON control messages. Output never
 * queues without bound: past HIGH_WATER unsent bytes the pty is paused until the peer catches up, so
 * `cat /dev/urandom` cannot flood a server's memory or the browser.
 */
import type { WebSocket } from 'ws'
import type { TerminalSize, TerminalStream } from '../sandbox/types'

export const HIGH_WATER = 1024 * 1024
export const LOW_WATER = 256 * 1024
/** Control messages are tiny; anything longer is ignored unread. */
const MAX_CONTROL = 1000

export type BridgeOptions = {
  size: TerminalSize
  /** Learner activity (input, heartbeat): feeds the idle timeout. */
  onActivity?: () => void
  /** Accept `pause`/`resume` from the peer (the runner channel: the web tier relays its own backpressure). */
  peerFlowControl?: boolean
}

export function clampInt(v: unknown, fallback: number, min: number, max: number) {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number.parseInt(v, 10) : Number.NaN
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.trunc(n))) : fallback
}

/** A terminal size from query parameters or a control message, clamped to sane bounds. */
export function terminalSize(cols: unknown, rows: unknown, fallback: TerminalSize = { cols: 80, rows: 24 }): TerminalSize {
  return { cols: clampInt(cols, fallback.cols, 10, 500), rows: clampInt(rows, fallback.rows, 4, 200) }
}

export function bridgeStreamToSocket(ws: WebSocket, stream: TerminalStream, opts: BridgeOptions): void {
  let pending = 0
  let paused = false
  let peerPaused = false
  const flow = () => (paused || peerPaused ? stream.pause() : stream.resume())
  const offData = stream.onData((chunk) => {
    if (ws.readyState !== ws.OPEN) return
    pending += chunk.byteLength
    ws.send(chunk, { binary: true }, () => {
      pending -= chunk.byteLength
      if (paused && pending < LOW_WATER) {
        paused = false
        flow()
      }
    })
    if (!paused && pending > HIGH_WATER) {
      paused = true
      flow()
    }
  })
  const offExit = stream.onExit((code) => {
    if (ws.readyState === ws.OPEN) {
      ws.send(JSON.stringify({ type: 'exit', code }))
      ws.close(4000, 'shell exited')
    }
  })
  let size = opts.size
  ws.on('message', (data, isBinary) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
    if (isBinary) {
      opts.onActivity?.()
      stream.write(buf)
      return
    }
    if (buf.length > MAX_CONTROL) return
    let msg: { type?: unknown; cols?: unknown; rows?: unknown }
    try {
      msg = JSON.parse(buf.toString('utf8')) as typeof msg
    } catch {
      return
    }
    if (!msg || typeof msg !== 'object') return
    if (msg.type === 'resize') {
      size = terminalSize(msg.cols, msg.rows, size)
      stream.resize(size)
    } else if (msg.type === 'ping') opts.onActivity?.()
    else if (opts.peerFlowControl && (msg.type === 'pause' || msg.type === 'resume')) {
      peerPaused = msg.type === 'pause'
      flow()
    }
  })
  ws.send(JSON.stringify({ type: 'ready' }))
  let cleaned = false
  const cleanup = () => {
    if (cleaned) return
    cleaned = true
    offData()
    offExit()
    if (paused || peerPaused) stream.resume()
    // Detach only: the shell keeps running so a reload or a network drop can re-attach.
    stream.close()
  }
  ws.on('close', cleanup)
  ws.on('error', cleanup)
}
