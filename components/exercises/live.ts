'use client'
import { useEffect, useState } from 'react'

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline'

/**
 * A snapshot kept current by Server-Sent Events: every message is the whole snapshot (JSON). The
 * browser's EventSource reconnects by itself when a stream ends; when it gives up (an error status,
 * e.g. after a server restart or a signed-out session) we open a new one with a growing delay.
 */
export function useLiveSnapshot<T extends { version: string }>(
  url: string,
  initial: T,
): { snapshot: T; status: LiveStatus } {
  const [snapshot, setSnapshot] = useState(initial)
  const [status, setStatus] = useState<LiveStatus>('connecting')

  useEffect(() => {
    let source: EventSource | null = null
    let retry: ReturnType<typeof setTimeout> | undefined
    let disposed = false
    let failures = 0
    const connect = () => {
      if (disposed) return
      const es = new EventSource(url)
      source = es
      es.onopen = () => {
        failures = 0
        setStatus('live')
      }
      es.onmessage = (ev: MessageEvent<string>) => {
        let next: T
        try {
          next = JSON.parse(ev.data) as T
        } catch {
          return
        }
        setSnapshot((cur) => (cur.version === next.version ? cur : next))
        setStatus('live')
      }
      es.onerror = () => {
        if (disposed) return
        if (es.readyState === EventSource.CLOSED) {
          es.close()
          failures++
          setStatus(failures > 4 ? 'offline' : 'reconnecting')
          retry = setTimeout(connect, Math.min(30_000, 1000 * 2 ** failures))
        } else setStatus('reconnecting')
      }
    }
    connect()
    return () => {
      disposed = true
      if (retry) clearTimeout(retry)
      source?.close()
    }
  }, [url])

  return { snapshot, status }
}
