import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { listFrameworkIndexes } from '@/lib/frameworks/registry'
import { ActionForm } from '@/components/ActionForm'
import { createRoleAction } from '../actions'

export const metadata = { title: 'New role' }

export default async function NewRolePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const viewer = await requirePage('/roles/new')
  const params = await searchParams
  const [t, frameworks] = await Promise.all([
    getTranslations('orgRoles'),
    listFrameworkIndexes(viewer.organizationId),
  ])
  const preselect = typeof params.baseline === 'string' ? params.baseline : 'nice@2.1.0#PD-WRL-003'
  return (
    <>
      <h1>{t('newTitle')}</h1>
      <p className="lead">{t('newLead')}</p>
      <section className="card" style={{ maxWidth: 720 }}>
        <ActionForm action={createRoleAction} successKey="orgRoles.created" testId="create-role">
          <label htmlFor="role-title">{t('fieldTitle')}</label>
          <input id="role-title" name="title" required maxLength={120} />
          <label htmlFor="role-baseline">{t('fieldBaseline')}</label>
          <select id="role-baseline" name="baseline" defaultValue={preselect}>
            {frameworks.map(({ index }) => (
              <optgroup key={index.key} label={index.framework.title}>
                {index.framework.workRoles.map((r) => (
                  <option key={r.id} value={`${index.key}#${r.id}`}>
                    {r.title} ({r.id})
                  </option>
                ))}
                <option value={`${index.key}#`}>{t('blankOn', { framework: index.framework.title })}</option>
              </optgroup>
            ))}
          </select>
          <label htmlFor="role-default-level">{t('fieldDefaultLevel')}</label>
          <select id="role-default-level" name="defaultLevel" defaultValue="2">
            {[1, 2, 3, 4].map((n) => (
              <option key={n} value={n}>
                {t(`levelNames.${n}`)}
              </option>
            ))}
          </select>
          <label htmlFor="role-position">{t('positionLevel')}</label>
          <select id="role-position" name="positionLevel" defaultValue="">
            <option value="">{t('positionLevelNone')}</option>
            {[1, 2, 3, 4, 5].map((n) => (
              <option key={n} value={n}>
                {t('positionLevelN', { n })}
              </option>
            ))}
          </select>
          <label htmlFor="role-description">{t('fieldDescription')}</label>
          <textarea id="role-description" name="description" maxLength={2000} rows={3} />
          <div>
            <button type="submit">{t('create')}</button>
          </div>
        </ActionForm>
      </section>
    </>
  )
}
