import Link from 'next/link'
import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { getRoleStatements } from '@/lib/frameworks/catalog'
import { resolveFramework } from '@/lib/frameworks/registry'
import { can } from '@/lib/auth/rbac'
import { Attribution } from '@/components/frameworks/Attribution'

export const metadata = { title: 'Work role' }

export default async function WorkRolePage({
  params,
}: {
  params: Promise<{ frameworkId: string; roleId: string }>
}) {
  const viewer = await requirePage('/frameworks/[frameworkId]/roles/[roleId]')
  const { frameworkId, roleId } = await params
  const index = /^[a-z0-9][a-z0-9-]{0,39}$/.test(frameworkId)
    ? await resolveFramework(viewer.organizationId, frameworkId)
    : undefined
  const role = index?.workRoles.get(roleId)
  if (!index || !role) notFound()
  const t = await getTranslations('frameworks')
  const groups = [
    { key: 'tasks', items: getRoleStatements(index, roleId, 'task') ?? [] },
    { key: 'knowledge', items: getRoleStatements(index, roleId, 'knowledge') ?? [] },
    { key: 'skills', items: getRoleStatements(index, roleId, 'skill') ?? [] },
  ] as const
  return (
    <>
      <p>
        <Link href="/frameworks">← {t('role.back')}</Link>
      </p>
      <h1>{role.title}</h1>
      <p className="lead">
        <span className="badge muted mono">{role.id}</span> {index.framework.title}
        {role.opmCodes?.length ? ` · ${t('role.opm', { codes: role.opmCodes.join(', ') })}` : ''}
      </p>
      <p style={{ maxWidth: '80ch' }}>{role.description}</p>
      {can(viewer.role, 'roles:edit') ? (
        <p>
          <Link
            className="button"
            href={`/roles/new?baseline=${encodeURIComponent(`${index.key}#${role.id}`)}`}
            data-testid="create-role-from"
          >
            {t('role.createFrom')}
          </Link>
        </p>
      ) : null}
      {groups.map((g) =>
        g.items.length ? (
          <section
            className="card"
            key={g.key}
            aria-labelledby={`g-${g.key}`}
            style={{ marginTop: 16 }}
            data-testid={`statements-${g.key}`}
          >
            <h2 id={`g-${g.key}`}>{t(`role.${g.key}`, { count: g.items.length })}</h2>
            <table>
              <tbody>
                {g.items.map((s) => (
                  <tr key={s.id}>
                    <td className="mono" style={{ whiteSpace: 'nowrap' }}>
                      {s.id}
                    </td>
                    <td
                      lang={index.framework.id === 'nice' || index.framework.id === 'ecsf' ? 'en' : undefined}
                    >
                      {s.text}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : null,
      )}
      <div style={{ marginTop: 16 }}>
        <Attribution attribution={index.framework.attribution} label={t('attribution')} />
      </div>
    </>
  )
}
