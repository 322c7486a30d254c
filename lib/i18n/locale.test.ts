import { describe, expect, test } from 'vitest'
import { negotiate, resolveLocale } from './locale'
import en from '@/messages/en.json'
import ja from '@/messages/ja.json'

describe('locale negotiation', () => {
  test('user setting wins over cookie and browser', () => {
    expect(resolveLocale({ userLocale: 'ja', cookie: 'en', acceptLanguage: 'en' })).toBe('ja')
  })
  test('cookie wins over Accept-Language', () => {
    expect(resolveLocale({ cookie: 'ja', acceptLanguage: 'en-US' })).toBe('ja')
  })
  test('Accept-Language with q-values and regions', () => {
    expect(negotiate('fr-FR,fr;q=0.9,ja;q=0.8,en;q=0.5')).toBe('ja')
    expect(negotiate('ja-JP')).toBe('ja')
    expect(negotiate('en-GB;q=0.2, ja;q=0.1')).toBe('en')
    expect(negotiate('de')).toBeNull()
    expect(negotiate('ja;q=0')).toBeNull()
  })
  test('garbage falls back to English', () => {
    expect(resolveLocale({ userLocale: 'xx', cookie: '<script>', acceptLanguage: ';;;,,q=abc' })).toBe('en')
    expect(resolveLocale({ acceptLanguage: 'ja'.repeat(10_000) })).toBe('en')
  })
})

type Tree = { [k: string]: string | Tree }
function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)))
}
/** ICU argument names (`{name}`, `{name, plural, …}`), as a set: plural branches may repeat them. */
function placeholders(s: string) {
  return [...new Set([...s.matchAll(/\{\s*(\w+)\s*[,}]/g)].map((m) => m[1]))].sort()
}

describe('message catalogues', () => {
  const enKeys = keys(en)
  const jaKeys = keys(ja)
  test('Japanese has every English key', () => expect(enKeys.filter((k) => !jaKeys.includes(k))).toEqual([]))
  test('English has every Japanese key', () => expect(jaKeys.filter((k) => !enKeys.includes(k))).toEqual([]))
  test('no empty translations', () => {
    const get = (t: Tree, k: string) => k.split('.').reduce<string | Tree>((o, p) => (o as Tree)[p] as Tree, t) as string
    for (const k of enKeys) {
      expect(get(en as Tree, k).trim(), `en ${k}`).not.toBe('')
      expect(get(ja as Tree, k).trim(), `ja ${k}`).not.toBe('')
    }
  })
  test('placeholders match between languages', () => {
    const get = (t: Tree, k: string) => k.split('.').reduce<string | Tree>((o, p) => (o as Tree)[p] as Tree, t) as string
    for (const k of enKeys) expect(placeholders(get(ja as Tree, k)), k).toEqual(placeholders(get(en as Tree, k)))
  })
})
