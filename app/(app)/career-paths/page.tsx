import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { RolesTabs } from '@/components/roles/RolesTabs'
import { can } from '@/lib/auth/rbac'
import { listCareerEdges, listRolesWithRequirements } from '@/lib/roles/store'
import { listFrameworkIndexes } from '@/lib/frameworks/registry'
import { NODE_HEIGHT, NODE_WIDTH, layoutCareerGraph } from '@/lib/roles/graph'
import { careerStepDelta } from '@/lib/roles/requirements'
import { ActionForm } from '@/components/ActionForm'
import { addCareerEdgeAction, removeCareerEdgeAction } from '../roles/actions'

export const metadata = { title: 'Career paths' }

/** Shortens a title to fit a node: SVG text does not wrap. Wide (CJK) characters count double. */
function clip(text: string, maxUnits = 22): string {
  let units = 0
  let out = ''
  for (const ch of text) {
    units += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1
    if (units > maxUnits) return `${out.trimEnd()}…`
    out += ch
  }
  return out
}

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
  const layout = layoutCareerGraph(
    roles.map((r) => r.id),
    liveEdges,
  )
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
          <svg
            role="img"
            aria-label={t('graphLabel')}
            width={layout.width}
            height={layout.height}
            viewBox={`0 0 ${layout.width} ${layout.height}`}
            data-testid="career-graph"
            style={{ maxWidth: 'none' }}
          >
            <defs>
              <marker
                id="arrow"
                viewBox="0 0 10 10"
                refX="9"
                refY="5"
                markerWidth="7"
                markerHeight="7"
                orient="auto-start-reverse"
              >
                <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
              </marker>
            </defs>
            {layout.edges.map((e) => (
              <path
                key={`${e.fromRoleId}-${e.toRoleId}`}
                d={e.path}
                fill="none"
                stroke="currentColor"
                strokeOpacity={0.55}
                strokeWidth={1.6}
                markerEnd="url(#arrow)"
              />
            ))}
            {layout.nodes.map((n) => {
              const r = byId.get(n.id)!
              return (
                <a key={n.id} href={`/roles/${n.id}`} data-testid="career-node">
                  <title>{r.title}</title>
                  <rect
                    x={n.x}
                    y={n.y}
                    width={NODE_WIDTH}
                    height={NODE_HEIGHT}
                    rx={8}
                    fill="var(--brand-soft)"
                    stroke="var(--brand)"
                    strokeWidth={1.5}
                  />
                  <text x={n.x + 12} y={n.y + 23} fontSize={14} fontWeight={600} fill="currentColor">
                    {clip(r.title)}
                  </text>
                  <text x={n.x + 12} y={n.y + 42} fontSize={12} fill="currentColor" opacity={0.7}>
                    {r.positionLevel ? `${to('positionLevelN', { n: r.positionLevel })} · ` : ''}
                    {t('statements', { n: r.requirements.length })}
                  </text>
                </a>
              )
            })}
          </svg>
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
