/**
 * Assignments (issue #6): a manager assigns a lab, module, curriculum or briefing to a person with a due
 * date. Pure rules: the status of an assignment at a moment, the order lists show them in, and the
 * validation of new assignments. Data access is in ./store.ts (server-only).
 *
 * Due dates are calendar dates in the application's time zone (KENSHU_TIME_ZONE, default Asia/Tokyo,
 * the zone next-intl formats dates in): an item due on 2026-12-01 is on time until the end of that day
 * there, and `dueAt` stores that instant.
 */
import { z } from 'zod'
import type { Permission } from '../auth/rbac'
import { appTimeZone } from '../i18n/time-zone'

export const ITEM_KINDS = ['lab', 'module', 'curriculum', 'briefing'] as const
export type ItemKind = (typeof ITEM_KINDS)[number]

export function isItemKind(v: unknown): v is ItemKind {
  return typeof v === 'string' && (ITEM_KINDS as readonly string[]).includes(v)
}

/** The permission an assignee needs to open an item of each kind. */
export const KIND_PERMISSION: Record<ItemKind, Permission> = {
  lab: 'lab:use',
  module: 'learn:use',
  curriculum: 'learn:use',
  briefing: 'brief:use',
}

/** Where the learner opens an item. */
export function itemHref(kind: ItemKind, id: string): string {
  switch (kind) {
    case 'lab':
      return `/labs/${id}`
    case 'module':
      return `/learn/modules/${id}`
    case 'curriculum':
      return `/learn/curricula/${id}`
    case 'briefing':
      return `/briefings/${id}`
  }
}

/** Most urgent first: the order of the status column and of sorted lists. */
export const STATUSES = ['overdue', 'due-soon', 'open', 'done-late', 'done', 'cancelled'] as const
export type AssignmentStatus = (typeof STATUSES)[number]

export const DUE_SOON_DAYS = 3
export const NOTE_MAX = 500
/** Due dates further ahead than this are refused (a typo such as 2062 instead of 2026). */
export const MAX_DUE_DAYS = 3 * 366
const DAY = 86_400_000

export type StatusFields = { dueAt: Date; completedAt: Date | null; cancelledAt: Date | null }

/**
 * - cancelled: withdrawn by a manager (wins over everything else);
 * - done / done-late: completed by the due instant, or after it;
 * - overdue: not completed and the due instant has passed;
 * - due-soon: not completed and due within DUE_SOON_DAYS (3 × 24 h);
 * - open: otherwise.
 */
export function statusOf(a: StatusFields, now: Date): AssignmentStatus {
  if (a.cancelledAt) return 'cancelled'
  if (a.completedAt) return a.completedAt.getTime() <= a.dueAt.getTime() ? 'done' : 'done-late'
  const left = a.dueAt.getTime() - now.getTime()
  if (left < 0) return 'overdue'
  if (left <= DUE_SOON_DAYS * DAY) return 'due-soon'
  return 'open'
}

export function isOpen(a: Pick<StatusFields, 'completedAt' | 'cancelledAt'>): boolean {
  return !a.completedAt && !a.cancelledAt
}

/** Whole days past the due instant (0 when not overdue). */
export function daysOverdue(dueAt: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - dueAt.getTime()) / DAY))
}

/**
 * Most urgent first: overdue (longest overdue first), due soon and open (earliest due first), then done
 * (most recently completed first), cancelled last. Stable for equal keys (by id).
 */
export function sortAssignments<T extends StatusFields & { id: string }>(
  rows: ReadonlyArray<T>,
  now: Date,
): T[] {
  const rank = (a: T) => STATUSES.indexOf(statusOf(a, now))
  const key = (a: T) => {
    const s = statusOf(a, now)
    if (s === 'done' || s === 'done-late') return -a.completedAt!.getTime()
    if (s === 'cancelled') return -a.cancelledAt!.getTime()
    return a.dueAt.getTime()
  }
  return [...rows].sort((a, b) => rank(a) - rank(b) || key(a) - key(b) || a.id.localeCompare(b.id))
}

export function countByStatus(
  rows: ReadonlyArray<StatusFields>,
  now: Date,
): Record<AssignmentStatus, number> {
  const out = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<AssignmentStatus, number>
  for (const r of rows) out[statusOf(r, now)]++
  return out
}

// ---- dates in the application time zone ----

export { appTimeZone }

const ymdFormatters = new Map<string, Intl.DateTimeFormat>()
function partsIn(at: Date, timeZone: string) {
  let f = ymdFormatters.get(timeZone)
  if (!f)
    ymdFormatters.set(
      timeZone,
      (f = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      })),
    )
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]))
  return {
    y: Number(p.year),
    m: Number(p.month),
    d: Number(p.day),
    h: Number(p.hour),
    min: Number(p.minute),
    s: Number(p.second),
  }
}

/** `at` as a wall-clock `YYYY-MM-DDTHH:MM` in `timeZone` (what `<input type="datetime-local">` shows). */
export function localDateTimeIn(at: Date, timeZone: string): string {
  const { y, m, d, h, min } = partsIn(at, timeZone)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${y}-${two(m)}-${two(d)}T${two(h)}:${two(min)}`
}

/** The calendar date (YYYY-MM-DD) of `at` in `timeZone`. */
export function dateIn(at: Date, timeZone: string): string {
  const { y, m, d } = partsIn(at, timeZone)
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

/** Offset of `timeZone` from UTC at `at`, in ms (Asia/Tokyo: +9 h). */
function offsetAt(at: Date, timeZone: string): number {
  const { y, m, d, h, min, s } = partsIn(at, timeZone)
  return Date.UTC(y, m - 1, d, h, min, s) - Math.floor(at.getTime() / 1000) * 1000
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** The last millisecond of calendar date `date` (YYYY-MM-DD) in `timeZone`; null for an invalid date. */
export function endOfDay(date: string, timeZone: string): Date | null {
  const m = DATE.exec(date)
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  return localTime(y, mo, d, 23, 59, 59, 999, timeZone)
}

/** The instant of a wall-clock time in `timeZone`; null for an impossible date. */
export function localTime(y: number, mo: number, d: number, h: number, min: number, s: number, ms: number, timeZone: string): Date | null {
  const check = new Date(Date.UTC(y, mo - 1, d))
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null
  if (h > 23 || min > 59 || s > 59) return null
  const local = Date.UTC(y, mo - 1, d, h, min, s, ms)
  // Two passes settle the offset across a daylight-saving change.
  let at = local - offsetAt(new Date(local), timeZone)
  at = local - offsetAt(new Date(at), timeZone)
  return new Date(at)
}

// ---- validation ----

export type AssignInput = {
  userId: string
  itemKind: ItemKind
  itemId: string
  dueAt: Date
  note?: string | null
}

const ITEM_ID = /^[a-z0-9][a-z0-9-]{0,63}$/

/**
 * Problems with a new assignment, as `{ field: errors.<key> }` (empty when valid): a known kind, a
 * well-formed item id, a due date no earlier than today (in the app time zone) and at most
 * MAX_DUE_DAYS ahead, and a note of at most NOTE_MAX characters.
 */
export function assignProblems(
  input: { itemKind: string; itemId: string; dueAt: Date; note?: string | null },
  now: Date,
  timeZone = appTimeZone(),
): Record<string, string> {
  const out: Record<string, string> = {}
  if (!isItemKind(input.itemKind)) out.itemKind = 'invalid'
  if (!ITEM_ID.test(input.itemId)) out.itemId = 'invalid'
  if (!(input.dueAt instanceof Date) || Number.isNaN(input.dueAt.getTime())) out.dueAt = 'invalid'
  else if (dateIn(input.dueAt, timeZone) < dateIn(now, timeZone)) out.dueAt = 'dueInPast'
  else if (input.dueAt.getTime() - now.getTime() > MAX_DUE_DAYS * DAY) out.dueAt = 'dueTooFar'
  if ((input.note ?? '').length > NOTE_MAX) out.note = 'noteTooLong'
  return out
}

/** The assign form: `item` is `<kind>:<id>` (one select), `due` a date input (YYYY-MM-DD). */
export const AssignFormSchema = z.object({
  userId: z
    .string()
    .min(1)
    .max(40)
    .regex(/^[a-z0-9]+$/i, 'invalid'),
  item: z
    .string()
    .regex(/^(lab|module|curriculum|briefing):[a-z0-9][a-z0-9-]{0,63}$/, 'invalid')
    .transform((v) => {
      const i = v.indexOf(':')
      return { itemKind: v.slice(0, i) as ItemKind, itemId: v.slice(i + 1) }
    }),
  due: z.string().regex(DATE, 'invalid'),
  note: z
    .string()
    .max(NOTE_MAX, 'noteTooLong')
    .optional()
    .transform((v) => v?.trim() || null),
})

export const CancelFormSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(40)
    .regex(/^[a-z0-9]+$/i, 'invalid'),
})

/** When an item counts as completed for an assignment created at `createdAt`, from completion times. */
export function completionFor(createdAt: Date, completions: ReadonlyArray<Date>): Date | null {
  if (!completions.length) return null
  const sorted = [...completions].sort((a, b) => a.getTime() - b.getTime())
  // The first completion since the assignment; otherwise the latest one before it (work done earlier counts).
  return sorted.find((c) => c.getTime() >= createdAt.getTime()) ?? sorted[sorted.length - 1]!
}

/** Where a piece of evidence came from (Evidence.sourceType / sourceId), for the drill-in. */
export type EvidenceSource =
  | { kind: 'lab'; labSessionId: string; taskId?: string }
  | { kind: 'module'; itemId: string }
  | { kind: 'briefing'; itemId: string }
  | { kind: 'exercise'; teamId: string; taskId: string }
  | { kind: 'other'; type: string }

export function parseEvidenceSource(sourceType: string, sourceId: string): EvidenceSource {
  if (sourceType === 'lab-task') {
    const i = sourceId.indexOf(':')
    return i > 0
      ? { kind: 'lab', labSessionId: sourceId.slice(0, i), taskId: sourceId.slice(i + 1) }
      : { kind: 'lab', labSessionId: sourceId }
  }
  if (sourceType === 'lab-complete') return { kind: 'lab', labSessionId: sourceId }
  if (sourceType === 'exercise-task') {
    const i = sourceId.indexOf(':')
    if (i > 0) return { kind: 'exercise', teamId: sourceId.slice(0, i), taskId: sourceId.slice(i + 1) }
  }
  if (sourceType === 'quiz') {
    const [type, itemId] = sourceId.split(':')
    if ((type === 'module' || type === 'briefing') && itemId) return { kind: type, itemId }
  }
  if (sourceType === 'briefing') return { kind: 'briefing', itemId: sourceId }
  return { kind: 'other', type: sourceType }
}
