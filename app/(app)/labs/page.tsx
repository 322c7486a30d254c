import Link from 'next/link'
import { getLocale, getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { listLabSummaries } from '@/lib/labs/view'
import { sandboxAvailability } from '@/lib/system/sandbox'
import { isLocale } from '@/lib/i18n/locale'

export const metadata = { title: 'Labs' }

export default async function LabsPage() {
  await requirePage('/labs')
  const locale = await getLocale()
  const [t, labs, sandbox] = await Promise.all([getTranslations('labs'), listLabSummaries(isLocale(locale) ? locale : 'en'), sandboxAvailability()])
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      {!sandbox.available ? (
        <p className="alert error" role="alert" data-testid="sandbox-unavailable">
          {t('unavailable')}
        </p>
      ) : null}
      <div className="grid">
        {labs.map((lab) => (
          <section className="card stack" key={lab.id} data-testid="lab-card">
            <div className="row">
              <span className="badge">{t('level', { level: lab.level })}</span>
              <span className="muted">{t('minutes', { minutes: lab.estimatedMinutes })}</span>
            </div>
            <h2>
              <Link href={`/labs/${lab.id}`}>{lab.title}</Link>
            </h2>
            <p className="muted">{lab.summary}</p>
            <p className="hint">
              {t('trains', { count: lab.statements.length })} · {lab.workRoles.join(', ')}
            </p>
          </section>
        ))}
      </div>
    </>
  )
}
