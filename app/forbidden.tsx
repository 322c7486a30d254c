import Link from 'next/link'
import { getTranslations } from 'next-intl/server'

export default async function Forbidden() {
  const t = await getTranslations('forbidden')
  return (
    <div className="card" data-testid="forbidden" style={{ maxWidth: 640 }}>
      <p className="badge danger">403</p>
      <h1>{t('title')}</h1>
      <p className="muted">{t('body')}</p>
      <Link className="button" href="/">
        {t('home')}
      </Link>
    </div>
  )
}
