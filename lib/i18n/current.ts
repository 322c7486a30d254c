import 'server-only'
import { getLocale } from 'next-intl/server'
import { isLocale, DEFAULT_LOCALE, type Locale } from './locale'

/** The request's UI locale as one of ours ('ja' | 'en'), for picking localized content. */
export async function currentLocale(): Promise<Locale> {
  const l = await getLocale()
  return isLocale(l) ? l : DEFAULT_LOCALE
}
