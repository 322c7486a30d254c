import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { teamsLedBy } from '@/lib/org/queries'
import { readinessOf } from '@/lib/progress/store'
import { listRolesWithRequirements } from '@/lib/roles/store'
import { currentLocale } from '@/lib/i18n/current'
import { teamAssignments } from '@/lib/assignments/store'
import { AssignmentTable } from '@/components/assignments/AssignmentTable'
import { cancelAssignmentAction } from './actions'

export const metadata = { title: 'My teams' }

export default async function ManagerHome() {
  const viewer = await requirePage('/team')
  const [t, tr, tp, ta, teams, roles, locale, assignments] = await Promise.all([
    getTranslations('home.manager'),
    getTranslations('roles'),
    getTranslations('progress'),
    getTranslations('assignments'),
    teamsLedBy(viewer.organizationId, viewer.id),
    listRolesWithRequirements(viewer.organizationId),
    currentLocale(),
    teamAssignments(viewer),
  ])
  const overdueRows = assignments.filter((a) => a.status === 'overdue')
  const personHref = (userId: string) => `/team/people/${userId}`
  const pct = new Intl.NumberFormat(locale, { style: 'percent' })
  // Only the members of teams this viewer leads: the heatmap never shows anyone else.
  const heat = await Promise.all(
    teams.map(async (team) => {
      const members = team.members
        .filter((m) => !m.isLead)
        .map((m) => ({ id: m.userId, name: m.name, email: '' }))
      return { team, ...(await readinessOf(viewer.organizationId, members, roles)) }
    }),
  )
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      {teams.length === 0 ? <p className="empty">{t('noTeams')}</p> : null}
      <div className="grid">
        {teams.map((team) => (
          <section className="card" key={team.id} aria-labelledby={`team-${team.id}`}>
            <h2 id={`team-${team.id}`}>{team.name}</h2>
            <p className="muted">{t('members', { count: team.members.length })}</p>
            <ul>
              {team.members.map((m) => (
                <li key={m.userId}>
                  {m.isLead ? (
                    <>
                      {m.name} <span className="badge">{t('lead_badge')}</span>
                    </>
                  ) : (
                    <Link href={personHref(m.userId)}>{m.name}</Link>
                  )}
                </li>
              ))}
            </ul>
            <span className="sr-only">{tr('manager')}</span>
          </section>
        ))}
      </div>
      {heat.map(({ team, people }) =>
        people.length && roles.length ? (
          <section
            className="card"
            key={team.id}
            aria-labelledby={`heat-${team.id}`}
            style={{ marginTop: 16 }}
          >
            <h2 id={`heat-${team.id}`}>{tp('heatmapTitle', { team: team.name })}</h2>
            <div className="table-wrap">
              <table className="matrix" data-testid="heatmap">
                <thead>
                  <tr>
                    <th scope="col">{tp('person')}</th>
                    {roles.map((r) => (
                      <th scope="col" className="item" key={r.id}>
                        {r.title}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {people.map((p) => (
                    <tr key={p.userId}>
                      <th scope="row">
                        <Link href={personHref(p.userId)} title={ta('team.openPerson', { name: p.name })}>
                          {p.name}
                        </Link>
                      </th>
                      {roles.map((r) => {
                        const share = p.byRole.get(r.id) ?? 0
                        return (
                          <td
                            key={r.id}
                            className="cell"
                            style={{ background: `hsl(${Math.round(share * 120)} 70% 90%)` }}
                          >
                            {pct.format(share)}
                          </td>
                        )
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="hint">{tp('heatmapLegend')}</p>
          </section>
        ) : null,
      )}
      {teams.length || assignments.length ? (
        <>
          <section className="card" aria-labelledby="overdue-h" style={{ marginTop: 16 }}>
            <h2 id="overdue-h">
              {ta('team.overdueTitle')}{' '}
              {overdueRows.length ? <span className="badge danger">{overdueRows.length}</span> : null}
            </h2>
            {overdueRows.length === 0 ? (
              <p className="empty">{ta('team.overdueNone')}</p>
            ) : (
              <AssignmentTable
                rows={overdueRows}
                lang={locale}
                showWho
                showAssignedBy={false}
                personHref={personHref}
                testId="overdue"
              />
            )}
          </section>
          <section className="card" aria-labelledby="team-asg-h" style={{ marginTop: 16 }}>
            <h2 id="team-asg-h">{ta('team.title')}</h2>
            {assignments.length === 0 ? (
              <p className="empty">{ta('team.empty')}</p>
            ) : (
              <AssignmentTable
                rows={assignments}
                lang={locale}
                showWho
                personHref={personHref}
                cancelAction={cancelAssignmentAction}
                testId="team-assignments"
              />
            )}
          </section>
        </>
      ) : null}
    </>
  )
}
