'use server'
import { revalidatePath } from 'next/cache'
import { z } from 'zod'
import { runAction } from '@/lib/http/run-action'
import { currentLocale } from '@/lib/i18n/current'
import type { ActionResult } from '@/lib/http/action-result'
import { isDomainError } from '@/lib/errors'
import type { Viewer } from '@/lib/auth/session'
import { markRead, submitQuiz, submitTabletop, type ItemType } from '@/lib/content/progress-store'
import { afterAction } from '@/lib/content/tabletop'
import { contentCatalog } from '@/lib/content/catalog'

// Quizzes, reading progress and tabletop runs. The person is always the viewer: no user id is read
// from the form. Answers are JSON in one field; the server grades and only then reveals the answers.

const ItemId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'invalid')
const Section = z.string().regex(/^(brief|lesson:[a-z0-9][a-z0-9-]{0,47})$/, 'invalid')
const AnswersJson = z
  .string()
  .max(20_000, 'tooLong')
  .transform((raw, ctx) => {
    try {
      const v = JSON.parse(raw) as unknown
      if (typeof v === 'object' && v !== null && !Array.isArray(v))
        return v as Record<string, string | string[]>
    } catch {}
    ctx.addIssue({ code: 'custom', message: 'invalid' })
    return z.NEVER
  })

const lang = currentLocale

function failure(err: unknown): ActionResult {
  if (isDomainError(err)) return { ok: false, code: err.code === 'FORBIDDEN' ? 'FORBIDDEN' : err.code }
  throw err
}

const ReadSchema = z.object({ itemId: ItemId, section: Section })
const QuizSchema = z.object({ itemId: ItemId, answers: AnswersJson })
const QUIZ_LIMITS = { longFields: { answers: 20_000 } }

/** The body shared by both "mark as read" actions (each action keeps its own rule name). */
const readBody =
  (itemType: ItemType) =>
  async (input: z.infer<typeof ReadSchema>, viewer: Viewer): Promise<ActionResult> => {
    try {
      const { completed } = await markRead(
        { userId: viewer.id, organizationId: viewer.organizationId },
        itemType,
        input.itemId,
        input.section,
      )
      revalidatePath(itemType === 'module' ? `/learn/modules/${input.itemId}` : `/briefings/${input.itemId}`)
      return { ok: true, data: { completed: String(completed) } }
    } catch (err) {
      return failure(err)
    }
  }

const quizBody =
  (itemType: ItemType) =>
  async (input: z.infer<typeof QuizSchema>, viewer: Viewer): Promise<ActionResult> => {
    try {
      const result = await submitQuiz(
        { userId: viewer.id, organizationId: viewer.organizationId },
        itemType,
        input.itemId,
        input.answers,
        await lang(),
      )
      revalidatePath(itemType === 'module' ? `/learn/modules/${input.itemId}` : `/briefings/${input.itemId}`)
      return { ok: true, data: { result: JSON.stringify(result) } }
    } catch (err) {
      return failure(err)
    }
  }

export async function markLessonReadAction(formData: FormData) {
  return runAction('markLessonReadAction', formData, ReadSchema, readBody('module'))
}

export async function markBriefReadAction(formData: FormData) {
  return runAction('markBriefReadAction', formData, ReadSchema, readBody('briefing'))
}

export async function submitModuleQuizAction(formData: FormData) {
  return runAction('submitModuleQuizAction', formData, QuizSchema, quizBody('module'), QUIZ_LIMITS)
}

export async function submitBriefingQuizAction(formData: FormData) {
  return runAction('submitBriefingQuizAction', formData, QuizSchema, quizBody('briefing'), QUIZ_LIMITS)
}

export async function submitTabletopAction(formData: FormData) {
  return runAction(
    'submitTabletopAction',
    formData,
    z.object({ briefingId: ItemId, choices: AnswersJson }),
    async (input, viewer) => {
      const choices = Object.fromEntries(
        Object.entries(input.choices).filter((e): e is [string, string] => typeof e[1] === 'string'),
      )
      try {
        const { completed } = await submitTabletop(
          { userId: viewer.id, organizationId: viewer.organizationId },
          input.briefingId,
          choices,
        )
        const b = (await contentCatalog()).briefings.get(input.briefingId)!
        revalidatePath(`/briefings/${input.briefingId}`)
        return {
          ok: true,
          data: {
            completed: String(completed),
            summary: JSON.stringify(afterAction(b.tabletop!, choices, await lang())),
          },
        }
      } catch (err) {
        return failure(err)
      }
    },
    { longFields: { choices: 20_000 } },
  )
}
