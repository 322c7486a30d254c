'use client'
import { useTransition } from 'react'
import { useRouter } from 'next/navigation'
import { useTranslations } from 'next-intl'
import { setLocaleAction } from '@/app/actions'
import { LOCALES } from '@/lib/i18n/locale'

export function SettingsLanguageForm({ saved }: { saved: string; current: string }) {
  const t = useTranslations()
  const router = useRouter()
  const [pending, start] = useTransition()
  return (
    <form
      className="stack"
      action={(fd) =>
        start(async () => {
          await setLocaleAction(fd)
          router.refresh()
        })
      }
    >
      <fieldset style={{ border: 0, padding: 0 }}>
        <legend className="sr-only">{t('settings.languageTitle')}</legend>
        {[...LOCALES, 'browser' as const].map((l) => (
          <label key={l} className="row" style={{ fontWeight: 400 }}>
            <input type="radio" name="locale" value={l} defaultChecked={saved === l} />
            {l === 'browser' ? t('settings.followBrowser') : t(`locale.${l}`)}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={pending}>
        {t('common.save')}
      </button>
    </form>
  )
}
