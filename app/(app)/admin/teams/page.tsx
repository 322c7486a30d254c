import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { listTeams, listUsers } from '@/lib/org/queries'
import { ActionForm } from '@/components/ActionForm'
import { createTeamAction, removeTeamMemberAction, setTeamMemberAction } from '../actions'

export const metadata = { title: 'Teams' }

export default async function TeamsPage() {
  const viewer = await requirePage('/admin/teams')
  const [t, tc, teams, users] = await Promise.all([
    getTranslations('admin.teams'),
    getTranslations('common'),
    listTeams(viewer.organizationId),
    listUsers(viewer.organizationId),
  ])
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      <div className="two-col">
        <div className="stack">
          {teams.length === 0 ? <p className="empty">{t('empty')}</p> : null}
          {teams.map((team) => {
            const candidates = users.filter((u) => !team.members.some((m) => m.userId === u.id))
            return (
              <section className="card" key={team.id} aria-labelledby={`t-${team.id}`} data-testid="team-card">
                <h2 id={`t-${team.id}`}>{team.name}</h2>
                {team.members.length === 0 ? <p className="muted">{t('noMembers')}</p> : null}
                <ul className="stack" style={{ listStyle: 'none', padding: 0 }}>
                  {team.members.map((m) => (
                    <li key={m.userId} className="row">
                      <Link href={`/admin/users/${m.userId}`}>{m.name}</Link>
                      {m.isLead ? <span className="badge">{t('lead')}</span> : null}
                      <span className="spacer" />
                      {!m.isLead ? (
                        <ActionForm action={setTeamMemberAction} className="row">
                          <input type="hidden" name="teamId" value={team.id} />
                          <input type="hidden" name="userId" value={m.userId} />
                          <input type="hidden" name="isLead" value="true" />
                          <button type="submit" className="secondary">{t('makeLead')}</button>
                        </ActionForm>
                      ) : null}
                      <ActionForm action={removeTeamMemberAction} className="row">
                        <input type="hidden" name="teamId" value={team.id} />
                        <input type="hidden" name="userId" value={m.userId} />
                        <button type="submit" className="secondary">{tc('remove')}</button>
                      </ActionForm>
                    </li>
                  ))}
                </ul>
                {candidates.length > 0 ? (
                  <ActionForm action={setTeamMemberAction} className="row">
                    <input type="hidden" name="teamId" value={team.id} />
                    <label htmlFor={`add-${team.id}`} className="sr-only">{t('person')}</label>
                    <select id={`add-${team.id}`} name="userId" style={{ width: 'auto' }}>
                      {candidates.map((u) => (
                        <option key={u.id} value={u.id}>
                          {u.name}
                        </option>
                      ))}
                    </select>
                    <button type="submit">{t('addMember')}</button>
                  </ActionForm>
                ) : null}
              </section>
            )
          })}
        </div>
        <section className="card" aria-labelledby="new-team-h">
          <h2 id="new-team-h">{t('createTitle')}</h2>
          <ActionForm action={createTeamAction} successKey="admin.teams.created" resetOnSuccess testId="create-team-form">
            <div className="field">
              <label htmlFor="team-name">{t('name')}</label>
              <input id="team-name" name="name" type="text" required maxLength={100} />
            </div>
            <button type="submit">{tc('create')}</button>
          </ActionForm>
        </section>
      </div>
    </>
  )
}
