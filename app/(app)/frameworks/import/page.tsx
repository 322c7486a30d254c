import Link from 'next/link'
import { getLocale, getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { listOrgFrameworks } from '@/lib/frameworks/registry'
import { StandardUpload } from '@/components/frameworks/StandardUpload'
import { appTimeZone } from '@/lib/i18n/time-zone'

export const metadata = { title: 'Import a skill standard' }

export default async function ImportStandardPage() {
  const viewer = await requirePage('/frameworks/import')
  const locale = await getLocale()
  const [t, rows] = await Promise.all([
    getTranslations('standards'),
    listOrgFrameworks(viewer.organizationId),
  ])
  const fmt = new Intl.DateTimeFormat(locale, { timeZone: appTimeZone(), dateStyle: 'medium', timeStyle: 'short' })
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      <div className="two-col">
        <section className="card">
          <StandardUpload />
          <p className="hint">
            {t.rich('template', {
              csv: (chunks) => (
                <a href="/templates/standard-template.csv" download>
                  {chunks}
                </a>
              ),
              json: (chunks) => (
                <a href="/templates/standard-template.json" download>
                  {chunks}
                </a>
              ),
            })}
          </p>
        </section>
        <section className="card" aria-labelledby="yours-h">
          <h2 id="yours-h">{t('yours')}</h2>
          {rows.length === 0 ? <p className="empty">{t('none')}</p> : null}
          <ul className="stack" style={{ listStyle: 'none', padding: 0 }} data-testid="org-standards">
            {rows.map((r) => (
              <li key={r.id}>
                <strong>{r.title}</strong>{' '}
                <span className="mono hint">{`${r.frameworkId}@${r.version}`}</span>{' '}
                <span className="badge">{t(`status.${r.status as 'draft' | 'published' | 'archived'}`)}</span>
                <div className="hint">
                  {r.sourceFileName} · {fmt.format(r.publishedAt ?? r.createdAt)}{' '}
                  {r.status === 'draft' ? (
                    <Link href={`/frameworks/import/${r.id}`}>{t('open')}</Link>
                  ) : (
                    <Link href={`/frameworks?fw=${r.frameworkId}`}>{t('open')}</Link>
                  )}
                </div>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </>
  )
}
