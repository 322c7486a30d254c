'use client'
import { useState } from 'react'
import { useTranslations } from 'next-intl'
import { useRouter } from 'next/navigation'

type Issue = { line: number | null; column: string | null; reason: string }

/**
 * Uploads a custom standard to POST /api/v1/frameworks/imports (the same endpoint HR systems use).
 * The server validates everything first: on problems it answers 422 with line/column/reason rows and
 * writes nothing; on success it stores a draft and we go to its preview.
 */
export function StandardUpload() {
  const t = useTranslations('standards')
  const router = useRouter()
  const [busy, setBusy] = useState(false)
  const [issues, setIssues] = useState<Issue[] | null>(null)
  const [failure, setFailure] = useState<string | null>(null)

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault()
    setBusy(true)
    setIssues(null)
    setFailure(null)
    try {
      const res = await fetch('/api/v1/frameworks/imports', {
        method: 'POST',
        body: new FormData(e.currentTarget),
        headers: { accept: 'application/json' },
      })
      const body = (await res.json().catch(() => ({}))) as {
        previewUrl?: string
        issues?: Issue[]
        message?: string
        error?: string
      }
      if (res.ok && body.previewUrl) {
        router.push(body.previewUrl)
        return
      }
      if (body.issues?.length) setIssues(body.issues)
      else setFailure(body.message ?? body.error ?? `HTTP ${res.status}`)
    } catch (err) {
      setFailure(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="standard-upload" aria-busy={busy}>
      <div aria-live="polite">
        {issues ? (
          <div className="alert error" role="alert" data-testid="upload-errors">
            <p style={{ margin: 0 }}>{t('errorsTitle', { n: issues.length })}</p>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('line')}</th>
                    <th scope="col">{t('column')}</th>
                    <th scope="col">{t('reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {issues.slice(0, 200).map((i, n) => (
                    <tr key={n}>
                      <td>{i.line ?? '—'}</td>
                      <td className="mono">{i.column ?? '—'}</td>
                      <td>{i.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ) : null}
        {failure ? (
          <p className="alert error" role="alert" data-testid="upload-failure">
            {t('failed', { reason: failure })}
          </p>
        ) : null}
      </div>
      <label htmlFor="std-file">{t('file')}</label>
      <input
        id="std-file"
        name="file"
        type="file"
        accept=".csv,.tsv,.txt,.json,text/csv,application/json"
        required
      />
      <div className="two-col">
        <div className="stack">
          <label htmlFor="std-id">{t('id')}</label>
          <input id="std-id" name="id" required pattern="[a-z0-9][a-z0-9\-]{0,39}" maxLength={40} />
        </div>
        <div className="stack">
          <label htmlFor="std-version">{t('version')}</label>
          <input id="std-version" name="version" required maxLength={32} />
        </div>
      </div>
      <label htmlFor="std-title">{t('name')}</label>
      <input id="std-title" name="title" required maxLength={200} />
      <div className="two-col">
        <div className="stack">
          <label htmlFor="std-publisher">{t('publisher')}</label>
          <input id="std-publisher" name="publisher" required maxLength={200} />
        </div>
        <div className="stack">
          <label htmlFor="std-licence">{t('licence')}</label>
          <input id="std-licence" name="licence" maxLength={200} />
        </div>
      </div>
      <div>
        <button type="submit" disabled={busy}>
          {busy ? t('checking') : t('upload')}
        </button>
      </div>
    </form>
  )
}
