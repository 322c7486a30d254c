import { readFileSync } from 'node:fs'
import { describe, it, expect } from 'vitest'
import { SAVE_AS_CSV_UTF8, SHIFT_JIS_WARNING, decodeUpload } from './decode'

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)))
const utf8Source = readFileSync(new URL('./fixtures/japanese-headers.csv', import.meta.url), 'utf8')

describe('decodeUpload', () => {
  it('reads plain UTF-8', () => {
    const r = decodeUpload(fixture('valid-utf8.csv'))
    expect(r).toMatchObject({ ok: true, encoding: 'UTF-8', warnings: [] })
    expect(r.ok && r.text.startsWith('type,id,text')).toBe(true)
  })

  it('strips a UTF-8 BOM and reports it', () => {
    const r = decodeUpload(fixture('utf8-bom.csv'))
    expect(r).toMatchObject({ ok: true, encoding: 'UTF-8 (BOM)' })
    expect(r.ok && r.text).toBe(readFileSync(new URL('./fixtures/valid-utf8.csv', import.meta.url), 'utf8'))
  })

  it('reads UTF-16LE with a BOM', () => {
    const r = decodeUpload(fixture('utf16le.csv'))
    expect(r).toMatchObject({ ok: true, encoding: 'UTF-16LE', text: utf8Source })
  })

  it('reads UTF-16BE with a BOM', () => {
    const le = fixture('utf16le.csv')
    const be = new Uint8Array(le.length)
    for (let i = 0; i + 1 < le.length; i += 2) {
      be[i] = le[i + 1]!
      be[i + 1] = le[i]!
    }
    expect(decodeUpload(be)).toMatchObject({ ok: true, encoding: 'UTF-16BE', text: utf8Source })
  })

  it('falls back to Shift_JIS with a warning', () => {
    const r = decodeUpload(fixture('shift-jis.csv'))
    expect(r).toEqual({ ok: true, encoding: 'Shift_JIS', text: utf8Source, warnings: [SHIFT_JIS_WARNING] })
  })

  it('rejects a workbook (ZIP signature) with the "CSV UTF-8" hint', () => {
    expect(decodeUpload(fixture('workbook.xlsx'))).toEqual({ ok: false, reason: SAVE_AS_CSV_UTF8 })
    expect(SAVE_AS_CSV_UTF8).toContain('"CSV UTF-8')
  })

  it('rejects a legacy XLS (OLE2 signature)', () => {
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0])
    expect(decodeUpload(xls)).toEqual({ ok: false, reason: SAVE_AS_CSV_UTF8 })
  })

  it('rejects binary files (NUL bytes)', () => {
    const r = decodeUpload(fixture('binary.bin'))
    expect(r.ok).toBe(false)
    expect(!r.ok && r.reason).toMatch(/^binary file/)
  })

  it('rejects NUL inside UTF-16 text', () => {
    const r = decodeUpload(new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x00, 0x00]))
    expect(!r.ok && r.reason).toMatch(/^binary file/)
  })

  it('rejects bytes that are neither UTF-8 nor Shift_JIS', () => {
    // 0x80 alone is invalid in both; 0xFF too.
    const r = decodeUpload(new Uint8Array([0x61, 0x2c, 0x80, 0xff, 0x0a]))
    expect(r.ok).toBe(false)
    expect(!r.ok && r.reason).toMatch(/^not UTF-8 or Shift_JIS text/)
  })

  it('rejects a UTF-8 BOM followed by invalid UTF-8', () => {
    const r = decodeUpload(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xc3]))
    expect(r).toEqual({ ok: false, reason: 'not valid UTF-8 (BOM) text' })
  })
})
