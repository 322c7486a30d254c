import { describe, expect, test } from 'vitest'
import { isStorageUnavailable, isUniqueViolation } from './errors'

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

describe('isStorageUnavailable', () => {
  test('an unreachable PostgreSQL, a full SQLite disk, a pool timeout, also as a cause', () => {
    expect(isStorageUnavailable({ code: 'P1001' })).toBe(true)
    expect(isStorageUnavailable(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).toBe(true)
    expect(isStorageUnavailable(new Error('SqliteError: database or disk is full'))).toBe(true)
    expect(isStorageUnavailable({ code: 'P2024', message: 'Timed out fetching a new connection' })).toBe(true)
    expect(isStorageUnavailable(new Error('x', { cause: new Error('Connection terminated unexpectedly') }))).toBe(true)
  })
  test('ordinary errors are not', () => {
    for (const e of [null, { code: 'P2002' }, new Error('Unique constraint failed'), new Error('boom')])
      expect(isStorageUnavailable(e)).toBe(false)
  })
})
