import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import { ActionForm } from '@/components/ActionForm'
import type { ActionResult } from '@/lib/http/action-result'
import type { AssignmentView } from '@/lib/assignments/store'
import { itemIndex } from '@/lib/assignments/items'
import { appTimeZone, daysOverdue, itemHref, type AssignmentStatus } from '@/lib/assignments/status'

const BADGE: Record<AssignmentStatus, string> = {
  overdue: 'badge danger',
  'due-soon': 'badge warn',
  open: 'badge',
  done: 'badge ok',
  'done-late': 'badge warn',
  cancelled: 'badge muted',
}

/**
 * Assignments as a table (server component): what, due, status, and optionally who, who assigned it,
 * and a cancel button for open rows. Item titles in `lang`; dates in the application time zone.
 */
export async function AssignmentTable({
  rows,
  lang,
  showWho = false,
  showAssignedBy = true,
  personHref,
  cancelAction,
  testId,
}: {
  rows: ReadonlyArray<AssignmentView>
  lang: 'ja' | 'en'
  showWho?: boolean
  showAssignedBy?: boolean
  /** Link each person's name (manager views: the drill-in). */
  personHref?: (userId: string) => string
  cancelAction?: (formData: FormData) => Promise<ActionResult>
  testId?: string
}) {
  const [t, items] = await Promise.all([getTranslations('assignments'), itemIndex(lang)])
  const now = new Date()
  const fmt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: appTimeZone() })
  return (
    <div className="table-wrap">
      <table data-testid={testId} className="assignments">
        <thead>
          <tr>
            {showWho ? <th scope="col">{t('who')}</th> : null}
            <th scope="col">{t('what')}</th>
            <th scope="col">{t('due')}</th>
            <th scope="col">{t('state')}</th>
            {showAssignedBy ? <th scope="col">{t('assignedBy')}</th> : null}
            {cancelAction ? (
              <th scope="col">
                <span className="sr-only">{t('assign.cancel')}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => {
            const item = items.get(`${a.itemKind}:${a.itemId}`)
            const open = a.status === 'open' || a.status === 'due-soon' || a.status === 'overdue'
            return (
              <tr key={a.id} data-status={a.status}>
                {showWho ? (
                  <th scope="row">
                    {personHref ? <Link href={personHref(a.userId)}>{a.userName}</Link> : a.userName}
                  </th>
                ) : null}
                <td>
                  <span className="hint">{t(`kind.${a.itemKind}`)}</span>{' '}
                  {item ? (
                    <Link href={itemHref(a.itemKind, a.itemId)}>{item.title}</Link>
                  ) : (
                    <span className="muted">{t('removedItem', { id: a.itemId })}</span>
                  )}
                  {a.note ? <div className="hint assignment-note">{a.note}</div> : null}
                </td>
                <td>
                  <time dateTime={a.dueAt.toISOString()}>{fmt.format(a.dueAt)}</time>
                  {a.status === 'overdue' ? (
                    <div className="hint">{t('overdueBy', { days: daysOverdue(a.dueAt, now) })}</div>
                  ) : null}
                </td>
                <td>
                  <span className={BADGE[a.status]}>{t(`status.${a.status}`)}</span>
                  {a.completedAt ? (
                    <div className="hint">{t('completedOn', { date: fmt.format(a.completedAt) })}</div>
                  ) : null}
                </td>
                {showAssignedBy ? <td>{a.assignedByName}</td> : null}
                {cancelAction ? (
                  <td>
                    {open ? (
                      <ActionForm
                        action={cancelAction}
                        className="row"
                        successKey="assignments.assign.cancelled"
                      >
                        <input type="hidden" name="id" value={a.id} />
                        <button type="submit" className="secondary">
                          {t('assign.cancel')}
                        </button>
                      </ActionForm>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
