'use client'
import Link from 'next/link'
import { useMemo, useState, useTransition } from 'react'
import { useFormatter, useTranslations } from 'next-intl'
import type { TeamSnapshot } from '@/lib/exercises/types'
import type { Language } from '@/lib/labs/package/manifest'
import { joinExerciseAction } from '@/app/(app)/exercises/actions'
import { useLiveSnapshot } from './live'
import { EnvBadge, ExerciseClock, fields, LiveIndicator, StateBadge, useErrorText } from './parts'
import { HostTerminals } from './HostTerminals'
import { InjectFeed } from './InjectFeed'
import { TeamTask, type TaskContext } from './TeamTask'
import { teamLabel } from './text'

export type ScenarioStep = { id: string; title: string; fallback: boolean; body: React.ReactNode }

/**
 * A member's view of their team during an exercise: injects on top, the clock, the team and who is on
 * which host, a terminal per host, the scenario and the team's tasks (including the shared report).
 * Kept current by the team's event stream (a whole TeamSnapshot per change).
 */
export function TeamView({
  initial,
  steps,
  timeZone,
  lang,
}: {
  initial: TeamSnapshot
  steps: ScenarioStep[]
  timeZone: string
  lang: Language
}) {
  const t = useTranslations('exercises')
  const format = useFormatter()
  const errorText = useErrorText()
  const { snapshot, status } = useLiveSnapshot(`/api/exercises/${initial.exercise.id}/team/events`, initial)
  const { exercise, clock, team, me, members, hosts, tasks, taskDetails, injects, reports } = snapshot
  const state = exercise.state
  const envReady = team.envState === 'ready'
  const [stepIndex, setStepIndex] = useState(0)
  const [joining, startJoin] = useTransition()
  const [joinError, setJoinError] = useState<string | null>(null)

  // Terminals connect once the exercise is open and the environment ready, then stay through a pause
  // (the shells keep running); they go away when the exercise closes or the environment stops.
  const [connected, setConnected] = useState(false)
  const shouldConnect = envReady && (state === 'open' || (state === 'paused' && connected))
  if (shouldConnect !== connected) setConnected(shouldConnect)

  const time = (iso: string) => format.dateTime(new Date(iso), { timeStyle: 'short', timeZone })
  const names = useMemo(() => new Map(members.map((m) => [m.userId, m.name])), [members])
  const ctx: TaskContext = {
    exerciseId: exercise.id,
    canAct: state === 'open',
    envReady,
    nameOf: (v) => names.get(v) ?? v,
    time,
  }
  const stepNumber = new Map(steps.map((s, i) => [s.id, i + 1]))
  const myself = members.find((m) => m.userId === me.userId)
  const step = steps[stepIndex]
  const passed = tasks.filter((x) => x.passed).length

  const placeholder =
    state === 'scheduled'
      ? t('team.terminalLater')
      : state === 'closed'
        ? t('team.closed')
        : team.envState === 'failed'
          ? t('team.envFailed')
          : team.envState === 'stopped'
            ? t('team.envStopped')
            : envReady
              ? t('team.paused')
              : t('team.envStarting')

  return (
    <div className="ex-team-view">
      <p className="no-print">
        <Link href="/exercises">← {t('title')}</Link>
      </p>
      <h1>{exercise.title}</h1>
      <p className="lead">{t('team.lead', { lab: exercise.labTitle, team: teamLabel(t, team.name) })}</p>

      <div className="card ex-toolbar row">
        <StateBadge state={state} testId="exercise-state" />
        <ExerciseClock clock={clock} state={state} startsAt={exercise.startsAt} timeZone={timeZone} />
        <strong data-testid="team-score">{t('score', { score: team.score, max: team.maxScore })}</strong>
        <span className="muted">{t('tasksPassed', { done: passed, total: tasks.length })}</span>
        <EnvBadge env={team.envState} />
        <span className="spacer" />
        <LiveIndicator status={status} />
      </div>

      {state === 'scheduled' ? (
        <p className="alert info" role="status" data-testid="exercise-scheduled">
          {t('team.scheduled', {
            time: format.dateTime(new Date(exercise.startsAt), {
              dateStyle: 'medium',
              timeStyle: 'short',
              timeZone,
            }),
          })}
        </p>
      ) : null}
      {state === 'paused' ? (
        <p className="alert info" role="status" data-testid="exercise-paused">
          {t('team.pausedNotice')}
        </p>
      ) : null}
      {state === 'closed' ? (
        <p className="alert success" role="status" data-testid="exercise-closed">
          {t('team.closed')}
        </p>
      ) : null}
      {state === 'open' && team.envState === 'starting' ? (
        <p className="alert info" role="status" data-testid="env-starting">
          {t('team.envStarting')}
        </p>
      ) : null}
      {state === 'open' && team.envState === 'failed' ? (
        <p className="alert error" role="alert">
          {t('team.envFailed')}
        </p>
      ) : null}
      {myself && !myself.joined && (state === 'open' || state === 'paused') ? (
        <div className="alert info row" data-testid="join-prompt">
          <span>{t('team.joinPrompt')}</span>
          <button
            type="button"
            disabled={joining}
            onClick={() =>
              startJoin(async () => {
                setJoinError(null)
                const r = await joinExerciseAction(fields({ exerciseId: exercise.id }))
                if (!r.ok) setJoinError(errorText(r))
              })
            }
          >
            {joining ? t('list.joining') : t('list.join')}
          </button>
          {joinError ? (
            <span role="alert" className="field-error">
              {joinError}
            </span>
          ) : null}
        </div>
      ) : null}

      <InjectFeed injects={injects} time={time} />

      <div className="lab-grid ex-team-grid-main">
        <div className="lab-instructions">
          <section className="card" aria-labelledby="members-h">
            <h2 id="members-h">{t('team.membersTitle', { team: teamLabel(t, team.name) })}</h2>
            <ul className="ex-members" data-testid="team-members">
              {members.map((m) => (
                <li key={m.userId} data-active={m.active}>
                  <span
                    className={`ex-presence ${m.active ? 'on' : m.joined ? 'idle' : 'off'}`}
                    aria-hidden="true"
                  />
                  <span className="sr-only">
                    {m.active
                      ? t('presence.active')
                      : m.joined
                        ? t('presence.idle')
                        : t('presence.notJoined')}
                  </span>{' '}
                  {m.name}
                  {m.userId === me.userId ? <span className="muted"> {t('team.you')}</span> : null}{' '}
                  <span className="muted">
                    ·{' '}
                    {m.activeHost || m.host
                      ? t('team.onHost', { host: m.activeHost ?? m.host ?? '' })
                      : t('console.noHost')}{' '}
                    · {t('console.memberPassed', { count: m.passedTasks })}
                  </span>
                </li>
              ))}
            </ul>
          </section>

          {steps.length ? (
            <section aria-labelledby="scenario-h" style={{ marginTop: 16 }}>
              <h2 id="scenario-h">{t('team.scenario')}</h2>
              {steps.length > 1 ? (
                <nav aria-label={t('team.steps')} className="step-tabs">
                  {steps.map((s, i) => (
                    <button
                      key={s.id}
                      type="button"
                      className={i === stepIndex ? '' : 'secondary'}
                      aria-current={i === stepIndex ? 'step' : undefined}
                      onClick={() => setStepIndex(i)}
                    >
                      {i + 1}. {s.title}
                    </button>
                  ))}
                </nav>
              ) : null}
              {step ? (
                <article className="card step-body" data-testid="step-body">
                  {step.fallback ? <p className="alert info">{t('team.fallback')}</p> : null}
                  {step.body}
                </article>
              ) : null}
            </section>
          ) : null}

          <section aria-labelledby="tasks-h" style={{ marginTop: 16 }}>
            <h2 id="tasks-h">{t('team.tasksTitle')}</h2>
            {tasks.length === 0 ? <p className="empty">{t('team.noTasks')}</p> : null}
            <div className="stack">
              {tasks.map((task) => {
                const detail = taskDetails[task.taskId]
                const n = detail?.step ? stepNumber.get(detail.step) : undefined
                return (
                  <TeamTask
                    key={task.taskId}
                    task={task}
                    detail={detail}
                    stepLabel={n ? t('team.stepN', { n }) : null}
                    reports={reports[task.taskId] ?? []}
                    ctx={ctx}
                  />
                )
              })}
            </div>
          </section>
        </div>

        <div className="lab-terminal">
          <HostTerminals
            exerciseId={exercise.id}
            hosts={hosts}
            myHost={me.host}
            lang={lang}
            connect={connected}
            placeholder={placeholder}
          />
          <p className="hint">{t('team.terminalHint')}</p>
        </div>
      </div>
    </div>
  )
}
