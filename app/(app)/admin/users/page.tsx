import Link from 'next/link'
import { getFormatter, getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { listInvitations, listTeams, listUsers } from '@/lib/org/queries'
import { ROLES } from '@/lib/auth/rbac'
import { ActionForm } from '@/components/ActionForm'
import { createInvitationAction, createUserAction } from '../actions'

export const metadata = { title: 'Users' }

export default async function UsersPage() {
  const viewer = await requirePage('/admin/users')
  const [t, tr, format, users, teams, invitations] = await Promise.all([
    getTranslations('admin.users'),
    getTranslations('roles'),
    getFormatter(),
    listUsers(viewer.organizationId),
    listTeams(viewer.organizationId),
    listInvitations(viewer.organizationId),
  ])
  const roleOptions = ROLES.map((r) => (
    <option key={r} value={r}>
      {tr(r)}
    </option>
  ))
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      <div className="two-col">
        <section className="card" aria-labelledby="list-h">
          <h2 id="list-h" className="sr-only">{t('title')}</h2>
          <div className="table-wrap">
            <table data-testid="users-table">
              <thead>
                <tr>
                  <th scope="col">{t('name')}</th>
                  <th scope="col">{t('email')}</th>
                  <th scope="col">{t('role')}</th>
                  <th scope="col">{t('teams')}</th>
                  <th scope="col">{t('status')}</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id}>
                    <td>
                      <Link href={`/admin/users/${u.id}`}>{u.name}</Link>
                    </td>
                    <td>{u.email}</td>
                    <td>
                      <span className="badge">{tr(u.role)}</span>
                    </td>
                    <td>{u.teams.map((x) => x.name).join(', ')}</td>
                    <td>{u.disabled ? <span className="badge danger">{t('disabled')}</span> : <span className="badge ok">{t('active')}</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <div className="stack">
          <section className="card" aria-labelledby="create-h">
            <h2 id="create-h">{t('createTitle')}</h2>
            <ActionForm action={createUserAction} successKey="admin.users.created" resetOnSuccess testId="create-user-form">
              <div className="field">
                <label htmlFor="cu-name">{t('name')}</label>
                <input id="cu-name" name="name" type="text" required maxLength={100} />
              </div>
              <div className="field">
                <label htmlFor="cu-email">{t('email')}</label>
                <input id="cu-email" name="email" type="email" required maxLength={254} />
              </div>
              <div className="field">
                <label htmlFor="cu-role">{t('role')}</label>
                <select id="cu-role" name="role" defaultValue="learner">
                  {roleOptions}
                </select>
              </div>
              <div className="field">
                <label htmlFor="cu-team">{t('team')}</label>
                <select id="cu-team" name="teamId" defaultValue="">
                  <option value="">{t('noTeam')}</option>
                  {teams.map((team) => (
                    <option key={team.id} value={team.id}>
                      {team.name}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="cu-password">{t('password')}</label>
                <input id="cu-password" name="password" type="password" required minLength={10} maxLength={256} autoComplete="new-password" />
                <p className="hint">{t('passwordHint')}</p>
              </div>
              <button type="submit">{t('createTitle')}</button>
            </ActionForm>
          </section>
          <section className="card" aria-labelledby="invite-h">
            <h2 id="invite-h">{t('inviteTitle')}</h2>
            <p className="hint">{t('inviteHint')}</p>
            <ActionForm action={createInvitationAction} successKey="admin.users.inviteCreated" showDataKey="link" resetOnSuccess testId="invite-form">
              <div className="field">
                <label htmlFor="inv-email">{t('email')}</label>
                <input id="inv-email" name="email" type="email" required maxLength={254} />
              </div>
              <div className="field">
                <label htmlFor="inv-role">{t('role')}</label>
                <select id="inv-role" name="role" defaultValue="learner">
                  {roleOptions}
                </select>
              </div>
              <button type="submit">{t('invite')}</button>
            </ActionForm>
            {invitations.length > 0 ? (
              <>
                <h3 style={{ marginTop: 16 }}>{t('pendingTitle')}</h3>
                <ul>
                  {invitations.map((i) => (
                    <li key={i.id}>
                      {i.email} <span className="badge muted">{tr(i.role as (typeof ROLES)[number])}</span>{' '}
                      <span className="muted">{t('expires', { date: format.dateTime(i.expiresAt, { dateStyle: 'medium' }) })}</span>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </section>
        </div>
      </div>
    </>
  )
}
