import Link from 'next/link'
import { notFound } from 'next/navigation'
import { getFormatter, getLocale, getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { getLab, stepSource } from '@/lib/labs/catalog'
import { currentSession, labSummary, pastSessions, sessionView, taskViews } from '@/lib/labs/view'
import { sandboxAvailability } from '@/lib/system/sandbox'
import { isLocale } from '@/lib/i18n/locale'
import { renderMdx } from '@/lib/content/mdx'
import { LabPlayer } from '@/components/labs/LabPlayer'

export const metadata = { title: 'Lab' }

export default async function LabPage({ params }: { params: Promise<{ labId: string }> }) {
  const viewer = await requirePage('/labs/[labId]')
  const { labId } = await params
  const entry = await getLab(labId)
  // Team labs run only as exercise days (/exercises), never as one learner's lab.
  if (!entry || entry.lab.manifest.hosts) notFound()
  const locale = await getLocale()
  const lang = isLocale(locale) ? locale : 'en'
  const session = await currentSession(viewer.id, labId)
  const [t, format, tasks, sandbox, history] = await Promise.all([
    getTranslations('labs'),
    getFormatter(),
    taskViews(entry, session?.id ?? null, lang),
    sandboxAvailability(),
    pastSessions(viewer.id, labId),
  ])
  const summary = labSummary(entry, lang)
  const steps = await Promise.all(
    entry.lab.manifest.steps.map(async (s) => {
      const src = await stepSource(entry.lab, s.id, lang)
      return { id: s.id, title: summary.steps.find((x) => x.id === s.id)?.title ?? s.id, fallback: src?.lang !== lang, body: src ? await renderMdx(src.source) : null }
    }),
  )
  return (
    <>
      <p className="no-print">
        <Link href="/labs">← {t('title')}</Link>
      </p>
      <h1>{summary.title}</h1>
      <p className="lead">
        <span className="badge">{t('level', { level: summary.level })}</span> {t('minutes', { minutes: summary.estimatedMinutes })} ·{' '}
        {t('timeLimit', { minutes: summary.timeLimitMinutes })}
      </p>
      {!sandbox.available ? (
        <p className="alert error" role="alert" data-testid="sandbox-unavailable">
          {t('unavailable')}
        </p>
      ) : null}
      <LabPlayer
        labId={labId}
        sandboxAvailable={sandbox.available}
        session={session ? sessionView(session) : null}
        tasks={tasks}
        timeLimitMinutes={summary.timeLimitMinutes}
        steps={steps.map((s) => ({
          id: s.id,
          title: s.title,
          fallback: s.fallback,
          body: s.body,
        }))}
      />
      {history.length > 1 ? (
        <section className="card" style={{ marginTop: 20 }} aria-labelledby="hist-h">
          <h2 id="hist-h">{t('history')}</h2>
          <table>
            <tbody>
              {history.map((h) => (
                <tr key={h.id}>
                  <td>{format.dateTime(h.startedAt, { dateStyle: 'medium', timeStyle: 'short' })}</td>
                  <td>{t(`state.${h.state}` as 'state.ready')}</td>
                  <td>{t('scoreOf', { score: h.score, max: h.maxScore })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  )
}
