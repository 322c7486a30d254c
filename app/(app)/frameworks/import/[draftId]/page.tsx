import Link from 'next/link'
import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { getDraft } from '@/lib/frameworks/registry'
import { ActionForm } from '@/components/ActionForm'
import { Attribution } from '@/components/frameworks/Attribution'
import { discardStandardAction, publishStandardAction } from '../actions'

export const metadata = { title: 'Preview a skill standard' }

type Preview = {
  format?: string
  encoding?: string
  warnings?: { line: number | null; column: string | null; reason: string }[]
}

export default async function DraftPreviewPage({ params }: { params: Promise<{ draftId: string }> }) {
  const viewer = await requirePage('/frameworks/import/[draftId]')
  const { draftId } = await params
  if (!/^[a-z0-9]{1,40}$/i.test(draftId)) notFound()
  const draft = await getDraft(viewer.organizationId, draftId)
  if (!draft) notFound()
  const [t, tf] = await Promise.all([getTranslations('standards'), getTranslations('frameworks')])
  const fw = draft.index.framework
  const summary = (draft.summary ?? {}) as Preview
  const count = (type: 'task' | 'knowledge' | 'skill') => fw.statements.filter((s) => s.type === type).length
  return (
    <>
      <p>
        <Link href="/frameworks/import">← {t('title')}</Link>
      </p>
      <h1>{t('previewTitle', { title: fw.title })}</h1>
      <p className="lead">
        <span className="mono">{draft.index.key}</span> ·{' '}
        <span className="badge">{t(`status.${draft.status as 'draft' | 'published' | 'archived'}`)}</span>
      </p>
      {draft.status === 'draft' ? <p>{t('previewLead', { version: fw.version })}</p> : null}
      {summary.encoding ? (
        <p className="hint">{t('encoding', { encoding: summary.encoding, format: summary.format ?? '' })}</p>
      ) : null}
      <div className="grid" data-testid="draft-counts">
        {(
          [
            ['countCategories', fw.categories.length],
            ['countRoles', fw.workRoles.length],
            ['countTasks', count('task')],
            ['countKnowledge', count('knowledge')],
            ['countSkills', count('skill')],
          ] as const
        ).map(([key, n]) => (
          <div className="card stat" key={key}>
            <div className="stat-label">{t(key)}</div>
            <strong>{n}</strong>
          </div>
        ))}
      </div>
      {summary.warnings?.length ? (
        <section className="alert" style={{ marginTop: 16 }}>
          <strong>{t('warnings')}</strong>
          <ul>
            {summary.warnings.map((w, i) => (
              <li key={i}>
                {w.line ? `${t('line')} ${w.line}: ` : ''}
                {w.column ? `${w.column}: ` : ''}
                {w.reason}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="card" style={{ marginTop: 16 }} aria-labelledby="sample-h">
        <h2 id="sample-h">{t('sampleRoles')}</h2>
        <div className="table-wrap">
          <table data-testid="draft-roles">
            <tbody>
              {fw.workRoles.map((r) => (
                <tr key={r.id}>
                  <td className="mono">{r.id}</td>
                  <td>{r.title}</td>
                  <td>{fw.categories.find((c) => c.id === r.categoryId)?.title ?? '—'}</td>
                  <td>{r.taskIds.length + r.knowledgeIds.length + r.skillIds.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Attribution attribution={fw.attribution} label={tf('attribution')} />
      </section>
      {draft.status === 'draft' ? (
        <div className="row" style={{ marginTop: 16 }}>
          <ActionForm
            action={publishStandardAction}
            successKey="standards.published"
            className="row"
            testId="publish-standard"
          >
            <input type="hidden" name="draftId" value={draft.id} />
            <button type="submit">{t('publish')}</button>
          </ActionForm>
          <ActionForm action={discardStandardAction} className="row">
            <input type="hidden" name="draftId" value={draft.id} />
            <button type="submit" className="secondary">
              {t('discard')}
            </button>
          </ActionForm>
        </div>
      ) : null}
    </>
  )
}
