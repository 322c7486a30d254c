/**
 * Quiz grading and the public view of a quiz (pure). Answers never reach the browser before a
 * submission: the page gets `publicQuiz()`, the server grades with `gradeQuiz()` and only then returns
 * the correct answers and explanations.
 */
import type { Lang } from './load'
import type { Quiz, QuizQuestion } from './schema'

/** What a person submitted: option ids for choice questions, text for short answers. */
export type QuizAnswers = Record<string, string | string[]>

export type PublicQuestion = {
  id: string
  kind: QuizQuestion['kind']
  prompt: string
  options: { id: string; text: string }[]
}

export function publicQuiz(quiz: Quiz, lang: Lang): { passMark: number; questions: PublicQuestion[] } {
  return {
    passMark: quiz.passMark,
    questions: quiz.questions.map((q) => ({
      id: q.id,
      kind: q.kind,
      prompt: q.prompt[lang],
      options: q.kind === 'short' ? [] : q.options.map((o) => ({ id: o.id, text: o.text[lang] })),
    })),
  }
}

/** Trim, fold case and width (NFKC: full-width digits/letters → ASCII), collapse inner spaces. */
export function normaliseAnswer(s: string): string {
  return s.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ')
}

export type QuestionResult = {
  id: string
  correct: boolean
  /** The correct answer, shown after submitting: option ids, or the first accepted text. */
  expected: string[]
  explanation: string
}

export type QuizResult = {
  correct: number
  total: number
  score: number
  passed: boolean
  questions: QuestionResult[]
}

export function gradeQuiz(quiz: Quiz, answers: QuizAnswers, lang: Lang): QuizResult {
  const questions = quiz.questions.map((q): QuestionResult => {
    const given = answers[q.id]
    let correct: boolean
    let expected: string[]
    if (q.kind === 'single') {
      expected = [q.answer]
      correct = typeof given === 'string' && given === q.answer
    } else if (q.kind === 'multiple') {
      expected = [...q.answer].sort()
      const picked = Array.isArray(given)
        ? [...new Set(given)].sort()
        : typeof given === 'string'
          ? [given]
          : []
      correct = picked.length === expected.length && picked.every((p, i) => p === expected[i])
    } else {
      expected = [q.accept[0]!]
      const text = typeof given === 'string' ? normaliseAnswer(given) : ''
      correct = text.length > 0 && q.accept.some((a) => normaliseAnswer(a) === text)
    }
    return { id: q.id, correct, expected, explanation: q.explanation[lang] }
  })
  const correct = questions.filter((q) => q.correct).length
  const total = questions.length
  const score = total ? correct / total : 0
  return { correct, total, score, passed: score + 1e-9 >= quiz.passMark, questions }
}

/** Statements a passed quiz proves at level 1 (basic): those of the questions answered correctly. */
export function statementsProved(quiz: Quiz, result: QuizResult): string[] {
  const ok = new Set(result.questions.filter((q) => q.correct).map((q) => q.id))
  return [...new Set(quiz.questions.filter((q) => ok.has(q.id)).flatMap((q) => q.statements))].sort()
}
