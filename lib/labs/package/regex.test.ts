import { describe, expect, test } from 'vitest'
import { checkRegexSafety, compileAuthorRegex, escapeRegex, regexPlaceholders } from './regex'

describe('checkRegexSafety', () => {
  test.each(['^{{C2_ADDR}}(:23)?$', '^(?:root|admin)$', '^\\d{1,3}(\\.\\d{1,3}){3}$', '^[a-z0-9]+$', '(foo|bar)?', '^a+b+c+$', 'x{2,}'])(
    'accepts %s',
    (p) => expect(checkRegexSafety(p)).toBeNull(),
  )

  test.each(['^(a+)+$', '(a*)*', '(a|aa)*', '(\\w+\\s?)*$', '((ab)+)+', '(?:a|b)+', '(x+){2,}'])('rejects %s', (p) => {
    expect(checkRegexSafety(p)).toMatch(/catastrophically/)
  })

  test('rejects backreferences and invalid syntax', () => {
    expect(checkRegexSafety('(a)\\1')).toMatch(/backreferences/)
    expect(checkRegexSafety('(unclosed')).toMatch(/^invalid regular expression/)
  })

  test('escaped parentheses and classes are not groups', () => {
    expect(checkRegexSafety('\\(a+\\)+')).toBeNull()
    expect(checkRegexSafety('[(a+)]+')).toBeNull()
  })
})

describe('placeholders', () => {
  test('lists names once', () => expect(regexPlaceholders('{{A}}-{{B_1}}-{{A}}')).toEqual(['A', 'B_1']))
  test('values are escaped so they cannot change the pattern', () => {
    const r = compileAuthorRegex('^{{V}}$', { V: 'a.b(c)*' }, 'u')
    expect(r.ok && r.regex.test('a.b(c)*')).toBe(true)
    expect(r.ok && r.regex.test('aXb(c)')).toBe(false)
    expect(escapeRegex('1.2')).toBe('1\\.2')
  })
  test('a missing value is an error', () => {
    expect(compileAuthorRegex('{{V}}', {}, 'u')).toEqual({ ok: false, error: 'per-session variable V is not set' })
  })
})

describe('escapeRegex with the u flag', () => {
  test('values with hyphens, slashes and dots match themselves exactly', () => {
    for (const v of ['2026-11-25T01:23:45Z', 'files.kita-minato.example', 'backup/2026-11-24/share', 'a+b(c)[d]{e}|f^$'])
      expect(new RegExp(`^${escapeRegex(v)}$`, 'u').test(v)).toBe(true)
    expect(new RegExp(`^${escapeRegex('kita-minato.example')}$`, 'u').test('kitaXminatoYexample')).toBe(false)
  })
})
