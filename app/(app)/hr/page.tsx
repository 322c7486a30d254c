import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { listTeams, orgOverview } from '@/lib/org/queries'
import { ROLES } from '@/lib/auth/rbac'
import Link from 'next/link'
import { listRoles } from '@/lib/roles/store'
import { BUCKETS } from '@/lib/progress/buckets'
import { orgReadiness } from '@/lib/progress/overview'
import { DistributionChart } from '@/components/progress/Charts'
import { Pipeline } from '@/components/progress/Pipeline'

export const metadata = { title: 'Workforce' }

export default async function HrHome() {
  const viewer = await requirePage('/hr')
  const [t, tr, tn, overview, teams, orgRoles] = await Promise.all([
    getTranslations('home.hr'),
    getTranslations('roles'),
    getTranslations('nav'),
    orgOverview(viewer.organizationId),
    listTeams(viewer.organizationId),
    listRoles(viewer.organizationId),
  ])
  const tp = await getTranslations('progress')
  const org = await orgReadiness(viewer.organizationId)
  const bucketNames = BUCKETS.map((_, i) => tp(`bucket${i as 0 | 1 | 2 | 3}`))
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      <div className="grid">
        <section className="card" aria-labelledby="byrole-h">
          <h2 id="byrole-h">{t('peopleByRole')}</h2>
          <table>
            <tbody>
              {ROLES.map((r) => (
                <tr key={r}>
                  <th scope="row">{tr(r)}</th>
                  <td>{overview.roles[r]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card" aria-labelledby="teams-h">
          <h2 id="teams-h">{t('teams')}</h2>
          <ul>
            {teams.map((team) => (
              <li key={team.id}>
                {team.name} <span className="muted">({team.members.length})</span>
              </li>
            ))}
          </ul>
        </section>
        <section className="card" aria-labelledby="roles-h">
          <h2 id="roles-h">{t('rolesTitle')}</h2>
          {orgRoles.length === 0 ? <p className="empty">{t('rolesEmpty')}</p> : null}
          <ul>
            {orgRoles.slice(0, 8).map((r) => (
              <li key={r.id}>
                <Link href={`/roles/${r.id}`}>{r.title}</Link>{' '}
                <span className="muted">({r.requirementCount})</span>
              </li>
            ))}
          </ul>
          <p className="row">
            <Link href="/roles">{tn('orgRoles')}</Link>
            <Link href="/career-paths">{tn('careerPaths')}</Link>
            <Link href="/coverage">{tn('coverage')}</Link>
            <Link href="/frameworks/import">{t('importStandard')}</Link>
          </p>
        </section>
      </div>
      <section className="card" aria-labelledby="ready-h" style={{ marginTop: 16 }}>
        <h2 id="ready-h">{tp('orgTitle')}</h2>
        <p className="hint">{tp('orgLead', { people: org.people })}</p>
        <DistributionChart
          buckets={bucketNames}
          data={org.perRole.map((r) => ({ name: r.role.title, counts: r.buckets }))}
        />
        <div className="table-wrap">
          <table data-testid="org-readiness">
            <thead>
              <tr>
                <th scope="col">{tp('role')}</th>
                {BUCKETS.map((b, i) => (
                  <th scope="col" key={b}>
                    {tp(`bucket${i as 0 | 1 | 2 | 3}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {org.perRole.map(({ role, buckets }) => (
                <tr key={role.id}>
                  <th scope="row">
                    <Link href={`/roles/${role.id}`}>{role.title}</Link>
                  </th>
                  {buckets.map((n, i) => (
                    <td key={i}>{n}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="row">
          <a href="/api/progress/readiness" download data-testid="readiness-csv">
            {tp('exportCsv')}
          </a>
          <Link href="/hr/report" data-testid="hr-report-link">
            {tp('printableReport')}
          </Link>
        </p>
      </section>
      <Pipeline steps={org.pipeline} />
    </>
  )
}
