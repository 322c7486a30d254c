import { expect, test } from 'vitest'
import { formatClock, formatOffset } from './format'

test('clock: mm:ss, h:mm:ss, and days past 24 hours', () => {
  expect(formatClock(0)).toBe('00:00')
  expect(formatClock(65_000)).toBe('01:05')
  expect(formatClock(3_600_000 + 61_000)).toBe('1:01:01')
  expect(formatClock(112 * 3_600_000 + 6 * 60_000 + 6_000)).toBe('4d 16:06:06')
  expect(formatClock(-5)).toBe('00:00')
})

test('offset since the opening keeps its sign', () => {
  expect(formatOffset(30_000)).toBe('+00:30')
  expect(formatOffset(-30_000)).toBe('−00:30')
})
