import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { currentLocale } from '@/lib/i18n/current'
import { RolesTabs } from '@/components/roles/RolesTabs'
import { can } from '@/lib/auth/rbac'
import { listRolesWithRequirements } from '@/lib/roles/store'
import { listFrameworkIndexes } from '@/lib/frameworks/registry'
import { contentItems } from '@/lib/roles/content-items'
import { indexContent, roleCoverage } from '@/lib/roles/coverage'
import { appTimeZone } from '@/lib/i18n/time-zone'

export const metadata = { title: 'Roles' }

export default async function RolesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const viewer = await requirePage('/roles')
  const includeArchived = (await searchParams).archived === '1'
  const locale = await currentLocale()
  const [t, roles, frameworks, items] = await Promise.all([
    getTranslations('orgRoles'),
    listRolesWithRequirements(viewer.organizationId, { includeArchived }),
    listFrameworkIndexes(viewer.organizationId),
    contentItems(locale),
  ])
  const byKey = new Map(frameworks.map((f) => [f.index.key, f.index]))
  const content = indexContent(items)
  const editable = can(viewer.role, 'roles:edit')
  const fmtDate = new Intl.DateTimeFormat(locale, { timeZone: appTimeZone(), dateStyle: 'medium' })
  const pct = new Intl.NumberFormat(locale, { style: 'percent' })
  return (
    <>
      <RolesTabs current="roles" />
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      <div className="row" style={{ marginBottom: 16 }}>
        {editable ? (
          <Link className="button" href="/roles/new">
            {t('new')}
          </Link>
        ) : null}
        <Link href={includeArchived ? '/roles' : '/roles?archived=1'}>
          {includeArchived ? t('hideArchived') : t('showArchived')}
        </Link>
        <span className="spacer" />
        <span className="muted">{t('export')}:</span>
        <a href="/api/v1/roles/export?format=case" download data-testid="export-case">
          {t('exportCase')}
        </a>
        <a href="/api/v1/roles/export?format=csv" download>
          {t('exportCsv')}
        </a>
      </div>
      {roles.length === 0 ? (
        <p className="empty">{t('empty')}</p>
      ) : (
        <div className="table-wrap card">
          <table data-testid="roles-table">
            <thead>
              <tr>
                <th scope="col">{t('col.title')}</th>
                <th scope="col">{t('col.level')}</th>
                <th scope="col">{t('col.framework')}</th>
                <th scope="col">{t('col.baseline')}</th>
                <th scope="col">{t('col.statements')}</th>
                <th scope="col">{t('col.coverage')}</th>
                <th scope="col">{t('col.version')}</th>
                <th scope="col">{t('col.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {roles.map((r) => {
                const fw = byKey.get(r.frameworkKey)
                const cov = roleCoverage(r.frameworkKey, r.requirements, content)
                return (
                  <tr key={r.id}>
                    <th scope="row">
                      <Link href={`/roles/${r.id}`}>{r.title}</Link>{' '}
                      {r.archived ? <span className="badge muted">{t('archived')}</span> : null}
                    </th>
                    <td>{r.positionLevel ?? '—'}</td>
                    <td>{fw?.framework.title ?? r.frameworkKey}</td>
                    <td>
                      {r.baselineWorkRoleId
                        ? (fw?.workRoles.get(r.baselineWorkRoleId)?.title ?? r.baselineWorkRoleId)
                        : '—'}
                    </td>
                    <td>{r.requirements.length}</td>
                    <td>{r.requirements.length ? pct.format(cov.share) : '—'}</td>
                    <td>{r.version}</td>
                    <td>{fmtDate.format(r.updatedAt)}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  )
}
