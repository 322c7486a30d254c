'use client'
import { useState, useTransition } from 'react'
import { useTranslations } from 'next-intl'
import type { ActionResult } from '@/lib/http/action-result'
import type { AfterAction } from '@/lib/content/tabletop'

export type PublicInject = {
  id: string
  time: string
  title: string
  situation: string
  decisions: { id: string; label: string; consequence: string }[]
}

type Props = {
  action: (formData: FormData) => Promise<ActionResult>
  briefingId: string
  title: string
  injects: PublicInject[]
  recommendedPractice: string
  /** Server-rendered extra for the summary (e.g. what engineers found in the linked lab). */
  children?: React.ReactNode
  previous: AfterAction | null
}

const IMPACTS = ['cost', 'downtime', 'reputation', 'legal'] as const

/**
 * A tabletop exercise: the incident unfolds inject by inject; each decision shows its consequence
 * before the next inject. At the end the server records the run and returns the after-action summary
 * (impact of the choices vs recommended practice). Which choice is recommended is not sent before.
 */
export function TabletopPlayer({
  action,
  briefingId,
  title,
  injects,
  recommendedPractice,
  children,
  previous,
}: Props) {
  const t = useTranslations('content')
  const [step, setStep] = useState(0)
  const [choices, setChoices] = useState<Record<string, string>>({})
  const [shown, setShown] = useState<string | null>(null)
  const [summary, setSummary] = useState<AfterAction | null>(previous)
  const [error, setError] = useState(false)
  const [pending, start] = useTransition()
  const inject = injects[step]

  const finish = (all: Record<string, string>) => {
    const fd = new FormData()
    fd.set('briefingId', briefingId)
    fd.set('choices', JSON.stringify(all))
    start(async () => {
      try {
        const r = await action(fd)
        if (r.ok && r.data?.summary) setSummary(JSON.parse(r.data.summary) as AfterAction)
        else setError(true)
      } catch {
        setError(true)
      }
    })
  }

  if (summary)
    return (
      <div className="stack" data-testid="after-action">
        <h3>{t('afterAction')}</h3>
        <p>{t('matches', { n: summary.matches, total: summary.steps.length })}</p>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col" />
                {IMPACTS.map((k) => (
                  <th scope="col" key={k}>
                    {t(`impact.${k}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">{t('yourChoices')}</th>
                {IMPACTS.map((k) => (
                  <td key={k}>{summary.totals[k] > 0 ? `+${summary.totals[k]}` : summary.totals[k]}</td>
                ))}
              </tr>
              <tr>
                <th scope="row">{t('recommended')}</th>
                {IMPACTS.map((k) => (
                  <td key={k}>
                    {summary.recommendedTotals[k] > 0
                      ? `+${summary.recommendedTotals[k]}`
                      : summary.recommendedTotals[k]}
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
        </div>
        <p className="hint">{t('impactLegend')}</p>
        <ol className="stack">
          {summary.steps.map((s) => (
            <li key={s.injectId} data-testid="after-action-step">
              <strong>{s.title}</strong> —{' '}
              {s.matched ? (
                <span className="badge">{t('matched')}</span>
              ) : (
                <span className="badge muted">{t('differs')}</span>
              )}
              <div>
                {t('youChose')}: {s.chosen.label}
              </div>
              {!s.matched ? (
                <div className="muted">
                  {t('recommendedWas')}: {s.recommended.label} — {s.recommended.consequence}
                </div>
              ) : null}
            </li>
          ))}
        </ol>
        <div className="card">
          <h4>{t('recommendedPractice')}</h4>
          <p style={{ whiteSpace: 'pre-line' }}>{recommendedPractice}</p>
        </div>
        {children}
        <div>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setSummary(null)
              setChoices({})
              setStep(0)
              setShown(null)
            }}
          >
            {t('replay')}
          </button>
        </div>
      </div>
    )

  if (!inject) return null
  const picked = choices[inject.id]
  const pickedDecision = inject.decisions.find((d) => d.id === picked)
  return (
    <div className="stack" data-testid="tabletop" aria-busy={pending}>
      <p className="muted">
        {title} · {t('injectN', { n: step + 1, total: injects.length })}
      </p>
      <div className="card inject">
        <div className="hint">{inject.time}</div>
        <h3>{inject.title}</h3>
        <p style={{ whiteSpace: 'pre-line' }}>{inject.situation}</p>
      </div>
      <fieldset className="stack" disabled={!!picked}>
        <legend>{t('yourDecision')}</legend>
        {inject.decisions.map((d) => (
          <button
            key={d.id}
            type="button"
            className={picked === d.id ? '' : 'secondary'}
            style={{ textAlign: 'left' }}
            onClick={() => {
              setChoices((c) => ({ ...c, [inject.id]: d.id }))
              setShown(d.consequence)
            }}
          >
            {d.label}
          </button>
        ))}
      </fieldset>
      {picked && shown ? (
        <div className="alert" role="status" data-testid="consequence">
          <strong>{t('consequence')}</strong> {pickedDecision?.consequence}
        </div>
      ) : null}
      {picked ? (
        <div>
          {step + 1 < injects.length ? (
            <button
              type="button"
              onClick={() => {
                setStep(step + 1)
                setShown(null)
              }}
            >
              {t('nextInject')}
            </button>
          ) : (
            <button type="button" disabled={pending} onClick={() => finish(choices)}>
              {t('finishTabletop')}
            </button>
          )}
        </div>
      ) : null}
      {error ? (
        <p className="alert error" role="alert">
          {t('tabletopError')}
        </p>
      ) : null}
    </div>
  )
}
