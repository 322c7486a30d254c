import { getTranslations } from 'next-intl/server'
import { ActionForm } from '@/components/ActionForm'
import type { ActionResult } from '@/lib/http/action-result'
import type { AssignableItem } from '@/lib/assignments/items'
import { appTimeZone, dateIn, NOTE_MAX, type ItemKind } from '@/lib/assignments/status'

/**
 * The manager's assign form for one person (server component around the ActionForm island): an item
 * picker grouped by kind, a due date (today or later, in the application time zone) and a note.
 */
export async function AssignForm({
  action,
  userId,
  name,
  items,
}: {
  action: (formData: FormData) => Promise<ActionResult>
  userId: string
  name: string
  /** Only the kinds this person can open, in display order. */
  items: ReadonlyArray<readonly [ItemKind, ReadonlyArray<AssignableItem>]>
}) {
  const t = await getTranslations('assignments')
  const tz = appTimeZone()
  const now = new Date()
  const today = dateIn(now, tz)
  const inTwoWeeks = dateIn(new Date(now.getTime() + 14 * 86_400_000), tz)
  if (!items.some(([, list]) => list.length)) return <p className="empty">{t('assign.nothing', { name })}</p>
  return (
    <ActionForm action={action} successKey="assignments.assign.done" resetOnSuccess testId="assign-form">
      <input type="hidden" name="userId" value={userId} />
      <div className="field">
        <label htmlFor="as-item">{t('assign.item')}</label>
        <select id="as-item" name="item" required defaultValue="">
          <option value="" disabled>
            {t('assign.choose')}
          </option>
          {items.map(([kind, list]) =>
            list.length ? (
              <optgroup key={kind} label={t(`kindGroup.${kind}`)}>
                {list.map((i) => (
                  <option key={i.id} value={`${kind}:${i.id}`}>
                    {i.title}
                  </option>
                ))}
              </optgroup>
            ) : null,
          )}
        </select>
      </div>
      <div className="field">
        <label htmlFor="as-due">{t('assign.due')}</label>
        <input id="as-due" name="due" type="date" required min={today} defaultValue={inTwoWeeks} />
        <p className="hint">{t('assign.dueHint')}</p>
      </div>
      <div className="field">
        <label htmlFor="as-note">{t('assign.note')}</label>
        <textarea id="as-note" name="note" rows={3} maxLength={NOTE_MAX} />
        <p className="hint">{t('assign.noteHint', { name })}</p>
      </div>
      <div>
        <button type="submit">{t('assign.submit')}</button>
      </div>
    </ActionForm>
  )
}
