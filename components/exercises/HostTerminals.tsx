'use client'
import dynamic from 'next/dynamic'
import { useCallback, useRef, useState, type KeyboardEvent } from 'react'
import { useTranslations } from 'next-intl'
import type { TeamHostView } from '@/lib/exercises/types'
import type { Language } from '@/lib/labs/package/manifest'
import { exerciseTicketAction } from '@/app/(app)/exercises/actions'
import { fields } from './parts'

const Terminal = dynamic(() => import('@/components/labs/Terminal').then((m) => m.Terminal), { ssr: false })

/**
 * One tab per team host with a terminal, the member's own host first. A tab's terminal is created when
 * the tab is first opened and then stays mounted (only hidden) so switching tabs never reconnects the
 * shell. Terminals exist only while `connect` is true (environment ready, exercise running).
 */
export function HostTerminals({
  exerciseId,
  hosts,
  myHost,
  lang,
  connect,
  placeholder,
}: {
  exerciseId: string
  hosts: TeamHostView[]
  myHost: string | null
  lang: Language
  connect: boolean
  placeholder: string
}) {
  const t = useTranslations('exercises')
  const terminalHosts = hosts.filter((h) => h.terminal)
  const ordered = [
    ...terminalHosts.filter((h) => h.name === myHost),
    ...terminalHosts.filter((h) => h.name !== myHost),
  ]
  const first = ordered[0]?.name ?? null
  const [selected, setSelected] = useState<string | null>(first)
  const [opened, setOpened] = useState<string[]>([])
  const tabs = useRef<Record<string, HTMLButtonElement | null>>({})

  const current = selected && ordered.some((h) => h.name === selected) ? selected : first
  const select = (name: string, focus = false) => {
    setSelected(name)
    // Keep the tab being left mounted too (the first host is shown before it was ever "opened").
    setOpened((o) => [...new Set([...o, ...(current ? [current] : []), name])])
    if (focus) tabs.current[name]?.focus()
  }
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    const n = ordered.length
    const to =
      e.key === 'ArrowRight'
        ? (i + 1) % n
        : e.key === 'ArrowLeft'
          ? (i - 1 + n) % n
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? n - 1
              : -1
    if (to < 0) return
    e.preventDefault()
    select(ordered[to]!.name, true)
  }

  // Before the team's environment exists there are no hosts yet: say what is happening instead.
  if (ordered.length === 0)
    return (
      <div className="terminal-placeholder" data-testid="terminal-placeholder">
        {connect ? t('team.noTerminalHosts') : placeholder}
      </div>
    )
  return (
    <div className="ex-hosts">
      <div role="tablist" aria-label={t('team.hostsLabel')} className="ex-host-tabs">
        {ordered.map((h, i) => (
          <button
            key={h.name}
            ref={(el) => {
              tabs.current[h.name] = el
            }}
            type="button"
            role="tab"
            id={`host-tab-${h.name}`}
            aria-controls={`host-panel-${h.name}`}
            aria-selected={h.name === current}
            tabIndex={h.name === current ? 0 : -1}
            className={h.name === current ? 'ex-host-tab active' : 'ex-host-tab'}
            data-testid="host-tab"
            data-host={h.name}
            onClick={() => select(h.name)}
            onKeyDown={(e) => onKeyDown(e, i)}
          >
            <span className="ex-host-line">
              <span className="mono ex-host-name">{h.name}</span>
              <span className="mono ex-host-addr">{h.address}</span>
              {h.name === myHost ? <span className="badge ok">{t('team.yourHost')}</span> : null}
            </span>
            <span className="ex-host-title" title={h.title[lang] || h.title.en}>
              {hostRole(h.name, h.title[lang] || h.title.en)}
            </span>
          </button>
        ))}
      </div>
      {ordered.map((h) => (
        <div
          key={h.name}
          role="tabpanel"
          id={`host-panel-${h.name}`}
          aria-labelledby={`host-tab-${h.name}`}
          hidden={h.name !== current}
          className="ex-host-panel"
        >
          {connect ? (
            opened.includes(h.name) || h.name === current ? (
              <HostTerminal exerciseId={exerciseId} host={h.name} />
            ) : null
          ) : (
            <div className="terminal-placeholder" data-testid="terminal-placeholder">
              {placeholder}
            </div>
          )}
        </div>
      ))}
    </div>
  )
}

function HostTerminal({ exerciseId, host }: { exerciseId: string; host: string }) {
  const getTicket = useCallback(async () => {
    const r = await exerciseTicketAction(fields({ exerciseId, host }))
    return r.ok ? (r.data?.ticket ?? null) : null
  }, [exerciseId, host])
  return <Terminal getTicket={getTicket} />
}

/** A host's title without a leading "<name> — " (the tab already shows the name). */
function hostRole(name: string, title: string): string {
  if (!title.startsWith(name)) return title
  const rest = title.slice(name.length).replace(/^\s*[—–-]\s*/, '')
  return rest.length < title.length - name.length ? rest : title
}
