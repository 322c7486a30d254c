import type { EventView } from '@/lib/exercises/types'
import { eventText, type Translate } from './text'

/**
 * The who / what / task / result cells of one timeline event, shared by the live console (client) and
 * the debrief (server): no hooks, the caller passes its `exercises` translator. Learner and instructor
 * text (a wrong answer, an inject's title) is rendered as text.
 */
export function EventCells({ t, ev, taskTitles }: { t: Translate; ev: EventView; taskTitles: ReadonlyMap<string, string> }) {
  const what = eventText(t, ev)
  return (
    <>
      <td>{ev.userName ?? t('console.system')}</td>
      <td>
        {what.label}
        {what.detail ? <span className="muted ex-detail"> · {what.detail}</span> : null}
      </td>
      <td>{ev.taskId ? (taskTitles.get(ev.taskId) ?? ev.taskId) : ''}</td>
      <td>
        {ev.passed === null ? (
          ''
        ) : (
          <span className={`badge ${ev.passed ? 'ok' : 'danger'}`}>{ev.passed ? t('console.passed') : t('console.failed')}</span>
        )}
      </td>
    </>
  )
}

/** The header cells matching {@link EventCells}. */
export function EventHeaderCells({ t }: { t: Translate }) {
  return (
    <>
      <th scope="col">{t('cols.who')}</th>
      <th scope="col">{t('cols.what')}</th>
      <th scope="col">{t('cols.task')}</th>
      <th scope="col">{t('cols.result')}</th>
    </>
  )
}
