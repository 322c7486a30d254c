'use client'
import { useEffect, useState } from 'react'
import { useFormatter, useTranslations } from 'next-intl'
import type { Clock, EnvState, ExerciseState } from '@/lib/exercises/types'
import type { ActionResult } from '@/lib/http/action-result'
import type { LiveStatus } from './live'
import { formatClock } from './text'

type Failure = Extract<ActionResult, { ok: false }>

/** An action failure in words: the exercise error named by the action, else the generic code. */
export function useErrorText() {
  const t = useTranslations('exercises')
  const te = useTranslations('errors')
  return (r: Pick<Failure, 'code' | 'message'>): string => {
    const key = r.message?.startsWith('exercises.') ? r.message.slice('exercises.'.length) : null
    if (key && t.has(key)) return t(key)
    if (t.has(`errors.${r.code}`)) return t(`errors.${r.code}`)
    if (te.has(r.code)) return te(r.code)
    return t('errors.generic')
  }
}

/** FormData from plain fields (for buttons that are not forms). */
export function fields(values: Record<string, string>): FormData {
  const fd = new FormData()
  for (const [k, v] of Object.entries(values)) fd.set(k, v)
  return fd
}

export function StateBadge({ state, testId }: { state: ExerciseState; testId?: string }) {
  const t = useTranslations('exercises')
  const tone = state === 'open' ? 'ok' : state === 'paused' ? 'warn' : 'muted'
  return (
    <span className={`badge ${tone}`} data-testid={testId} data-state={state}>
      {t(`state.${state}`)}
    </span>
  )
}

export function EnvBadge({ env }: { env: EnvState }) {
  const t = useTranslations('exercises')
  const tone = env === 'ready' ? 'ok' : env === 'failed' ? 'danger' : env === 'starting' ? 'warn' : 'muted'
  return (
    <span className={`badge ${tone}`} data-env={env}>
      {t(`env.${env}`)}
    </span>
  )
}

/** "Live" / "Reconnecting…": whether the page is still receiving updates. Not a live region. */
export function LiveIndicator({ status }: { status: LiveStatus }) {
  const t = useTranslations('exercises')
  return (
    <span className={`ex-live ex-live-${status}`} data-testid="live-status" data-status={status}>
      <span className="ex-dot" aria-hidden="true" /> {t(`live.${status}`)}
    </span>
  )
}

/**
 * The exercise clock: time left ticking in the browser from the snapshot's `remainingMs` (counted from
 * when the snapshot arrived, so the browser's own clock need not be right), frozen while paused; the
 * start time while scheduled. Deliberately not a live region (it would announce every second).
 */
export function ExerciseClock({
  clock,
  state,
  startsAt,
  timeZone,
}: {
  clock: Clock
  state: ExerciseState
  startsAt: string
  timeZone: string
}) {
  const t = useTranslations('exercises')
  const format = useFormatter()
  const running = state === 'open' && !clock.paused
  const [tick, setTick] = useState<{ for: Clock; left: number } | null>(null)
  useEffect(() => {
    if (!running) return
    const at = Date.now()
    const i = setInterval(
      () => setTick({ for: clock, left: Math.max(0, clock.remainingMs - (Date.now() - at)) }),
      1000,
    )
    return () => clearInterval(i)
  }, [clock, running])
  if (state === 'scheduled')
    return (
      <span className="ex-clock" data-testid="clock">
        {t('clock.startsAt', {
          time: format.dateTime(new Date(startsAt), { dateStyle: 'medium', timeStyle: 'short', timeZone }),
        })}
      </span>
    )
  if (state === 'closed')
    return (
      <span className="ex-clock" data-testid="clock">
        {t('clock.closed')}
      </span>
    )
  const left = running && tick && tick.for === clock ? tick.left : clock.remainingMs
  return (
    <span className="ex-clock" data-testid="clock" data-remaining={Math.ceil(left / 1000)}>
      <span className="muted">{t('clock.left')}</span>{' '}
      <strong className="ex-clock-time">{formatClock(left)}</strong>
      {clock.paused ? <span className="badge warn">{t('clock.paused')}</span> : null}
      {!clock.paused && left === 0 ? <span className="badge danger">{t('clock.over')}</span> : null}
    </span>
  )
}
