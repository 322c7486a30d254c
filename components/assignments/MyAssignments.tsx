import { getTranslations } from 'next-intl/server'
import { assignmentsFor } from '@/lib/assignments/store'
import { AssignmentTable } from './AssignmentTable'

/**
 * The learner's own assignments (server component): what was assigned, by whom, when it is due and
 * its status, each linking to the item. Pass the viewer's own id: this shows that person's rows only.
 */
export async function MyAssignments({ userId, lang }: { userId: string; lang: 'ja' | 'en' }) {
  const [t, rows] = await Promise.all([getTranslations('assignments.mine'), assignmentsFor(userId)])
  return (
    <section className="card" aria-labelledby="my-assignments-h" data-testid="my-assignments">
      <h2 id="my-assignments-h">{t('title')}</h2>
      <p className="hint">{t('lead')}</p>
      {rows.length === 0 ? (
        <p className="empty">{t('empty')}</p>
      ) : (
        <AssignmentTable rows={rows} lang={lang} testId="my-assignments-table" />
      )}
    </section>
  )
}
