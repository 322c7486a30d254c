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
  return { locale, messages: loadMessages(locale), timeZone: 'Asia/Tokyo' }
})
