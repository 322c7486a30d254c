/**
 * A small RFC 4180 CSV reader that remembers on which physical line each record starts, so
 * upload errors can say "line 12" and the user finds the row in a text editor (a record with a
 * quoted multi-line cell spans several physical lines; spreadsheet row numbers would drift).
 *
 * Pure. Accepts what Excel and LibreOffice write plus a few common hand-edited variants:
 * - line ends CRLF, LF or a lone CR (each counts as one physical line);
 * - quoted fields with "" escapes and embedded line breaks (CRLF inside a cell becomes LF);
 * - spaces before an opening quote or after a closing quote (`a, "b,c" ,d`) are ignored;
 * - a quote inside an unquoted field is kept literally (`5" disk`);
 * - lines that are empty or only spaces are skipped.
 * Rejects an unterminated quoted field (reported at the line where the quote opened) and text
 * after a closing quote (`"a"b`), which have no unambiguous reading.
 */

export type CsvDelimiter = ',' | '\t' | ';'

export const CSV_DELIMITERS: ReadonlyArray<CsvDelimiter> = [',', '\t', ';']

/** One record: `line` is the 1-based physical line it starts on. Cells are not trimmed. */
export type CsvRecord = { line: number; cells: string[] }

export type CsvReadResult =
  | { ok: true; delimiter: CsvDelimiter; records: CsvRecord[] }
  /**
   * `cell` is the 0-based index of the cell that broke and `records` those read before it, so
   * callers can name the column from the header row.
   */
  | { ok: false; line: number; cell: number; reason: string; records: CsvRecord[] }

/**
 * Picks the delimiter that occurs most often (outside quotes) in the first non-blank line;
 * comma on a tie or when none occurs (a one-column file).
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>(CSV_DELIMITERS.map((d) => [d, 0]))
  let inQuotes = false
  let sawContent = false
  for (const ch of text) {
    if (ch === '"') inQuotes = !inQuotes
    else if (!inQuotes && (ch === '\n' || ch === '\r')) {
      if (sawContent) break
    } else if (!inQuotes && counts.has(ch as CsvDelimiter)) {
      counts.set(ch as CsvDelimiter, (counts.get(ch as CsvDelimiter) ?? 0) + 1)
    }
    if (ch.trim() !== '') sawContent = true
  }
  let best: CsvDelimiter = ','
  for (const d of CSV_DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d
  return best
}

/** Reads the whole text. The delimiter is detected from the first line unless given. */
export function readCsv(text: string, delimiter: CsvDelimiter = detectDelimiter(text)): CsvReadResult {
  const n = text.length
  const records: CsvRecord[] = []
  // Spaces around quotes are skippable padding; a tab is padding only when it is not the delimiter.
  const isPad = (ch: string | undefined) => ch === ' ' || (ch === '\t' && delimiter !== '\t')
  let i = 0
  let line = 1

  while (i < n) {
    const recordLine = line
    const cells: string[] = []
    let blank = true // one unquoted, whitespace-only cell so far
    for (;;) {
      // One field starting at i.
      let j = i
      while (j < n && isPad(text[j])) j++
      if (text[j] === '"') {
        const openLine = line
        const parts: string[] = []
        i = j + 1
        for (;;) {
          if (i >= n) {
            return {
              ok: false,
              line: openLine,
              cell: cells.length,
              reason: `unterminated quoted cell: the " opened on line ${openLine} is never closed`,
              records,
            }
          }
          const ch = text[i]
          if (ch === '"') {
            if (text[i + 1] === '"') {
              parts.push('"')
              i += 2
              continue
            }
            i++
            break
          }
          if (ch === '\r' || ch === '\n') {
            const crlf = ch === '\r' && text[i + 1] === '\n'
            parts.push(ch === '\r' && !crlf ? '\r' : '\n')
            i += crlf ? 2 : 1
            line++
            continue
          }
          // Copy the run up to the next quote or line break in one go.
          let k = i + 1
          while (k < n && text[k] !== '"' && text[k] !== '\r' && text[k] !== '\n') k++
          parts.push(text.slice(i, k))
          i = k
        }
        while (i < n && isPad(text[i])) i++
        if (i < n && text[i] !== delimiter && text[i] !== '\r' && text[i] !== '\n') {
          return {
            ok: false,
            line,
            cell: cells.length,
            reason: 'text after a closing quote: quote the whole cell and double any " inside it ("")',
            records,
          }
        }
        cells.push(parts.join(''))
        blank = false
      } else {
        let k = i
        while (k < n && text[k] !== delimiter && text[k] !== '\r' && text[k] !== '\n') k++
        const cell = text.slice(i, k)
        if (cell.trim() !== '') blank = false
        cells.push(cell)
        i = k
      }
      if (i < n && text[i] === delimiter) {
        blank = false
        i++
        continue
      }
      break
    }
    // End of record: consume the line break.
    if (i < n) {
      i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1
      line++
    }
    if (!blank) records.push({ line: recordLine, cells })
  }
  return { ok: true, delimiter, records }
}
