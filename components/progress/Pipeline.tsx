import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import type { PipelineStep } from '@/lib/progress/overview'

/** Per career step: how many hold the starting role, and who is ≥ 80 % ready for the next one. */
export async function Pipeline({ steps, links = true }: { steps: PipelineStep[]; links?: boolean }) {
  const t = await getTranslations('progress')
  return (
    <section className="card" aria-labelledby="pipeline-h" style={{ marginTop: 16 }}>
      <h2 id="pipeline-h">{t('pipelineTitle')}</h2>
      <p className="hint">{t('pipelineLead')}</p>
      {steps.length === 0 ? <p className="empty">{t('pipelineEmpty')}</p> : null}
      <div className="table-wrap">
        <table data-testid="pipeline">
          <thead>
            <tr>
              <th scope="col">{t('pipelineStep')}</th>
              <th scope="col">{t('pipelineHolders')}</th>
              <th scope="col">{t('pipelineReady')}</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s) => (
              <tr key={s.edgeId}>
                <th scope="row">
                  {links ? <Link href={`/roles/${s.from.id}`}>{s.from.title}</Link> : s.from.title} →{' '}
                  {links ? <Link href={`/roles/${s.to.id}`}>{s.to.title}</Link> : s.to.title}
                </th>
                <td>{s.holders}</td>
                <td>
                  {s.ready.length === 0
                    ? t('pipelineNone')
                    : s.ready.map((p, i) => (
                        <span key={p.userId}>
                          {i ? ', ' : ''}
                          {p.name} ({Math.round(p.share * 100)}%)
                        </span>
                      ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
