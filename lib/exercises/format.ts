/** Durations as the exercise pages show them. Pure. */

/** 75 s → "01:15"; 3 725 s → "1:02:05"; past a day "4d 16:06:06". */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const d = Math.floor(total / 86400)
  const h = Math.floor((total % 86400) / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  // An exercise opened days before its window: "4d 16:06:06" rather than "112:06:06".
  if (d > 0) return `${d}d ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s}`
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${String(m).padStart(2, '0')}:${s}`
}

/** Time since the opening as "+1:02:05" (negative times, e.g. a join before the opening, as "−0:30"). */
export function formatOffset(ms: number): string {
  const sign = ms < 0 ? '−' : '+'
  return sign + formatClock(Math.abs(ms))
}

