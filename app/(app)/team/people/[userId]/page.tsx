import Link from 'next/link'
import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { can } from '@/lib/auth/rbac'
import { currentLocale } from '@/lib/i18n/current'
import { listRolesWithRequirements } from '@/lib/roles/store'
import { resolveFramework } from '@/lib/frameworks/registry'
import { readinessOf } from '@/lib/progress/store'
import { DEFAULT_STALE_AFTER_DAYS, proficiency, readiness } from '@/lib/progress/readiness'
import { personProfile } from '@/lib/assignments/person'
import { teamAssignments } from '@/lib/assignments/store'
import { assignableItems } from '@/lib/assignments/items'
import { appTimeZone, ITEM_KINDS, KIND_PERMISSION, parseEvidenceSource } from '@/lib/assignments/status'
import { AssignForm } from '@/components/assignments/AssignForm'
import { AssignmentTable } from '@/components/assignments/AssignmentTable'
import { AttestForm } from '@/components/assignments/AttestForm'
import { assignWorkAction, attestAction, cancelAssignmentAction } from '../../actions'

export const metadata = { title: 'Team member' }

/** Biggest gaps first; the whole list on request (a role can require 200+ statements). */
const GAP_ROWS = 15

/**
 * A manager's drill-in into one person: readiness per org role, the gap for one role with the evidence
 * behind each level, their assignments, and the assign form. 404 unless the viewer may manage the
 * person (lib/assignments/store.ts canManagePerson: a lead of one of their teams, or HR/admin).
 */
export default async function PersonPage({
  params,
  searchParams,
}: {
  params: Promise<{ userId: string }>
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const viewer = await requirePage('/team/people/[userId]')
  const { userId } = await params
  if (!/^[a-z0-9]{1,40}$/i.test(userId)) notFound()
  const profile = await personProfile(viewer, userId)
  if (!profile) notFound()
  const { person, evidence, labOfSession } = profile
  const sp = await searchParams
  const wanted = sp.role
  const allGaps = sp.gaps === 'all'
  const lang = await currentLocale()
  const [t, tp, to, roles, rows, items] = await Promise.all([
    getTranslations('assignments'),
    getTranslations('progress'),
    getTranslations('orgRoles'),
    listRolesWithRequirements(viewer.organizationId),
    teamAssignments(viewer, { userId, includeCancelled: true }),
    assignableItems(lang),
  ])
  const { people } = await readinessOf(
    viewer.organizationId,
    [{ id: person.id, name: person.name, email: person.email }],
    roles,
  )
  const byRole = people[0]?.byRole ?? new Map<string, number>()
  const ranked = [...roles].sort((a, b) => (byRole.get(b.id) ?? 0) - (byRole.get(a.id) ?? 0))
  const selected = ranked.find((r) => r.id === wanted) ?? ranked[0]
  const now = new Date()
  const staleBefore = now.getTime() - DEFAULT_STALE_AFTER_DAYS * 86_400_000
  const pct = new Intl.NumberFormat(lang, { style: 'percent' })
  const fmt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: appTimeZone() })
  const fw = selected
    ? await resolveFramework(viewer.organizationId, selected.frameworkId, selected.frameworkVersion)
    : undefined
  const gaps = selected
    ? readiness(selected.requirements, proficiency(evidence, { now, frameworkId: selected.frameworkId })).gaps
    : []
  const titleOf = new Map(ITEM_KINDS.flatMap((k) => items[k].map((i) => [`${k}:${i.id}`, i.title] as const)))
  const sourceText = (sourceType: string, sourceId: string) => {
    const s = parseEvidenceSource(sourceType, sourceId)
    if (s.kind === 'lab') {
      const labId = labOfSession.get(s.labSessionId)
      const lab = labId ? (titleOf.get(`lab:${labId}`) ?? labId) : s.labSessionId
      return s.taskId ? t('source.labTask', { lab, task: s.taskId }) : t('source.lab', { lab })
    }
    if (s.kind === 'exercise') return t('source.exercise', { task: s.taskId })
    if (s.kind === 'module') return t('source.quiz', { item: titleOf.get(`module:${s.itemId}`) ?? s.itemId })
    if (s.kind === 'briefing')
      return sourceType === 'quiz'
        ? t('source.quiz', { item: titleOf.get(`briefing:${s.itemId}`) ?? s.itemId })
        : t('source.briefing', { item: titleOf.get(`briefing:${s.itemId}`) ?? s.itemId })
    return t('source.other', { type: s.type })
  }
  const assignable = ITEM_KINDS.filter((k) => can(person.role, KIND_PERMISSION[k])).map(
    (k) => [k, items[k]] as const,
  )
  return (
    <>
      <p className="hint">
        <Link href="/team">← {t('person.back')}</Link>
      </p>
      <h1 data-testid="person-name">{person.name}</h1>
      <p className="lead">
        {t('person.lead', { name: person.name })}
        {person.teams.length ? (
          <>
            <br />
            <span className="hint">{t('person.teams', { teams: person.teams.join(', ') })}</span>
          </>
        ) : null}
      </p>
      {person.disabled ? <p className="alert info">{t('person.disabled')}</p> : null}

      <div className="two-col">
        <section className="card" aria-labelledby="p-ready-h">
          <h2 id="p-ready-h">{t('person.readinessTitle')}</h2>
          {ranked.length === 0 ? (
            <p className="empty">{t('person.noRoles')}</p>
          ) : (
            <div className="table-wrap">
              <table data-testid="person-readiness">
                <thead>
                  <tr>
                    <th scope="col">{t('person.role')}</th>
                    <th scope="col">{t('person.readiness')}</th>
                  </tr>
                </thead>
                <tbody>
                  {ranked.map((r) => {
                    const share = byRole.get(r.id) ?? 0
                    return (
                      <tr key={r.id} aria-current={r.id === selected?.id ? 'true' : undefined}>
                        <th scope="row">
                          <Link href={`/team/people/${person.id}?role=${encodeURIComponent(r.id)}`}>
                            {r.title}
                          </Link>
                        </th>
                        <td style={{ minWidth: 160 }}>
                          <div className="meter" role="img" aria-label={tp('readinessValue', { share })}>
                            <div style={{ width: `${Math.round(share * 100)}%` }} />
                          </div>
                          <span className="hint">{pct.format(share)}</span>
                        </td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section className="card" aria-labelledby="p-assign-h">
          <h2 id="p-assign-h">{t('assign.title')}</h2>
          <p className="hint">{t('assign.lead', { name: person.name })}</p>
          <AssignForm action={assignWorkAction} userId={person.id} name={person.name} items={assignable} />
        </section>
      </div>

      {selected ? (
        <section className="card" aria-labelledby="p-gap-h" style={{ marginTop: 16 }}>
          <h2 id="p-gap-h">{t('person.gapTitle', { role: selected.title, n: gaps.length })}</h2>
          <p className="hint">{t('person.staleHint', { days: DEFAULT_STALE_AFTER_DAYS })}</p>
          {gaps.length === 0 ? (
            <p className="empty">{t('person.noGap')}</p>
          ) : (
            <div className="table-wrap">
              <table data-testid="person-gaps">
                <thead>
                  <tr>
                    <th scope="col">ID</th>
                    <th scope="col">{t('person.statement')}</th>
                    <th scope="col">{t('person.current')}</th>
                    <th scope="col">{t('person.required')}</th>
                    <th scope="col">{t('person.evidence')}</th>
                  </tr>
                </thead>
                <tbody>
                  {gaps.slice(0, allGaps ? undefined : GAP_ROWS).map((g) => {
                    const ev = evidence.filter(
                      (e) => e.statementId === g.statementId && e.frameworkId === selected.frameworkId,
                    )
                    return (
                      <tr key={g.statementId}>
                        <td className="mono">{g.statementId}</td>
                        <td lang={fw && ['nice', 'ecsf'].includes(fw.framework.id) ? 'en' : undefined}>
                          {fw?.statements.get(g.statementId)?.text}
                        </td>
                        <td>
                          {g.current === 0 ? tp('levelNone') : to(`levelNames.${g.current as 1 | 2 | 3 | 4}`)}
                          {g.stale ? <span className="badge muted"> {tp('stale')}</span> : null}
                        </td>
                        <td>{to(`levelNames.${g.required as 1 | 2 | 3 | 4}`)}</td>
                        <td>
                          {ev.length === 0 ? (
                            <span className="muted">{t('person.noEvidence')}</span>
                          ) : (
                            <details>
                              <summary>{ev.length}</summary>
                              <table className="evidence-list">
                                <thead>
                                  <tr>
                                    <th scope="col">{t('person.evidenceKind')}</th>
                                    <th scope="col">{t('person.evidenceLevel')}</th>
                                    <th scope="col">{t('person.evidenceDate')}</th>
                                    <th scope="col">{t('person.evidenceSource')}</th>
                                  </tr>
                                </thead>
                                <tbody>
                                  {ev.slice(0, 20).map((e) => (
                                    <tr key={e.id}>
                                      <td>
                                        {tp.has(`evidence.${e.kind}`)
                                          ? tp(`evidence.${e.kind as 'quiz'}`)
                                          : e.kind}
                                      </td>
                                      <td>{e.level}</td>
                                      <td>
                                        <time dateTime={e.createdAt.toISOString()}>
                                          {fmt.format(e.createdAt)}
                                        </time>
                                        {e.createdAt.getTime() < staleBefore ? (
                                          <span className="badge muted"> {t('person.stale')}</span>
                                        ) : null}
                                      </td>
                                      <td>{sourceText(e.sourceType, e.sourceId)}</td>
                                    </tr>
                                  ))}
                                </tbody>
                              </table>
                            </details>
                          )}
                        </td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
          )}
          {!allGaps && gaps.length > GAP_ROWS ? (
            <p>
              <Link
                href={`/team/people/${person.id}?role=${encodeURIComponent(selected.id)}&gaps=all#p-gap-h`}
              >
                {tp('allGaps', { n: gaps.length })}
              </Link>
            </p>
          ) : null}
          {can(viewer.role, 'team:assign') && viewer.id !== person.id ? (
            <>
              <h3 style={{ marginTop: 24 }}>{t('attest.title')}</h3>
              <p className="hint">{t('attest.lead', { name: person.name })}</p>
              <AttestForm
                action={attestAction}
                userId={person.id}
                roleId={selected.id}
                statements={gaps.map((g) => ({
                  id: g.statementId,
                  text: fw?.statements.get(g.statementId)?.text ?? '',
                  required: g.required,
                }))}
              />
            </>
          ) : null}
        </section>
      ) : null}

      <section className="card" aria-labelledby="p-asg-h" style={{ marginTop: 16 }}>
        <h2 id="p-asg-h">{t('person.assignmentsTitle')}</h2>
        {rows.length === 0 ? (
          <p className="empty">{t('person.noAssignments', { name: person.name })}</p>
        ) : (
          <AssignmentTable
            rows={rows}
            lang={lang}
            cancelAction={cancelAssignmentAction}
            testId="person-assignments"
          />
        )}
      </section>
    </>
  )
}
