'use client'
import dynamic from 'next/dynamic'
import { useCallback, useEffect, useMemo, useRef, useState, useTransition } from 'react'
import { useRouter } from 'next/navigation'
import { useTranslations } from 'next-intl'
import type { SessionView, TaskView } from '@/lib/labs/view'
import { resetLabAction, resumeLabAction, startLabAction, stopLabAction, terminalTicketAction } from '@/app/(app)/labs/[labId]/actions'
import { TaskCard } from './TaskCard'

const Terminal = dynamic(() => import('./Terminal').then((m) => m.Terminal), { ssr: false })

type Step = { id: string; title: string; fallback: boolean; body: React.ReactNode }
type Progress = { state: string; position: number; queueLength: number; error?: string }

export function LabPlayer(props: {
  labId: string
  sandboxAvailable: boolean
  session: SessionView | null
  tasks: TaskView[]
  steps: Step[]
  timeLimitMinutes: number
}) {
  const t = useTranslations('labs')
  // Known stop reasons in the learner's language; anything else (an error text) as recorded.
  const reasonText = (reason: string) => {
    const key = `reasons.${reason.replace(/ /g, '-')}`
    return t.has(key as 'reasons.idle-timeout') ? t(key as 'reasons.idle-timeout') : reason
  }
  const router = useRouter()
  const [pending, start] = useTransition()
  const [sessionId, setSessionId] = useState<string | null>(props.session?.id ?? null)
  const [progress, setProgress] = useState<Progress | null>(props.session ? { state: props.session.state, position: 0, queueLength: 0 } : null)
  const [error, setError] = useState<string | null>(null)
  const [stepIndex, setStepIndex] = useState(0)
  const [terminalKey, setTerminalKey] = useState(0)
  const polling = useRef<ReturnType<typeof setInterval> | null>(null)

  const state = progress?.state ?? null
  const ready = state === 'ready' || (state === 'completed' && props.session?.live)

  const poll = useCallback(
    (id: string) => {
      if (polling.current) clearInterval(polling.current)
      const tick = async () => {
        const res = await fetch(`/api/labs/sessions/${id}`, { cache: 'no-store' })
        if (!res.ok) return
        const p = (await res.json()) as Progress
        setProgress(p)
        if (!['queued', 'starting'].includes(p.state)) {
          if (polling.current) clearInterval(polling.current)
          polling.current = null
          router.refresh()
        }
      }
      void tick()
      polling.current = setInterval(() => void tick(), 400)
    },
    [router],
  )

  useEffect(() => {
    if (sessionId && (state === 'queued' || state === 'starting')) poll(sessionId)
    return () => {
      if (polling.current) clearInterval(polling.current)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const run = (action: (fd: FormData) => Promise<{ ok: boolean; data?: Record<string, string>; message?: string; code?: string }>, fields: Record<string, string>) =>
    start(async () => {
      setError(null)
      const fd = new FormData()
      for (const [k, v] of Object.entries(fields)) fd.set(k, v)
      const r = await action(fd)
      if (!r.ok) {
        setError(r.message ?? `errors.${r.code}`)
        return
      }
      const id = r.data?.sessionId
      if (id) {
        setSessionId(id)
        setProgress({ state: 'queued', position: 0, queueLength: 0 })
        setTerminalKey((k) => k + 1)
        poll(id)
      } else router.refresh()
    })

  const getTicket = useCallback(async () => {
    if (!sessionId) return null
    const fd = new FormData()
    fd.set('sessionId', sessionId)
    const r = await terminalTicketAction(fd)
    return r.ok ? (r.data?.ticket ?? null) : null
  }, [sessionId])

  const score = props.session ? { score: props.session.score, max: props.session.maxScore, penalty: props.session.hintPenalty } : null
  const passedCount = props.tasks.filter((x) => x.passed).length
  const step = props.steps[stepIndex]
  const stepTasks = useMemo(() => {
    const last = props.steps.length - 1
    return props.tasks.filter((task) => task.step === step?.id || (!task.step && stepIndex === last))
  }, [props.tasks, props.steps.length, step?.id, stepIndex])
  const endsAt = props.session?.readyAt ? new Date(props.session.readyAt).getTime() + props.timeLimitMinutes * 60_000 : null

  return (
    <div className="lab-player">
      <div className="lab-toolbar card row" data-testid="lab-toolbar">
        <span data-testid="lab-state" className={`badge ${ready ? 'ok' : state === 'failed' ? 'danger' : 'muted'}`}>
          {state ? t(`state.${state}` as 'state.ready') : t('state.none')}
        </span>
        {state === 'queued' && progress ? (
          <span data-testid="queue-position">{t('queued', { position: Math.max(1, progress.position), total: Math.max(1, progress.queueLength) })}</span>
        ) : null}
        {state === 'starting' ? <span data-testid="starting">{t('starting')}</span> : null}
        {score ? (
          <strong data-testid="lab-score">{t('scoreOf', { score: score.score, max: score.max })}</strong>
        ) : null}
        {score && score.penalty > 0 ? <span className="muted">{t('penalty', { points: score.penalty })}</span> : null}
        <span className="muted">{t('tasksDone', { done: passedCount, total: props.tasks.length })}</span>
        {endsAt && ready ? <Countdown endsAt={endsAt} /> : null}
        <span className="spacer" />
        {!sessionId || state === 'stopped' ? (
          <button type="button" disabled={pending || !props.sandboxAvailable} onClick={() => run(startLabAction, { labId: props.labId })} data-testid="start-lab">
            {t('start')}
          </button>
        ) : null}
        {sessionId && (state === 'interrupted' || state === 'failed') ? (
          <button type="button" disabled={pending || !props.sandboxAvailable} onClick={() => run(resumeLabAction, { sessionId })} data-testid="resume-lab">
            {t('resume')}
          </button>
        ) : null}
        {sessionId && ready ? (
          <>
            <button type="button" className="secondary" disabled={pending} onClick={() => window.confirm(t('resetConfirm')) && run(resetLabAction, { sessionId })} data-testid="reset-lab">
              {t('reset')}
            </button>
            <button type="button" className="secondary" disabled={pending} onClick={() => window.confirm(t('stopConfirm')) && run(stopLabAction, { sessionId, labId: props.labId })} data-testid="stop-lab">
              {t('stop')}
            </button>
          </>
        ) : null}
      </div>
      {error ? (
        <p className="alert error" role="alert" data-testid="lab-error">
          {t.has(error.replace(/^labs\./, '')) ? t(error.replace(/^labs\./, '') as 'start') : t('errors.generic')}
        </p>
      ) : null}
      {props.session?.endReason && state === 'interrupted' ? (
        <p className="alert info" role="status">
          {t('interrupted', { reason: reasonText(props.session.endReason) })}
        </p>
      ) : null}
      {props.session?.completedAt ? (
        <p className="alert success" role="status" data-testid="lab-complete">
          {t('complete', { score: props.session.score, max: props.session.maxScore })}
        </p>
      ) : null}
      <div className="lab-grid">
        <div className="lab-instructions">
          <nav aria-label={t('steps')} className="step-tabs">
            {props.steps.map((s, i) => (
              <button key={s.id} type="button" className={i === stepIndex ? '' : 'secondary'} aria-current={i === stepIndex ? 'step' : undefined} onClick={() => setStepIndex(i)}>
                {i + 1}. {s.title}
              </button>
            ))}
          </nav>
          {step ? (
            <article className="card step-body" data-testid="step-body">
              {step.fallback ? <p className="alert info">{t('fallback')}</p> : null}
              {step.body}
            </article>
          ) : null}
          <div className="stack" style={{ marginTop: 16 }}>
            {stepTasks.map((task) => (
              <TaskCard key={task.id} task={task} sessionId={sessionId} ready={!!ready} />
            ))}
          </div>
        </div>
        <div className="lab-terminal">
          {ready && sessionId ? (
            <Terminal key={`${sessionId}-${terminalKey}`} getTicket={getTicket} />
          ) : (
            <div className="terminal-placeholder" data-testid="terminal-placeholder">
              {state === 'queued' || state === 'starting' ? t('preparing') : props.sandboxAvailable ? t('notStarted') : t('unavailable')}
            </div>
          )}
        </div>
      </div>
    </div>
  )
}

function Countdown({ endsAt }: { endsAt: number }) {
  const t = useTranslations('labs')
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const i = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(i)
  }, [])
  const left = Math.max(0, Math.round((endsAt - now) / 1000))
  const mm = Math.floor(left / 60)
  const ss = String(left % 60).padStart(2, '0')
  return <span data-testid="lab-timer">{t('timeLeft', { time: `${mm}:${ss}` })}</span>
}
