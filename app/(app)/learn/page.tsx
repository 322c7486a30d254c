import Link from 'next/link'
import { getLocale, getTranslations } from 'next-intl/server'
import { listLabSummaries } from '@/lib/labs/view'
import { isLocale } from '@/lib/i18n/locale'
import { requirePage } from '@/lib/auth/session'
import { listTeams } from '@/lib/org/queries'
import { contentCatalog } from '@/lib/content/catalog'
import { completionsFor } from '@/lib/content/progress-store'
import { evidenceFor } from '@/lib/progress/record'
import { appTimeZone } from '@/lib/i18n/time-zone'

export const metadata = { title: 'My learning' }

export default async function LearnerHome() {
  const viewer = await requirePage('/learn')
  const locale = await getLocale()
  const lang = locale === 'ja' ? 'ja' : 'en'
  const [t, tl, tc, teams, labs, content, done, evidence] = await Promise.all([
    getTranslations('home.learner'),
    getTranslations('labs'),
    getTranslations('content'),
    listTeams(viewer.organizationId),
    listLabSummaries(isLocale(locale) ? locale : 'en'),
    contentCatalog(),
    completionsFor({ userId: viewer.id, organizationId: viewer.organizationId }),
    evidenceFor(viewer.id),
  ])
  const completedModules = new Set(done.filter((d) => d.itemType === 'module').map((d) => d.itemId))
  const fmt = new Intl.DateTimeFormat(lang, { timeZone: appTimeZone(), dateStyle: 'medium', timeStyle: 'short' })
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
            {content.curricula.length === 0 ? <p className="empty">{t('curriculaEmpty')}</p> : null}
            <ul className="stack" style={{ listStyle: 'none', padding: 0 }}>
              {content.curricula.map((cur) => (
                <li key={cur.id}>
                  <Link href={`/learn/curricula/${cur.id}`}>{cur.title[lang]}</Link>{' '}
                  <span className="hint">
                    {tc('progressN', { done: cur.modules.filter((m) => completedModules.has(m)).length, total: cur.modules.length })}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        </div>
        <div className="stack">
          <section className="card" aria-labelledby="prog-h">
            <h2 id="prog-h">{t('progressTitle')}</h2>
            {evidence.length === 0 ? <p className="empty">{t('progressEmpty')}</p> : null}
            <ul className="stack" style={{ listStyle: 'none', padding: 0 }} data-testid="my-evidence">
              {evidence.slice(0, 12).map((e) => (
                <li key={e.id}>
                  <span className="badge mono">{e.statementId}</span> {t(`evidenceKind.${e.kind as 'quiz'}`)} · {t('evidenceLevel', { level: e.level })}{' '}
                  <span className="hint">{fmt.format(e.createdAt)}</span>
                </li>
              ))}
            </ul>
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
