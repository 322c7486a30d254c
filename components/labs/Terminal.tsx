'use client'
import { useEffect, useRef, useState } from 'react'
import { useTranslations } from 'next-intl'
import { Terminal as XTerm } from '@xterm/xterm'
import { FitAddon } from '@xterm/addon-fit'
import { WebLinksAddon } from '@xterm/addon-web-links'
import { SearchAddon } from '@xterm/addon-search'
import '@xterm/xterm/css/xterm.css'

type Status = 'connecting' | 'connected' | 'reconnecting' | 'ended' | 'error'

/**
 * The learner's terminal. Keystrokes and output go straight between xterm.js and the WebSocket as
 * bytes; nothing passes through React state (only the connection status does). A dropped connection
 * re-attaches to the same shell with a fresh single-use ticket.
 */
export function Terminal({ getTicket }: { getTicket: () => Promise<string | null> }) {
  const t = useTranslations('labs')
  const host = useRef<HTMLDivElement>(null)
  const [status, setStatus] = useState<Status>('connecting')

  useEffect(() => {
    const el = host.current
    if (!el) return
    const term = new XTerm({
      cursorBlink: true,
      // CJK glyphs come from the bundled Noto Sans JP web font (kiosks often have no system CJK font).
      fontFamily: "'DejaVu Sans Mono', ui-monospace, 'Noto Sans JP Variable', monospace",
      fontSize: 14,
      scrollback: 5000,
      theme: { background: '#0f1419', foreground: '#e6e1cf' },
    })
    const fit = new FitAddon()
    term.loadAddon(fit)
    term.loadAddon(new WebLinksAddon())
    term.loadAddon(new SearchAddon())
    term.open(el)
    fit.fit()
    const encoder = new TextEncoder()
    let ws: WebSocket | null = null
    let disposed = false
    let retries = 0

    const connect = async () => {
      const ticket = await getTicket()
      if (disposed) return
      if (!ticket) {
        setStatus('ended')
        return
      }
      const proto = window.location.protocol === 'https:' ? 'wss' : 'ws'
      const sock = new WebSocket(`${proto}://${window.location.host}/ws/terminal?ticket=${encodeURIComponent(ticket)}&cols=${term.cols}&rows=${term.rows}`)
      sock.binaryType = 'arraybuffer'
      ws = sock
      sock.onmessage = (ev: MessageEvent<ArrayBuffer | string>) => {
        if (typeof ev.data !== 'string') {
          term.write(new Uint8Array(ev.data))
          return
        }
        try {
          const msg = JSON.parse(ev.data) as { type: string }
          if (msg.type === 'ready') {
            retries = 0
            setStatus('connected')
            term.focus()
          } else if (msg.type === 'exit') setStatus('ended')
        } catch {}
      }
      sock.onclose = (ev) => {
        if (disposed) return
        if (ev.code === 4000 || ev.code === 4410) {
          setStatus('ended')
          return
        }
        // Network drop or server restart: re-attach (the shell keeps running on the server).
        if (retries++ < 8) {
          setStatus('reconnecting')
          setTimeout(() => void connect(), Math.min(5000, 300 * 2 ** retries))
        } else setStatus('error')
      }
    }
    const onData = term.onData((data) => {
      if (ws?.readyState === WebSocket.OPEN) ws.send(encoder.encode(data))
    })
    const onBinary = term.onBinary((data) => {
      if (ws?.readyState === WebSocket.OPEN) ws.send(Uint8Array.from(data, (c) => c.charCodeAt(0)))
    })
    const onResize = term.onResize(({ cols, rows }) => {
      if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'resize', cols, rows }))
    })
    const ro = new ResizeObserver(() => fit.fit())
    ro.observe(el)
    void connect()
    return () => {
      disposed = true
      ro.disconnect()
      onData.dispose()
      onBinary.dispose()
      onResize.dispose()
      ws?.close()
      term.dispose()
    }
  }, [getTicket])

  return (
    <div className="terminal-wrap">
      <div className="terminal-status row" aria-live="polite">
        <span className={`badge ${status === 'connected' ? 'ok' : status === 'ended' || status === 'error' ? 'danger' : 'muted'}`} data-testid="terminal-status">
          {t(`terminal.${status}`)}
        </span>
        <span className="hint">{t('terminal.help')}</span>
      </div>
      <div ref={host} className="terminal-host" data-testid="terminal" />
    </div>
  )
}
