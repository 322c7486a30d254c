import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { orgOverview } from '@/lib/org/queries'

export const metadata = { title: 'Briefings' }

export default async function ExecutiveHome() {
  const viewer = await requirePage('/exec')
  const [t, overview] = await Promise.all([getTranslations('home.executive'), orgOverview(viewer.organizationId)])
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      <div className="two-col">
        <section className="card" aria-labelledby="brief-h">
          <h2 id="brief-h">{t('briefingsTitle')}</h2>
          <p className="empty">{t('briefingsEmpty')}</p>
        </section>
        <section className="card" aria-labelledby="org-h">
          <h2 id="org-h">{t('orgTitle')}</h2>
          <p>{t('orgPeople', { count: overview.users, org: viewer.organizationName })}</p>
        </section>
      </div>
    </>
  )
}
