import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { currentLocale } from '@/lib/i18n/current'
import { appTimeZone } from '@/lib/i18n/time-zone'
import { BUCKETS } from '@/lib/progress/buckets'
import { orgReadiness } from '@/lib/progress/overview'
import { PrintButton } from '@/components/content/PrintButton'
import { Pipeline } from '@/components/progress/Pipeline'

export const metadata = { title: 'Readiness report' }

/**
 * A printable organisation readiness report (print or save as PDF from the browser): people per
 * readiness band and the average per role, and the career pipeline. Same numbers as /hr and the CSV.
 */
export default async function HrReportPage() {
  const viewer = await requirePage('/hr/report')
  const lang = await currentLocale()
  const [t, org] = await Promise.all([getTranslations('progress'), orgReadiness(viewer.organizationId)])
  const pct = new Intl.NumberFormat(lang, { style: 'percent' })
  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short', timeZone: appTimeZone() })
  return (
    <article className="report" data-testid="hr-report">
      <div className="row no-print" style={{ justifyContent: 'flex-end' }}>
        <PrintButton label={t('print')} />
      </div>
      <h1>{t('reportTitle', { org: viewer.organizationName })}</h1>
      <p className="lead">
        {t('reportLead', { people: org.people, roles: org.roles.length, at: when.format(org.computedAt) })}
      </p>
      <section>
        <h2>{t('orgTitle')}</h2>
        <table data-testid="report-roles">
          <thead>
            <tr>
              <th scope="col">{t('role')}</th>
              {BUCKETS.map((b, i) => (
                <th scope="col" key={b}>
                  {t(`bucket${i as 0 | 1 | 2 | 3}`)}
                </th>
              ))}
              <th scope="col">{t('average')}</th>
            </tr>
          </thead>
          <tbody>
            {org.perRole.map((r) => (
              <tr key={r.roleId}>
                <th scope="row">{r.role.title}</th>
                {r.buckets.map((n, i) => (
                  <td key={i}>{n}</td>
                ))}
                <td>{pct.format(r.mean)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <Pipeline steps={org.pipeline} links={false} />
      <p className="hint">{t('reportMethod')}</p>
    </article>
  )
}
