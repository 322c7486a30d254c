'use client'
import { useState, useTransition } from 'react'
import { useRouter } from 'next/navigation'
import { useTranslations } from 'next-intl'
import type { TaskView } from '@/lib/labs/view'
import { answerTaskAction, checkTaskAction, choiceTaskAction, reportTaskAction, revealHintAction } from '@/app/(app)/labs/[labId]/actions'
import type { ActionResult } from '@/lib/http/action-result'

type Feedback = { tone: 'success' | 'error' | 'info'; text: string } | null

/** One task: its prompt, the way to answer it, hints with their cost, and the result. */
export function TaskCard({ task, sessionId, ready }: { task: TaskView; sessionId: string | null; ready: boolean }) {
  const t = useTranslations('labs')
  const router = useRouter()
  const [pending, start] = useTransition()
  const [feedback, setFeedback] = useState<Feedback>(null)
  const disabled = !sessionId || pending || (task.kind === 'check' && !ready)
  const locked = task.attemptsLeft === 0 && !task.passed

  const submit = (action: (fd: FormData) => Promise<ActionResult>, fd: FormData, onOk: (r: Extract<ActionResult, { ok: true }>) => Feedback) =>
    start(async () => {
      if (!sessionId) return
      fd.set('sessionId', sessionId)
      fd.set('taskId', task.id)
      const r = await action(fd)
      if (!r.ok) setFeedback({ tone: 'error', text: r.message && t.has(r.message.replace(/^labs\./, '')) ? t(r.message.replace(/^labs\./, '') as 'start') : t('errors.generic') })
      else setFeedback(onOk(r))
      router.refresh()
    })

  const gradeFeedback = (r: Extract<ActionResult, { ok: true }>): Feedback => {
    const d = r.data ?? {}
    if (d.status === 'correct' || d.passed === 'true') return { tone: 'success', text: d.message || t('correct') }
    if (d.status === 'rejected') return { tone: 'info', text: t(`rejected.${d.reason ?? 'empty'}` as 'rejected.empty') }
    if (d.status === 'error') return { tone: 'error', text: d.message || t('checkError') }
    if (d.status === 'already-passed') return { tone: 'info', text: t('alreadyPassed') }
    const left = d.attemptsLeft !== undefined ? ` ${t('attemptsLeft', { count: Number(d.attemptsLeft) })}` : ''
    return { tone: 'error', text: (d.message || t('incorrect')) + left }
  }

  return (
    <section className={`card task-card ${task.passed ? 'passed' : ''}`} data-testid={`task-${task.id}`} aria-labelledby={`task-h-${task.id}`}>
      <div className="row">
        <h3 id={`task-h-${task.id}`} style={{ margin: 0 }}>
          {task.title}
        </h3>
        <span className="spacer" />
        {task.passed ? (
          <span className="badge ok" data-testid="task-passed">
            {t('passed')}
          </span>
        ) : null}
        <span className="badge muted">{t('points', { points: task.points })}</span>
      </div>
      {task.prompt ? <p className="task-prompt">{task.prompt}</p> : null}

      {task.kind === 'check' ? (
        <div className="row">
          <button type="button" disabled={disabled || task.passed} onClick={() => submit(checkTaskAction, new FormData(), gradeFeedback)} data-testid="check-button">
            {pending ? t('checking') : t('check')}
          </button>
          {!ready && !task.passed ? <span className="hint">{t('checkNeedsSandbox')}</span> : null}
        </div>
      ) : null}

      {task.kind === 'answer' && !task.passed ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault()
            submit(answerTaskAction, new FormData(e.currentTarget), gradeFeedback)
          }}
        >
          <label className="sr-only" htmlFor={`ans-${task.id}`}>
            {t('yourAnswer')}
          </label>
          <input id={`ans-${task.id}`} name="answer" type="text" maxLength={256} autoComplete="off" style={{ flex: 1, minWidth: 180 }} disabled={disabled || locked} />
          <button type="submit" disabled={disabled || locked}>
            {t('submit')}
          </button>
        </form>
      ) : null}

      {task.kind === 'choice' && !task.passed ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault()
            submit(choiceTaskAction, new FormData(e.currentTarget), gradeFeedback)
          }}
        >
          <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className="sr-only">{task.title}</legend>
            {task.options?.map((o) => (
              <label key={o.id} className="row choice" style={{ fontWeight: 400 }}>
                <input type={task.mode === 'multiple' ? 'checkbox' : 'radio'} name="option" value={o.id} disabled={disabled || locked} />
                {o.text}
              </label>
            ))}
          </fieldset>
          <div>
            <button type="submit" disabled={disabled || locked}>
              {t('submit')}
            </button>
          </div>
        </form>
      ) : null}

      {task.kind === 'report' ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault()
            submit(reportTaskAction, new FormData(e.currentTarget), (r) => {
              const d = r.data ?? {}
              return {
                tone: d.status === 'correct' ? 'success' : 'error',
                text: t('reportScore', { score: Number(d.score), max: Number(d.maxScore), passMark: Number(d.passMark) }) + (d.missing ? ` ${t('reportMissing', { sections: d.missing })}` : ''),
              }
            })
          }}
        >
          {task.sections?.map((s) => (
            <div key={s.id} className="field">
              <label htmlFor={`rep-${task.id}-${s.id}`}>{s.title}</label>
              {s.guidance ? <p className="hint">{s.guidance}</p> : null}
              <textarea id={`rep-${task.id}-${s.id}`} name={`section:${s.id}`} rows={4} maxLength={20000} defaultValue={task.lastReport?.[s.id] ?? ''} disabled={!sessionId || pending} />
            </div>
          ))}
          {task.facts && task.facts.length > 0 ? (
            <p className="hint">{t('reportFacts', { facts: task.facts.map((f) => f.label).join(' · ') })}</p>
          ) : null}
          <div>
            <button type="submit" disabled={!sessionId || pending}>
              {t('submitReport')}
            </button>
          </div>
        </form>
      ) : null}

      {locked ? <p className="alert error">{t('locked')}</p> : null}
      {feedback ? (
        <p className={`alert ${feedback.tone}`} role="status" data-testid="task-feedback">
          {feedback.text}
        </p>
      ) : task.lastMessage && !task.passed ? (
        <p className="hint">{task.lastMessage}</p>
      ) : null}

      {task.hints.length > 0 ? (
        <div className="hints">
          {task.hints.map((h) =>
            h.text !== null ? (
              <p key={h.index} className="hint-text" data-testid="hint-text">
                💡 {h.text}
              </p>
            ) : h.index === task.hints.findIndex((x) => x.text === null) ? (
              <button
                key={h.index}
                type="button"
                className="linklike"
                disabled={!sessionId || pending}
                onClick={() => {
                  const fd = new FormData()
                  fd.set('hint', String(h.index))
                  submit(revealHintAction, fd, () => null)
                }}
                data-testid="reveal-hint"
              >
                {t('showHint', { penalty: h.penalty })}
              </button>
            ) : null,
          )}
        </div>
      ) : null}
    </section>
  )
}
