import Link from 'next/link'
import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { currentLocale } from '@/lib/i18n/current'
import { can } from '@/lib/auth/rbac'
import { getRole, listRoleVersions } from '@/lib/roles/store'
import { resolveFramework } from '@/lib/frameworks/registry'
import { translationsFor } from '@/lib/frameworks/translations'
import { contentItems } from '@/lib/roles/content-items'
import { indexContent, roleCoverage } from '@/lib/roles/coverage'
import { countByType, diffRequirements } from '@/lib/roles/requirements'
import type { StatementType } from '@/lib/frameworks/schema'
import { ActionForm } from '@/components/ActionForm'
import { Attribution } from '@/components/frameworks/Attribution'
import { archiveRoleAction, cloneRoleAction } from '../actions'
import { appTimeZone } from '@/lib/i18n/time-zone'

export const metadata = { title: 'Role' }

const TYPES: StatementType[] = ['task', 'knowledge', 'skill']

export default async function RolePage({ params }: { params: Promise<{ roleId: string }> }) {
  const viewer = await requirePage('/roles/[roleId]')
  const { roleId } = await params
  const role = await getRole(viewer.organizationId, roleId)
  if (!role) notFound()
  const locale = await currentLocale()
  const [t, tf, fw, versions, items] = await Promise.all([
    getTranslations('orgRoles'),
    getTranslations('frameworks'),
    resolveFramework(viewer.organizationId, role.frameworkId, role.frameworkVersion),
    listRoleVersions(viewer.organizationId, roleId),
    contentItems(locale),
  ])
  const editable = can(viewer.role, 'roles:edit')
  const translated = await translationsFor(viewer.organizationId, role.frameworkKey, locale)
  const statement = (id: string) => fw?.statements.get(id)
  const counts = countByType(role.requirements, (id) => statement(id)?.type)
  const cov = roleCoverage(role.frameworkKey, role.requirements, indexContent(items))
  const fmt = new Intl.DateTimeFormat(locale, { timeZone: appTimeZone(), dateStyle: 'medium', timeStyle: 'short' })
  return (
    <>
      <p>
        <Link href="/roles">← {t('title')}</Link>
      </p>
      <h1>
        {role.title} {role.archived ? <span className="badge muted">{t('archived')}</span> : null}
      </h1>
      <p className="lead" data-testid="role-meta">
        {t('versionN', { n: role.version })} ·{' '}
        {t('framework', { framework: fw?.framework.title ?? role.frameworkKey })} ·{' '}
        {role.baselineWorkRoleId
          ? t('baseline', {
              role: fw?.workRoles.get(role.baselineWorkRoleId)?.title ?? role.baselineWorkRoleId,
            })
          : t('noBaseline')}
        {role.positionLevel ? ` · ${t('positionLevelN', { n: role.positionLevel })}` : ''}
      </p>
      {role.description ? (
        <p style={{ maxWidth: '80ch', whiteSpace: 'pre-wrap' }}>{role.description}</p>
      ) : null}
      {role.archived ? <p className="alert">{t('archivedNote')}</p> : null}
      {editable ? (
        <div className="row" style={{ marginBottom: 16, alignItems: 'flex-end' }}>
          {!role.archived ? (
            <Link className="button" href={`/roles/${role.id}/edit`}>
              {t('edit')}
            </Link>
          ) : null}
          <ActionForm action={cloneRoleAction} className="row">
            <input type="hidden" name="roleId" value={role.id} />
            <label htmlFor="clone-title" className="sr-only">
              {t('cloneTitle')}
            </label>
            <input
              id="clone-title"
              name="title"
              defaultValue={t('copyOf', { title: role.title })}
              maxLength={120}
              style={{ width: 240 }}
            />
            <button type="submit" className="secondary">
              {t('clone')}
            </button>
          </ActionForm>
          <ActionForm action={archiveRoleAction} className="row">
            <input type="hidden" name="roleId" value={role.id} />
            <input type="hidden" name="archived" value={role.archived ? 'false' : 'true'} />
            <button type="submit" className="secondary">
              {role.archived ? t('restore') : t('archive')}
            </button>
          </ActionForm>
        </div>
      ) : null}
      <section className="card" aria-labelledby="cov-h" style={{ marginBottom: 16 }}>
        <h2 id="cov-h">{t('col.coverage')}</h2>
        <p data-testid="role-coverage">
          {t('coverageSummary', { covered: cov.covered, total: role.requirements.length, share: cov.share })}{' '}
          <Link href={`/coverage/${role.id}`}>{t('coverageLink')}</Link>
        </p>
      </section>
      <section className="card" aria-labelledby="req-h" data-testid="requirements">
        <h2 id="req-h">{t('requirements')}</h2>
        <p className="muted">
          {t('counts', { tasks: counts.task, knowledge: counts.knowledge, skills: counts.skill })}
        </p>
        {role.requirements.length === 0 ? <p className="empty">{t('noRequirements')}</p> : null}
        {TYPES.map((type) => {
          const rows = role.requirements.filter((r) => statement(r.statementId)?.type === type)
          if (!rows.length) return null
          return (
            <div className="table-wrap" key={type}>
              <table>
                <caption style={{ textAlign: 'left', fontWeight: 600 }}>{tf(`type.${type}`)}</caption>
                <thead>
                  <tr>
                    <th scope="col">ID</th>
                    <th scope="col">{t('statement')}</th>
                    <th scope="col">{t('requiredLevel')}</th>
                    <th scope="col">{t('weight')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.statementId} data-testid={`req-${r.statementId}`}>
                      <td className="mono">{r.statementId}</td>
                      <td
                        lang={fw?.framework.id === 'nice' || fw?.framework.id === 'ecsf' ? 'en' : undefined}
                      >
                        {statement(r.statementId)?.text}
                        {translated.has(r.statementId) ? (
                          <div className="hint" lang={locale}>
                            {tf('role.orgTranslation')}: {translated.get(r.statementId)}
                          </div>
                        ) : null}
                      </td>
                      <td data-testid="req-level">{t(`levelNames.${r.level}`)}</td>
                      <td>{r.weight}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        })}
        {fw ? <Attribution attribution={fw.framework.attribution} label={tf('attribution')} /> : null}
      </section>
      <section className="card" aria-labelledby="hist-h" style={{ marginTop: 16 }}>
        <h2 id="hist-h">{t('history')}</h2>
        <ol reversed data-testid="role-history">
          {versions.map((v, i) => {
            const prev = versions[i + 1]
            const d = prev ? diffRequirements(prev.spec.requirements, v.spec.requirements) : null
            const details =
              prev &&
              (prev.spec.title !== v.spec.title ||
                prev.spec.description !== v.spec.description ||
                prev.spec.positionLevel !== v.spec.positionLevel)
            const parts = d
              ? [
                  d.added.length ? t('diffAdded', { n: d.added.length }) : '',
                  d.removed.length ? t('diffRemoved', { n: d.removed.length }) : '',
                  d.raised.length ? t('diffRaised', { n: d.raised.length }) : '',
                  d.lowered.length ? t('diffLowered', { n: d.lowered.length }) : '',
                  d.reweighted.length ? t('diffReweighted', { n: d.reweighted.length }) : '',
                  details ? t('diffDetails') : '',
                ].filter(Boolean)
              : [t('firstVersion')]
            return (
              <li key={v.version}>
                {t('historyEntry', { n: v.version, date: fmt.format(v.createdAt), who: v.changedBy })} —{' '}
                {parts.join(' · ')}
              </li>
            )
          })}
        </ol>
      </section>
    </>
  )
}
