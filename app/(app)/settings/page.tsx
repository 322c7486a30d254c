import { getLocale, getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { SettingsLanguageForm } from '@/components/SettingsLanguageForm'

export const metadata = { title: 'Settings' }

export default async function SettingsPage() {
  const viewer = await requirePage('/settings')
  const [t, tr, locale] = await Promise.all([getTranslations('settings'), getTranslations('roles'), getLocale()])
  return (
    <>
      <h1>{t('title')}</h1>
      <div className="grid">
        <section className="card" aria-labelledby="profile-h">
          <h2 id="profile-h">{t('profileTitle')}</h2>
          <p>
            <strong>{viewer.name}</strong>
            <br />
            {viewer.email}
            <br />
            <span className="badge">{tr(viewer.role)}</span> {viewer.organizationName}
          </p>
        </section>
        <section className="card" aria-labelledby="lang-h">
          <h2 id="lang-h">{t('languageTitle')}</h2>
          <p className="hint">{t('languageHint')}</p>
          <SettingsLanguageForm saved={viewer.locale ?? 'browser'} current={locale} />
        </section>
      </div>
    </>
  )
}
