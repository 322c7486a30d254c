import { getTranslations } from 'next-intl/server'
import { findInvitation } from '@/lib/org/queries'
import { isRole } from '@/lib/auth/rbac'
import { ActionForm } from '@/components/ActionForm'
import { acceptInvitationAction } from './actions'

export const metadata = { title: 'Invitation' }

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params
  const [t, tr] = await Promise.all([getTranslations('invite'), getTranslations('roles')])
  const inv = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await findInvitation(token) : null
  if (!inv || !isRole(inv.role)) {
    return (
      <div className="signin-wrap">
        <p className="alert error" role="alert" data-testid="invite-invalid">{t('invalid')}</p>
      </div>
    )
  }
  return (
    <div className="signin-wrap">
      <div className="card">
        <h1>{t('title', { org: inv.organization.name })}</h1>
        <p className="muted">{t('lead', { role: tr(inv.role), email: inv.email })}</p>
        <ActionForm action={acceptInvitationAction} successKey="invite.done" testId="invite-accept-form">
          <input type="hidden" name="token" value={token} />
          <div className="field">
            <label htmlFor="inv-name">{t('name')}</label>
            <input id="inv-name" name="name" type="text" required maxLength={100} />
          </div>
          <div className="field">
            <label htmlFor="inv-pw">{t('password')}</label>
            <input id="inv-pw" name="password" type="password" required minLength={10} maxLength={256} autoComplete="new-password" />
          </div>
          <button type="submit">{t('submit')}</button>
        </ActionForm>
      </div>
    </div>
  )
}
