import { describe, expect, test } from 'vitest'
import { hashPassword, passwordProblems, verifyPassword } from './password'

describe('password hashing', () => {
  test('round trip, wrong password, unicode normalisation', async () => {
    const h = await hashPassword('correct horse battery')
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(await verifyPassword('correct horse battery', h)).toBe(true)
    expect(await verifyPassword('correct horse batterY', h)).toBe(false)
    const jp = await hashPassword('ﾊﾟｽﾜｰﾄﾞ-kenshu') // half-width kana
    expect(await verifyPassword('パスワード-kenshu', jp)).toBe(true)
  })
  test('salts differ', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'))
  })
  test('unknown user (null hash) never verifies but still costs a full check', async () => {
    const t = performance.now()
    expect(await verifyPassword('anything', null)).toBe(false)
    expect(performance.now() - t).toBeGreaterThan(1)
  })
  test('malformed stored hashes are rejected, not thrown', async () => {
    for (const bad of ['', 'plain', 'scrypt$1$2$3', 'scrypt$99999999999$8$1$AA$AA', 'md5$x$y$z$a$b'])
      expect(await verifyPassword('x', bad)).toBe(false)
  })
  test('length rules', () => {
    expect(passwordProblems('short')).toEqual(['passwordTooShort'])
    expect(passwordProblems('x'.repeat(300))).toEqual(['passwordTooLong'])
    expect(passwordProblems('long enough pw')).toEqual([])
  })
})
