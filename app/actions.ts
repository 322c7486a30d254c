'use server'
import { cookies } from 'next/headers'
import { z } from 'zod'
import { runPublicAction } from '@/lib/http/run-action'
import { LOCALE_COOKIE, LOCALES } from '@/lib/i18n/locale'
import { setUserLocale } from '@/lib/org/queries'

const LocaleSchema = z.object({ locale: z.union([z.enum(LOCALES), z.literal('browser')]) })

/** Stores the language choice: a cookie for everyone, plus the user's own setting when signed in. */
export async function setLocaleAction(formData: FormData) {
  return runPublicAction('setLocaleAction', formData, LocaleSchema, async ({ locale }, viewer) => {
    const store = await cookies()
    if (locale === 'browser') store.delete(LOCALE_COOKIE)
    else store.set(LOCALE_COOKIE, locale, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 3600, httpOnly: true })
    if (viewer) await setUserLocale(viewer.id, locale === 'browser' ? null : locale)
    return { ok: true }
  })
}
