/**
 * Texts shared by the exercise pages (server and client): team names, durations and the one-line
 * description of a timeline event. Pure; translators are passed in (next-intl `t` of `exercises`).
 */
import type { EventView } from '@/lib/exercises/types'

export type Translate = {
  (key: string, values?: Record<string, string | number>): string
  has(key: string): boolean
}

/** Teams are stored with neutral names ("Team 3"); shown as "Team 3" / "チーム 3". */
export function teamLabel(t: Translate, name: string): string {
  const m = /^Team (\d+)$/.exec(name)
  return m ? t('teamName', { n: Number(m[1]) }) : name
}

import { formatClock, formatOffset } from '@/lib/exercises/format'

export { formatClock, formatOffset }

const str = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : null

/**
 * What happened, in words: the event type's name and a short detail from the event's data. Learner
 * and instructor text (a wrong answer, an inject's title) comes back as a plain string for React to
 * escape; nothing here is markup.
 */
export function eventText(
  t: Translate,
  ev: Pick<EventView, 'type' | 'detail'>,
): { label: string; detail: string | null } {
  const label = t.has(`events.${ev.type}`) ? t(`events.${ev.type}`) : ev.type
  const d = ev.detail ?? {}
  let detail: string | null = null
  switch (ev.type) {
    case 'extend':
      if (str(d.minutes)) detail = t('eventDetail.minutes', { minutes: Number(d.minutes) })
      break
    case 'hint':
      if (typeof d.hintIndex === 'number')
        detail = t('eventDetail.hint', { n: d.hintIndex + 1, penalty: Number(d.penalty ?? 0) })
      break
    case 'env':
      if (str(d.state) && t.has(`env.${String(d.state)}`)) detail = t(`env.${String(d.state)}`)
      break
    case 'inject': {
      const kind = str(d.kind)
      const title = str(d.title)
      detail =
        [kind && t.has(`kinds.${kind}`) ? t(`kinds.${kind}`) : null, title].filter(Boolean).join(': ') || null
      break
    }
    case 'check':
      if (d.final) detail = t('eventDetail.final')
      break
    case 'answer':
      if (str(d.input)) detail = t('eventDetail.input', { input: String(d.input) })
      break
    case 'close':
      if (d.by === 'time') detail = t('eventDetail.byTime')
      break
    case 'complete':
      if (str(d.score)) detail = t('eventDetail.score', { score: Number(d.score) })
      break
    case 'resume':
      if (typeof d.pausedSec === 'number')
        detail = t('eventDetail.pausedFor', { time: formatClock(d.pausedSec * 1000) })
      break
    default:
      break
  }
  return { label, detail }
}
