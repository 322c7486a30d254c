import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { can } from '@/lib/auth/rbac'
import { listExercisesFor } from '@/lib/exercises/store'
import type { ExerciseState } from '@/lib/exercises/types'
import { currentLocale } from '@/lib/i18n/current'
import { appTimeZone } from '@/lib/i18n/time-zone'
import { JoinButton } from '@/components/exercises/JoinButton'
import { teamLabel } from '@/components/exercises/text'

export const metadata = { title: 'Exercises' }

const TONE: Record<ExerciseState, string> = {
  scheduled: 'muted',
  open: 'ok',
  paused: 'warn',
  closed: 'muted',
}

/**
 * Exercise days: instructors see every exercise of their organisation (with the console and debrief);
 * everyone sees the exercises they are placed in, to join their team when it opens.
 */
export default async function ExercisesPage() {
  const viewer = await requirePage('/exercises')
  const lang = await currentLocale()
  const [t, lists] = await Promise.all([getTranslations('exercises'), listExercisesFor(viewer, lang)])
  const instructor = can(viewer.role, 'exercise:run')
  const fmt = new Intl.DateTimeFormat(lang, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: appTimeZone(),
  })
  const windowOf = (e: { startsAt: string; endsAt: string }) =>
    fmt.formatRange(new Date(e.startsAt), new Date(e.endsAt))
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>

      {instructor ? (
        <section className="card" aria-labelledby="run-h" style={{ marginBottom: 16 }}>
          <div className="row">
            <h2 id="run-h" style={{ margin: 0 }}>
              {t('list.runTitle')}
            </h2>
            <span className="spacer" />
            <Link className="button" href="/exercises/new" data-testid="new-exercise">
              {t('list.schedule')}
            </Link>
          </div>
          {lists.run.length === 0 ? (
            <p className="empty" style={{ marginTop: 12 }}>
              {t('list.noneRun')}
            </p>
          ) : (
            <div className="table-wrap">
              <table data-testid="exercises-table">
                <thead>
                  <tr>
                    <th scope="col">{t('cols.exercise')}</th>
                    <th scope="col">{t('cols.lab')}</th>
                    <th scope="col">{t('cols.state')}</th>
                    <th scope="col">{t('cols.window')}</th>
                    <th scope="col">{t('cols.teams')}</th>
                    <th scope="col">
                      <span className="sr-only">{t('cols.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {lists.run.map((e) => (
                    <tr key={e.id} data-testid="exercise-row" data-exercise-id={e.id}>
                      <th scope="row">
                        <Link href={`/exercises/${e.id}`}>{e.title}</Link>
                      </th>
                      <td>{e.labTitle}</td>
                      <td>
                        <span className={`badge ${TONE[e.state]}`} data-state={e.state}>
                          {t(`state.${e.state}`)}
                        </span>
                      </td>
                      <td>
                        {windowOf(e)}
                        {e.extraMinutes > 0 ? (
                          <span className="muted"> {t('list.extra', { minutes: e.extraMinutes })}</span>
                        ) : null}
                      </td>
                      <td>{t('list.teamsMembers', { teams: e.teamCount, members: e.memberCount })}</td>
                      <td>
                        <span className="row">
                          <Link href={`/exercises/${e.id}`}>{t('list.console')}</Link>
                          {e.state === 'closed' ? (
                            <Link href={`/exercises/${e.id}/debrief`}>{t('list.debrief')}</Link>
                          ) : null}
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}

      <section aria-labelledby="mine-h">
        <h2 id="mine-h">{t('list.mineTitle')}</h2>
        {lists.mine.length === 0 ? <p className="empty">{t('list.noneMine')}</p> : null}
        <div className="grid">
          {lists.mine.map((e) => (
            <section
              className="card"
              key={e.id}
              aria-labelledby={`mine-${e.id}`}
              data-testid="my-exercise"
              data-exercise-id={e.id}
              data-state={e.state}
            >
              <div className="row">
                <h3 id={`mine-${e.id}`} style={{ margin: 0 }}>
                  {e.title}
                </h3>
                <span className="spacer" />
                <span className={`badge ${TONE[e.state]}`}>{t(`state.${e.state}`)}</span>
              </div>
              <p className="muted" style={{ margin: '6px 0' }}>
                {e.labTitle} · {t('list.yourTeam', { team: teamLabel(t, e.teamName) })}
              </p>
              <p className="hint">{windowOf(e)}</p>
              {e.state === 'scheduled' ? (
                <>
                  <p>{t('list.startsAt', { time: fmt.format(new Date(e.startsAt)) })}</p>
                  <Link href={`/exercises/${e.id}/team`}>{t('list.seeTeam')}</Link>
                </>
              ) : null}
              {e.state === 'paused' ? <p className="hint">{t('list.pausedNote')}</p> : null}
              {e.state === 'open' || e.state === 'paused' ? (
                e.joined ? (
                  <Link className="button" href={`/exercises/${e.id}/team`} data-testid="open-team-view">
                    {t('list.openTeam')}
                  </Link>
                ) : (
                  <JoinButton exerciseId={e.id} />
                )
              ) : null}
              {e.state === 'closed' ? (
                <p>
                  <span className="badge muted">{t('list.finished')}</span>
                </p>
              ) : null}
            </section>
          ))}
        </div>
      </section>
    </>
  )
}
