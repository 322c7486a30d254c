import Link from 'next/link'
import { redirect } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { getViewer } from '@/lib/auth/session'
import { HOME_OF } from '@/lib/auth/rbac'

export default async function LandingPage() {
  const viewer = await getViewer()
  if (viewer) redirect(HOME_OF[viewer.role])
  const t = await getTranslations('landing')
  return (
    <>
      <section className="hero">
        <h1>{t('title')}</h1>
        <p className="lead">{t('lead')}</p>
        <Link className="button" href="/signin">
          {t('cta')}
        </Link>
      </section>
      <div className="grid" style={{ marginTop: 28 }}>
        {(['engineers', 'executives', 'hr'] as const).map((k) => (
          <section className="card" key={k}>
            <h2>{t(`${k}Title`)}</h2>
            <p className="muted">{t(k)}</p>
          </section>
        ))}
      </div>
    </>
  )
}
