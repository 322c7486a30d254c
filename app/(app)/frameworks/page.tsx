import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { searchStatements } from '@/lib/frameworks/catalog'
import { listFrameworkIndexes } from '@/lib/frameworks/registry'
import { can } from '@/lib/auth/rbac'
import { Attribution } from '@/components/frameworks/Attribution'
import { Highlighted } from '@/components/frameworks/Highlighted'

export const metadata = { title: 'Skill standards' }

export default async function FrameworksPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const viewer = await requirePage('/frameworks')
  const params = await searchParams
  const t = await getTranslations('frameworks')
  const frameworks = (await listFrameworkIndexes(viewer.organizationId)).map((f) => f.index)
  const q = typeof params.q === 'string' ? params.q.slice(0, 200).trim() : ''
  const fwId = typeof params.fw === 'string' ? params.fw : 'nice'
  const selected = frameworks.find((f) => f.framework.id === fwId) ?? frameworks[0]
  const hits = q && selected ? searchStatements(selected, q, { limit: 50 }) : []
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="lead">{t('lead')}</p>
      {can(viewer.role, 'roles:edit') ? (
        <p>
          <Link href="/frameworks/import">{t('importLink')}</Link>
        </p>
      ) : null}
      <form className="card row" role="search" method="get" style={{ marginBottom: 20 }}>
        <label htmlFor="fw-q" className="sr-only">
          {t('searchLabel')}
        </label>
        <input
          id="fw-q"
          name="q"
          type="text"
          defaultValue={q}
          placeholder={t('searchPlaceholder')}
          maxLength={200}
          style={{ flex: 1, minWidth: 220 }}
        />
        <label htmlFor="fw-select" className="sr-only">
          {t('framework')}
        </label>
        <select id="fw-select" name="fw" defaultValue={selected?.framework.id} style={{ width: 'auto' }}>
          {frameworks.map((f) => (
            <option key={f.key} value={f.framework.id}>
              {f.framework.title}
            </option>
          ))}
        </select>
        <button type="submit">{t('search')}</button>
      </form>
      {q && selected ? (
        <section
          className="card"
          aria-labelledby="results-h"
          style={{ marginBottom: 20 }}
          data-testid="search-results"
        >
          <h2 id="results-h">{t('results', { count: hits.length, query: q })}</h2>
          <ul className="stack" style={{ listStyle: 'none', padding: 0 }}>
            {hits.map((h) => (
              <li key={h.item.id}>
                <span className="badge muted mono">{h.item.id}</span>{' '}
                <span className="badge">{t(`type.${h.item.type}`)}</span>{' '}
                <Highlighted text={h.item.text} ranges={h.highlights} />
                {(selected.rolesByStatement.get(h.item.id) ?? []).slice(0, 4).map((r) => (
                  <span key={r.id}>
                    {' '}
                    <Link className="hint" href={`/frameworks/${selected.framework.id}/roles/${r.id}`}>
                      {r.title}
                    </Link>
                  </span>
                ))}
              </li>
            ))}
          </ul>
          <Attribution attribution={selected.framework.attribution} label={t('attribution')} />
        </section>
      ) : null}
      {frameworks.map((f) => {
        const categories = f.framework.categories.length
          ? f.framework.categories
          : [{ id: '', title: t('noCategory'), description: '' }]
        return (
          <section
            className="card"
            key={f.key}
            aria-labelledby={`fw-${f.framework.id}`}
            style={{ marginBottom: 20 }}
          >
            <h2 id={`fw-${f.framework.id}`}>{f.framework.title}</h2>
            <p className="muted">{t('counts', { roles: f.workRoles.size, statements: f.statements.size })}</p>
            <div className="grid">
              {categories.map((c) => (
                <div key={c.id || 'all'}>
                  <h3>{c.title}</h3>
                  <ul>
                    {f.framework.workRoles
                      .filter((r) => (c.id ? r.categoryId === c.id : true))
                      .map((r) => (
                        <li key={r.id}>
                          <Link href={`/frameworks/${f.framework.id}/roles/${r.id}`}>{r.title}</Link>{' '}
                          <span className="hint mono">{r.id}</span>
                        </li>
                      ))}
                  </ul>
                </div>
              ))}
            </div>
            <Attribution attribution={f.framework.attribution} label={t('attribution')} />
          </section>
        )
      })}
    </>
  )
}
