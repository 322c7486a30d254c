import Link from 'next/link'
import { getLocale, getTranslations } from 'next-intl/server'
import { listLabSummaries } from '@/lib/labs/view'
import { isLocale } from '@/lib/i18n/locale'
import { requirePage } from '@/lib/auth/session'
import { listTeams } from '@/lib/org/queries'

export const metadata = { title: 'My learning' }

export default async function LearnerHome() {
  const viewer = await requirePage('/learn')
  const locale = await getLocale()
  const [t, tl, teams, labs] = await Promise.all([
    getTranslations('home.learner'),
    getTranslations('labs'),
    listTeams(viewer.organizationId),
    listLabSummaries(isLocale(locale) ? locale : 'en'),
  ])
  const mine = teams.filter((team) => team.members.some((m) => m.userId === viewer.id))
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      <div className="two-col">
        <div className="stack">
          <section className="card" aria-labelledby="labs-h">
            <h2 id="labs-h">{t('labsTitle')}</h2>
            {labs.length === 0 ? <p className="empty">{t('labsEmpty')}</p> : null}
            <ul className="stack" style={{ listStyle: 'none', padding: 0 }}>
              {labs.slice(0, 5).map((lab) => (
                <li key={lab.id}>
                  <Link href={`/labs/${lab.id}`}>{lab.title}</Link>{' '}
                  <span className="badge muted">{tl('level', { level: lab.level })}</span>
                </li>
              ))}
            </ul>
            <Link href="/labs">{t('openLabs')}</Link>
          </section>
          <section className="card" aria-labelledby="cur-h">
            <h2 id="cur-h">{t('curriculaTitle')}</h2>
            <p className="empty">{t('curriculaEmpty')}</p>
          </section>
        </div>
        <div className="stack">
          <section className="card" aria-labelledby="prog-h">
            <h2 id="prog-h">{t('progressTitle')}</h2>
            <p className="empty">{t('progressEmpty')}</p>
          </section>
          {mine.length > 0 ? (
            <section className="card" aria-labelledby="teams-h">
              <h2 id="teams-h">{t('teamsTitle')}</h2>
              <ul>
                {mine.map((team) => (
                  <li key={team.id}>{team.name}</li>
                ))}
              </ul>
            </section>
          ) : null}
        </div>
      </div>
    </>
  )
}
