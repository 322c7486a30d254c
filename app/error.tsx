'use client'
import { useTranslations } from 'next-intl'

export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations('error')
  return (
    <div className="card" role="alert" style={{ maxWidth: 640 }}>
      <h1>{t('title')}</h1>
      <p className="muted">{t('body')}</p>
      <button type="button" onClick={reset}>
        {t('retry')}
      </button>
    </div>
  )
}
