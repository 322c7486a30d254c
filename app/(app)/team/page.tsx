import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { teamsLedBy } from '@/lib/org/queries'

export const metadata = { title: 'My teams' }

export default async function ManagerHome() {
  const viewer = await requirePage('/team')
  const [t, tr, teams] = await Promise.all([
    getTranslations('home.manager'),
    getTranslations('roles'),
    teamsLedBy(viewer.organizationId, viewer.id),
  ])
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
                  {m.name} {m.isLead ? <span className="badge">{t('lead_badge')}</span> : null}
                </li>
              ))}
            </ul>
            <span className="sr-only">{tr('manager')}</span>
          </section>
        ))}
      </div>
    </>
  )
}
