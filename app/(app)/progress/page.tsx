import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { currentLocale } from '@/lib/i18n/current'
import { appTimeZone } from '@/lib/i18n/time-zone'
import { listRolesWithRequirements, listCareerEdges } from '@/lib/roles/store'
import { resolveFramework } from '@/lib/frameworks/registry'
import { evidenceFor } from '@/lib/progress/record'
import { monthlyPoints, proficiency, readiness, readinessHistory, recommend } from '@/lib/progress/readiness'
import { careerOf, labIdsOfSessions } from '@/lib/progress/career'
import { contentItems } from '@/lib/roles/content-items'
import { contentCatalog } from '@/lib/content/catalog'
import { completionsFor } from '@/lib/content/progress-store'
import { ActionForm } from '@/components/ActionForm'
import { CareerGraph } from '@/components/roles/CareerGraph'
import { ReadinessTrendChart, RoleReadinessChart } from '@/components/progress/Charts'
import { MyAssignments } from '@/components/assignments/MyAssignments'
import { MyBadges } from '@/components/badges/MyBadges'
import { setCareerRolesAction } from './actions'

export const metadata = { title: 'My readiness' }

/** Biggest gaps first; the whole list (a role can have 200+ statements) on request. */
const GAP_ROWS = 15

/** Where a piece of evidence came from, as a link the learner can open (their own sources only). */
function sourceHref(sourceType: string, sourceId: string, labOf: Map<string, string>): string | null {
  if (sourceType === 'quiz') {
    const [kind, id] = sourceId.split(':')
    return kind === 'module' ? `/learn/modules/${id}` : kind === 'briefing' ? `/briefings/${id}` : null
  }
  if (sourceType === 'briefing') return `/briefings/${sourceId}`
  // A task passed for the team in an exercise day.
  if (sourceType === 'exercise-task') return '/exercises'
  if (sourceType === 'lab-task' || sourceType === 'lab-complete') {
    const lab = labOf.get(sourceId.split(':')[0]!)
    return lab ? `/labs/${lab}` : null
  }
  return null
}

/**
 * A person's career progress: where they are and want to go on the career path, readiness for every
 * organisation role (chart + table), the trend for the chosen role, the gap with the evidence behind
 * every level, what to do next, what was assigned, badges, and the evidence timeline. Only ever the
 * viewer's own data.
 */
export default async function ProgressPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const viewer = await requirePage('/progress')
  const lang = await currentLocale()
  const sp = await searchParams
  const wanted = sp.role
  const allGaps = sp.gaps === 'all'
  const who = { userId: viewer.id, organizationId: viewer.organizationId }
  const [t, to, tc, roles, edges, evidence, items, content, done, career] = await Promise.all([
    getTranslations('progress'),
    getTranslations('orgRoles'),
    getTranslations('careerPaths'),
    listRolesWithRequirements(viewer.organizationId),
    listCareerEdges(viewer.organizationId),
    evidenceFor(viewer.id),
    contentItems(lang),
    contentCatalog(),
    completionsFor(who),
    careerOf(who),
  ])
  const now = new Date()
  const withReadiness = roles.map((r) => ({
    role: r,
    r: readiness(r.requirements, proficiency(evidence, { now, frameworkId: r.frameworkId })),
  }))
  const ranked = [...withReadiness].sort((a, b) => b.r.share - a.r.share)
  const selected =
    ranked.find((x) => x.role.id === wanted) ??
    ranked.find((x) => x.role.id === career.targetRoleId) ??
    ranked[0]
  const pct = new Intl.NumberFormat(lang, { style: 'percent' })
  const fmt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: appTimeZone() })
  const month = new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', timeZone: appTimeZone() })
  if (!selected)
    return (
      <>
        <h1>{t('title')}</h1>
        <p className="lead">{t('lead')}</p>
        <p className="empty">{t('noRoles')}</p>
        <MyAssignments userId={viewer.id} lang={lang} />
        <MyBadges userId={viewer.id} lang={lang} />
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
  const trend = readinessHistory(
    evidence,
    selected.role.requirements,
    selected.role.frameworkId,
    monthlyPoints(now, 6),
  )
  const timeline = evidence.slice(0, 60)
  const labOf = await labIdsOfSessions(
    viewer.id,
    timeline.filter((e) => e.sourceType.startsWith('lab')).map((e) => e.sourceId.split(':')[0]!),
  )
  const marks = new Map(
    withReadiness.map((x) => [
      x.role.id,
      `${x.role.id === career.currentRoleId ? `${t('now')} · ` : x.role.id === career.targetRoleId ? `${t('target')} · ` : ''}${pct.format(x.r.share)}`,
    ]),
  )
  const statementLang = fw && ['nice', 'ecsf'].includes(fw.framework.id) ? 'en' : undefined
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>

      <section className="card" aria-labelledby="career-h" style={{ marginBottom: 16 }}>
        <h2 id="career-h">{t('careerTitle')}</h2>
        <div style={{ overflowX: 'auto' }}>
          <CareerGraph
            label={tc('graphLabel')}
            edges={edges}
            current={career.currentRoleId}
            target={career.targetRoleId}
            marks={marks}
            roles={roles.map((r) => ({
              id: r.id,
              title: r.title,
              href: `/progress?role=${r.id}`,
              subtitle: `${r.positionLevel ? `${to('positionLevelN', { n: r.positionLevel })} · ` : ''}${tc('statements', { n: r.requirements.length })}`,
            }))}
          />
        </div>
        <ActionForm
          action={setCareerRolesAction}
          className="row"
          successKey="common.saved"
          testId="career-form"
        >
          <label htmlFor="c-current">{t('currentRole')}</label>
          <select
            id="c-current"
            name="currentRoleId"
            defaultValue={career.currentRoleId ?? ''}
            style={{ width: 'auto' }}
          >
            <option value="">{t('notSet')}</option>
            {roles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.title}
              </option>
            ))}
          </select>
          <label htmlFor="c-target">{t('targetRole')}</label>
          <select
            id="c-target"
            name="targetRoleId"
            defaultValue={career.targetRoleId ?? ''}
            style={{ width: 'auto' }}
          >
            <option value="">{t('notSet')}</option>
            {roles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.title}
              </option>
            ))}
          </select>
          <button type="submit" className="secondary">
            {t('saveCareer')}
          </button>
        </ActionForm>
      </section>

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
          <h3>{t('trendTitle')}</h3>
          <ReadinessTrendChart
            label={selected.role.title}
            data={trend.map((p) => ({ date: month.format(p.at), share: p.share }))}
          />
          <details>
            <summary>{t('asTable')}</summary>
            <table data-testid="trend-table">
              <thead>
                <tr>
                  <th scope="col">{t('date')}</th>
                  <th scope="col">{t('readiness')}</th>
                  <th scope="col">{t('met')}</th>
                </tr>
              </thead>
              <tbody>
                {trend.map((p) => (
                  <tr key={p.at.toISOString()}>
                    <td>{fmt.format(p.at)}</td>
                    <td>{pct.format(p.share)}</td>
                    <td>{p.met}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
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

      <section className="card" aria-labelledby="roles-h" style={{ marginTop: 16 }}>
        <h2 id="roles-h">{t('allRoles')}</h2>
        <RoleReadinessChart data={ranked.map((x) => ({ name: x.role.title, share: x.r.share }))} />
        <details>
          <summary>{t('asTable')}</summary>
          <table data-testid="roles-table">
            <thead>
              <tr>
                <th scope="col">{t('role')}</th>
                <th scope="col">{t('readiness')}</th>
                <th scope="col">{t('met')}</th>
              </tr>
            </thead>
            <tbody>
              {ranked.map((x) => (
                <tr key={x.role.id}>
                  <th scope="row">
                    <Link href={`/progress?role=${x.role.id}`}>{x.role.title}</Link>
                  </th>
                  <td>{pct.format(x.r.share)}</td>
                  <td>
                    {x.r.met} / {x.r.total}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </section>

      <section className="card" aria-labelledby="gap-h" style={{ marginTop: 16 }}>
        <h2 id="gap-h">{t('gap', { n: selected.r.gaps.length })}</h2>
        <p className="hint">{t('gapLead')}</p>
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
              {selected.r.gaps.slice(0, allGaps ? undefined : GAP_ROWS).map((g) => {
                const p = prof.get(g.statementId)
                return (
                  <tr key={g.statementId}>
                    <td className="mono">{g.statementId}</td>
                    <td lang={statementLang}>{fw?.statements.get(g.statementId)?.text}</td>
                    <td>
                      {p && p.evidence.length ? (
                        <details>
                          <summary>
                            {g.current === 0
                              ? t('levelNone')
                              : to(`levelNames.${g.current as 1 | 2 | 3 | 4}`)}
                          </summary>
                          <ul>
                            {p.evidence.map((id) => {
                              const e = byId.get(id)!
                              return (
                                <li key={id}>
                                  {t(`evidence.${e.kind as 'quiz'}`)} · {fmt.format(e.createdAt)}
                                  {e.note ? <q className="hint"> {e.note}</q> : null}
                                </li>
                              )
                            })}
                          </ul>
                        </details>
                      ) : g.current === 0 ? (
                        t('levelNone')
                      ) : (
                        to(`levelNames.${g.current as 1 | 2 | 3 | 4}`)
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
        {!allGaps && selected.r.gaps.length > GAP_ROWS ? (
          <p>
            <Link href={`/progress?role=${selected.role.id}&gaps=all#gap-h`} data-testid="all-gaps">
              {t('allGaps', { n: selected.r.gaps.length })}
            </Link>
          </p>
        ) : null}
      </section>

      <div className="two-col" style={{ marginTop: 16 }}>
        <MyAssignments userId={viewer.id} lang={lang} />
        <MyBadges userId={viewer.id} lang={lang} />
      </div>

      <section className="card" aria-labelledby="timeline-h" style={{ marginTop: 16 }}>
        <h2 id="timeline-h">{t('timelineTitle')}</h2>
        {timeline.length === 0 ? <p className="empty">{t('timelineEmpty')}</p> : null}
        <ol className="timeline" data-testid="evidence-timeline">
          {timeline.map((e) => {
            const href = sourceHref(e.sourceType, e.sourceId, labOf)
            const stale = now.getTime() - e.createdAt.getTime() > 730 * 86_400_000
            return (
              <li key={e.id}>
                <time dateTime={e.createdAt.toISOString()}>{fmt.format(e.createdAt)}</time>{' '}
                {href ? (
                  <Link href={href}>{t(`evidence.${e.kind as 'quiz'}`)}</Link>
                ) : (
                  t(`evidence.${e.kind as 'quiz'}`)
                )}{' '}
                <span className="mono">{e.statementId}</span>{' '}
                <span className="hint">
                  {to(`levelNames.${e.level as 0 | 1 | 2 | 3 | 4}`)}
                  {e.score !== null ? ` · ${pct.format(e.score)}` : ''}
                </span>
                {stale ? <span className="badge muted"> {t('stale')}</span> : null}
              </li>
            )
          })}
        </ol>
      </section>
    </>
  )
}
