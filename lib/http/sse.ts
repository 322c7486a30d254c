/**
 * Server-Sent Events of whole snapshots (the exercise console and the team view). Each connection polls
 * its loader (the database is the only shared state between web instances) and sends the snapshot
 * again only when its `version` changed, with a comment ping to keep proxies from closing an idle
 * stream. The stream ends when the client goes away, when loading fails and after `maxMs`; the
 * browser's EventSource then reconnects by itself (after `retryMs`) and gets a fresh first snapshot.
 */

export type SseOptions<T> = {
  /** The first snapshot when the caller already has it (otherwise `load()` is called once up front). */
  initial?: T
  /** How often the loader runs (ms). */
  intervalMs?: number
  /** How often a `: ping` comment is sent (ms). */
  pingMs?: number
  /** Longest life of one stream (ms). */
  maxMs?: number
  /** Reconnect delay announced to the browser (ms). */
  retryMs?: number
  /** Called when a later load fails (the stream then ends; the browser reconnects). */
  onError?: (err: unknown) => void
  /**
   * A cheap change detector (e.g. the count and time of the latest event). When given, a tick whose
   * probe is unchanged skips `load()` unless `refreshMs` passed since the last load: 80 open team views
   * then cost 80 small queries a second instead of 80 snapshots.
   */
  probe?: () => Promise<string>
  /** With `probe`: load anyway after this long (presence, the clock's state). Default 15 s. */
  refreshMs?: number
}

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: Next's built-in gzip (the `compression` middleware) honours it; a gzipped event
  // stream would be buffered and reach the browser late or never.
  'Cache-Control': 'no-store, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
}

/**
 * A `text/event-stream` Response that sends `load()`'s snapshot at once and then whenever its version
 * changes. The first load happens before the Response exists, so its errors (NOT_FOUND…) reach the
 * caller, which turns them into a normal error response.
 */
export async function sseSnapshots<T extends { version: string }>(
  req: Request,
  load: () => Promise<T>,
  opts: SseOptions<T> = {},
): Promise<Response> {
  const { intervalMs = 1000, pingMs = 15_000, maxMs = 30 * 60_000, retryMs = 2000, onError, probe, refreshMs = 15_000 } = opts
  let probed = probe ? await probe() : ''
  const first = opts.initial ?? (await load())
  let loadedAt = Date.now()
  const encoder = new TextEncoder()
  let stop = () => {}

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false
      let last = first.version
      let poll: ReturnType<typeof setTimeout> | undefined
      const timers: ReturnType<typeof setTimeout>[] = []
      const intervals: ReturnType<typeof setInterval>[] = []

      stop = () => {
        if (closed) return
        closed = true
        if (poll) clearTimeout(poll)
        for (const i of intervals) clearInterval(i)
        for (const t of timers) clearTimeout(t)
        req.signal.removeEventListener('abort', stop)
        try {
          controller.close()
        } catch {
          // already closed or errored by the runtime
        }
      }
      const send = (text: string) => {
        if (closed) return
        try {
          controller.enqueue(encoder.encode(text))
        } catch {
          stop()
        }
      }
      // JSON.stringify escapes CR and LF, so a snapshot is always a single `data:` line.
      const sendSnapshot = (snapshot: T) => send(`data: ${JSON.stringify(snapshot)}\n\n`)

      const tick = async () => {
        if (closed) return
        try {
          if (probe) {
            const p = await probe()
            if (closed) return
            const fresh = p !== probed
            probed = p
            if (!fresh && Date.now() - loadedAt < refreshMs) {
              poll = setTimeout(() => void tick(), intervalMs)
              return
            }
          }
          const next = await load()
          loadedAt = Date.now()
          if (closed) return
          if (next.version !== last) {
            last = next.version
            sendSnapshot(next)
          }
        } catch (err) {
          onError?.(err)
          stop()
          return
        }
        if (!closed) poll = setTimeout(() => void tick(), intervalMs)
      }

      if (req.signal.aborted) {
        stop()
        return
      }
      req.signal.addEventListener('abort', stop, { once: true })
      send(`retry: ${retryMs}\n\n`)
      sendSnapshot(first)
      poll = setTimeout(() => void tick(), intervalMs)
      intervals.push(setInterval(() => send(': ping\n\n'), pingMs))
      timers.push(setTimeout(stop, maxMs))
    },
    cancel() {
      stop()
    },
  })

  return new Response(stream, { headers: SSE_HEADERS })
}
