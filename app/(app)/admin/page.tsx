import Link from 'next/link'
import { getFormatter, getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { orgOverview, recentAudit } from '@/lib/org/queries'
import { systemHealth } from '@/lib/system/health'
import { runnerHealth } from '@/lib/system/sandbox'

export const metadata = { title: 'Administration' }

export default async function AdminHome() {
  const viewer = await requirePage('/admin')
  const [t, format, overview, events, health, runners] = await Promise.all([
    getTranslations('home.admin'),
    getFormatter(),
    orgOverview(viewer.organizationId),
    recentAudit(viewer.organizationId, 8),
    systemHealth(),
    runnerHealth(),
  ])
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead', { org: viewer.organizationName })}</p>
      <div className="grid">
        <section className="card">
          <div className="stat" data-testid="stat-users">
            {format.number(overview.users)}
          </div>
          <div className="stat-label">{t('users')}</div>
          <p>
            <Link href="/admin/users">{t('manageUsers')}</Link>
          </p>
        </section>
        <section className="card">
          <div className="stat">{format.number(overview.teams)}</div>
          <div className="stat-label">{t('teams')}</div>
          <p>
            <Link href="/admin/teams">{t('manageTeams')}</Link>
          </p>
        </section>
        <section className="card">
          <div className="stat">{format.number(overview.pendingInvitations)}</div>
          <div className="stat-label">{t('pending')}</div>
        </section>
        <section className="card">
          <div className="stat-label">{t('integrations')}</div>
          <p>
            <Link href="/admin/api-tokens">{t('manageApiTokens')}</Link>
          </p>
        </section>
      </div>
      <div className="two-col" style={{ marginTop: 20 }}>
        <section className="card" aria-labelledby="audit-h">
          <h2 id="audit-h">{t('audit')}</h2>
          {events.length === 0 ? (
            <p className="empty">{t('auditEmpty')}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <tbody>
                  {events.map((e) => (
                    <tr key={e.id}>
                      <td className="muted" style={{ whiteSpace: 'nowrap' }}>
                        {format.dateTime(e.createdAt, { dateStyle: 'short', timeStyle: 'short' })}
                      </td>
                      <td className="mono">{e.action}</td>
                      <td>{e.detail}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section className="card" aria-labelledby="sys-h">
          <h2 id="sys-h">{t('system')}</h2>
          <dl>
            <dt>{t('database')}</dt>
            <dd data-testid="db-kind">{health.database.kind}</dd>
            <dt>{t('sandbox')}</dt>
            <dd data-testid="sandbox-state">
              {health.sandbox.available
                ? t('sandboxOk', { details: health.sandbox.details })
                : t('sandboxMissing', { reason: health.sandbox.reason })}
            </dd>
          </dl>
          {runners && (
            <table data-testid="runners">
              <caption>{t('runners')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('runner')}</th>
                  <th scope="col">{t('runnerState')}</th>
                  <th scope="col">{t('runnerSessions')}</th>
                </tr>
              </thead>
              <tbody>
                {runners.map((r) => (
                  <tr key={r.url}>
                    <td className="mono">{r.runnerId ?? '—'}</td>
                    <td>{r.healthy ? t('runnerUp') : t('runnerDown', { failures: r.failures })}</td>
                    <td>{t('runnerLoad', { sessions: r.sessions, max: r.maxSessions })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </>
  )
}
