import { getTranslations } from 'next-intl/server'
import { ActionForm } from '@/components/ActionForm'
import type { ActionResult } from '@/lib/http/action-result'

/**
 * A manager attests that a team member meets a statement at a level, with a note (the evidence a
 * manager or assessor can give; see lib/progress/attest.ts). Offered for the gap of the chosen role.
 */
export async function AttestForm({
  action,
  userId,
  roleId,
  statements,
}: {
  action: (formData: FormData) => Promise<ActionResult>
  userId: string
  roleId: string
  statements: ReadonlyArray<{ id: string; text: string; required: number }>
}) {
  const [t, to] = await Promise.all([getTranslations('assignments'), getTranslations('orgRoles')])
  if (!statements.length) return null
  return (
    <ActionForm action={action} successKey="assignments.attest.done" resetOnSuccess testId="attest-form">
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="roleId" value={roleId} />
      <div className="field">
        <label htmlFor="at-statement">{t('attest.statement')}</label>
        <select id="at-statement" name="statementId" required defaultValue="">
          <option value="" disabled>
            {t('assign.choose')}
          </option>
          {statements.map((s) => (
            <option key={s.id} value={s.id}>
              {s.id} — {s.text.length > 90 ? `${s.text.slice(0, 89)}…` : s.text}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="at-level">{t('attest.level')}</label>
        <select id="at-level" name="level" defaultValue="2">
          {([1, 2, 3, 4] as const).map((l) => (
            <option key={l} value={l}>
              {to(`levelNames.${l}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="at-note">{t('attest.note')}</label>
        <textarea id="at-note" name="note" rows={3} maxLength={500} required />
        <p className="hint">{t('attest.noteHint')}</p>
      </div>
      <div>
        <button type="submit">{t('attest.submit')}</button>
      </div>
    </ActionForm>
  )
}
