import Link from 'next/link'
import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { isDomainError } from '@/lib/errors'
import { debriefView } from '@/lib/exercises/store'
import type { DebriefView, EventView } from '@/lib/exercises/types'
import { currentLocale } from '@/lib/i18n/current'
import { appTimeZone } from '@/lib/i18n/time-zone'
import { PrintButton } from '@/components/content/PrintButton'
import { formatOffset, teamLabel } from '@/components/exercises/text'
import { EventCells, EventHeaderCells } from '@/components/exercises/EventCells'

export const metadata = { title: 'Exercise debrief' }

/**
 * The debrief of an exercise (print or save as PDF from the browser): scores per team, each task's
 * pass rate, time and common wrong answers, the model answers (once closed), the injects sent and every
 * team's timeline. Learner and instructor text is rendered as text.
 */
export default async function ExerciseDebriefPage({ params }: { params: Promise<{ exerciseId: string }> }) {
  const viewer = await requirePage('/exercises/[exerciseId]/debrief')
  const { exerciseId } = await params
  if (!/^[a-z0-9]{1,40}$/i.test(exerciseId)) notFound()
  const lang = await currentLocale()
  let view: DebriefView
  try {
    view = await debriefView(viewer, exerciseId, lang)
  } catch (err) {
    if (isDomainError(err) && err.code === 'NOT_FOUND') notFound()
    throw err
  }
  const t = await getTranslations('exercises')
  const timeZone = appTimeZone()
  const dateTime = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone })
  const clock = new Intl.DateTimeFormat(lang, { timeStyle: 'medium', timeZone })
  const list = new Intl.ListFormat(lang, { type: 'conjunction' })
  const { exercise, teams, tasks, injects, modelAnswers } = view
  const teamNames = new Map(teams.map((tm) => [tm.id, teamLabel(t, tm.name)]))
  const taskTitles = new Map(tasks.map((x) => [x.taskId, x.title]))
  // Times are counted from the opening (the first `open` event), else from the scheduled start.
  const allEvents = teams.flatMap((tm) => tm.timeline)
  const openedAt = Math.min(
    ...allEvents.filter((e) => e.type === 'open').map((e) => Date.parse(e.at)),
    Infinity,
  )
  const origin = Number.isFinite(openedAt) ? openedAt : Date.parse(exercise.startsAt)
  const since = (ev: EventView) => formatOffset(Date.parse(ev.at) - origin)
  const minutes = (m: number | null) =>
    m === null ? '—' : t('debrief.minutes', { minutes: Math.round(m * 10) / 10 })

  return (
    <article className="report ex-debrief" data-testid="debrief">
      <div className="row no-print">
        <Link href={`/exercises/${exercise.id}`}>← {t('debrief.backToConsole')}</Link>
        <span className="spacer" />
        <a
          className="button secondary"
          href={`/api/exercises/${exercise.id}/debrief.csv`}
          download
          data-testid="debrief-csv"
        >
          {t('debrief.csv')}
        </a>
        <PrintButton label={t('debrief.print')} />
      </div>
      <h1>{t('debrief.title', { title: exercise.title })}</h1>
      <p className="lead">
        {t('debrief.lead', {
          lab: exercise.labTitle,
          window: dateTime.formatRange(new Date(exercise.startsAt), new Date(exercise.endsAt)),
          teams: exercise.teamCount,
          members: exercise.memberCount,
        })}
      </p>
      {exercise.state !== 'closed' ? (
        <p className="alert info" role="status">
          {t('debrief.notClosed')}
        </p>
      ) : null}

      <section aria-labelledby="scores-h">
        <h2 id="scores-h">{t('debrief.scoresTitle')}</h2>
        <div className="table-wrap">
          <table data-testid="debrief-scores">
            <thead>
              <tr>
                <th scope="col">{t('cols.team')}</th>
                <th scope="col">{t('cols.score')}</th>
                <th scope="col">{t('debrief.membersCol')}</th>
                {tasks.map((x) => (
                  <th scope="col" key={x.taskId} className="ex-task-col">
                    {x.title}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[...teams]
                .sort((a, b) => b.score - a.score)
                .map((tm) => (
                  <tr key={tm.id} data-team-name={tm.name}>
                    <th scope="row">{teamNames.get(tm.id)}</th>
                    <td className="ex-num">{t('score', { score: tm.score, max: tm.maxScore })}</td>
                    <td>
                      {list.format(
                        tm.members.map((m) =>
                          t('debrief.memberPassed', { name: m.name, count: m.passedTasks }),
                        ),
                      )}
                    </td>
                    {tasks.map((x) => (
                      <td key={x.taskId} className="ex-num">
                        {minutes(tm.taskMinutes[x.taskId] ?? null)}
                      </td>
                    ))}
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
        <p className="hint">{t('debrief.scoresHint')}</p>
      </section>

      <section aria-labelledby="tasks-h">
        <h2 id="tasks-h">{t('debrief.tasksTitle')}</h2>
        <div className="table-wrap">
          <table data-testid="debrief-tasks">
            <thead>
              <tr>
                <th scope="col">{t('cols.task')}</th>
                <th scope="col">{t('debrief.teamsPassed')}</th>
                <th scope="col">{t('debrief.median')}</th>
                <th scope="col">{t('debrief.wrongAnswers')}</th>
              </tr>
            </thead>
            <tbody>
              {tasks.map((x) => (
                <tr key={x.taskId} data-task-id={x.taskId}>
                  <th scope="row">{x.title}</th>
                  <td className="ex-num">
                    {t('debrief.passedCount', { count: x.passedBy, total: teams.length })}
                  </td>
                  <td className="ex-num">{minutes(x.medianMinutes)}</td>
                  <td>
                    {x.wrongAnswers.length === 0 ? (
                      <span className="muted">{t('debrief.none')}</span>
                    ) : (
                      <ul className="ex-wrong">
                        {x.wrongAnswers.map((w, i) => (
                          <li key={i}>
                            <span className="mono ex-learner-text">{w.input}</span>{' '}
                            <span className="muted">{t('debrief.times', { count: w.count })}</span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="model-h">
        <h2 id="model-h">{t('debrief.modelTitle')}</h2>
        {modelAnswers.length === 0 ? (
          <p className="empty">
            {exercise.state === 'closed' ? t('debrief.noModel') : t('debrief.modelLater')}
          </p>
        ) : (
          <dl className="ex-model" data-testid="model-answers">
            {modelAnswers.map((a) => (
              <div key={a.taskId} data-task-id={a.taskId}>
                <dt>{taskTitles.get(a.taskId) ?? a.taskId}</dt>
                <dd className="ex-pre">{a.answer}</dd>
              </div>
            ))}
          </dl>
        )}
      </section>

      <section aria-labelledby="injects-h">
        <h2 id="injects-h">{t('debrief.injectsTitle')}</h2>
        {injects.length === 0 ? (
          <p className="empty">{t('console.noInjects')}</p>
        ) : (
          <ul className="ex-inject-list" data-testid="debrief-injects">
            {[...injects]
              .sort((a, b) => a.sentAt.localeCompare(b.sentAt))
              .map((inj) => (
                <li key={inj.id} className={`ex-inject ex-inject-${inj.kind}`}>
                  <div className="row ex-inject-head">
                    <span className="mono muted">{formatOffset(Date.parse(inj.sentAt) - origin)}</span>
                    <span className="badge">{t(`kinds.${inj.kind}`)}</span>
                    <strong>{inj.title}</strong>
                    <span className="muted">
                      {inj.teamId
                        ? t('console.toTeam', { team: teamNames.get(inj.teamId) ?? '—' })
                        : t('console.toAll')}
                    </span>
                  </div>
                  <p className="ex-inject-body">{inj.body}</p>
                </li>
              ))}
          </ul>
        )}
      </section>

      {teams.map((tm) => (
        <section key={tm.id} aria-labelledby={`tl-${tm.id}`} className="ex-timeline-section">
          <h2 id={`tl-${tm.id}`}>{t('debrief.timelineTitle', { team: teamNames.get(tm.id) ?? tm.name })}</h2>
          {tm.timeline.length === 0 ? (
            <p className="empty">{t('console.noEvents')}</p>
          ) : (
            <div className="table-wrap">
              <table className="ex-events" data-testid="team-timeline" data-team-name={tm.name}>
                <thead>
                  <tr>
                    <th scope="col">{t('debrief.sinceOpen')}</th>
                    <th scope="col">{t('cols.time')}</th>
                    <EventHeaderCells t={t} />
                  </tr>
                </thead>
                <tbody>
                  {[...tm.timeline]
                    .sort((a, b) => a.at.localeCompare(b.at))
                    .map((ev) => (
                      <tr key={ev.id} data-type={ev.type}>
                        <td className="mono">{since(ev)}</td>
                        <td className="ex-num">{clock.format(new Date(ev.at))}</td>
                        <EventCells t={t} ev={ev} taskTitles={taskTitles} />
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ))}
      <p className="hint">{t('debrief.generated', { at: dateTime.format(new Date()) })}</p>
    </article>
  )
}
