/**
 * Full-text search over framework statements (or anything with an `id` and a `text`).
 *
 * Pure and synchronous. Build the index once (createSearchIndex), then query it many times.
 *
 * - Matching is substring-based on normalized text: Unicode NFKC + lowercase + whitespace runs
 *   collapsed. So "ｲﾝｼﾃﾞﾝﾄ" finds "インシデント", "ＳＩＥＭ" finds "SIEM", and Japanese (no spaces
 *   between words) works without a tokenizer.
 * - The query is split on whitespace into terms; "double quotes" keep a phrase together. Every
 *   term must match (AND), either in the text or in the id.
 * - Ranking: an exact id match beats everything, then an id prefix ("T12" → T1200…), then text
 *   occurrences weighted by word boundaries (whole word 3, word start or end 2, inside a word 1),
 *   summed over all occurrences (term frequency). Ties: id matches in index order, then shorter
 *   text first, then index order.
 * - Highlights are ranges in UTF-16 offsets of the ORIGINAL text (`text.slice(start, end)`), even
 *   when normalization changed lengths (half-width kana, ligatures, full-width letters).
 *
 * Normalization is applied per character (a base character plus its combining marks), which is
 * what keeps the offset map exact; composition across separate base characters (e.g. Hangul jamo
 * sequences) is not performed.
 */

/** What can be searched: an identifier and a text. */
export type Searchable = { readonly id: string; readonly text: string }

/** A half-open range [start, end) in UTF-16 code units of the original text. */
export type HighlightRange = { start: number; end: number }

export type SearchHit<T extends Searchable> = {
  item: T
  score: number
  /** Query terms matched the id (exactly or as a prefix). */
  idMatch: boolean
  /** Sorted, non-overlapping ranges in `item.text`. */
  highlights: ReadonlyArray<HighlightRange>
}

type Entry<T extends Searchable> = {
  item: T
  order: number
  norm: string
  normId: string
  /** For each UTF-16 unit of `norm`: the original range it came from. */
  from: Uint32Array
  to: Uint32Array
}

/** A prebuilt index; opaque, create with createSearchIndex. */
export type SearchIndex<T extends Searchable> = { readonly entries: ReadonlyArray<Entry<T>> }

export type SearchOptions<T extends Searchable> = {
  /** Maximum number of hits (default 20). */
  limit?: number
  /** Only consider items for which this returns true (e.g. one statement type). */
  filter?: (item: T) => boolean
}

const WHITESPACE = /\s/u
const WORD_CHAR = /[\p{L}\p{N}]/u
// Marks that NFKC folds into the preceding character: combining marks, half-width (semi-)voiced sound marks.
const ATTACHES = /[\p{M}\uFF9E\uFF9F]/u

function foldSegment(segment: string): string {
  return segment.normalize('NFKC').toLowerCase()
}

/**
 * Normalizes text the way the index does (NFKC, lowercase, whitespace runs → one space, trimmed).
 * Use it to compare user input with indexed text.
 */
export function normalizeForSearch(text: string): string {
  return normalizeWithMap(text).norm
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

function normalizeWithMap(text: string): { norm: string; from: Uint32Array; to: Uint32Array } {
  // Fast path (all NICE statements): NFKC is the identity on printable ASCII, so only case
  // folding and space collapsing remain.
  if (PRINTABLE_ASCII.test(text) && !text.includes('  ') && !text.startsWith(' ') && !text.endsWith(' ')) {
    const from = new Uint32Array(text.length)
    const to = new Uint32Array(text.length)
    for (let k = 0; k < text.length; k++) {
      from[k] = k
      to[k] = k + 1
    }
    return { norm: text.toLowerCase(), from, to }
  }
  const out: string[] = []
  const from: number[] = []
  const to: number[] = []
  let lastWasSpace = true // also trims leading whitespace
  let i = 0
  while (i < text.length) {
    const start = i
    const first = text.codePointAt(i) ?? 0
    i += first > 0xffff ? 2 : 1
    while (i < text.length) {
      const cp = text.codePointAt(i) ?? 0
      const ch = String.fromCodePoint(cp)
      if (!ATTACHES.test(ch)) break
      i += ch.length
    }
    const folded = foldSegment(text.slice(start, i))
    for (const unit of folded) {
      if (WHITESPACE.test(unit)) {
        if (lastWasSpace) continue
        lastWasSpace = true
        out.push(' ')
        from.push(start)
        to.push(i)
        continue
      }
      lastWasSpace = false
      for (let k = 0; k < unit.length; k++) {
        from.push(start)
        to.push(i)
      }
      out.push(unit)
    }
  }
  let norm = out.join('')
  if (norm.endsWith(' ')) norm = norm.slice(0, -1)
  return {
    norm,
    from: Uint32Array.from(from.slice(0, norm.length)),
    to: Uint32Array.from(to.slice(0, norm.length)),
  }
}

/** Builds the search index once; O(total text length). */
export function createSearchIndex<T extends Searchable>(items: ReadonlyArray<T>): SearchIndex<T> {
  return {
    entries: items.map((item, order) => {
      const { norm, from, to } = normalizeWithMap(item.text)
      return { item, order, norm, normId: normalizeForSearch(item.id), from, to }
    }),
  }
}

const QUOTES = /["“”„]/u

/**
 * Splits a query into normalized terms. Whitespace separates terms; text in double quotes
 * (ASCII or typographic) is one term. Duplicate terms are dropped.
 */
export function parseQuery(query: string): string[] {
  const terms: string[] = []
  const norm = normalizeForSearch(query)
  let current = ''
  let inQuote = false
  const flush = () => {
    const t = current.trim()
    if (t && !terms.includes(t)) terms.push(t)
    current = ''
  }
  for (const ch of norm) {
    if (QUOTES.test(ch)) {
      flush()
      inQuote = !inQuote
    } else if (ch === ' ' && !inQuote) flush()
    else current += ch
  }
  flush()
  return terms
}

function isWordChar(s: string, i: number): boolean {
  const c = s.charCodeAt(i)
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) // NaN (out of range) → false
  return WORD_CHAR.test(s.charAt(i))
}

/** Score of one term against one entry; 0 = no match. `positions` (if given) receives match offsets. */
function scoreTerm(
  entry: Entry<Searchable>,
  term: string,
  positions?: number[],
): { score: number; idMatch: boolean } {
  let score = 0
  let idMatch = false
  if (entry.normId === term) {
    score += 1000
    idMatch = true
  } else if (term.length >= 2 && entry.normId.startsWith(term)) {
    score += 200
    idMatch = true
  }
  const { norm } = entry
  let at = norm.indexOf(term)
  while (at !== -1) {
    positions?.push(at)
    const end = at + term.length
    const startsWord = !isWordChar(norm, at - 1) || !isWordChar(norm, at)
    const endsWord = !isWordChar(norm, end) || !isWordChar(norm, end - 1)
    score += 1 + (startsWord ? 1 : 0) + (endsWord ? 1 : 0)
    at = norm.indexOf(term, end)
  }
  return { score, idMatch }
}

function toHighlights(
  entry: Entry<Searchable>,
  spans: ReadonlyArray<readonly [number, number]>,
): HighlightRange[] {
  const ranges = spans
    .map(([s, e]) => ({ start: entry.from[s] ?? 0, end: entry.to[e - 1] ?? 0 }))
    .sort((a, b) => a.start - b.start || a.end - b.end)
  const merged: HighlightRange[] = []
  for (const r of ranges) {
    const last = merged[merged.length - 1]
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end)
    else merged.push({ ...r })
  }
  return merged
}

/**
 * Returns the best `limit` items matching every term of `query`, best first.
 * An empty or whitespace-only query returns no hits.
 */
export function search<T extends Searchable>(
  index: SearchIndex<T>,
  query: string,
  options: SearchOptions<T> = {},
): SearchHit<T>[] {
  const terms = parseQuery(query)
  const limit = options.limit ?? 20
  if (terms.length === 0 || limit <= 0) return []
  // Longest term first: it is usually the most selective, so later terms run on fewer entries.
  const ordered = [...terms].sort((a, b) => b.length - a.length)
  // Pass 1 scores only; highlight offsets are computed for the returned hits alone, which keeps
  // broad queries ("a", "e") as fast as narrow ones.
  const hits: Array<{ entry: Entry<T>; score: number; idMatch: boolean }> = []
  for (const entry of index.entries) {
    if (options.filter && !options.filter(entry.item)) continue
    let score = 0
    let idMatch = false
    for (const term of ordered) {
      const m = scoreTerm(entry, term)
      if (m.score === 0) {
        score = 0
        break
      }
      score += m.score
      idMatch ||= m.idMatch
    }
    if (score > 0) hits.push({ entry, score, idMatch })
  }
  // Ties: id matches in index order (K0720, K0721 …), then shorter texts, then index order.
  const lengthKey = (h: (typeof hits)[number]) => (h.idMatch ? -1 : h.entry.norm.length)
  hits.sort((a, b) => b.score - a.score || lengthKey(a) - lengthKey(b) || a.entry.order - b.entry.order)
  return hits.slice(0, limit).map(({ entry, score, idMatch }) => {
    const spans: Array<[number, number]> = []
    for (const term of ordered) {
      const positions: number[] = []
      scoreTerm(entry, term, positions)
      for (const p of positions) spans.push([p, p + term.length])
    }
    return { item: entry.item, score, idMatch, highlights: toHighlights(entry, spans) }
  })
}

/**
 * Splits a text into plain and highlighted parts for rendering (`<mark>` the `match` parts).
 * Ranges must be sorted and non-overlapping, as returned by search().
 */
export function splitHighlights(
  text: string,
  highlights: ReadonlyArray<HighlightRange>,
): Array<{ text: string; match: boolean }> {
  const parts: Array<{ text: string; match: boolean }> = []
  let at = 0
  for (const { start, end } of highlights) {
    if (start > at) parts.push({ text: text.slice(at, start), match: false })
    if (end > start) parts.push({ text: text.slice(start, end), match: true })
    at = Math.max(at, end)
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false })
  return parts
}
