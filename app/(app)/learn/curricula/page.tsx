import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { currentLocale } from '@/lib/i18n/current'
import { contentCatalog } from '@/lib/content/catalog'
import { completionsFor } from '@/lib/content/progress-store'
import { getFramework } from '@/lib/frameworks/catalog'
import { filterModules, moduleStatements } from '@/lib/content/filter'

export const metadata = { title: 'Curricula' }

export default async function CurriculaPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const viewer = await requirePage('/learn/curricula')
  const params = await searchParams
  const str = (k: string) => (typeof params[k] === 'string' ? params[k].slice(0, 100) : '')
  const lang = await currentLocale()
  const [t, c, done] = await Promise.all([
    getTranslations('content'),
    contentCatalog(),
    completionsFor({ userId: viewer.id, organizationId: viewer.organizationId }),
  ])
  const nice = getFramework('nice', '2.1.0')!
  const completed = new Set(done.map((d) => `${d.itemType}:${d.itemId}`))
  const filters = {
    q: str('q'),
    role: str('role'),
    statement: str('statement').toUpperCase(),
    level: str('level'),
    maxMinutes: Number(str('minutes')) || 0,
  }
  const modules = filterModules([...c.modules.values()], filters, lang, (roleId) => {
    const r = nice.workRoles.get(roleId)
    return r ? new Set([...r.taskIds, ...r.knowledgeIds, ...r.skillIds]) : null
  })
  const roles = [...new Set(c.curricula.map((cur) => cur.workRole))]
  return (
    <>
      <h1>{t('curriculaTitle')}</h1>
      <p className="lead">{t('curriculaLead')}</p>
      <div className="grid">
        {c.curricula.map((cur) => (
          <section className="card" key={cur.id} data-testid="curriculum-card">
            <h2>
              <Link href={`/learn/curricula/${cur.id}`}>{cur.title[lang]}</Link>
            </h2>
            <p className="hint">
              {nice.workRoles.get(cur.workRole)?.title} ({cur.workRole}) ·{' '}
              {t('modulesN', { n: cur.modules.length })}
              {completed.has(`curriculum:${cur.id}`) ? (
                <span className="badge"> {t('completed')}</span>
              ) : null}
            </p>
            <p>{cur.summary[lang]}</p>
          </section>
        ))}
      </div>
      <h2 style={{ marginTop: 24 }}>{t('moduleCatalog')}</h2>
      <form method="get" className="card row" role="search" style={{ marginBottom: 12 }}>
        <label htmlFor="f-q" className="sr-only">
          {t('search')}
        </label>
        <input
          id="f-q"
          name="q"
          defaultValue={filters.q}
          placeholder={t('search')}
          style={{ flex: 1, minWidth: 180 }}
        />
        <label htmlFor="f-role" className="sr-only">
          {t('filterRole')}
        </label>
        <select id="f-role" name="role" defaultValue={filters.role} style={{ width: 'auto' }}>
          <option value="">{t('anyRole')}</option>
          {roles.map((r) => (
            <option key={r} value={r}>
              {nice.workRoles.get(r)?.title}
            </option>
          ))}
        </select>
        <label htmlFor="f-level" className="sr-only">
          {t('filterLevel')}
        </label>
        <select id="f-level" name="level" defaultValue={filters.level} style={{ width: 'auto' }}>
          <option value="">{t('anyLevel')}</option>
          {['A', 'B', 'C'].map((l) => (
            <option key={l} value={l}>
              {t(`level.${l}`)}
            </option>
          ))}
        </select>
        <label htmlFor="f-min" className="sr-only">
          {t('filterMinutes')}
        </label>
        <select
          id="f-min"
          name="minutes"
          defaultValue={String(filters.maxMinutes || '')}
          style={{ width: 'auto' }}
        >
          <option value="">{t('anyDuration')}</option>
          {[30, 60, 90].map((m) => (
            <option key={m} value={m}>
              {t('upToMinutes', { n: m })}
            </option>
          ))}
        </select>
        <label htmlFor="f-st" className="sr-only">
          {t('filterStatement')}
        </label>
        <input
          id="f-st"
          name="statement"
          defaultValue={filters.statement}
          placeholder="T1084"
          style={{ width: 100 }}
        />
        <button type="submit" className="secondary">
          {t('filter')}
        </button>
      </form>
      {modules.length === 0 ? <p className="empty">{t('noMatch')}</p> : null}
      <ul className="stack" style={{ listStyle: 'none', padding: 0 }} data-testid="module-list">
        {modules.map((m) => (
          <li key={m.id} className="card">
            <Link href={`/learn/modules/${m.id}`}>
              <strong>{m.title[lang]}</strong>
            </Link>{' '}
            <span className="badge">{t(`level.${m.level}`)}</span>{' '}
            <span className="hint">{t('minutes', { n: m.lessons.reduce((a, l) => a + l.minutes, 0) })}</span>
            {completed.has(`module:${m.id}`) ? <span className="badge"> {t('completed')}</span> : null}
            <div className="hint">{t('statementsN', { n: moduleStatements(m).length })}</div>
          </li>
        ))}
      </ul>
    </>
  )
}
