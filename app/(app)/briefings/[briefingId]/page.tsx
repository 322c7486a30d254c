import Link from 'next/link'
import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { currentLocale } from '@/lib/i18n/current'
import { contentCatalog, localizedText } from '@/lib/content/catalog'
import { completion, labFindings, lastTabletopRun, sectionsDone } from '@/lib/content/progress-store'
import { publicQuiz } from '@/lib/content/quiz'
import { afterAction } from '@/lib/content/tabletop'
import { renderMdx } from '@/lib/content/mdx'
import { getLab } from '@/lib/labs/catalog'
import { ActionForm } from '@/components/ActionForm'
import { QuizForm } from '@/components/content/QuizForm'
import { TabletopPlayer } from '@/components/content/TabletopPlayer'
import { contentComponents } from '@/components/content/mdx-components'
import { markBriefReadAction, submitBriefingQuizAction, submitTabletopAction } from '../../learn/actions'

export const metadata = { title: 'Briefing' }

export default async function BriefingPage({ params }: { params: Promise<{ briefingId: string }> }) {
  const viewer = await requirePage('/briefings/[briefingId]')
  const { briefingId } = await params
  const lang = await currentLocale()
  const c = await contentCatalog()
  const b = c.briefings.get(briefingId)
  if (!b) notFound()
  const who = { userId: viewer.id, organizationId: viewer.organizationId }
  const [t, done, finished, lastRun, text] = await Promise.all([
    getTranslations('content'),
    sectionsDone(who, 'briefing', b.id),
    completion(who, 'briefing', b.id),
    lastTabletopRun(who, b.id),
    localizedText(b.briefFiles, lang),
  ])
  const body = text ? await renderMdx(text.source, contentComponents(b.sources)) : null
  const linked = b.tabletop?.linkedLab ? await getLab(b.tabletop.linkedLab) : null
  const findings = linked ? await labFindings(viewer.organizationId, linked.lab.manifest.id) : null
  return (
    <>
      <p>
        <Link href="/briefings">← {t('briefingsTitle')}</Link>
      </p>
      <h1>{b.title[lang]}</h1>
      <p className="lead">{b.summary[lang]}</p>
      <p className="hint">
        {t('minutes', { n: b.minutes })} · {t('progressN', { done: done.size, total: b.tabletop ? 3 : 2 })}
      </p>
      {finished ? (
        <p className="alert success" data-testid="briefing-complete">
          {t('briefingDone')}{' '}
          <Link href={`/certificates/briefing/${b.id}`} data-testid="certificate-link">
            {t('certificate')}
          </Link>
        </p>
      ) : null}
      <section className="card" aria-labelledby="brief-h" style={{ marginBottom: 16 }}>
        <h2 id="brief-h">{t('keyFacts')}</h2>
        {text?.fallback ? (
          <p className="fallback-notice" role="note">
            {t('fallback')}
          </p>
        ) : null}
        <div className="step-body" lang={text?.lang}>
          {body}
        </div>
        <h3>{t('sources')}</h3>
        <ol>
          {b.sources.map((s) => (
            <li key={s.id} id={`src-${s.id}`}>
              {s.publisher ? `${s.publisher}: ` : ''}
              {s.url ? (
                <a href={s.url} rel="noreferrer noopener">
                  {s.title}
                </a>
              ) : (
                s.title
              )}
            </li>
          ))}
        </ol>
        {done.has('brief') ? (
          <p className="badge">{t('read')}</p>
        ) : (
          <ActionForm action={markBriefReadAction} className="row">
            <input type="hidden" name="itemId" value={b.id} />
            <input type="hidden" name="section" value="brief" />
            <button type="submit" className="secondary">
              {t('markRead')}
            </button>
          </ActionForm>
        )}
      </section>
      {b.tabletop ? (
        <section className="card" aria-labelledby="tt-h" style={{ marginBottom: 16 }}>
          <h2 id="tt-h">{t('tabletop')}</h2>
          <TabletopPlayer
            action={submitTabletopAction}
            briefingId={b.id}
            title={b.tabletop.title[lang]}
            recommendedPractice={b.tabletop.recommendedPractice[lang]}
            previous={lastRun ? afterAction(b.tabletop, lastRun, lang) : null}
            injects={b.tabletop.injects.map((i) => ({
              id: i.id,
              time: i.time[lang],
              title: i.title[lang],
              situation: i.situation[lang],
              decisions: i.decisions.map((d) => ({
                id: d.id,
                label: d.label[lang],
                consequence: d.consequence[lang],
              })),
            }))}
          >
            {linked && findings ? (
              <div className="card" data-testid="lab-findings">
                <h4>{t('engineersView')}</h4>
                <p>
                  {t('engineersFound', { people: findings.people, lab: linked.lab.manifest.title[lang] })}{' '}
                  <Link href={`/labs/${linked.lab.manifest.id}`}>{t('openLab')}</Link>
                </p>
                {findings.people ? (
                  <ul>
                    {linked.lab.manifest.tasks.map((task) => (
                      <li key={task.id}>
                        {task.title[lang]} — {t('peopleN', { n: findings.tasks.get(task.id) ?? 0 })}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
            ) : null}
          </TabletopPlayer>
        </section>
      ) : null}
      <section className="card" aria-labelledby="bq-h" style={{ marginBottom: 16 }}>
        <h2 id="bq-h">{t('quiz')}</h2>
        <QuizForm action={submitBriefingQuizAction} itemId={b.id} {...publicQuiz(b.quiz, lang)} />
      </section>
      <section className="card" aria-labelledby="ask-h">
        <h2 id="ask-h">{t('questionsToAsk')}</h2>
        <ul>
          {b.questionsToAsk[lang].map((q, i) => (
            <li key={i}>{q}</li>
          ))}
        </ul>
      </section>
    </>
  )
}
