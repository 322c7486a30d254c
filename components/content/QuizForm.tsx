'use client'
import { useState, useTransition } from 'react'
import { useTranslations } from 'next-intl'
import type { ActionResult } from '@/lib/http/action-result'
import type { PublicQuestion, QuizResult } from '@/lib/content/quiz'

type Props = {
  action: (formData: FormData) => Promise<ActionResult>
  itemId: string
  passMark: number
  questions: PublicQuestion[]
}

/**
 * A quiz: the page sends questions without answers; the server grades and returns, per question,
 * whether it was right, the correct answer and the explanation. Retake resets the form. Everything the
 * person typed is rendered as text.
 */
export function QuizForm({ action, itemId, passMark, questions }: Props) {
  const t = useTranslations('content')
  const [answers, setAnswers] = useState<Record<string, string | string[]>>({})
  const [result, setResult] = useState<(QuizResult & { completed: boolean }) | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [pending, start] = useTransition()
  const byId = new Map(result?.questions.map((q) => [q.id, q]))

  const submit = (e: React.FormEvent) => {
    e.preventDefault()
    const fd = new FormData()
    fd.set('itemId', itemId)
    fd.set('answers', JSON.stringify(answers))
    start(async () => {
      setError(null)
      try {
        const r = await action(fd)
        if (r.ok && r.data?.result)
          setResult(JSON.parse(r.data.result) as QuizResult & { completed: boolean })
        else setError(r.ok ? 'unexpected' : r.code)
      } catch {
        setError('unexpected')
      }
    })
  }

  return (
    <form onSubmit={submit} className="stack" data-testid="quiz" aria-busy={pending}>
      <p className="muted">{t('passMark', { mark: passMark })}</p>
      {questions.map((q, n) => {
        const r = byId.get(q.id)
        return (
          <fieldset
            key={q.id}
            className={`quiz-q${r ? (r.correct ? ' right' : ' wrong') : ''}`}
            disabled={!!result}
            data-testid={`question-${q.id}`}
          >
            <legend style={{ whiteSpace: 'pre-line' }}>
              {n + 1}. {q.prompt}
            </legend>
            {q.kind === 'short' ? (
              <input
                aria-label={t('yourAnswer')}
                maxLength={200}
                value={typeof answers[q.id] === 'string' ? answers[q.id] : ''}
                onChange={(e) => setAnswers((a) => ({ ...a, [q.id]: e.target.value }))}
              />
            ) : (
              q.options.map((o) => {
                const checked =
                  q.kind === 'single'
                    ? answers[q.id] === o.id
                    : ((answers[q.id] as string[] | undefined) ?? []).includes(o.id)
                return (
                  <label key={o.id} className="choice">
                    <input
                      type={q.kind === 'single' ? 'radio' : 'checkbox'}
                      name={`q-${q.id}`}
                      checked={checked}
                      onChange={(e) =>
                        setAnswers((a) => {
                          if (q.kind === 'single') return { ...a, [q.id]: o.id }
                          const cur = new Set((a[q.id] as string[] | undefined) ?? [])
                          if (e.target.checked) cur.add(o.id)
                          else cur.delete(o.id)
                          return { ...a, [q.id]: [...cur] }
                        })
                      }
                    />{' '}
                    {o.text}
                    {r && r.expected.includes(o.id) ? (
                      <span className="badge"> {t('correctAnswer')}</span>
                    ) : null}
                  </label>
                )
              })
            )}
            {r ? (
              <div className="explanation" role="note">
                <strong>{r.correct ? t('right') : t('wrong')}</strong>
                {q.kind === 'short' && !r.correct
                  ? ` ${t('expected', { answer: r.expected[0] ?? '' })}`
                  : ''}{' '}
                {r.explanation}
              </div>
            ) : null}
          </fieldset>
        )
      })}
      <div aria-live="polite">
        {result ? (
          <p
            className={`alert ${result.passed ? 'success' : 'error'}`}
            role="status"
            data-testid="quiz-result"
          >
            {t(result.passed ? 'passed' : 'notPassed', { correct: result.correct, total: result.total })}
            {result.completed ? ` ${t('completedItem')}` : ''}
          </p>
        ) : null}
        {error ? (
          <p className="alert error" role="alert">
            {t('quizError')}
          </p>
        ) : null}
      </div>
      <div className="row">
        {result ? (
          <button
            key="retake"
            type="button"
            className="secondary"
            onClick={(e) => {
              // The submit button takes this one's place on re-render: never let this click submit.
              e.preventDefault()
              setResult(null)
              setAnswers({})
            }}
          >
            {t('retake')}
          </button>
        ) : (
          <button key="submit" type="submit" disabled={pending}>
            {t('submitQuiz')}
          </button>
        )}
      </div>
    </form>
  )
}
