/** Locale negotiation. Pure. Order: the user's saved setting, the language cookie, Accept-Language, English. */
export const LOCALES = ['en', 'ja'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'en'
export const LOCALE_COOKIE = 'kenshu-locale'

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v)
}

/** Best supported match for an Accept-Language header (q-values honoured, region ignored). */
export function negotiate(acceptLanguage: string | null | undefined): Locale | null {
  if (!acceptLanguage) return null
  const ranked = acceptLanguage
    .slice(0, 512)
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
      const weight = q ? Number(q.slice(2)) : 1
      return { lang: tag.toLowerCase().split('-')[0] ?? '', weight: Number.isFinite(weight) ? weight : 0, i }
    })
    .filter((x) => x.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.i - b.i)
  return ranked.map((x) => x.lang).find(isLocale) ?? null
}

export function resolveLocale(input: {
  userLocale?: string | null
  cookie?: string | null
  acceptLanguage?: string | null
}): Locale {
  if (isLocale(input.userLocale)) return input.userLocale
  if (isLocale(input.cookie)) return input.cookie
  return negotiate(input.acceptLanguage) ?? DEFAULT_LOCALE
}
