import { describe, expect, test } from 'vitest'
import { getFramework } from './catalog'
import {
  createSearchIndex,
  normalizeForSearch,
  parseQuery,
  search,
  splitHighlights,
  type SearchHit,
  type Searchable,
} from './search'

const nice = getFramework('nice')
if (!nice) throw new Error('nice not shipped')
const niceIndex = createSearchIndex(nice.framework.statements)

const ids = (hits: ReadonlyArray<SearchHit<Searchable>>) => hits.map((h) => h.item.id)
const marked = (hit: SearchHit<Searchable> | undefined) =>
  hit ? hit.highlights.map((r) => hit.item.text.slice(r.start, r.end)) : []

describe('query parsing and normalization', () => {
  test('NFKC, lowercase, whitespace collapse', () => {
    expect(normalizeForSearch('  ＳＩＥＭ\u3000Ｌｏｇ  ')).toBe('siem log')
    expect(normalizeForSearch('ｲﾝｼﾃﾞﾝﾄ')).toBe('インシデント')
    expect(normalizeForSearch('ﬁle')).toBe('file')
  })
  test('terms, phrases in quotes, duplicates dropped', () => {
    expect(parseQuery('Incident  RESPONSE incident')).toEqual(['incident', 'response'])
    expect(parseQuery('"incident response" plan')).toEqual(['incident response', 'plan'])
    expect(parseQuery('“incident response”')).toEqual(['incident response'])
    expect(parseQuery('   ')).toEqual([])
  })
})

describe('search over NICE statements', () => {
  test('multi-term queries require every term (AND) and are case-insensitive', () => {
    const hits = search(niceIndex, 'INCIDENT Response', { limit: 100 })
    expect(hits.length).toBeGreaterThan(5)
    for (const h of hits) {
      const text = h.item.text.toLowerCase()
      expect(text).toContain('incident')
      expect(text).toContain('response')
    }
    const broad = search(niceIndex, 'incident', { limit: 1000 })
    expect(broad.length).toBeGreaterThan(hits.length)
  })

  test('a phrase must appear as written', () => {
    const phrase = search(niceIndex, '"response incident"', { limit: 1000 })
    const terms = search(niceIndex, 'response incident', { limit: 1000 })
    expect(phrase.length).toBeLessThan(terms.length)
  })

  test('no results for an absent term, an empty query or a zero limit', () => {
    expect(search(niceIndex, 'incident zzqxj')).toEqual([])
    expect(search(niceIndex, '')).toEqual([])
    expect(search(niceIndex, '  \u3000 ')).toEqual([])
    expect(search(niceIndex, 'incident', { limit: 0 })).toEqual([])
  })

  test('an exact id ranks first; an id prefix finds a range', () => {
    const hits = search(niceIndex, 't0510')
    expect(hits[0]?.item.id).toBe('T0510')
    expect(hits[0]?.idMatch).toBe(true)
    expect(hits[0]?.highlights).toEqual([])
    const prefix = search(niceIndex, 'K072', { limit: 100 })
    expect(ids(prefix)).toEqual(
      Array.from({ length: 10 }, (_, i) => `K072${i}`).filter((id) => nice.statements.has(id)),
    )
    // An id plus a text term: both must match.
    expect(ids(search(niceIndex, 'T0510 incident'))).toEqual(['T0510'])
    expect(search(niceIndex, 'T0510 malware')).toEqual([])
  })

  test('whole words outrank substrings, more occurrences outrank fewer', () => {
    const hits = search(niceIndex, 'log', { limit: 1000 })
    const firstSubstringOnly = hits.findIndex((h) => !/\blogs?\b/i.test(h.item.text))
    const lastWholeWord = hits.map((h) => /\blog\b/i.test(h.item.text)).lastIndexOf(true)
    expect(firstSubstringOnly).toBeGreaterThan(-1) // "technology", "catalog", …
    expect(lastWholeWord).toBeLessThan(firstSubstringOnly)
    const docs = [
      { id: 'A', text: 'risk' },
      { id: 'B', text: 'risk and risk and risk' },
      { id: 'C', text: 'brisket' },
    ]
    expect(ids(search(createSearchIndex(docs), 'risk'))).toEqual(['B', 'A', 'C'])
  })

  test('ties go to the shorter statement, then index order', () => {
    const docs = [
      { id: 'long', text: 'Knowledge of malware analysis tools and techniques' },
      { id: 'short', text: 'Malware analysis' },
      { id: 'short2', text: 'Malware analysts' },
    ]
    const idx = createSearchIndex(docs)
    expect(ids(search(idx, 'malware'))).toEqual(['short', 'short2', 'long'])
  })

  test('highlights cover every occurrence of every term, merged and sorted', () => {
    const [hit] = search(niceIndex, 'response incident', { limit: 1 })
    expect(hit).toBeDefined()
    expect(marked(hit).map((s) => s.toLowerCase())).toEqual(['incident', 'response'])
    const [overlap] = search(
      createSearchIndex([{ id: 'x', text: 'Incident Response' }]),
      'incident "dent resp"',
    )
    expect(overlap?.highlights).toEqual([{ start: 0, end: 13 }])
    expect(splitHighlights('Incident Response', overlap?.highlights ?? [])).toEqual([
      { text: 'Incident Resp', match: true },
      { text: 'onse', match: false },
    ])
  })

  test('filter and limit', () => {
    const skills = search(niceIndex, 'network', { limit: 5, filter: (s) => s.id.startsWith('S') })
    expect(skills).toHaveLength(5)
    expect(skills.every((h) => h.item.id.startsWith('S'))).toBe(true)
  })

  test('non-ASCII text in NICE keeps exact offsets (S0808 has a typographic apostrophe)', () => {
    const [hit] = search(niceIndex, "organization's data")
    // NFKC leaves U+2019 alone, so the ASCII apostrophe does not match it …
    expect(hit?.item.id).not.toBe('S0808')
    const [typographic] = search(niceIndex, 'organization’s data assets')
    expect(typographic?.item.id).toBe('S0808')
    expect(marked(typographic)).toEqual(['organization’s', 'data', 'assets'])
  })
})

describe('Japanese and other non-ASCII text', () => {
  const docs = [
    { id: 'J1', text: 'インシデント対応計画を策定する' },
    { id: 'J2', text: 'ｲﾝｼﾃﾞﾝﾄ発生時にログを保全する' }, // half-width kana in the source
    { id: 'J3', text: 'ＳＩＥＭでログを検索し、インシデントの兆候を見つける' },
    { id: 'J4', text: 'Cafe\u0301 policy for re\u0301sume\u0301 review' }, // é written as e + U+0301
    { id: 'J5', text: '経営層へのリスク報告' },
  ]
  const idx = createSearchIndex(docs)

  test('substring match on NFKC text, without word boundaries', () => {
    expect(ids(search(idx, 'インシデント'))).toEqual(expect.arrayContaining(['J1', 'J2', 'J3']))
    expect(ids(search(idx, 'インシデント'))).toHaveLength(3)
    expect(ids(search(idx, '対応'))).toEqual(['J1'])
    expect(ids(search(idx, 'リスク　報告'))).toEqual(['J5']) // full-width space separates terms
    expect(ids(search(idx, 'ﾛｸﾞ'))).toEqual(expect.arrayContaining(['J2', 'J3']))
  })

  test('full-width and half-width input match either form', () => {
    expect(ids(search(idx, 'siem'))).toEqual(['J3'])
    expect(ids(search(idx, 'ＳＩＥＭ ログ'))).toEqual(['J3'])
    expect(ids(search(idx, 'ｲﾝｼﾃﾞﾝﾄ 保全'))).toEqual(['J2'])
  })

  test('highlight ranges point into the original text even when normalization changed its length', () => {
    const [j2] = search(idx, 'インシデント').filter((h) => h.item.id === 'J2')
    expect(marked(j2)).toEqual(['ｲﾝｼﾃﾞﾝﾄ']) // 7 UTF-16 units in the source, 6 after NFKC
    const [j3] = search(idx, 'siem')
    expect(marked(j3)).toEqual(['ＳＩＥＭ'])
    const [j4] = search(idx, 'résumé')
    expect(j4?.item.id).toBe('J4')
    expect(marked(j4)).toEqual(['re\u0301sume\u0301'])
  })

  test('Japanese and Latin terms combine with AND', () => {
    expect(ids(search(idx, 'SIEM 兆候'))).toEqual(['J3'])
    expect(search(idx, 'SIEM 経営')).toEqual([])
  })
})

describe('performance', () => {
  test('a search over all 2,148 NICE statements takes well under 5 ms', () => {
    const queries = [
      'incident response',
      'network',
      'a',
      'risk management framework',
      'T0510',
      'k07',
      'zzqxj',
      '"security controls" assess',
    ]
    for (let i = 0; i < 20; i++) for (const q of queries) search(niceIndex, q) // warm up the JIT
    const medians: Record<string, number> = {}
    for (const q of queries) {
      const times: number[] = []
      for (let i = 0; i < 31; i++) {
        const t = performance.now()
        search(niceIndex, q)
        times.push(performance.now() - t)
      }
      times.sort((a, b) => a - b)
      medians[q] = times[15] ?? Infinity
    }
    console.info(
      'search median ms over 2,148 statements:',
      Object.fromEntries(Object.entries(medians).map(([q, ms]) => [q, Number(ms.toFixed(3))])),
    )
    for (const ms of Object.values(medians)) expect(ms).toBeLessThan(5)
  })
})
