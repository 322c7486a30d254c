'use client'
import { useCallback, useEffect, useState, useTransition } from 'react'
import { useLocale, useTranslations } from 'next-intl'
import type { ReportSectionView, TaskDetail, TeamTaskView } from '@/lib/exercises/types'
import type { ActionResult } from '@/lib/http/action-result'
import {
  exerciseAnswerAction,
  exerciseCheckAction,
  exerciseChoiceAction,
  exerciseHintAction,
  saveReportSectionAction,
  submitTeamReportAction,
} from '@/app/(app)/exercises/actions'
import { fields, useErrorText } from './parts'

type Feedback = { tone: 'success' | 'error' | 'info'; text: string } | null
type Ok = Extract<ActionResult, { ok: true }>

export type TaskContext = {
  exerciseId: string
  /** The exercise is open (not scheduled, paused or closed). */
  canAct: boolean
  /** The team's environment is ready (checks run in it). */
  envReady: boolean
  /** A member's name by user id (falls back to what it is given: the store may already send a name). */
  nameOf: (userIdOrName: string) => string
  time: (iso: string) => string
}

/** One team task: who passed it, and the way to work on it (check, answer, choice or the team report). */
export function TeamTask({
  task,
  detail,
  stepLabel,
  reports,
  ctx,
}: {
  task: TeamTaskView
  detail: TaskDetail | undefined
  stepLabel: string | null
  reports: ReportSectionView[]
  ctx: TaskContext
}) {
  const t = useTranslations('exercises')
  const errorText = useErrorText()
  const [pending, start] = useTransition()
  const [feedback, setFeedback] = useState<Feedback>(null)
  const [revealed, setRevealed] = useState<Record<number, string>>({})
  const locked =
    !task.passed && !!detail && detail.attemptLimit !== null && detail.wrongAttempts >= detail.attemptLimit
  const disabled = pending || !ctx.canAct

  const submit = (action: (fd: FormData) => Promise<ActionResult>, fd: FormData, onOk: (r: Ok) => Feedback) =>
    start(async () => {
      fd.set('exerciseId', ctx.exerciseId)
      fd.set('taskId', task.taskId)
      setFeedback(null)
      const r = await action(fd)
      setFeedback(r.ok ? onOk(r) : { tone: 'error', text: errorText(r) })
    })

  const gradeFeedback = (r: Ok): Feedback => {
    const d = r.data ?? {}
    if (d.passed === 'true' || d.status === 'correct' || d.status === 'pass')
      return { tone: 'success', text: d.message || t('team.correct') }
    if (d.status === 'already-passed') return { tone: 'info', text: t('team.alreadyPassed') }
    if (d.status === 'rejected')
      return {
        tone: 'info',
        text: t.has(`team.rejected.${d.reason}`) ? t(`team.rejected.${d.reason}`) : t('team.rejected.empty'),
      }
    if (d.status === 'error') return { tone: 'error', text: d.message || t('team.checkError') }
    const left =
      d.attemptsLeft !== undefined ? ` ${t('team.attemptsLeft', { count: Number(d.attemptsLeft) })}` : ''
    return { tone: 'error', text: (d.message || t('team.incorrect')) + left }
  }

  const hints = detail?.hints ?? []
  const nextHint = hints.findIndex((h, i) => h.text === null && revealed[i] === undefined)
  return (
    <section
      className={`card task-card ex-task ${task.passed ? 'passed' : ''}`}
      data-testid="task-card"
      data-task-id={task.taskId}
      data-passed={task.passed}
      aria-labelledby={`task-h-${task.taskId}`}
    >
      <div className="row">
        <h3 id={`task-h-${task.taskId}`} style={{ margin: 0 }}>
          {task.title}
        </h3>
        <span className="spacer" />
        {stepLabel ? <span className="badge muted">{stepLabel}</span> : null}
        {task.host ? <span className="badge muted mono">{task.host}</span> : null}
        <span className="badge muted">{t('team.points', { points: task.points })}</span>
      </div>
      {task.passed ? (
        <p className="ex-passed" data-testid="task-passed">
          <span className="badge ok">{t('team.passed')}</span>{' '}
          {task.passedBy
            ? task.passedAt
              ? t('team.passedByAt', { name: ctx.nameOf(task.passedBy), time: ctx.time(task.passedAt) })
              : t('team.passedBy', { name: ctx.nameOf(task.passedBy) })
            : task.passedAt
              ? t('team.passedAt', { time: ctx.time(task.passedAt) })
              : null}
        </p>
      ) : null}
      {detail?.prompt ? <p className="task-prompt">{detail.prompt}</p> : null}

      {task.kind === 'check' ? (
        <div className="row">
          <button
            type="button"
            disabled={disabled || task.passed || !ctx.envReady}
            onClick={() => submit(exerciseCheckAction, new FormData(), gradeFeedback)}
            data-testid="check-button"
          >
            {pending ? t('team.checking') : t('team.check')}
          </button>
          {!task.passed && ctx.canAct && !ctx.envReady ? (
            <span className="hint">{t('team.needsEnv')}</span>
          ) : null}
        </div>
      ) : null}

      {task.kind === 'answer' && !task.passed ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault()
            const form = e.currentTarget
            submit(exerciseAnswerAction, new FormData(form), (r) => {
              const f = gradeFeedback(r)
              if (f?.tone === 'success') form.reset()
              return f
            })
          }}
        >
          <label className="sr-only" htmlFor={`ans-${task.taskId}`}>
            {t('team.yourAnswer')}
          </label>
          <input
            id={`ans-${task.taskId}`}
            name="answer"
            type="text"
            maxLength={256}
            autoComplete="off"
            style={{ flex: 1, minWidth: 180 }}
            disabled={disabled || locked}
            data-testid="answer-input"
          />
          <button type="submit" disabled={disabled || locked} data-testid="answer-submit">
            {t('team.submit')}
          </button>
        </form>
      ) : null}

      {task.kind === 'choice' && !task.passed ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault()
            submit(exerciseChoiceAction, new FormData(e.currentTarget), gradeFeedback)
          }}
        >
          <fieldset className="ex-choices">
            <legend className="sr-only">{task.title}</legend>
            {detail?.options?.map((o) => (
              <label key={o.id} className="row choice" style={{ fontWeight: 400 }}>
                <input
                  type={detail.mode === 'multiple' ? 'checkbox' : 'radio'}
                  name="option"
                  value={o.id}
                  disabled={disabled || locked}
                />
                {o.text}
              </label>
            ))}
          </fieldset>
          <div>
            <button type="submit" disabled={disabled || locked} data-testid="choice-submit">
              {t('team.submit')}
            </button>
          </div>
        </form>
      ) : null}

      {task.kind === 'report' && detail ? (
        <ReportEditor task={task} detail={detail} reports={reports} ctx={ctx} />
      ) : null}

      {!task.passed &&
      detail &&
      detail.wrongAttempts > 0 &&
      (task.kind === 'answer' || task.kind === 'choice') ? (
        <p className="hint">
          {t('team.wrongAttempts', { count: detail.wrongAttempts })}
          {detail.attemptLimit !== null
            ? ` ${t('team.attemptsLeft', { count: Math.max(0, detail.attemptLimit - detail.wrongAttempts) })}`
            : ''}
        </p>
      ) : null}
      {locked ? <p className="alert error">{t('team.locked')}</p> : null}
      <div aria-live="polite">
        {feedback ? (
          <p className={`alert ${feedback.tone}`} role="status" data-testid="task-feedback">
            {feedback.text}
          </p>
        ) : null}
      </div>

      {hints.length > 0 ? (
        <div className="hints">
          {hints.map((h, i) => {
            const text = h.text ?? revealed[i]
            if (text !== undefined)
              return (
                <p key={i} className="hint-text" data-testid="hint-text">
                  <span className="sr-only">{t('team.hintN', { n: i + 1, penalty: h.penalty })}: </span>💡{' '}
                  {text}
                </p>
              )
            if (i !== nextHint) return null
            return (
              <button
                key={i}
                type="button"
                className="linklike"
                disabled={disabled || task.passed}
                onClick={() => {
                  submit(exerciseHintAction, fields({ hintIndex: String(i) }), (r) => {
                    const hint = r.data?.text
                    if (hint !== undefined) setRevealed((v) => ({ ...v, [i]: hint }))
                    return null
                  })
                }}
                data-testid="reveal-hint"
              >
                {t('team.showHint', { n: i + 1, penalty: h.penalty })}
              </button>
            )
          })}
        </div>
      ) : null}
    </section>
  )
}

/** The team report: one text per rubric section, each saved on its own with an optimistic version. */
function ReportEditor({
  task,
  detail,
  reports,
  ctx,
}: {
  task: TeamTaskView
  detail: TaskDetail
  reports: ReportSectionView[]
  ctx: TaskContext
}) {
  const t = useTranslations('exercises')
  const locale = useLocale()
  const errorText = useErrorText()
  const [pending, start] = useTransition()
  const [dirty, setDirty] = useState<Record<string, boolean>>({})
  const [result, setResult] = useState<Feedback>(null)
  const sections = detail.sections ?? []
  const byId = new Map(reports.map((r) => [r.sectionId, r]))
  const anyDirty = Object.values(dirty).some(Boolean)
  const markDirty = useCallback(
    (sectionId: string, d: boolean) =>
      setDirty((cur) => (cur[sectionId] === d ? cur : { ...cur, [sectionId]: d })),
    [],
  )

  return (
    <div className="stack ex-report">
      {sections.map((s) => (
        <ReportSection
          key={s.id}
          taskId={task.taskId}
          section={s}
          server={byId.get(s.id) ?? null}
          ctx={ctx}
          onDirty={markDirty}
        />
      ))}
      {detail.facts && detail.facts.length > 0 ? (
        <p className="hint">
          {t('team.report.facts', { facts: detail.facts.map((f) => f.label).join(' · ') })}
        </p>
      ) : null}
      <div className="row">
        <button
          type="button"
          disabled={pending || !ctx.canAct}
          data-testid="submit-report"
          onClick={() => {
            if (anyDirty && !window.confirm(t('team.report.submitUnsaved'))) return
            start(async () => {
              setResult(null)
              const r = await submitTeamReportAction(
                fields({ exerciseId: ctx.exerciseId, taskId: task.taskId }),
              )
              if (!r.ok) {
                setResult({ tone: 'error', text: errorText(r) })
                return
              }
              const d = r.data ?? {}
              if (d.status === 'already-passed') {
                setResult({ tone: 'info', text: t('team.alreadyPassed') })
                return
              }
              const missing = d.missing
                ? d.missing.split(',').map((id) => sections.find((s) => s.id === id)?.title ?? id)
                : []
              setResult({
                tone: d.status === 'correct' ? 'success' : 'error',
                text:
                  t('team.report.result', {
                    score: Number(d.score ?? 0),
                    max: Number(d.maxScore ?? 0),
                    passMark: Number(d.passMark ?? 0),
                  }) +
                  (missing.length
                    ? ` ${t('team.report.missing', { sections: new Intl.ListFormat(locale, { type: 'conjunction' }).format(missing) })}`
                    : ''),
              })
            })
          }}
        >
          {pending ? t('team.report.submitting') : t('team.report.submit')}
        </button>
        <span className="hint">{t('team.report.submitHint')}</span>
      </div>
      <div aria-live="polite">
        {result ? (
          <p className={`alert ${result.tone}`} role="status" data-testid="report-result">
            {result.text}
          </p>
        ) : null}
      </div>
    </div>
  )
}

type Base = { text: string; version: number }
type Other = { text: string; version: number; updatedBy: string | null; reason: 'conflict' | 'incoming' }

/**
 * One report section. The member edits a local draft based on a server version. Save sends that
 * version; the server refuses when a teammate saved in between and sends their text back, which is
 * shown next to the member's for merging (nothing is overwritten silently, in either direction). A
 * newer version arriving with the live snapshot replaces the draft only when the member has not
 * changed it; otherwise it is offered the same way.
 */
function ReportSection({
  taskId,
  section,
  server,
  ctx,
  onDirty,
}: {
  taskId: string
  section: { id: string; title: string; guidance: string | null; minChars: number }
  server: ReportSectionView | null
  ctx: TaskContext
  onDirty: (sectionId: string, dirty: boolean) => void
}) {
  const t = useTranslations('exercises')
  const errorText = useErrorText()
  const [pending, start] = useTransition()
  const serverText = server?.text ?? ''
  const serverVersion = server?.version ?? 0
  const [base, setBase] = useState<Base>({ text: serverText, version: serverVersion })
  const [draft, setDraft] = useState(serverText)
  const [other, setOther] = useState<Other | null>(null)
  const [notice, setNotice] = useState<Feedback>(null)
  const dirty = draft !== base.text

  // A newer version from the live snapshot (adjusting state while rendering when the prop changes).
  if (serverVersion > base.version && (!other || serverVersion > other.version)) {
    if (!dirty) {
      setBase({ text: serverText, version: serverVersion })
      setDraft(serverText)
      setOther(null)
    } else if (serverText !== draft) {
      setOther({
        text: serverText,
        version: serverVersion,
        updatedBy: server?.updatedBy ?? null,
        reason: 'incoming',
      })
    } else {
      // The teammate saved exactly what this member has typed: nothing to merge.
      setBase({ text: serverText, version: serverVersion })
    }
  }
  useEffect(() => onDirty(section.id, dirty), [section.id, dirty, onDirty])

  const resolve = (text: string) => {
    if (!other) return
    setBase({ text: other.text, version: other.version })
    setDraft(text)
    setOther(null)
    setNotice(null)
  }

  const save = () =>
    start(async () => {
      setNotice(null)
      const r = await saveReportSectionAction(
        fields({
          exerciseId: ctx.exerciseId,
          taskId,
          sectionId: section.id,
          text: draft,
          version: String(base.version),
        }),
      )
      if (!r.ok) {
        setNotice({ tone: 'error', text: errorText(r) })
        return
      }
      const d = r.data ?? {}
      if (d.saved === 'true') {
        setBase({ text: draft, version: Number(d.version ?? base.version + 1) })
        setOther(null)
        setNotice({ tone: 'success', text: t('team.report.saved') })
      } else {
        setOther({
          text: d.text ?? '',
          version: Number(d.version ?? 0),
          updatedBy: d.updatedBy || null,
          reason: 'conflict',
        })
      }
    })

  const id = `rep-${taskId}-${section.id}`
  const who = (name: string | null) => (name ? ctx.nameOf(name) : t('team.report.someone'))
  return (
    <div
      className="field ex-section"
      data-testid="report-section"
      data-section-id={section.id}
      data-version={base.version}
      data-dirty={dirty}
    >
      <label htmlFor={id}>{section.title}</label>
      {section.guidance ? <p className="hint">{section.guidance}</p> : null}
      <textarea
        id={id}
        rows={5}
        maxLength={20000}
        value={draft}
        onChange={(e) => {
          setDraft(e.target.value)
          if (notice?.tone === 'success') setNotice(null)
        }}
        disabled={!ctx.canAct}
        aria-describedby={`${id}-meta`}
      />
      <div className="row ex-section-meta" id={`${id}-meta`}>
        <span className="hint" style={{ margin: 0 }}>
          {t('team.report.chars', { count: draft.length, min: section.minChars })}
        </span>
        <span className="hint" style={{ margin: 0 }} data-testid="last-edited">
          {server?.updatedBy
            ? server.updatedAt
              ? t('team.report.lastEditedAt', {
                  name: ctx.nameOf(server.updatedBy),
                  time: ctx.time(server.updatedAt),
                })
              : t('team.report.lastEdited', { name: ctx.nameOf(server.updatedBy) })
            : t('team.report.neverSaved')}
        </span>
        {dirty ? <span className="badge warn">{t('team.report.unsaved')}</span> : null}
        <span className="spacer" />
        <button
          type="button"
          className="secondary"
          disabled={pending || !ctx.canAct || !dirty || !!other}
          onClick={save}
          data-testid="save-section"
        >
          {pending ? t('team.report.saving') : t('team.report.save')}
        </button>
      </div>
      {other ? (
        <div className="alert info ex-conflict" role="alert" data-testid="section-conflict">
          <p style={{ margin: 0 }}>
            {other.reason === 'conflict'
              ? t('team.report.conflict', { name: who(other.updatedBy) })
              : t('team.report.incoming', { name: who(other.updatedBy) })}
          </p>
          <p className="ex-their-label">{t('team.report.theirText')}</p>
          <blockquote className="ex-their-text" data-testid="their-text">
            {other.text || t('team.report.empty')}
          </blockquote>
          <div className="row">
            <button
              type="button"
              className="secondary"
              onClick={() => resolve(draft ? `${draft}\n\n${other.text}` : other.text)}
              data-testid="merge-append"
            >
              {t('team.report.appendTheirs')}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => resolve(other.text)}
              data-testid="merge-theirs"
            >
              {t('team.report.useTheirs')}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => resolve(draft)}
              data-testid="merge-mine"
            >
              {t('team.report.keepMine')}
            </button>
          </div>
        </div>
      ) : null}
      <div aria-live="polite">{notice ? <p className={`alert ${notice.tone}`}>{notice.text}</p> : null}</div>
    </div>
  )
}
