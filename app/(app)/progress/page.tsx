import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { currentLocale } from '@/lib/i18n/current'
import { listRolesWithRequirements, listCareerEdges } from '@/lib/roles/store'
import { resolveFramework } from '@/lib/frameworks/registry'
import { evidenceFor } from '@/lib/progress/record'
import { proficiency, readiness, recommend } from '@/lib/progress/readiness'
import { contentItems } from '@/lib/roles/content-items'
import { contentCatalog } from '@/lib/content/catalog'
import { completionsFor } from '@/lib/content/progress-store'

export const metadata = { title: 'My readiness' }

/**
 * A person's readiness for an organisation role: the weighted share of required statements met, the
 * gap, what to do next, and the evidence behind every level. Only ever the viewer's own data.
 */
export default async function ProgressPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const viewer = await requirePage('/progress')
  const lang = await currentLocale()
  const wanted = (await searchParams).role
  const [t, to, roles, edges, evidence, items, content, done] = await Promise.all([
    getTranslations('progress'),
    getTranslations('orgRoles'),
    listRolesWithRequirements(viewer.organizationId),
    listCareerEdges(viewer.organizationId),
    evidenceFor(viewer.id),
    contentItems(lang),
    contentCatalog(),
    completionsFor({ userId: viewer.id, organizationId: viewer.organizationId }),
  ])
  const now = new Date()
  const ranked = roles
    .map((r) => ({
      role: r,
      r: readiness(r.requirements, proficiency(evidence, { now, frameworkId: r.frameworkId })),
    }))
    .sort((a, b) => b.r.share - a.r.share)
  const selected = ranked.find((x) => x.role.id === wanted) ?? ranked[0]
  const pct = new Intl.NumberFormat(lang, { style: 'percent' })
  const fmt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' })
  if (!selected)
    return (
      <>
        <h1>{t('title')}</h1>
        <p className="empty">{t('noRoles')}</p>
      </>
    )
  const fw = await resolveFramework(
    viewer.organizationId,
    selected.role.frameworkId,
    selected.role.frameworkVersion,
  )
  const prof = proficiency(evidence, { now, frameworkId: selected.role.frameworkId })
  const byId = new Map(evidence.map((e) => [e.id, e]))
  const recs = recommend(selected.r.gaps, items, {
    frameworkKey: selected.role.frameworkKey,
    done: new Set(done.map((d) => `${d.itemType}:${d.itemId}`)),
    prerequisites: (id) => content.modules.get(id)?.prerequisites ?? [],
  })
  const next = edges
    .filter((e) => e.fromRoleId === selected.role.id)
    .map((e) => ranked.find((x) => x.role.id === e.toRoleId))
    .filter((x) => x !== undefined)
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      <form method="get" className="row" style={{ marginBottom: 16 }}>
        <label htmlFor="p-role">{t('role')}</label>
        <select id="p-role" name="role" defaultValue={selected.role.id} style={{ width: 'auto' }}>
          {ranked.map((x) => (
            <option key={x.role.id} value={x.role.id}>
              {x.role.title} — {pct.format(x.r.share)}
            </option>
          ))}
        </select>
        <button type="submit" className="secondary">
          {t('show')}
        </button>
      </form>
      <div className="two-col">
        <section className="card" aria-labelledby="ready-h">
          <h2 id="ready-h">{t('readinessFor', { role: selected.role.title })}</h2>
          <div className="meter" role="img" aria-label={t('readinessValue', { share: selected.r.share })}>
            <div style={{ width: `${Math.round(selected.r.share * 100)}%` }} />
          </div>
          <p data-testid="readiness">
            {t('readinessDetail', { share: selected.r.share, met: selected.r.met, total: selected.r.total })}
          </p>
          {next.length ? (
            <p className="hint">
              {t('nextRoles')}:{' '}
              {next.map((x, i) => (
                <span key={x.role.id}>
                  {i ? ', ' : ''}
                  <Link href={`/progress?role=${x.role.id}`}>
                    {x.role.title} ({pct.format(x.r.share)})
                  </Link>
                </span>
              ))}
            </p>
          ) : null}
        </section>
        <section className="card" aria-labelledby="next-h">
          <h2 id="next-h">{t('whatNext')}</h2>
          {recs.length === 0 ? <p className="empty">{t('noRecommendations')}</p> : null}
          <ol data-testid="recommendations">
            {recs.map((r) => (
              <li key={`${r.item.kind}:${r.item.id}`}>
                <Link href={r.item.href}>{r.item.title}</Link>{' '}
                <span className="hint">({t(`kind.${r.item.kind}`)})</span>{' '}
                {r.closes.length ? (
                  <span className="hint">{t('closes', { n: r.closes.length })}</span>
                ) : (
                  <span className="hint">{t('prerequisite')}</span>
                )}
              </li>
            ))}
          </ol>
        </section>
      </div>
      <section className="card" aria-labelledby="gap-h" style={{ marginTop: 16 }}>
        <h2 id="gap-h">{t('gap', { n: selected.r.gaps.length })}</h2>
        <div className="table-wrap">
          <table data-testid="gaps">
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">{to('statement')}</th>
                <th scope="col">{t('current')}</th>
                <th scope="col">{to('requiredLevel')}</th>
              </tr>
            </thead>
            <tbody>
              {selected.r.gaps.map((g) => {
                const p = prof.get(g.statementId)
                return (
                  <tr key={g.statementId}>
                    <td className="mono">{g.statementId}</td>
                    <td lang={fw && ['nice', 'ecsf'].includes(fw.framework.id) ? 'en' : undefined}>
                      {fw?.statements.get(g.statementId)?.text}
                    </td>
                    <td>
                      {p && p.evidence.length ? (
                        <details>
                          <summary>{to(`levelNames.${g.current as 0 | 1 | 2 | 3 | 4}`)}</summary>
                          <ul>
                            {p.evidence.map((id) => {
                              const e = byId.get(id)!
                              return (
                                <li key={id}>
                                  {t(`evidence.${e.kind as 'quiz'}`)} · {fmt.format(e.createdAt)}
                                </li>
                              )
                            })}
                          </ul>
                        </details>
                      ) : (
                        to(`levelNames.${g.current as 0 | 1 | 2 | 3 | 4}`)
                      )}
                      {g.stale ? <span className="badge muted"> {t('stale')}</span> : null}
                    </td>
                    <td>{to(`levelNames.${g.required as 1 | 2 | 3 | 4}`)}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      </section>
    </>
  )
}
