'use client'
import { useTransition } from 'react'
import { useRouter } from 'next/navigation'
import { useTranslations } from 'next-intl'
import { setLocaleAction } from '@/app/actions'
import { LOCALES, type Locale } from '@/lib/i18n/locale'

/** Language switch: saves the choice (cookie, and the user's setting when signed in) and re-renders. */
export function LanguageSwitch({ current }: { current: Locale }) {
  const t = useTranslations()
  const router = useRouter()
  const [pending, start] = useTransition()
  return (
    <form
      className="lang-switch"
      action={(fd) =>
        start(async () => {
          await setLocaleAction(fd)
          router.refresh()
        })
      }
    >
      <label className="sr-only" htmlFor="lang-select">
        {t('common.language')}
      </label>
      <select
        id="lang-select"
        name="locale"
        defaultValue={current}
        disabled={pending}
        onChange={(e) => e.currentTarget.form?.requestSubmit()}
        data-testid="language-switch"
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`locale.${l}`)}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit">{t('common.change')}</button>
      </noscript>
    </form>
  )
}
