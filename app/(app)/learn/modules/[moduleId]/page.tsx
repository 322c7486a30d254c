import Link from 'next/link'
import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { currentLocale } from '@/lib/i18n/current'
import { contentCatalog, localizedText } from '@/lib/content/catalog'
import { attemptsFor, completion, sectionsDone } from '@/lib/content/progress-store'
import { publicQuiz } from '@/lib/content/quiz'
import { renderMdx } from '@/lib/content/mdx'
import { getLab } from '@/lib/labs/catalog'
import { ActionForm } from '@/components/ActionForm'
import { QuizForm } from '@/components/content/QuizForm'
import { contentComponents } from '@/components/content/mdx-components'
import { markLessonReadAction, submitModuleQuizAction } from '../../actions'
import { appTimeZone } from '@/lib/i18n/time-zone'

export const metadata = { title: 'Module' }

export default async function ModulePage({ params }: { params: Promise<{ moduleId: string }> }) {
  const viewer = await requirePage('/learn/modules/[moduleId]')
  const { moduleId } = await params
  const lang = await currentLocale()
  const c = await contentCatalog()
  const m = c.modules.get(moduleId)
  if (!m) notFound()
  const who = { userId: viewer.id, organizationId: viewer.organizationId }
  const [t, done, attempts, finished] = await Promise.all([
    getTranslations('content'),
    sectionsDone(who, 'module', m.id),
    attemptsFor(who, 'module', m.id),
    completion(who, 'module', m.id),
  ])
  const lessons = await Promise.all(
    m.lessons.map(async (l) => {
      const text = await localizedText(m.lessonFiles[l.id] ?? {}, lang)
      return { ...l, text, body: text ? await renderMdx(text.source, contentComponents()) : null }
    }),
  )
  const labs = await Promise.all(m.labs.map(async (l) => ({ ...l, lab: await getLab(l.id) })))
  const fmt = new Intl.DateTimeFormat(lang, { timeZone: appTimeZone(), dateStyle: 'medium', timeStyle: 'short' })
  return (
    <>
      <p>
        <Link href="/learn/curricula">← {t('curriculaTitle')}</Link>
      </p>
      <h1>{m.title[lang]}</h1>
      <p className="lead">{m.summary[lang]}</p>
      <p className="hint">
        <span className="badge">{t(`level.${m.level}`)}</span>{' '}
        {t('progressN', { done: done.size, total: m.lessons.length + 1 })}
      </p>
      {finished ? (
        <p className="alert success" data-testid="module-complete">
          {t('moduleDone')}
        </p>
      ) : null}
      {lessons.map((l, i) => (
        <section
          className="card"
          key={l.id}
          aria-labelledby={`l-${l.id}`}
          style={{ marginBottom: 16 }}
          data-testid={`lesson-${l.id}`}
        >
          <h2 id={`l-${l.id}`}>
            {i + 1}. {l.title[lang]} <span className="hint">{t('minutes', { n: l.minutes })}</span>
          </h2>
          {l.text?.fallback ? (
            <p className="fallback-notice" role="note">
              {t('fallback')}
            </p>
          ) : null}
          <div className="step-body" lang={l.text?.lang}>
            {l.body}
          </div>
          <p className="hint mono">{l.statements.join(' · ')}</p>
          {done.has(`lesson:${l.id}`) ? (
            <p className="badge">{t('read')}</p>
          ) : (
            <ActionForm action={markLessonReadAction} className="row">
              <input type="hidden" name="itemId" value={m.id} />
              <input type="hidden" name="section" value={`lesson:${l.id}`} />
              <button type="submit" className="secondary">
                {t('markRead')}
              </button>
            </ActionForm>
          )}
        </section>
      ))}
      {labs.length ? (
        <section className="card" aria-labelledby="labs-h" style={{ marginBottom: 16 }}>
          <h2 id="labs-h">{t('practice')}</h2>
          <ul>
            {labs.map((l) => (
              <li key={l.id}>
                {l.lab ? <Link href={`/labs/${l.id}`}>{l.lab.lab.manifest.title[lang]}</Link> : l.id} —{' '}
                {l.why[lang]}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="card" aria-labelledby="quiz-h">
        <h2 id="quiz-h">{t('quiz')}</h2>
        <QuizForm action={submitModuleQuizAction} itemId={m.id} {...publicQuiz(m.quiz, lang)} />
        {attempts.length ? (
          <details style={{ marginTop: 12 }}>
            <summary>{t('attempts', { n: attempts.length })}</summary>
            <ul>
              {attempts.map((a) => (
                <li key={a.id}>
                  {fmt.format(a.createdAt)} — {a.correct}/{a.total} {a.passed ? t('passedShort') : ''}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </section>
    </>
  )
}
