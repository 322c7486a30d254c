import { describe, it, expect } from 'vitest'
import { detectDelimiter, readCsv } from './csv'

const ok = (text: string) => {
  const r = readCsv(text)
  if (!r.ok) throw new Error(`expected ok, got line ${r.line}: ${r.reason}`)
  return r
}

describe('detectDelimiter', () => {
  it('picks the most frequent of comma, tab and semicolon in the first non-blank line', () => {
    expect(detectDelimiter('a,b,c\n')).toBe(',')
    expect(detectDelimiter('a\tb\tc\nx,y,z,w,v\n')).toBe('\t')
    expect(detectDelimiter('\n\n  \na;b;c,d\n')).toBe(';')
  })

  it('ignores delimiters inside quotes and falls back to comma', () => {
    expect(detectDelimiter('"a;b;c",d\n')).toBe(',')
    expect(detectDelimiter('single\n')).toBe(',')
    expect(detectDelimiter('a;b,c\n')).toBe(',')
  })
})

describe('readCsv', () => {
  it('reads plain records with their physical line numbers', () => {
    expect(ok('a,b\n1,2\n').records).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', '2'] },
    ])
  })

  it('handles quotes, "" escapes and embedded line breaks, counting physical lines', () => {
    const r = ok('h1,h2\r\n"multi\r\nline","say ""hi"""\r\nnext,"a,b"\r\n')
    expect(r.records).toEqual([
      { line: 1, cells: ['h1', 'h2'] },
      { line: 2, cells: ['multi\nline', 'say "hi"'] },
      { line: 4, cells: ['next', 'a,b'] },
    ])
  })

  it('skips blank lines but keeps counting them', () => {
    const r = ok('a,b\n\n   \r\n1,2')
    expect(r.records).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 4, cells: ['1', '2'] },
    ])
  })

  it('treats a lone CR as a line break', () => {
    expect(ok('a\rb\r').records).toEqual([
      { line: 1, cells: ['a'] },
      { line: 2, cells: ['b'] },
    ])
  })

  it('keeps empty trailing cells and rows of empty cells', () => {
    expect(ok('a,b,\n,,\n').records).toEqual([
      { line: 1, cells: ['a', 'b', ''] },
      { line: 2, cells: ['', '', ''] },
    ])
  })

  it('allows spaces around quoted cells and keeps quotes inside unquoted cells', () => {
    expect(ok('a, "b,c" ,5" disk\n').records[0]?.cells).toEqual(['a', 'b,c', '5" disk'])
  })

  it('uses the given or detected delimiter', () => {
    expect(ok('a\tb\tc,d\n1\t2,3\t4\n').delimiter).toBe('\t')
    expect(ok('a\tb\tc,d\n1\t2,3\t4\n').records[1]?.cells).toEqual(['1', '2,3', '4'])
    const semi = readCsv('a;b\n1;2', ';')
    expect(semi.ok && semi.records[1]?.cells).toEqual(['1', '2'])
  })

  it('reports an unterminated quote at the line where it opened', () => {
    expect(readCsv('a,b\nx,y\n1,"open\nstill open\n')).toEqual({
      ok: false,
      line: 3,
      cell: 1,
      reason: 'unterminated quoted cell: the " opened on line 3 is never closed',
      records: [
        { line: 1, cells: ['a', 'b'] },
        { line: 2, cells: ['x', 'y'] },
      ],
    })
  })

  it('rejects text after a closing quote', () => {
    const r = readCsv('a,b\n"x"y,z\n')
    expect(r.ok).toBe(false)
    if (!r.ok) expect([r.line, r.cell]).toEqual([2, 0])
  })

  it('reads an empty text as no records', () => {
    expect(ok('').records).toEqual([])
  })
})
