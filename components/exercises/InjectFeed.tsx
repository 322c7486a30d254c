'use client'
import { useEffect, useState } from 'react'
import { useTranslations } from 'next-intl'
import type { InjectView } from '@/lib/exercises/types'

const HIGHLIGHT_MS = 90_000

/**
 * The injects a team received, newest first, on top of the team view. Authored text is shown as text
 * (React escapes it; never MDX or HTML). Injects that arrive while the page is open are highlighted
 * for a while and announced to screen readers through a polite live region.
 */
export function InjectFeed({ injects, time }: { injects: InjectView[]; time: (iso: string) => string }) {
  const t = useTranslations('exercises')
  const [known, setKnown] = useState(() => new Set(injects.map((i) => i.id)))
  const [fresh, setFresh] = useState<string[]>([])
  const [announcement, setAnnouncement] = useState('')

  // New snapshot with injects not seen before on this page: remember, highlight and announce them
  // (adjusting state while rendering, React's pattern for state derived from changing props).
  const arrived = injects.filter((i) => !known.has(i.id))
  if (arrived.length) {
    setKnown(new Set([...known, ...arrived.map((i) => i.id)]))
    setFresh([...fresh, ...arrived.map((i) => i.id)])
    setAnnouncement(
      arrived.length === 1
        ? t('team.announceOne', { kind: t(`kinds.${arrived[0]!.kind}`), title: arrived[0]!.title })
        : t('team.announceMany', { count: arrived.length }),
    )
  }

  useEffect(() => {
    if (!fresh.length) return
    const timer = setTimeout(() => setFresh([]), HIGHLIGHT_MS)
    return () => clearTimeout(timer)
  }, [fresh])

  const sorted = [...injects].sort((a, b) => b.sentAt.localeCompare(a.sentAt))
  return (
    <section className="card ex-injects" aria-labelledby="injects-h" data-testid="inject-feed">
      <div className="row">
        <h2 id="injects-h" style={{ margin: 0 }}>
          {t('team.injectsTitle')}{' '}
          {injects.length ? <span className="badge muted">{injects.length}</span> : null}
        </h2>
        <span className="spacer" />
        {fresh.length ? (
          <button type="button" className="linklike" onClick={() => setFresh([])}>
            {t('team.markRead')}
          </button>
        ) : null}
      </div>
      <div className="sr-only" aria-live="polite" aria-atomic="true" data-testid="inject-announcement">
        {announcement}
      </div>
      {sorted.length === 0 ? (
        <p className="hint">{t('team.noInjects')}</p>
      ) : (
        <ul className="ex-inject-list">
          {sorted.map((inj) => {
            const isNew = fresh.includes(inj.id)
            return (
              <li
                key={inj.id}
                className={`ex-inject ex-inject-${inj.kind}${isNew ? ' ex-inject-new' : ''}`}
                data-testid="inject"
                data-kind={inj.kind}
                data-new={isNew}
              >
                <div className="row ex-inject-head">
                  <span className="ex-inject-icon" aria-hidden="true">
                    {inj.kind === 'alert' ? '⚠' : inj.kind === 'call' ? '☎' : '✉'}
                  </span>
                  <span className="badge">{t(`kinds.${inj.kind}`)}</span>
                  <strong className="ex-inject-title">{inj.title}</strong>
                  {isNew ? <span className="badge warn">{t('team.newInject')}</span> : null}
                  <span className="spacer" />
                  <time className="muted ex-num" dateTime={inj.sentAt}>
                    {time(inj.sentAt)}
                  </time>
                </div>
                <p className="ex-inject-body">{inj.body}</p>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
