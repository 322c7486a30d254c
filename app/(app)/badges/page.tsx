import Link from 'next/link'
import { getLocale, getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { organisationBadges } from '@/lib/badges/store'
import { ActionForm } from '@/components/ActionForm'
import { revokeBadgeAction } from './actions'
import { appTimeZone } from '@/lib/i18n/time-zone'

export const metadata = { title: 'Issued badges' }

/** The organisation's issued Open Badges (who, what, when, status), with revocation (badges:manage). */
export default async function IssuedBadgesPage() {
  const viewer = await requirePage('/badges')
  const locale = await getLocale()
  const [t, badges] = await Promise.all([
    getTranslations('badges'),
    organisationBadges(viewer.organizationId),
  ])
  const fmt = new Intl.DateTimeFormat(locale, { timeZone: appTimeZone(), dateStyle: 'medium' })
  return (
    <>
      <h1>{t('adminTitle')}</h1>
      <p className="lead">{t('adminLead')}</p>
      {badges.length === 0 ? <p className="empty">{t('empty')}</p> : null}
      {badges.length > 0 ? (
        <div className="table-wrap">
          <table data-testid="issued-badges">
            <thead>
              <tr>
                <th scope="col">{t('holder')}</th>
                <th scope="col">{t('badge')}</th>
                <th scope="col">{t('issued')}</th>
                <th scope="col">{t('status')}</th>
              </tr>
            </thead>
            <tbody>
              {badges.map((b) => (
                <tr key={b.id} data-testid="issued-badge">
                  <td>{b.holderName}</td>
                  <td>
                    <Link href={`/badges/${b.id}`}>{b.name}</Link>
                    <div className="hint">{t(`kind.${b.kind}`)}</div>
                  </td>
                  <td>{fmt.format(b.issuedAt)}</td>
                  <td>
                    {b.revokedAt ? (
                      <>
                        <span className="badge danger">
                          {t('revokedOn', { date: fmt.format(b.revokedAt) })}
                        </span>
                        {b.revocationReason ? (
                          <div className="hint">
                            {t('reason')}: {b.revocationReason}
                          </div>
                        ) : null}
                      </>
                    ) : (
                      <>
                        <span className="badge ok">{t('active')}</span>
                        <ActionForm
                          action={revokeBadgeAction}
                          successKey="badges.revokedDone"
                          testId="revoke-badge"
                        >
                          <input type="hidden" name="credentialId" value={b.id} />
                          <label htmlFor={`reason-${b.id}`}>{t('reason')}</label>
                          <input id={`reason-${b.id}`} name="reason" required maxLength={500} />
                          <p className="hint" style={{ margin: 0 }}>
                            {t('reasonHint')}
                          </p>
                          <div>
                            <button type="submit" className="secondary">
                              {t('revoke')}
                            </button>
                          </div>
                        </ActionForm>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  )
}
