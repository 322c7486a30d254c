'use client'
import Link from 'next/link'
import { useMemo, useRef, useState, useTransition } from 'react'
import { useFormatter, useTranslations } from 'next-intl'
import type { ConsoleSnapshot, InjectView, TeamLive } from '@/lib/exercises/types'
import { INJECT_KINDS } from '@/lib/exercises/types'
import type { ActionResult } from '@/lib/http/action-result'
import {
  closeExerciseAction,
  extendExerciseAction,
  moveMemberAction,
  openExerciseAction,
  pauseExerciseAction,
  resumeExerciseAction,
  sendInjectAction,
} from '@/app/(app)/exercises/actions'
import { useLiveSnapshot } from './live'
import { EnvBadge, ExerciseClock, fields, LiveIndicator, StateBadge, useErrorText } from './parts'
import { teamLabel } from './text'
import { EventCells, EventHeaderCells } from './EventCells'

const EXTEND_OPTIONS = [10, 15, 30] as const

type Notice = { tone: 'error' | 'success'; text: string } | null

/**
 * The facilitator console: the exercise's clock and state with its controls, every team live (score,
 * tasks, members, activity), the inject form, the injects sent and the latest events. The server sends
 * a whole new snapshot whenever something changed (Server-Sent Events); nothing here polls.
 */
export function ExerciseConsole({ initial, timeZone }: { initial: ConsoleSnapshot; timeZone: string }) {
  const t = useTranslations('exercises')
  const format = useFormatter()
  const errorText = useErrorText()
  const { snapshot, status } = useLiveSnapshot(`/api/exercises/${initial.exercise.id}/events`, initial)
  const { exercise, clock, teams, injects, events } = snapshot
  const id = exercise.id
  const [pending, start] = useTransition()
  const [notice, setNotice] = useState<Notice>(null)
  const [extendBy, setExtendBy] = useState<string>('15')

  const teamNames = useMemo(() => new Map(teams.map((tm) => [tm.id, teamLabel(t, tm.name)])), [teams, t])
  const taskTitles = useMemo(() => {
    const m = new Map<string, string>()
    for (const tm of teams) for (const task of tm.tasks) m.set(task.taskId, task.title)
    return m
  }, [teams])
  const time = (iso: string) => format.dateTime(new Date(iso), { timeStyle: 'medium', timeZone })

  const run = (
    action: (fd: FormData) => Promise<ActionResult>,
    values: Record<string, string>,
    done?: string,
  ) =>
    start(async () => {
      setNotice(null)
      const r = await action(fields({ exerciseId: id, ...values }))
      if (!r.ok) setNotice({ tone: 'error', text: errorText(r) })
      else if (done) setNotice({ tone: 'success', text: done })
    })

  const state = exercise.state
  return (
    <div className="ex-console">
      <p className="no-print">
        <Link href="/exercises">← {t('title')}</Link>
      </p>
      <h1>{exercise.title}</h1>
      <p className="lead">
        {t('console.lead', {
          lab: exercise.labTitle,
          teams: exercise.teamCount,
          members: exercise.memberCount,
        })}
      </p>

      <div className="card ex-toolbar row" role="group" aria-label={t('console.controls')}>
        <StateBadge state={state} testId="exercise-state" />
        <ExerciseClock clock={clock} state={state} startsAt={exercise.startsAt} timeZone={timeZone} />
        {exercise.extraMinutes > 0 ? (
          <span className="muted">{t('list.extra', { minutes: exercise.extraMinutes })}</span>
        ) : null}
        <LiveIndicator status={status} />
        <span className="spacer" />
        {state === 'scheduled' ? (
          <button
            type="button"
            disabled={pending}
            data-testid="open-exercise"
            onClick={() => run(openExerciseAction, {})}
          >
            {t('console.open')}
          </button>
        ) : null}
        {state === 'open' ? (
          <button
            type="button"
            className="secondary"
            disabled={pending}
            data-testid="pause-exercise"
            onClick={() => run(pauseExerciseAction, {})}
          >
            {t('console.pause')}
          </button>
        ) : null}
        {state === 'paused' ? (
          <button
            type="button"
            disabled={pending}
            data-testid="resume-exercise"
            onClick={() => run(resumeExerciseAction, {})}
          >
            {t('console.resume')}
          </button>
        ) : null}
        {state !== 'closed' ? (
          <span className="row ex-extend">
            <label htmlFor="ex-extend" className="sr-only">
              {t('console.extendBy')}
            </label>
            <select
              id="ex-extend"
              value={extendBy}
              onChange={(e) => setExtendBy(e.target.value)}
              disabled={pending}
            >
              {EXTEND_OPTIONS.map((m) => (
                <option key={m} value={String(m)}>
                  {t('console.plusMinutes', { minutes: m })}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="secondary"
              disabled={pending}
              data-testid="extend-exercise"
              onClick={() =>
                run(
                  extendExerciseAction,
                  { minutes: extendBy },
                  t('console.extended', { minutes: Number(extendBy) }),
                )
              }
            >
              {t('console.extend')}
            </button>
          </span>
        ) : null}
        {state === 'open' || state === 'paused' ? (
          <button
            type="button"
            className="danger"
            disabled={pending}
            data-testid="close-exercise"
            onClick={() => window.confirm(t('console.closeConfirm')) && run(closeExerciseAction, {})}
          >
            {t('console.close')}
          </button>
        ) : null}
      </div>

      <div aria-live="polite">
        {notice ? (
          <p
            className={`alert ${notice.tone}`}
            role={notice.tone === 'error' ? 'alert' : 'status'}
            data-testid="console-notice"
          >
            {notice.text}
          </p>
        ) : null}
      </div>
      {state === 'closed' ? (
        <p className="alert success" data-testid="exercise-closed">
          {t('console.closedNote')} <Link href={`/exercises/${id}/debrief`}>{t('console.debriefLink')}</Link>
        </p>
      ) : null}

      <div className="ex-console-grid">
        <div className="ex-console-main">
          <section aria-labelledby="teams-h">
            <h2 id="teams-h">{t('console.teamsTitle')}</h2>
            {teams.length === 0 ? <p className="empty">{t('console.noTeams')}</p> : null}
            <div className="ex-team-grid">
              {teams.map((team) => (
                <TeamCard key={team.id} team={team} label={teamNames.get(team.id) ?? team.name} time={time} />
              ))}
            </div>
          </section>

          {state === 'scheduled' && teams.length > 0 ? (
            <Composition exerciseId={id} teams={teams} teamNames={teamNames} />
          ) : null}

          <section className="card" aria-labelledby="events-h" style={{ marginTop: 16 }}>
            <h2 id="events-h">{t('console.eventsTitle')}</h2>
            {events.length === 0 ? (
              <p className="empty">{t('console.noEvents')}</p>
            ) : (
              <div className="table-wrap">
                <table className="ex-events" data-testid="event-feed">
                  <thead>
                    <tr>
                      <th scope="col">{t('cols.time')}</th>
                      <th scope="col">{t('cols.team')}</th>
                      <EventHeaderCells t={t} />
                    </tr>
                  </thead>
                  <tbody>
                    {events.map((ev) => (
                      <tr key={ev.id} data-testid="event" data-type={ev.type}>
                        <td className="ex-num">{time(ev.at)}</td>
                        <td>{ev.teamId ? (teamNames.get(ev.teamId) ?? '—') : t('console.allTeamsShort')}</td>
                        <EventCells t={t} ev={ev} taskTitles={taskTitles} />
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </div>

        <aside className="ex-console-side">
          <InjectForm
            exerciseId={id}
            teams={teams}
            teamNames={teamNames}
            disabled={state !== 'open' && state !== 'paused'}
          />
          <section className="card" aria-labelledby="sent-h">
            <h2 id="sent-h">{t('console.injectsTitle')}</h2>
            {injects.length === 0 ? (
              <p className="empty">{t('console.noInjects')}</p>
            ) : (
              <ul className="ex-inject-list" data-testid="sent-injects">
                {[...injects]
                  .sort((a, b) => b.sentAt.localeCompare(a.sentAt))
                  .map((inj) => (
                    <SentInject
                      key={inj.id}
                      inject={inj}
                      target={inj.teamId ? (teamNames.get(inj.teamId) ?? '—') : null}
                      time={time(inj.sentAt)}
                    />
                  ))}
              </ul>
            )}
          </section>
        </aside>
      </div>
    </div>
  )
}


function TeamCard({ team, label, time }: { team: TeamLive; label: string; time: (iso: string) => string }) {
  const t = useTranslations('exercises')
  const members = new Map(team.members.map((m) => [m.userId, m.name]))
  const pct = team.taskCount ? Math.round((team.tasksPassed / team.taskCount) * 100) : 0
  return (
    <section
      className="card ex-team"
      data-testid="team-card"
      data-team-name={team.name}
      aria-labelledby={`team-h-${team.id}`}
    >
      <div className="row">
        <h3 id={`team-h-${team.id}`} style={{ margin: 0 }}>
          {label}
        </h3>
        <span className="spacer" />
        <EnvBadge env={team.envState} />
      </div>
      {team.envState === 'failed' && team.envError ? (
        <p className="alert error ex-env-error">{t('console.envError', { error: team.envError })}</p>
      ) : null}
      <p className="ex-score">
        <strong data-testid="team-score">{t('score', { score: team.score, max: team.maxScore })}</strong>
        {team.hintPenalty > 0 ? (
          <span className="muted"> {t('console.penalty', { points: team.hintPenalty })}</span>
        ) : null}
      </p>
      <div data-testid="team-tasks-passed" data-passed={team.tasksPassed} data-total={team.taskCount}>
        <span className="hint">{t('tasksPassed', { done: team.tasksPassed, total: team.taskCount })}</span>
        <div className="meter" aria-hidden="true">
          <div style={{ width: `${pct}%` }} />
        </div>
      </div>
      <p className="hint">
        {t('console.hintsUsed', { count: team.hintsUsed })}
        {' · '}
        {team.lastEventAt
          ? t('console.lastActivity', { time: time(team.lastEventAt) })
          : t('console.noActivity')}
        {team.completedAt ? (
          <>
            {' · '}
            <span className="badge ok">{t('console.completed', { time: time(team.completedAt) })}</span>
          </>
        ) : null}
      </p>
      <ul className="ex-members" aria-label={t('console.membersOf', { team: label })}>
        {team.members.map((m) => (
          <li key={m.userId} data-testid="team-member" data-active={m.active}>
            <span
              className={`ex-presence ${m.active ? 'on' : m.joined ? 'idle' : 'off'}`}
              aria-hidden="true"
            />
            <span className="sr-only">
              {m.active ? t('presence.active') : m.joined ? t('presence.idle') : t('presence.notJoined')}
            </span>{' '}
            {m.name}{' '}
            <span className="muted">
              · {m.activeHost ?? m.host ?? t('console.noHost')} ·{' '}
              {t('console.memberPassed', { count: m.passedTasks })}
            </span>
          </li>
        ))}
      </ul>
      <details className="ex-task-details">
        <summary>{t('console.taskTable')}</summary>
        <div className="table-wrap">
          <table className="ex-task-table">
            <thead>
              <tr>
                <th scope="col">{t('cols.task')}</th>
                <th scope="col">{t('cols.host')}</th>
                <th scope="col">{t('cols.passedBy')}</th>
                <th scope="col">{t('cols.attempts')}</th>
                <th scope="col">{t('cols.hints')}</th>
              </tr>
            </thead>
            <tbody>
              {team.tasks.map((task) => (
                <tr key={task.taskId} data-task-id={task.taskId} data-passed={task.passed}>
                  <th scope="row">{task.title}</th>
                  <td className="mono">{task.host ?? '—'}</td>
                  <td>
                    {task.passed ? (
                      <>
                        <span className="badge ok">
                          {task.passedBy
                            ? (members.get(task.passedBy) ?? task.passedBy)
                            : t('console.system')}
                        </span>
                        {task.passedAt ? <span className="muted ex-num"> {time(task.passedAt)}</span> : null}
                      </>
                    ) : (
                      <span className="muted">{t('console.notPassed')}</span>
                    )}
                  </td>
                  <td className="ex-num">{task.attempts}</td>
                  <td className="ex-num">{task.hintsUsed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  )
}

function Composition({
  exerciseId,
  teams,
  teamNames,
}: {
  exerciseId: string
  teams: TeamLive[]
  teamNames: Map<string, string>
}) {
  const t = useTranslations('exercises')
  const errorText = useErrorText()
  const [pending, start] = useTransition()
  const [notice, setNotice] = useState<Notice>(null)
  // A new team gets the next slot (the domain creates it when slot = number of teams + 1).
  const newSlot = teams.length + 1
  const canAddTeam = !teams.some((tm) => tm.slot === newSlot)
  return (
    <section className="card" aria-labelledby="compose-h" style={{ marginTop: 16 }} data-testid="composition">
      <h2 id="compose-h">{t('console.compositionTitle')}</h2>
      <p className="hint">{t('console.compositionLead')}</p>
      <div aria-live="polite">{notice ? <p className={`alert ${notice.tone}`}>{notice.text}</p> : null}</div>
      <div className="ex-team-grid">
        {teams.map((team) => (
          <div key={team.id} className="ex-compose-team">
            <h3>
              {teamNames.get(team.id)} <span className="muted">({team.members.length})</span>
            </h3>
            <ul className="ex-members">
              {team.members.map((m) => (
                <li key={m.userId}>
                  <form
                    className="row ex-move"
                    onSubmit={(e) => {
                      e.preventDefault()
                      const fd = new FormData(e.currentTarget)
                      fd.set('exerciseId', exerciseId)
                      fd.set('userId', m.userId)
                      start(async () => {
                        setNotice(null)
                        const r = await moveMemberAction(fd)
                        if (!r.ok) setNotice({ tone: 'error', text: errorText(r) })
                      })
                    }}
                  >
                    <span className="ex-move-name">
                      {m.name} {m.host ? <span className="muted mono">{m.host}</span> : null}
                    </span>
                    <label className="sr-only" htmlFor={`move-${m.userId}`}>
                      {t('console.moveTo', { name: m.name })}
                    </label>
                    <select
                      id={`move-${m.userId}`}
                      name="slot"
                      defaultValue={String(team.slot)}
                      disabled={pending}
                    >
                      {teams.map((tm) => (
                        <option key={tm.id} value={String(tm.slot)}>
                          {teamNames.get(tm.id)}
                        </option>
                      ))}
                      {canAddTeam ? <option value={String(newSlot)}>{t('console.newTeam')}</option> : null}
                    </select>
                    <button type="submit" className="secondary" disabled={pending}>
                      {t('console.move')}
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    </section>
  )
}

function InjectForm({
  exerciseId,
  teams,
  teamNames,
  disabled,
}: {
  exerciseId: string
  teams: TeamLive[]
  teamNames: Map<string, string>
  disabled: boolean
}) {
  const t = useTranslations('exercises')
  const errorText = useErrorText()
  const [pending, start] = useTransition()
  const [notice, setNotice] = useState<Notice>(null)
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({})
  const formRef = useRef<HTMLFormElement>(null)
  const invalid = (name: string) => (fieldErrors[name] ? true : undefined)
  return (
    <section className="card" aria-labelledby="inject-h">
      <h2 id="inject-h">{t('console.injectTitle')}</h2>
      <p className="hint">{disabled ? t('console.injectClosed') : t('console.injectLead')}</p>
      <form
        ref={formRef}
        className="stack"
        data-testid="inject-form"
        aria-busy={pending}
        onSubmit={(e) => {
          e.preventDefault()
          const fd = new FormData(e.currentTarget)
          fd.set('exerciseId', exerciseId)
          start(async () => {
            setNotice(null)
            setFieldErrors({})
            const r = await sendInjectAction(fd)
            if (!r.ok) {
              setFieldErrors(r.fieldErrors ?? {})
              setNotice({ tone: 'error', text: errorText(r) })
              return
            }
            formRef.current?.reset()
            setNotice({ tone: 'success', text: t('console.injectSent') })
          })
        }}
      >
        <div aria-live="polite">
          {notice ? (
            <p
              className={`alert ${notice.tone}`}
              role={notice.tone === 'error' ? 'alert' : 'status'}
              data-testid="inject-notice"
            >
              {notice.text}
            </p>
          ) : null}
        </div>
        <fieldset
          disabled={disabled || pending}
          className="stack"
          style={{ border: 0, padding: 0, margin: 0 }}
        >
          <div className="row ex-inject-selects">
            <div className="field">
              <label htmlFor="inj-target">{t('console.target')}</label>
              <select id="inj-target" name="target" defaultValue="all">
                <option value="all">{t('console.allTeams')}</option>
                {teams.map((tm) => (
                  <option key={tm.id} value={tm.id}>
                    {teamNames.get(tm.id)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="inj-kind">{t('console.kind')}</label>
              <select id="inj-kind" name="kind" defaultValue="alert">
                {INJECT_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`kinds.${k}`)}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="field">
            <label htmlFor="inj-title">{t('console.injectHeadline')}</label>
            <input
              id="inj-title"
              name="title"
              type="text"
              required
              maxLength={120}
              aria-invalid={invalid('title')}
              aria-describedby={fieldErrors.title ? 'inj-title-err' : undefined}
            />
            {fieldErrors.title ? (
              <p className="field-error" id="inj-title-err">
                {t('console.injectTitleError')}
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="inj-body">{t('console.injectBody')}</label>
            <textarea
              id="inj-body"
              name="body"
              rows={5}
              required
              maxLength={4000}
              aria-invalid={invalid('body')}
              aria-describedby={fieldErrors.body ? 'inj-body-err' : 'inj-body-hint'}
            />
            {fieldErrors.body ? (
              <p className="field-error" id="inj-body-err">
                {t('console.injectBodyError')}
              </p>
            ) : (
              <p className="hint" id="inj-body-hint">
                {t('console.injectBodyHint')}
              </p>
            )}
          </div>
          <div>
            <button type="submit" data-testid="send-inject">
              {pending ? t('console.sending') : t('console.send')}
            </button>
          </div>
        </fieldset>
      </form>
    </section>
  )
}

function SentInject({ inject, target, time }: { inject: InjectView; target: string | null; time: string }) {
  const t = useTranslations('exercises')
  return (
    <li className={`ex-inject ex-inject-${inject.kind}`} data-testid="sent-inject">
      <div className="row ex-inject-head">
        <span className="badge">{t(`kinds.${inject.kind}`)}</span>
        <strong>{inject.title}</strong>
      </div>
      <p className="ex-inject-body">{inject.body}</p>
      <p className="hint">
        {time} · {target ? t('console.toTeam', { team: target }) : t('console.toAll')}
      </p>
    </li>
  )
}
