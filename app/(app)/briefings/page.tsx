import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { currentLocale } from '@/lib/i18n/current'
import { contentCatalog } from '@/lib/content/catalog'
import { completionsFor } from '@/lib/content/progress-store'
import { filterBriefings } from '@/lib/content/filter'

export const metadata = { title: 'Briefings' }

export default async function BriefingsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const viewer = await requirePage('/briefings')
  const params = await searchParams
  const str = (k: string) => (typeof params[k] === 'string' ? params[k].slice(0, 100) : '')
  const lang = await currentLocale()
  const [t, c, done] = await Promise.all([
    getTranslations('content'),
    contentCatalog(),
    completionsFor({ userId: viewer.id, organizationId: viewer.organizationId }),
  ])
  const completed = new Set(done.filter((d) => d.itemType === 'briefing').map((d) => d.itemId))
  const filters = {
    q: str('q'),
    statement: str('statement').toUpperCase(),
    maxMinutes: Number(str('minutes')) || 0,
  }
  const list = filterBriefings([...c.briefings.values()], filters, lang)
  return (
    <>
      <h1>{t('briefingsTitle')}</h1>
      <p className="lead">{t('briefingsLead')}</p>
      <form method="get" className="card row" role="search" style={{ marginBottom: 12 }}>
        <label htmlFor="b-q" className="sr-only">
          {t('search')}
        </label>
        <input
          id="b-q"
          name="q"
          defaultValue={filters.q}
          placeholder={t('search')}
          style={{ flex: 1, minWidth: 180 }}
        />
        <label htmlFor="b-min" className="sr-only">
          {t('filterMinutes')}
        </label>
        <select
          id="b-min"
          name="minutes"
          defaultValue={String(filters.maxMinutes || '')}
          style={{ width: 'auto' }}
        >
          <option value="">{t('anyDuration')}</option>
          {[10, 12, 15].map((m) => (
            <option key={m} value={m}>
              {t('upToMinutes', { n: m })}
            </option>
          ))}
        </select>
        <label htmlFor="b-st" className="sr-only">
          {t('filterStatement')}
        </label>
        <input
          id="b-st"
          name="statement"
          defaultValue={filters.statement}
          placeholder="K0676"
          style={{ width: 100 }}
        />
        <button type="submit" className="secondary">
          {t('filter')}
        </button>
      </form>
      {list.length === 0 ? <p className="empty">{t('noMatch')}</p> : null}
      <div className="grid" data-testid="briefing-list">
        {list.map((b) => (
          <section className="card" key={b.id}>
            <h2>
              <Link href={`/briefings/${b.id}`}>{b.title[lang]}</Link>
            </h2>
            <p className="hint">
              {t('minutes', { n: b.minutes })}
              {b.tabletop ? ` · ${t('withTabletop')}` : ''}
              {completed.has(b.id) ? <span className="badge"> {t('completed')}</span> : null}
              {!b.briefFiles[lang] ? <span className="badge muted"> {t('otherLanguageOnly')}</span> : null}
            </p>
            <p>{b.summary[lang]}</p>
          </section>
        ))}
      </div>
    </>
  )
}
