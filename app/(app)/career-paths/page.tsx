import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { RolesTabs } from '@/components/roles/RolesTabs'
import { can } from '@/lib/auth/rbac'
import { listCareerEdges, listRolesWithRequirements } from '@/lib/roles/store'
import { listFrameworkIndexes } from '@/lib/frameworks/registry'
import { CareerGraph } from '@/components/roles/CareerGraph'
import { careerStepDelta } from '@/lib/roles/requirements'
import { ActionForm } from '@/components/ActionForm'
import { addCareerEdgeAction, removeCareerEdgeAction } from '../roles/actions'

export const metadata = { title: 'Career paths' }

export default async function CareerPathsPage() {
  const viewer = await requirePage('/career-paths')
  const [t, to, roles, edges, frameworks] = await Promise.all([
    getTranslations('careerPaths'),
    getTranslations('orgRoles'),
    listRolesWithRequirements(viewer.organizationId),
    listCareerEdges(viewer.organizationId),
    listFrameworkIndexes(viewer.organizationId),
  ])
  const editable = can(viewer.role, 'roles:edit')
  const byId = new Map(roles.map((r) => [r.id, r]))
  const liveEdges = edges.filter((e) => byId.has(e.fromRoleId) && byId.has(e.toRoleId))
  const fwByKey = new Map(frameworks.map((f) => [f.index.key, f.index]))
  const statementText = (key: string, id: string) => fwByKey.get(key)?.statements.get(id)?.text ?? id
  return (
    <>
      <RolesTabs current="career" />
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      {roles.length === 0 ? <p className="empty">{to('empty')}</p> : null}
      {roles.length > 0 ? (
        <section className="card" style={{ overflowX: 'auto', marginBottom: 16 }}>
          <CareerGraph
            label={t('graphLabel')}
            edges={liveEdges}
            roles={roles.map((r) => ({
              id: r.id,
              title: r.title,
              href: `/roles/${r.id}`,
              subtitle: `${r.positionLevel ? `${to('positionLevelN', { n: r.positionLevel })} · ` : ''}${t('statements', { n: r.requirements.length })}`,
            }))}
          />
        </section>
      ) : null}
      <div className="two-col">
        <section className="card" aria-labelledby="steps-h">
          <h2 id="steps-h">{t('steps')}</h2>
          {liveEdges.length === 0 ? <p className="empty">{t('empty')}</p> : null}
          <ul className="stack" style={{ listStyle: 'none', padding: 0 }} data-testid="career-steps">
            {liveEdges.map((e) => {
              const from = byId.get(e.fromRoleId)!
              const next = byId.get(e.toRoleId)!
              const delta = careerStepDelta(from, next)
              return (
                <li key={e.id} data-testid="career-step">
                  <div className="row">
                    <strong>{t('step', { from: from.title, to: next.title })}</strong>
                    <span className="spacer" />
                    {editable ? (
                      <ActionForm action={removeCareerEdgeAction} className="row">
                        <input type="hidden" name="edgeId" value={e.id} />
                        <button type="submit" className="secondary">
                          {t('remove')}
                        </button>
                      </ActionForm>
                    ) : null}
                  </div>
                  <details>
                    <summary>{t('adds', { added: delta.added.length, raised: delta.raised.length })}</summary>
                    <ul>
                      {delta.added.map((r) => (
                        <li key={r.statementId}>
                          <span className="mono">{r.statementId}</span>{' '}
                          {statementText(next.frameworkKey, r.statementId)} — {to(`levelNames.${r.level}`)}
                        </li>
                      ))}
                      {delta.raised.map((r) => (
                        <li key={r.statementId}>
                          <span className="mono">{r.statementId}</span>{' '}
                          {statementText(next.frameworkKey, r.statementId)} —{' '}
                          {t('raisedTo', { from: r.from, to: r.to })}
                        </li>
                      ))}
                    </ul>
                  </details>
                </li>
              )
            })}
          </ul>
        </section>
        {editable ? (
          <section className="card" aria-labelledby="add-step-h">
            <h2 id="add-step-h">{t('addStep')}</h2>
            {roles.length < 2 ? (
              <p className="empty">{t('needRoles')}</p>
            ) : (
              <ActionForm action={addCareerEdgeAction} testId="add-career-step">
                <label htmlFor="cp-from">{t('from')}</label>
                <select id="cp-from" name="fromRoleId">
                  {roles.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.title}
                    </option>
                  ))}
                </select>
                <label htmlFor="cp-to">{t('to')}</label>
                <select id="cp-to" name="toRoleId" defaultValue={roles[1]?.id}>
                  {roles.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.title}
                    </option>
                  ))}
                </select>
                <div>
                  <button type="submit">{t('add')}</button>
                </div>
              </ActionForm>
            )}
            <p className="hint">
              <Link href="/roles">{to('title')}</Link>
            </p>
          </section>
        ) : null}
      </div>
    </>
  )
}
