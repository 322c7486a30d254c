import { getLocale, getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { listApiTokens } from '@/lib/api/tokens'
import { ActionForm } from '@/components/ActionForm'
import { createApiTokenAction, revokeApiTokenAction } from '../actions'
import { appTimeZone } from '@/lib/i18n/time-zone'

export const metadata = { title: 'API tokens' }

export default async function ApiTokensPage() {
  const viewer = await requirePage('/admin/api-tokens')
  const locale = await getLocale()
  const [t, tokens] = await Promise.all([getTranslations('apiTokens'), listApiTokens(viewer.organizationId)])
  const fmt = new Intl.DateTimeFormat(locale, { timeZone: appTimeZone(), dateStyle: 'medium', timeStyle: 'short' })
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      <div className="two-col">
        <section className="card">
          <ActionForm
            action={createApiTokenAction}
            successKey="apiTokens.created"
            showDataKey="token"
            resetOnSuccess
            testId="create-token"
          >
            <label htmlFor="tok-name">{t('name')}</label>
            <input id="tok-name" name="name" required maxLength={80} />
            <label htmlFor="tok-scope">{t('scope')}</label>
            <select id="tok-scope" name="scope" defaultValue="read">
              <option value="read">{t('scopeRead')}</option>
              <option value="write">{t('scopeWrite')}</option>
            </select>
            <div>
              <button type="submit">{t('create')}</button>
            </div>
          </ActionForm>
        </section>
        <section className="card">
          {tokens.length === 0 ? <p className="empty">{t('empty')}</p> : null}
          <ul className="stack" style={{ listStyle: 'none', padding: 0 }} data-testid="tokens">
            {tokens.map((tok) => (
              <li key={tok.id} className="row">
                <div style={{ flex: 1 }}>
                  <strong>{tok.name}</strong> <span className="badge">{tok.scope}</span>{' '}
                  {tok.revokedAt ? <span className="badge muted">{t('revoked')}</span> : null}
                  <div className="hint">
                    {t('prefix')} <span className="mono">{tok.prefix}…</span> · {t('createdAt')}{' '}
                    {fmt.format(tok.createdAt)}
                    {tok.createdByName ? ` (${tok.createdByName})` : ''} · {t('lastUsed')}{' '}
                    {tok.lastUsedAt ? fmt.format(tok.lastUsedAt) : t('never')}
                  </div>
                </div>
                {!tok.revokedAt ? (
                  <ActionForm action={revokeApiTokenAction} className="row">
                    <input type="hidden" name="tokenId" value={tok.id} />
                    <button type="submit" className="secondary">
                      {t('revoke')}
                    </button>
                  </ActionForm>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </>
  )
}
