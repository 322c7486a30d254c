import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { listTeams, orgOverview } from '@/lib/org/queries'
import { ROLES } from '@/lib/auth/rbac'

export const metadata = { title: 'Workforce' }

export default async function HrHome() {
  const viewer = await requirePage('/hr')
  const [t, tr, overview, teams] = await Promise.all([
    getTranslations('home.hr'),
    getTranslations('roles'),
    orgOverview(viewer.organizationId),
    listTeams(viewer.organizationId),
  ])
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      <div className="grid">
        <section className="card" aria-labelledby="byrole-h">
          <h2 id="byrole-h">{t('peopleByRole')}</h2>
          <table>
            <tbody>
              {ROLES.map((r) => (
                <tr key={r}>
                  <th scope="row">{tr(r)}</th>
                  <td>{overview.roles[r]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card" aria-labelledby="teams-h">
          <h2 id="teams-h">{t('teams')}</h2>
          <ul>
            {teams.map((team) => (
              <li key={team.id}>
                {team.name} <span className="muted">({team.members.length})</span>
              </li>
            ))}
          </ul>
        </section>
        <section className="card" aria-labelledby="roles-h">
          <h2 id="roles-h">{t('rolesTitle')}</h2>
          <p className="empty">{t('rolesEmpty')}</p>
        </section>
      </div>
    </>
  )
}
