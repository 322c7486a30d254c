import { describe, expect, test } from 'vitest'
import { isUniqueViolation } from './errors'

describe('isUniqueViolation', () => {
  test('Prisma P2002 and the drivers’ own unique errors', () => {
    expect(isUniqueViolation({ code: 'P2002' })).toBe(true)
    expect(isUniqueViolation({ code: 'P2010', meta: { code: '23505' } })).toBe(true)
    expect(isUniqueViolation(new Error('UNIQUE constraint failed: RoleReadiness.userId'))).toBe(true)
    expect(isUniqueViolation(new Error('duplicate key value violates unique constraint "x"'))).toBe(true)
  })
  test('anything else is not', () => {
    for (const e of [null, undefined, 'P2002', { code: 'P2025' }, new Error('connection refused')])
      expect(isUniqueViolation(e)).toBe(false)
  })
})
