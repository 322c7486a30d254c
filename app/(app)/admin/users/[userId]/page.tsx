import Link from 'next/link'
import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { getUser, listTeams } from '@/lib/org/queries'
import { ROLES } from '@/lib/auth/rbac'
import { ActionForm } from '@/components/ActionForm'
import { removeTeamMemberAction, setTeamMemberAction, setUserDisabledAction, updateMembershipAction } from '../../actions'

export const metadata = { title: 'User' }

export default async function UserPage({ params }: { params: Promise<{ userId: string }> }) {
  const viewer = await requirePage('/admin/users/[userId]')
  const { userId } = await params
  const [user, teams, t, tu, tr, tc] = await Promise.all([
    getUser(viewer.organizationId, userId),
    listTeams(viewer.organizationId),
    getTranslations('admin.user'),
    getTranslations('admin.users'),
    getTranslations('roles'),
    getTranslations('common'),
  ])
  if (!user) notFound()
  const otherTeams = teams.filter((team) => !user.teams.some((x) => x.id === team.id))
  return (
    <>
      <p>
        <Link href="/admin/users">← {tu('title')}</Link>
      </p>
      <h1>{t('title', { name: user.name })}</h1>
      <p className="lead">
        {user.email} · <span className="badge">{tr(user.role)}</span>{' '}
        {user.disabled ? <span className="badge danger">{tu('disabled')}</span> : null}
      </p>
      <div className="grid">
        <section className="card" aria-labelledby="role-h">
          <h2 id="role-h">{t('roleTitle')}</h2>
          <ActionForm action={updateMembershipAction} successKey="admin.user.roleSaved" testId="role-form">
            <input type="hidden" name="userId" value={user.id} />
            <label htmlFor="role-select" className="sr-only">{t('roleTitle')}</label>
            <select id="role-select" name="role" defaultValue={user.role}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {tr(r)}
                </option>
              ))}
            </select>
            <button type="submit">{tc('save')}</button>
          </ActionForm>
        </section>
        <section className="card" aria-labelledby="acct-h">
          <h2 id="acct-h">{t('accountTitle')}</h2>
          <ActionForm action={setUserDisabledAction} successKey="admin.user.statusSaved" testId="disable-form">
            <input type="hidden" name="userId" value={user.id} />
            <input type="hidden" name="disabled" value={user.disabled ? 'false' : 'true'} />
            <button type="submit" className={user.disabled ? undefined : 'danger'}>
              {user.disabled ? t('enable') : t('disable')}
            </button>
          </ActionForm>
        </section>
        <section className="card" aria-labelledby="teams-h">
          <h2 id="teams-h">{t('teamsTitle')}</h2>
          {user.teams.length === 0 ? <p className="muted">{t('notInTeam')}</p> : null}
          <ul className="stack" style={{ listStyle: 'none', padding: 0 }}>
            {user.teams.map((team) => (
              <li key={team.id} className="row">
                <span>{team.name}</span>
                {team.isLead ? <span className="badge">{tr('manager')}</span> : null}
                <span className="spacer" />
                <ActionForm action={removeTeamMemberAction} className="row">
                  <input type="hidden" name="teamId" value={team.id} />
                  <input type="hidden" name="userId" value={user.id} />
                  <button type="submit" className="secondary">{tc('remove')}</button>
                </ActionForm>
              </li>
            ))}
          </ul>
          {otherTeams.length > 0 ? (
            <ActionForm action={setTeamMemberAction} successKey="admin.teams.memberSaved" testId="add-team-form">
              <input type="hidden" name="userId" value={user.id} />
              <label htmlFor="team-select">{t('addToTeam')}</label>
              <select id="team-select" name="teamId">
                {otherTeams.map((team) => (
                  <option key={team.id} value={team.id}>
                    {team.name}
                  </option>
                ))}
              </select>
              <label className="row" style={{ fontWeight: 400 }}>
                <input type="checkbox" name="isLead" value="true" /> {t('asLead')}
              </label>
              <button type="submit">{tc('add')}</button>
            </ActionForm>
          ) : null}
        </section>
      </div>
    </>
  )
}
