import { appTimeZone } from '../lib/i18n/time-zone'
import { cookies, headers } from 'next/headers'
import { getRequestConfig } from 'next-intl/server'
import { getViewer } from '@/lib/auth/session'
import { LOCALE_COOKIE, resolveLocale } from '@/lib/i18n/locale'
import { loadMessages } from '@/lib/i18n/messages'

export default getRequestConfig(async () => {
  const [viewer, cookieStore, headerStore] = await Promise.all([getViewer().catch(() => null), cookies(), headers()])
  const locale = resolveLocale({
    userLocale: viewer?.locale,
    cookie: cookieStore.get(LOCALE_COOKIE)?.value,
    acceptLanguage: headerStore.get('accept-language'),
  })
  return {
    locale,
    messages: loadMessages(locale),
    timeZone: appTimeZone(),
    onError(error) {
      // Tests run with KENSHU_STRICT_I18N=1 so a missing translation fails the page instead of
      // quietly showing a key; production logs it and shows the fallback.
      if (process.env.KENSHU_STRICT_I18N === '1') throw error
      console.error(`i18n: ${error.message}`)
    },
  }
})
