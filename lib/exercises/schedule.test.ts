import { describe, expect, test } from 'vitest'
import { allowed, assignHosts, balanceTeams, clockOf, environmentIds, parseLocalDateTime, windowOver } from './schedule'

const base = {
  startsAt: new Date('2026-12-01T00:00:00Z'),
  endsAt: new Date('2026-12-01T02:00:00Z'),
  extraMinutes: 0,
  openedAt: null,
  pausedAt: null,
  pausedMs: 0,
  closedAt: null,
}
const t = (iso: string) => new Date(iso).getTime()

describe('clockOf', () => {
  test('scheduled: nothing used, the whole window left', () => {
    const c = clockOf({ ...base, state: 'scheduled' }, t('2026-11-30T23:00:00Z'))
    expect(c.elapsedMs).toBe(0)
    expect(c.remainingMs).toBe(3 * 3600_000)
    expect(c.paused).toBe(false)
  })
  test('open: counts from the opening; extensions move the end', () => {
    const e = { ...base, state: 'open', openedAt: new Date('2026-12-01T00:10:00Z'), extraMinutes: 15 }
    const c = clockOf(e, t('2026-12-01T01:10:00Z'))
    expect(c.elapsedMs).toBe(3600_000)
    expect(c.remainingMs).toBe(65 * 60_000)
  })
  test('a pause freezes the remaining time and pushes the end back', () => {
    const e = { ...base, state: 'paused', openedAt: base.startsAt, pausedAt: new Date('2026-12-01T01:00:00Z'), pausedMs: 5 * 60_000 }
    const a = clockOf(e, t('2026-12-01T01:00:00Z'))
    const b = clockOf(e, t('2026-12-01T01:20:00Z'))
    expect(a.remainingMs).toBe(65 * 60_000)
    expect(b.remainingMs).toBe(a.remainingMs)
    expect(b.elapsedMs).toBe(a.elapsedMs)
    expect(b.endsAt - a.endsAt).toBe(20 * 60_000)
    expect(b.paused).toBe(true)
  })
  test('closed: no time left, time used up to the close', () => {
    const e = { ...base, state: 'closed', openedAt: base.startsAt, closedAt: new Date('2026-12-01T01:30:00Z') }
    const c = clockOf(e, t('2026-12-02T00:00:00Z'))
    expect(c.remainingMs).toBe(0)
    expect(c.elapsedMs).toBe(90 * 60_000)
  })
  test('windowOver only for open exercises past the end', () => {
    const open = { ...base, state: 'open', openedAt: base.startsAt }
    expect(windowOver(open, t('2026-12-01T01:59:59Z'))).toBe(false)
    expect(windowOver(open, t('2026-12-01T02:00:00Z'))).toBe(true)
    expect(windowOver({ ...open, state: 'paused', pausedAt: new Date('2026-12-01T01:00:00Z') }, t('2026-12-01T05:00:00Z'))).toBe(false)
  })
})

describe('transitions', () => {
  test('open only when scheduled, close only when running, teams only before the opening', () => {
    expect(allowed('open', 'scheduled')).toBe(true)
    expect(allowed('open', 'closed')).toBe(false)
    expect(allowed('open', 'open')).toBe(false)
    expect(allowed('close', 'paused')).toBe(true)
    expect(allowed('close', 'scheduled')).toBe(false)
    expect(allowed('edit', 'open')).toBe(false)
    expect(allowed('inject', 'scheduled')).toBe(false)
    expect(allowed('resume', 'open')).toBe(false)
  })
})

describe('balanceTeams', () => {
  test('fewest teams of at most `size`, sizes differ by at most one', () => {
    const people = Array.from({ length: 10 }, (_, i) => i)
    const teams = balanceTeams(people, 4)
    expect(teams).toHaveLength(3)
    expect(teams.map((t) => t.length).sort()).toEqual([3, 3, 4])
    expect(teams.flat().sort((a, b) => a - b)).toEqual(people)
    expect(teams[0]).toEqual([0, 3, 6, 9])
  })
  test('80 people in teams of four: 20 teams', () => {
    expect(balanceTeams(Array.from({ length: 80 }, (_, i) => i), 4)).toHaveLength(20)
  })
  test('edge cases', () => {
    expect(balanceTeams([], 4)).toEqual([])
    expect(balanceTeams(['a'], 4)).toEqual([['a']])
    expect(() => balanceTeams(['a'], 5)).toThrow(RangeError)
    expect(() => balanceTeams(['a'], 0)).toThrow(RangeError)
  })
})

test('assignHosts: one terminal host each, wrapping around', () => {
  const m = assignHosts(['a', 'b', 'c'], ['ws01', 'gw01'])
  expect([...m.values()]).toEqual(['ws01', 'gw01', 'ws01'])
  expect(assignHosts(['a'], []).get('a')).toBeNull()
})

test('parseLocalDateTime reads the wall clock of the app time zone', () => {
  expect(parseLocalDateTime('2026-12-01T09:30', 'Asia/Tokyo')?.toISOString()).toBe('2026-12-01T00:30:00.000Z')
  expect(parseLocalDateTime('2026-12-01T09:30', 'UTC')?.toISOString()).toBe('2026-12-01T09:30:00.000Z')
  expect(parseLocalDateTime('2026-02-30T09:30', 'UTC')).toBeNull()
  expect(parseLocalDateTime('2026-12-01T25:00', 'UTC')).toBeNull()
  expect(parseLocalDateTime('2026-12-01 09:30', 'UTC')).toBeNull()
})

test('environment ids fit the driver and team-network id rules and start with srv-', () => {
  const ids = environmentIds('cmabcdefghijklmnopqrstuvwx', 3)
  expect(ids.networkId).toMatch(/^srv-[a-z0-9-]{1,43}$/)
  expect(ids.sandboxId('gw01')).toMatch(/^srv-[a-z0-9-]{1,60}$/)
  expect(environmentIds('cmabcdefghijklmnopqrstuvwx', 4).networkId).not.toBe(ids.networkId)
})
