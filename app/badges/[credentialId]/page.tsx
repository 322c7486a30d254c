import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { currentLocale } from '@/lib/i18n/current'
import { getPublicBadge } from '@/lib/badges/store'
import { appTimeZone } from '@/lib/i18n/time-zone'

export const metadata = { title: 'Badge' }
export const dynamic = 'force-dynamic'

/**
 * Public verification page of one Open Badges 3.0 credential: what was achieved, by whom (the holder's
 * display name: they share it by sharing this link), from which issuer, when, the aligned framework
 * statements, and the result of a verification done on the server now. No email, no other badges.
 */
export default async function BadgePage({ params }: { params: Promise<{ credentialId: string }> }) {
  const { credentialId } = await params
  const badge = await getPublicBadge(credentialId)
  if (!badge) notFound()
  const [t, lang] = await Promise.all([getTranslations('badges'), currentLocale()])
  const dateFmt = new Intl.DateTimeFormat(lang, { timeZone: appTimeZone(), dateStyle: 'long' })
  const timeFmt = new Intl.DateTimeFormat(lang, { timeZone: appTimeZone(), dateStyle: 'medium', timeStyle: 'medium' })
  const c = badge.credential
  const a = c.credentialSubject.achievement
  const v = badge.verification
  const issuer = c.issuer.name
  const status = v.valid ? 'verified' : v.revoked && v.reason === 'revoked' ? 'revoked' : 'invalid'
  return (
    <div className="stack" data-testid="badge-page">
      <p className="muted">{t('standard')}</p>
      <h1 data-testid="badge-name">{a.name}</h1>

      {status === 'verified' ? (
        <div className="alert success" role="status" data-testid="badge-status" data-status="verified">
          <p style={{ margin: 0 }}>
            <strong>{t('verified')}</strong> {t('verifiedLead', { issuer })}
          </p>
          <p className="hint" style={{ margin: '4px 0 0' }}>
            {t('checkedAt', { time: timeFmt.format(new Date(v.checkedAt)) })}
          </p>
        </div>
      ) : status === 'revoked' ? (
        <div className="alert error" role="status" data-testid="badge-status" data-status="revoked">
          <p style={{ margin: 0 }}>
            <strong>{t('revoked')}</strong>{' '}
            {t('revokedLead', { issuer, date: v.revokedAt ? dateFmt.format(new Date(v.revokedAt)) : '' })}
          </p>
        </div>
      ) : (
        <div className="alert error" role="alert" data-testid="badge-status" data-status="invalid">
          <p style={{ margin: 0 }}>
            <strong>{t('invalid')}</strong>{' '}
            {t('invalidLead', { reason: v.reason ? t(`reasons.${v.reason}`) : '' })}
          </p>
        </div>
      )}

      <section className="card">
        <dl className="stack" style={{ margin: 0 }}>
          <div>
            <dt className="muted">{t('awardedTo')}</dt>
            <dd data-testid="badge-holder">{badge.holderName}</dd>
          </div>
          <div>
            <dt className="muted">{t('issuer')}</dt>
            <dd>{issuer}</dd>
          </div>
          <div>
            <dt className="muted">{t('issued')}</dt>
            <dd>{dateFmt.format(badge.issuedAt)}</dd>
          </div>
          <div>
            <dt className="muted">{t('type')}</dt>
            <dd>
              {t(`kind.${badge.kind}`)} <span className="badge muted">{a.achievementType}</span>
            </dd>
          </div>
          <div>
            <dt className="muted">{t('description')}</dt>
            <dd style={{ whiteSpace: 'pre-line' }}>{a.description}</dd>
          </div>
          <div>
            <dt className="muted">{t('criteria')}</dt>
            <dd style={{ whiteSpace: 'pre-line' }}>{a.criteria.narrative}</dd>
          </div>
        </dl>
      </section>

      <section className="card">
        <h2>{t('alignment')}</h2>
        <p className="hint">{t('alignmentLead', { count: a.alignment.length })}</p>
        {a.alignment.length > 0 ? (
          <div className="table-wrap">
            <table data-testid="badge-alignment">
              <thead>
                <tr>
                  <th scope="col">{t('code')}</th>
                  <th scope="col">{t('statement')}</th>
                  <th scope="col">{t('framework')}</th>
                </tr>
              </thead>
              <tbody>
                {a.alignment.map((al) => (
                  <tr key={al.targetCode}>
                    <td className="mono">{al.targetCode}</td>
                    <td>{al.targetName}</td>
                    <td>{al.targetFramework}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      <section className="card">
        <h2>{t('links')}</h2>
        <ul>
          <li>
            <a href={`/api/badges/${badge.id}`} data-testid="badge-json-link">
              {t('json')}
            </a>
          </li>
          <li>
            <a href={`/api/badges/${badge.id}/jwt`}>{t('jwt')}</a>
          </li>
          <li>
            <a href={`/api/badges/issuers/${encodeURIComponent(badge.organizationId)}`}>
              {t('issuerProfile')}
            </a>
          </li>
        </ul>
      </section>
    </div>
  )
}
