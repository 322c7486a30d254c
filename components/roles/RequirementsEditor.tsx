'use client'
import { useMemo, useState } from 'react'
import { useTranslations } from 'next-intl'
import { ActionForm } from '@/components/ActionForm'
import type { ActionResult } from '@/lib/http/action-result'

export type EditorRow = {
  statementId: string
  type: 'task' | 'knowledge' | 'skill'
  text: string
  level: number
  weight: number
  isNew?: boolean
}

type Props = {
  action: (formData: FormData) => Promise<ActionResult>
  role: { id: string; version: number; title: string; description: string; positionLevel: number | null }
  rows: EditorRow[]
  framework: { id: string; version: string; statementLang?: string }
}

type Hit = { id: string; type: EditorRow['type']; text: string }

/**
 * Edits a role's requirements in the browser and posts the whole desired list as one JSON field:
 * level 0 marks a statement to drop (kept visible until saved), new statements come from the
 * framework's search API. The server re-validates every id against the role's framework version.
 */
export function RequirementsEditor({ action, role, rows: initial, framework }: Props) {
  const t = useTranslations('orgRoles')
  const tf = useTranslations('frameworks')
  const [rows, setRows] = useState<EditorRow[]>(initial)
  const [filter, setFilter] = useState('')
  const [bulk, setBulk] = useState('2')
  const [query, setQuery] = useState('')
  const [hits, setHits] = useState<Hit[] | null>(null)
  const [searching, setSearching] = useState(false)
  const [searchError, setSearchError] = useState(false)

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase()
    return f
      ? rows.filter((r) => r.statementId.toLowerCase().includes(f) || r.text.toLowerCase().includes(f))
      : rows
  }, [rows, filter])
  const present = new Set(rows.map((r) => r.statementId))
  const kept = rows.filter((r) => r.level > 0).length
  const dropped = rows.length - kept
  const added = rows.filter((r) => r.isNew && r.level > 0).length
  const payload = JSON.stringify(
    rows
      .filter((r) => r.level > 0)
      .map((r) => ({ statementId: r.statementId, level: r.level, weight: r.weight })),
  )

  const update = (id: string, patch: Partial<EditorRow>) =>
    setRows((rs) => rs.map((r) => (r.statementId === id ? { ...r, ...patch } : r)))

  async function search(e: React.FormEvent | React.MouseEvent) {
    e.preventDefault()
    if (!query.trim()) return
    setSearching(true)
    setSearchError(false)
    try {
      const url = `/api/v1/frameworks/${encodeURIComponent(framework.id)}/${encodeURIComponent(framework.version)}/statements?q=${encodeURIComponent(query.trim())}&limit=25`
      const res = await fetch(url, { headers: { accept: 'application/json' } })
      if (!res.ok) throw new Error(String(res.status))
      const body = (await res.json()) as { items: Hit[] }
      setHits(body.items)
    } catch {
      setSearchError(true)
      setHits(null)
    } finally {
      setSearching(false)
    }
  }

  return (
    <div className="stack">
      <ActionForm action={action} testId="role-editor">
        <input type="hidden" name="roleId" value={role.id} />
        <input type="hidden" name="expectedVersion" value={role.version} />
        <input type="hidden" name="requirements" value={payload} />
        <div className="two-col">
          <div className="stack">
            <label htmlFor="ed-title">{t('fieldTitle')}</label>
            <input id="ed-title" name="title" defaultValue={role.title} required maxLength={120} />
          </div>
          <div className="stack">
            <label htmlFor="ed-position">{t('positionLevel')}</label>
            <select id="ed-position" name="positionLevel" defaultValue={role.positionLevel ?? ''}>
              <option value="">{t('positionLevelNone')}</option>
              {[1, 2, 3, 4, 5].map((n) => (
                <option key={n} value={n}>
                  {t('positionLevelN', { n })}
                </option>
              ))}
            </select>
          </div>
        </div>
        <label htmlFor="ed-description">{t('fieldDescription')}</label>
        <textarea
          id="ed-description"
          name="description"
          defaultValue={role.description}
          maxLength={2000}
          rows={2}
        />
        <p role="status" data-testid="editor-summary">
          {t('summary', { kept, dropped, added })}
        </p>
        <div className="row">
          <button type="submit">{t('save', { n: role.version + 1 })}</button>
          <a href={`/roles/${role.id}`}>{t('cancel')}</a>
        </div>
      </ActionForm>

      <section className="card" aria-labelledby="ed-req-h">
        <h2 id="ed-req-h">{t('requirements')}</h2>
        <div className="row" style={{ marginBottom: 8 }}>
          <label htmlFor="ed-filter" className="sr-only">
            {t('filter')}
          </label>
          <input
            id="ed-filter"
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder={t('filterPlaceholder')}
            style={{ flex: 1, minWidth: 200 }}
          />
          <label htmlFor="ed-bulk">{t('setVisible')}</label>
          <select
            id="ed-bulk"
            value={bulk}
            onChange={(e) => setBulk(e.target.value)}
            style={{ width: 'auto' }}
          >
            {[0, 1, 2, 3, 4].map((n) => (
              <option key={n} value={n}>
                {t(`levelNames.${n}`)}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              const ids = new Set(shown.map((r) => r.statementId))
              setRows((rs) => rs.map((r) => (ids.has(r.statementId) ? { ...r, level: Number(bulk) } : r)))
            }}
          >
            {t('apply')}
          </button>
        </div>
        <div className="table-wrap">
          <table data-testid="editor-rows">
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">{t('type')}</th>
                <th scope="col">{t('statement')}</th>
                <th scope="col">{t('requiredLevel')}</th>
                <th scope="col">{t('weight')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr
                  key={r.statementId}
                  data-testid={`row-${r.statementId}`}
                  style={r.level === 0 ? { opacity: 0.55 } : undefined}
                >
                  <td className="mono">{r.statementId}</td>
                  <td>{tf(`type.${r.type}`)}</td>
                  <td lang={framework.statementLang}>
                    {r.level === 0 ? <s>{r.text}</s> : r.text}{' '}
                    {r.level === 0 ? <span className="badge muted">{t('willDrop')}</span> : null}
                    {r.isNew ? <span className="badge">{t('added')}</span> : null}
                  </td>
                  <td>
                    <select
                      aria-label={`${t('requiredLevel')} ${r.statementId}`}
                      value={r.level}
                      onChange={(e) => update(r.statementId, { level: Number(e.target.value) })}
                      style={{ width: 'auto' }}
                    >
                      {[0, 1, 2, 3, 4].map((n) => (
                        <option key={n} value={n}>
                          {t(`levelNames.${n}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input
                      aria-label={`${t('weight')} ${r.statementId}`}
                      type="number"
                      min={0.5}
                      max={5}
                      step={0.5}
                      value={r.weight}
                      onChange={(e) =>
                        update(r.statementId, {
                          weight: Math.min(5, Math.max(0.5, Number(e.target.value) || 1)),
                        })
                      }
                      style={{ width: 80 }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" aria-labelledby="ed-add-h">
        <h2 id="ed-add-h">{t('addStatements')}</h2>
        <form className="row" role="search" onSubmit={search}>
          <label htmlFor="ed-search" className="sr-only">
            {t('addSearch')}
          </label>
          <input
            id="ed-search"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder={t('addSearchPlaceholder')}
            maxLength={200}
            style={{ flex: 1, minWidth: 200 }}
          />
          <button type="submit" className="secondary" disabled={searching}>
            {searching ? t('searching') : t('addSearch')}
          </button>
        </form>
        {searchError ? (
          <p className="alert error" role="alert">
            {t('searchError')}
          </p>
        ) : null}
        {hits && hits.length === 0 ? <p className="empty">{t('noHits')}</p> : null}
        {hits && hits.length > 0 ? (
          <ul className="stack" style={{ listStyle: 'none', padding: 0 }} data-testid="search-hits">
            {hits.map((h) => (
              <li key={h.id} className="row">
                <span className="badge muted mono">{h.id}</span>{' '}
                <span className="badge">{tf(`type.${h.type}`)}</span>
                <span lang={framework.statementLang} style={{ flex: 1 }}>
                  {h.text}
                </span>
                <button
                  type="button"
                  className="secondary"
                  disabled={present.has(h.id)}
                  onClick={() =>
                    setRows((rs) => [
                      ...rs,
                      { statementId: h.id, type: h.type, text: h.text, level: 2, weight: 1, isNew: true },
                    ])
                  }
                >
                  {present.has(h.id) ? t('added') : t('add')}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </div>
  )
}
