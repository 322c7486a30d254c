import { describe, expect, it } from 'vitest'
import {
  AssignFormSchema,
  assignProblems,
  completionFor,
  countByStatus,
  dateIn,
  daysOverdue,
  endOfDay,
  itemHref,
  parseEvidenceSource,
  sortAssignments,
  statusOf,
} from './status'

const now = new Date('2026-11-26T03:00:00Z') // 12:00 in Tokyo
const h = (hours: number) => new Date(now.getTime() + hours * 3_600_000)
const a = (id: string, dueAt: Date, completedAt: Date | null = null, cancelledAt: Date | null = null) => ({
  id,
  dueAt,
  completedAt,
  cancelledAt,
})

describe('statusOf', () => {
  it('covers every state at a moment', () => {
    expect(statusOf(a('1', h(24 * 10)), now)).toBe('open')
    expect(statusOf(a('1', h(72)), now)).toBe('due-soon')
    expect(statusOf(a('1', h(72.01)), now)).toBe('open')
    expect(statusOf(a('1', h(0)), now)).toBe('due-soon')
    expect(statusOf(a('1', h(-0.01)), now)).toBe('overdue')
    expect(statusOf(a('1', h(-5), h(-6)), now)).toBe('done')
    expect(statusOf(a('1', h(-5), h(-5)), now)).toBe('done')
    expect(statusOf(a('1', h(-5), h(-4)), now)).toBe('done-late')
    // Cancelled wins, even over completion.
    expect(statusOf(a('1', h(-5), h(-4), h(-3)), now)).toBe('cancelled')
    expect(statusOf(a('1', h(-5), null, h(-3)), now)).toBe('cancelled')
  })
  it('counts whole days overdue', () => {
    expect(daysOverdue(h(1), now)).toBe(0)
    expect(daysOverdue(h(-23), now)).toBe(0)
    expect(daysOverdue(h(-49), now)).toBe(2)
  })
})

describe('sortAssignments', () => {
  it('puts the most urgent first and done work after open work', () => {
    const rows = [
      a('done-old', h(-100), h(-200)),
      a('open-far', h(24 * 20)),
      a('cancelled', h(10), null, h(-1)),
      a('overdue-1d', h(-24)),
      a('soon', h(10)),
      a('overdue-5d', h(-120)),
      a('done-late', h(-100), h(-50)),
      a('open-near', h(24 * 5)),
    ]
    expect(sortAssignments(rows, now).map((r) => r.id)).toEqual([
      'overdue-5d',
      'overdue-1d',
      'soon',
      'open-near',
      'open-far',
      'done-late',
      'done-old',
      'cancelled',
    ])
    expect(countByStatus(rows, now)).toEqual({
      overdue: 2,
      'due-soon': 1,
      open: 2,
      'done-late': 1,
      done: 1,
      cancelled: 1,
    })
  })
})

describe('dates in the app time zone', () => {
  it('ends a due date at midnight in that zone', () => {
    expect(endOfDay('2026-12-01', 'Asia/Tokyo')!.toISOString()).toBe('2026-12-01T14:59:59.999Z')
    expect(endOfDay('2026-12-01', 'UTC')!.toISOString()).toBe('2026-12-01T23:59:59.999Z')
    // Across a daylight-saving change (New York: EST on 1 Nov after 02:00).
    expect(endOfDay('2026-11-01', 'America/New_York')!.toISOString()).toBe('2026-11-02T04:59:59.999Z')
    expect(endOfDay('2026-07-01', 'America/New_York')!.toISOString()).toBe('2026-07-02T03:59:59.999Z')
    expect(endOfDay('2026-02-30', 'UTC')).toBeNull()
    expect(endOfDay('26-2-3', 'UTC')).toBeNull()
    expect(dateIn(new Date('2026-11-30T16:00:00Z'), 'Asia/Tokyo')).toBe('2026-12-01')
  })
})

describe('assignProblems', () => {
  const ok = { itemKind: 'lab', itemId: 'iot-triage', dueAt: endOfDay('2026-11-26', 'Asia/Tokyo')! }
  it('accepts today and later, refuses the past, far future, long notes and unknown kinds', () => {
    expect(assignProblems(ok, now, 'Asia/Tokyo')).toEqual({})
    expect(assignProblems({ ...ok, note: 'x'.repeat(500) }, now, 'Asia/Tokyo')).toEqual({})
    expect(
      assignProblems({ ...ok, dueAt: endOfDay('2026-11-25', 'Asia/Tokyo')! }, now, 'Asia/Tokyo'),
    ).toEqual({ dueAt: 'dueInPast' })
    expect(
      assignProblems({ ...ok, dueAt: endOfDay('2036-11-25', 'Asia/Tokyo')! }, now, 'Asia/Tokyo'),
    ).toEqual({ dueAt: 'dueTooFar' })
    expect(
      assignProblems(
        { itemKind: 'tabletop', itemId: '../x', dueAt: new Date(NaN), note: 'x'.repeat(501) },
        now,
        'Asia/Tokyo',
      ),
    ).toEqual({ itemKind: 'invalid', itemId: 'invalid', dueAt: 'invalid', note: 'noteTooLong' })
  })
  it('parses the form', () => {
    const p = AssignFormSchema.parse({ userId: 'u1', item: 'module:intro-1', due: '2026-12-01', note: '  ' })
    expect(p).toEqual({
      userId: 'u1',
      item: { itemKind: 'module', itemId: 'intro-1' },
      due: '2026-12-01',
      note: null,
    })
    expect(AssignFormSchema.safeParse({ userId: 'u1', item: 'tabletop:x', due: '2026-12-01' }).success).toBe(
      false,
    )
    expect(AssignFormSchema.safeParse({ userId: 'u1', item: 'lab:x', due: '1/12/2026' }).success).toBe(false)
    const long = AssignFormSchema.safeParse({
      userId: 'u1',
      item: 'lab:x',
      due: '2026-12-01',
      note: 'x'.repeat(501),
    })
    expect(long.success ? [] : long.error.issues.map((i) => i.message)).toEqual(['noteTooLong'])
  })
})

describe('helpers', () => {
  it('links each kind to its page', () => {
    expect(['lab', 'module', 'curriculum', 'briefing'].map((k) => itemHref(k as 'lab', 'x'))).toEqual([
      '/labs/x',
      '/learn/modules/x',
      '/learn/curricula/x',
      '/briefings/x',
    ])
  })
  it('counts work done before the assignment, and prefers the first completion after it', () => {
    const created = h(0)
    expect(completionFor(created, [])).toBeNull()
    expect(completionFor(created, [h(-48), h(-24)])).toEqual(h(-24))
    expect(completionFor(created, [h(-24), h(30), h(5)])).toEqual(h(5))
  })
  it('reads evidence sources', () => {
    expect(parseEvidenceSource('lab-task', 's1:t2')).toEqual({
      kind: 'lab',
      labSessionId: 's1',
      taskId: 't2',
    })
    expect(parseEvidenceSource('lab-complete', 's1')).toEqual({ kind: 'lab', labSessionId: 's1' })
    expect(parseEvidenceSource('quiz', 'module:m1:att')).toEqual({ kind: 'module', itemId: 'm1' })
    expect(parseEvidenceSource('briefing', 'b1')).toEqual({ kind: 'briefing', itemId: 'b1' })
    expect(parseEvidenceSource('attestation', 'x')).toEqual({ kind: 'other', type: 'attestation' })
    expect(parseEvidenceSource('exercise-task', 'team1:harden-gw01')).toEqual({ kind: 'exercise', teamId: 'team1', taskId: 'harden-gw01' })
  })
})

it('localDateTimeIn: the wall clock of a time zone, as datetime-local wants it', async () => {
  const { localDateTimeIn, localTime } = await import('./status')
  expect(localDateTimeIn(new Date('2026-12-01T00:30:00Z'), 'Asia/Tokyo')).toBe('2026-12-01T09:30')
  expect(localDateTimeIn(new Date('2026-12-31T23:59:00Z'), 'UTC')).toBe('2026-12-31T23:59')
  expect(localTime(2026, 12, 1, 9, 30, 0, 0, 'Asia/Tokyo')?.toISOString()).toBe('2026-12-01T00:30:00.000Z')
})
