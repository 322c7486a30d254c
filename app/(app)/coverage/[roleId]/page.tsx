import Link from 'next/link'
import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { currentLocale } from '@/lib/i18n/current'
import { getRole } from '@/lib/roles/store'
import { resolveFramework } from '@/lib/frameworks/registry'
import { contentItems } from '@/lib/roles/content-items'
import { indexContent, roleCoverage } from '@/lib/roles/coverage'
import { Attribution } from '@/components/frameworks/Attribution'

export const metadata = { title: 'Role coverage' }

export default async function RoleCoveragePage({
  params,
  searchParams,
}: {
  params: Promise<{ roleId: string }>
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const viewer = await requirePage('/coverage/[roleId]')
  const { roleId } = await params
  const gapsOnly = (await searchParams).gaps === '1'
  const role = await getRole(viewer.organizationId, roleId)
  if (!role) notFound()
  const locale = await currentLocale()
  const [t, to, tf, fw, items] = await Promise.all([
    getTranslations('coverage'),
    getTranslations('orgRoles'),
    getTranslations('frameworks'),
    resolveFramework(viewer.organizationId, role.frameworkId, role.frameworkVersion),
    contentItems(locale),
  ])
  const cov = roleCoverage(role.frameworkKey, role.requirements, indexContent(items))
  const rows = gapsOnly ? cov.statements.filter((s) => s.items.length === 0) : cov.statements
  return (
    <>
      <p>
        <Link href="/coverage">← {t('title')}</Link>
      </p>
      <h1>{t('roleTitle', { role: role.title })}</h1>
      <p className="lead" data-testid="role-coverage">
        {to('coverageSummary', { covered: cov.covered, total: role.requirements.length, share: cov.share })}
      </p>
      <p>
        <Link href={gapsOnly ? `/coverage/${role.id}` : `/coverage/${role.id}?gaps=1`}>
          {gapsOnly ? t('showAll') : t('gapsOnly')}
        </Link>
      </p>
      <div className="table-wrap card">
        <table data-testid="coverage-statements">
          <thead>
            <tr>
              <th scope="col">ID</th>
              <th scope="col">{to('statement')}</th>
              <th scope="col">{to('requiredLevel')}</th>
              <th scope="col">{t('contentFor')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.statementId} data-testid={s.items.length ? 'covered' : 'gap'}>
                <td className="mono">{s.statementId}</td>
                <td lang={fw && ['nice', 'ecsf'].includes(fw.framework.id) ? 'en' : undefined}>
                  {fw?.statements.get(s.statementId)?.text}
                </td>
                <td>{to(`levelNames.${s.level}`)}</td>
                <td>
                  {s.items.length === 0 ? (
                    <span
                      className="badge"
                      style={{ background: 'var(--danger-soft)', color: 'var(--danger)' }}
                    >
                      {t('noContentFor')}
                    </span>
                  ) : (
                    s.items.map((i) => (
                      <span key={i.id}>
                        <Link href={i.href}>{i.title}</Link>{' '}
                        <span className="hint">({t(`kind.${i.kind}`)})</span>{' '}
                      </span>
                    ))
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {fw ? (
        <div style={{ marginTop: 16 }}>
          <Attribution attribution={fw.framework.attribution} label={tf('attribution')} />
        </div>
      ) : null}
    </>
  )
}
