import Link from 'next/link'
import { getTranslations } from 'next-intl/server'

export default async function NotFound() {
  const t = await getTranslations('notFound')
  return (
    <div className="card" style={{ maxWidth: 640 }}>
      <p className="badge muted">404</p>
      <h1>{t('title')}</h1>
      <p className="muted">{t('body')}</p>
      <Link className="button" href="/">
        {t('home')}
      </Link>
    </div>
  )
}
