import Link from 'next/link'
import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { translationsFor } from '@/lib/frameworks/translations'
import { ActionForm } from '@/components/ActionForm'
import { setStatementTranslationAction } from '../../../actions'
import { requirePage } from '@/lib/auth/session'
import { currentLocale } from '@/lib/i18n/current'
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
  const locale = await currentLocale()
  const [t, translated] = await Promise.all([
    getTranslations('frameworks'),
    translationsFor(viewer.organizationId, index.key, locale),
  ])
  const editable = can(viewer.role, 'roles:edit')
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
      {editable ? (
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
                      {translated.has(s.id) ? (
                        <div className="hint" lang={locale} data-testid="org-translation">
                          {t('role.orgTranslation')}: {translated.get(s.id)}
                        </div>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : null,
      )}
      {editable ? (
        <section className="card" aria-labelledby="tr-h" style={{ marginTop: 16 }}>
          <h2 id="tr-h">{t('role.translateTitle')}</h2>
          <p className="hint">{t('role.translateLead')}</p>
          <ActionForm
            action={setStatementTranslationAction}
            testId="translate-statement"
            resetOnSuccess
            successKey="frameworks.role.translationSaved"
          >
            <input type="hidden" name="frameworkId" value={index.framework.id} />
            <input type="hidden" name="frameworkVersion" value={index.framework.version} />
            <input type="hidden" name="roleId" value={role.id} />
            <input type="hidden" name="locale" value={locale} />
            <label htmlFor="tr-statement">{t('role.translateStatement')}</label>
            <select id="tr-statement" name="statementId">
              {groups
                .flatMap((g) => g.items)
                .map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.id} — {s.text.length > 80 ? `${s.text.slice(0, 79)}…` : s.text}
                  </option>
                ))}
            </select>
            <label htmlFor="tr-text">{t('role.translateText')}</label>
            <textarea id="tr-text" name="text" maxLength={1000} rows={2} />
            <div>
              <button type="submit">{t('role.translateSave')}</button>
            </div>
          </ActionForm>
        </section>
      ) : null}
      <div style={{ marginTop: 16 }}>
        <Attribution attribution={index.framework.attribution} label={t('attribution')} />
      </div>
    </>
  )
}
