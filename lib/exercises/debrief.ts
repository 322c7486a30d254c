/**
 * The debrief's arithmetic, pure: minutes to each pass, the median across teams, common wrong
 * answers, the CSV. Tested in debrief.test.ts; the store only feeds it rows.
 */
import { csvCell } from '../frameworks/upload/export-csv'
import { normalizeText } from '../labs/package/grading'

/** Minutes (one decimal) from `from` to `to`, minus pauses that overlapped; null when not passed. */
export function minutesBetween(from: Date | null, to: Date | null, pauses: ReadonlyArray<{ start: Date; end: Date }> = []): number | null {
  if (!from || !to) return null
  let ms = to.getTime() - from.getTime()
  for (const p of pauses) {
    const overlap = Math.min(to.getTime(), p.end.getTime()) - Math.max(from.getTime(), p.start.getTime())
    if (overlap > 0) ms -= overlap
  }
  return Math.max(0, Math.round(ms / 6000) / 10)
}

export function median(values: ReadonlyArray<number>): number | null {
  if (!values.length) return null
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  const hi = s[m] as number
  return s.length % 2 ? hi : Math.round((((s[m - 1] as number) + hi) / 2) * 10) / 10
}

/** Wrong answers grouped after normalisation (case-insensitive), most frequent first, at most `limit`. */
export function commonWrongAnswers(inputs: ReadonlyArray<string>, limit = 5): { input: string; count: number }[] {
  const groups = new Map<string, { input: string; count: number }>()
  for (const raw of inputs) {
    const key = normalizeText(raw, true)
    if (!key) continue
    const g = groups.get(key)
    if (g) g.count++
    else groups.set(key, { input: raw.trim().slice(0, 120), count: 1 })
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.input.localeCompare(b.input)).slice(0, limit)
}

/** Pause intervals replayed from the timeline (pause … resume; an open pause runs to `until`). */
export function pauseIntervals(events: ReadonlyArray<{ type: string; at: Date }>, until: Date): { start: Date; end: Date }[] {
  const out: { start: Date; end: Date }[] = []
  let start: Date | null = null
  for (const e of [...events].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    if (e.type === 'pause' && !start) start = e.at
    if ((e.type === 'resume' || e.type === 'close') && start) {
      out.push({ start, end: e.at })
      start = null
    }
  }
  if (start) out.push({ start, end: until })
  return out
}

export type CsvRow = {
  team: string
  members: string
  taskId: string
  task: string
  kind: string
  passed: boolean
  passedBy: string
  minutes: number | null
  attempts: number
  hints: number
  points: number
}

/** One row per team × task; UTF-8 BOM and CRLF so spreadsheets open it as written. */
export function debriefCsv(rows: ReadonlyArray<CsvRow>): string {
  const header = ['team', 'members', 'task_id', 'task', 'kind', 'passed', 'passed_by', 'minutes_to_pass', 'attempts', 'hints', 'points']
  const lines = [header, ...rows.map((r) => [r.team, r.members, r.taskId, r.task, r.kind, r.passed ? 'yes' : 'no', r.passedBy, r.minutes === null ? '' : String(r.minutes), String(r.attempts), String(r.hints), String(r.points)])]
  return '\uFEFF' + lines.map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n'
}
