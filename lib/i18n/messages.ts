import en from '@/messages/en.json'
import ja from '@/messages/ja.json'
import type { Locale } from './locale'

export type Messages = typeof en
const ALL: Record<Locale, Messages> = { en, ja }

/** The message catalogue for a locale. Both catalogues have the same keys (a test enforces it). */
export function loadMessages(locale: Locale): Messages {
  return ALL[locale]
}
