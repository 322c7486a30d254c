import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { currentLocale } from '@/lib/i18n/current'
import { RolesTabs } from '@/components/roles/RolesTabs'
import { listRolesWithRequirements } from '@/lib/roles/store'
import { listFrameworkIndexes } from '@/lib/frameworks/registry'
import { contentItems } from '@/lib/roles/content-items'
import { indexContent, roleCoverage, type RoleCoverage } from '@/lib/roles/coverage'
import { baselineRequirements } from '@/lib/roles/requirements'

export const metadata = { title: 'Coverage' }

type Row = { id: string; title: string; href: string | null; required: number; coverage: RoleCoverage }

/**
 * The coverage matrix: roles × content items, each cell the number of the role's required statements
 * the item trains. Computed on the server; the browser gets counts, never the statements themselves.
 */
export default async function CoveragePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const viewer = await requirePage('/coverage')
  const source = String((await searchParams).source ?? 'org')
  const locale = await currentLocale()
  const [t, frameworks, items] = await Promise.all([
    getTranslations('coverage'),
    listFrameworkIndexes(viewer.organizationId),
    contentItems(locale),
  ])
  const content = indexContent(items)
  let rows: Row[]
  let columnsFor: string[] | null = null
  const fw = frameworks.find((f) => f.index.key === source)?.index
  if (fw) {
    rows = fw.framework.workRoles.map((r) => {
      const reqs = baselineRequirements(fw, r.id, 1)
      return {
        id: r.id,
        title: r.title,
        href: `/frameworks/${fw.framework.id}/roles/${r.id}`,
        required: reqs.length,
        coverage: roleCoverage(fw.key, reqs, content),
      }
    })
    columnsFor = [fw.key]
  } else {
    const roles = await listRolesWithRequirements(viewer.organizationId)
    rows = roles.map((r) => ({
      id: r.id,
      title: r.title,
      href: `/coverage/${r.id}`,
      required: r.requirements.length,
      coverage: roleCoverage(r.frameworkKey, r.requirements, content),
    }))
    columnsFor = [...new Set(roles.map((r) => r.frameworkKey))]
  }
  const columns = items.filter((i) => columnsFor.includes(i.frameworkKey))
  const pct = new Intl.NumberFormat(locale, { style: 'percent' })
  return (
    <>
      <RolesTabs current="coverage" />
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      <form method="get" className="row" style={{ marginBottom: 16 }}>
        <label htmlFor="cov-source">{t('source')}</label>
        <select id="cov-source" name="source" defaultValue={fw ? fw.key : 'org'} style={{ width: 'auto' }}>
          <option value="org">{t('sourceOrg')}</option>
          {frameworks.map(({ index }) => (
            <option key={index.key} value={index.key}>
              {t('sourceFramework', { framework: index.framework.title })}
            </option>
          ))}
        </select>
        <button type="submit" className="secondary">
          OK
        </button>
      </form>
      {rows.length === 0 ? <p className="empty">{t('empty')}</p> : null}
      {rows.length > 0 && columns.length === 0 ? <p className="empty">{t('noContent')}</p> : null}
      {rows.length > 0 ? (
        <div className="table-wrap card">
          <table aria-label={t('matrixLabel')} data-testid="coverage-matrix" className="matrix">
            <thead>
              <tr>
                <th scope="col">{t('role')}</th>
                <th scope="col">{t('required')}</th>
                <th scope="col">{t('covered')}</th>
                <th scope="col">{t('gaps')}</th>
                <th scope="col">{t('share')}</th>
                {columns.map((c) => (
                  <th scope="col" key={c.id} className="item">
                    <Link href={c.href} title={c.title}>
                      {c.title.length > 48 ? `${c.title.slice(0, 47)}…` : c.title}
                    </Link>
                    <div className="hint">{t(`kind.${c.kind}`)}</div>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const counts = new Map(r.coverage.byItem.map((b) => [b.item.id, b.count]))
                return (
                  <tr key={r.id} data-testid="coverage-row">
                    <th scope="row">{r.href ? <Link href={r.href}>{r.title}</Link> : r.title}</th>
                    <td>{r.required}</td>
                    <td>{r.coverage.covered}</td>
                    <td
                      data-testid="coverage-gaps"
                      style={r.coverage.gaps ? { color: 'var(--danger)', fontWeight: 600 } : undefined}
                    >
                      {r.coverage.gaps}
                    </td>
                    <td>{r.required ? pct.format(r.coverage.share) : '—'}</td>
                    {columns.map((c) => {
                      const n = counts.get(c.id) ?? 0
                      return (
                        <td
                          key={c.id}
                          title={n ? t('cell', { n }) : undefined}
                          className={n ? 'cell hit' : 'cell miss'}
                        >
                          {n || '·'}
                        </td>
                      )
                    })}
                  </tr>
                )
              })}
            </tbody>
          </table>
          <p className="hint">{t('legend')}</p>
        </div>
      ) : null}
    </>
  )
}
