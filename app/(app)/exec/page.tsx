import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { currentLocale } from '@/lib/i18n/current'
import { orgOverview } from '@/lib/org/queries'
import Link from 'next/link'
import { contentCatalog } from '@/lib/content/catalog'
import { completionsFor } from '@/lib/content/progress-store'

export const metadata = { title: 'Briefings' }

export default async function ExecutiveHome() {
  const viewer = await requirePage('/exec')
  const lang = await currentLocale()
  const [t, tc, overview, content, done] = await Promise.all([
    getTranslations('home.executive'),
    getTranslations('content'),
    orgOverview(viewer.organizationId),
    contentCatalog(),
    completionsFor({ userId: viewer.id, organizationId: viewer.organizationId }),
  ])
  const completed = new Set(done.filter((d) => d.itemType === 'briefing').map((d) => d.itemId))
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      <div className="two-col">
        <section className="card" aria-labelledby="brief-h">
          <h2 id="brief-h">{t('briefingsTitle')}</h2>
          {content.briefings.size === 0 ? <p className="empty">{t('briefingsEmpty')}</p> : null}
          <ul className="stack" style={{ listStyle: 'none', padding: 0 }}>
            {[...content.briefings.values()].map((b) => (
              <li key={b.id}>
                <Link href={`/briefings/${b.id}`}>{b.title[lang]}</Link>{' '}
                <span className="hint">{tc('minutes', { n: b.minutes })}</span>
                {completed.has(b.id) ? <span className="badge"> {tc('completed')}</span> : null}
              </li>
            ))}
          </ul>
        </section>
        <section className="card" aria-labelledby="org-h">
          <h2 id="org-h">{t('orgTitle')}</h2>
          <p>{t('orgPeople', { count: overview.users, org: viewer.organizationName })}</p>
        </section>
      </div>
    </>
  )
}
