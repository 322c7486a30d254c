import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { getRole } from '@/lib/roles/store'
import { resolveFramework } from '@/lib/frameworks/registry'
import { RequirementsEditor, type EditorRow } from '@/components/roles/RequirementsEditor'
import { Attribution } from '@/components/frameworks/Attribution'
import { updateRoleAction } from '../../actions'

export const metadata = { title: 'Edit role' }

export default async function EditRolePage({ params }: { params: Promise<{ roleId: string }> }) {
  const viewer = await requirePage('/roles/[roleId]/edit')
  const { roleId } = await params
  const role = await getRole(viewer.organizationId, roleId)
  if (!role || role.archived) notFound()
  const [t, tf, fw] = await Promise.all([
    getTranslations('orgRoles'),
    getTranslations('frameworks'),
    resolveFramework(viewer.organizationId, role.frameworkId, role.frameworkVersion),
  ])
  if (!fw) notFound()
  // Only this role's statements go to the browser, never the whole framework.
  const rows: EditorRow[] = role.requirements.flatMap((r) => {
    const s = fw.statements.get(r.statementId)
    return s
      ? [{ statementId: r.statementId, type: s.type, text: s.text, level: r.level, weight: r.weight }]
      : []
  })
  const builtin = fw.framework.id === 'nice' || fw.framework.id === 'ecsf'
  return (
    <>
      <h1>{t('editTitle', { title: role.title })}</h1>
      <p className="lead">{t('editLead', { n: role.version + 1 })}</p>
      <RequirementsEditor
        action={updateRoleAction}
        role={{
          id: role.id,
          version: role.version,
          title: role.title,
          description: role.description,
          positionLevel: role.positionLevel,
        }}
        rows={rows}
        framework={{
          id: fw.framework.id,
          version: fw.framework.version,
          ...(builtin ? { statementLang: 'en' } : {}),
        }}
      />
      <div style={{ marginTop: 16 }}>
        <Attribution attribution={fw.framework.attribution} label={tf('attribution')} />
      </div>
    </>
  )
}
