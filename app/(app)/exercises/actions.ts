'use server'
import { revalidatePath } from 'next/cache'
import { getLocale } from 'next-intl/server'
import { z } from 'zod'
import { runAction } from '@/lib/http/run-action'
import { domainFailure, type ActionResult } from '@/lib/http/action-result'
import { exerciseRuntime } from '@/lib/exercises/runtime'
import { INJECT_KINDS } from '@/lib/exercises/types'
import { isLocale } from '@/lib/i18n/locale'

// Exercise days (CYDER). Instructor actions need `exercise:run` and act only on exercises of the
// viewer's organisation; member actions need `lab:use` and act only on the viewer's own team (another
// team's or organisation's exercise looks exactly like a missing one). Both checks live in the runtime.

const Id = z.string().min(1).max(40).regex(/^[a-z0-9]+$/i)
const TaskId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/)
const Host = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/)
const Ex = z.object({ exerciseId: Id })
const ExTask = Ex.extend({ taskId: TaskId })

async function lang() {
  const l = await getLocale()
  return isLocale(l) ? l : 'en'
}

const failure = (err: unknown) => domainFailure(err, 'exercises')

async function attempt(fn: () => Promise<ActionResult>): Promise<ActionResult> {
  try {
    return await fn()
  } catch (err) {
    return failure(err)
  }
}

const ok = (data?: Record<string, string>): ActionResult => ({ ok: true, ...(data ? { data } : {}) })

// ── instructor ─────────────────────────────────────────────────────────────────────────────────────

/** A local date-time from <input type="datetime-local"> (in KENSHU_TIME_ZONE). */
const LocalDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'datetime')

export async function createExerciseAction(formData: FormData) {
  const members = formData.getAll('member').filter((v): v is string => typeof v === 'string').slice(0, 400)
  formData.delete('member')
  const schema = z.object({
    title: z.string().trim().min(1).max(120),
    labId: z.string().regex(/^[a-z0-9-]{1,48}$/),
    startsAt: LocalDateTime,
    durationMinutes: z.coerce.number().int().min(15).max(720),
    teamSize: z.coerce.number().int().min(1).max(4),
  })
  return runAction('createExerciseAction', formData, schema, async (input, viewer) =>
    attempt(async () => {
      const memberIds = z.array(Id).max(400).parse(members)
      const id = await exerciseRuntime().create(viewer, { ...input, memberIds })
      revalidatePath('/exercises')
      return ok({ exerciseId: id })
    }),
  )
}

export async function moveMemberAction(formData: FormData) {
  return runAction('moveMemberAction', formData, Ex.extend({ userId: Id, slot: z.coerce.number().int().min(1).max(100) }), async ({ exerciseId, userId, slot }, viewer) =>
    attempt(async () => {
      await exerciseRuntime().moveMember(viewer, exerciseId, userId, slot)
      return ok()
    }),
  )
}

export async function openExerciseAction(formData: FormData) {
  return runAction('openExerciseAction', formData, Ex, async ({ exerciseId }, viewer) =>
    attempt(async () => {
      await exerciseRuntime().open(viewer, exerciseId, await lang())
      return ok()
    }),
  )
}

export async function pauseExerciseAction(formData: FormData) {
  return runAction('pauseExerciseAction', formData, Ex, async ({ exerciseId }, viewer) =>
    attempt(async () => {
      await exerciseRuntime().pause(viewer, exerciseId)
      return ok()
    }),
  )
}

export async function resumeExerciseAction(formData: FormData) {
  return runAction('resumeExerciseAction', formData, Ex, async ({ exerciseId }, viewer) =>
    attempt(async () => {
      await exerciseRuntime().resume(viewer, exerciseId)
      return ok()
    }),
  )
}

export async function extendExerciseAction(formData: FormData) {
  return runAction('extendExerciseAction', formData, Ex.extend({ minutes: z.coerce.number().int().min(1).max(240) }), async ({ exerciseId, minutes }, viewer) =>
    attempt(async () => {
      await exerciseRuntime().extend(viewer, exerciseId, minutes)
      return ok()
    }),
  )
}

export async function closeExerciseAction(formData: FormData) {
  return runAction('closeExerciseAction', formData, Ex, async ({ exerciseId }, viewer) =>
    attempt(async () => {
      await exerciseRuntime().close(viewer, exerciseId, await lang())
      revalidatePath(`/exercises/${exerciseId}/debrief`)
      return ok()
    }),
  )
}

export async function sendInjectAction(formData: FormData) {
  const schema = Ex.extend({
    /** A team id, or `all`. */
    target: z.union([z.literal('all'), Id]),
    kind: z.enum(INJECT_KINDS),
    title: z.string().trim().min(1).max(120),
    body: z.string().trim().min(1).max(4000),
  })
  return runAction(
    'sendInjectAction',
    formData,
    schema,
    async ({ exerciseId, target, kind, title, body }, viewer) =>
      attempt(async () => {
        await exerciseRuntime().inject(viewer, exerciseId, { teamId: target === 'all' ? null : target, kind, title, body })
        return ok()
      }),
    { longFields: { body: 4000 } },
  )
}

// ── members ────────────────────────────────────────────────────────────────────────────────────────

export async function joinExerciseAction(formData: FormData) {
  return runAction('joinExerciseAction', formData, Ex, async ({ exerciseId }, viewer) =>
    attempt(async () => {
      await exerciseRuntime().join(viewer, exerciseId)
      return ok()
    }),
  )
}

export async function exerciseTicketAction(formData: FormData) {
  return runAction('exerciseTicketAction', formData, Ex.extend({ host: Host }), async ({ exerciseId, host }, viewer) =>
    attempt(async () => ok({ ticket: await exerciseRuntime().issueTicket(viewer, exerciseId, host) })),
  )
}

export async function exerciseCheckAction(formData: FormData) {
  return runAction('exerciseCheckAction', formData, ExTask, async ({ exerciseId, taskId }, viewer) =>
    attempt(async () => {
      const r = await exerciseRuntime().check(viewer, exerciseId, taskId, await lang())
      return ok({ passed: String(r.passed), status: r.status, message: r.message })
    }),
  )
}

export async function exerciseAnswerAction(formData: FormData) {
  return runAction('exerciseAnswerAction', formData, ExTask.extend({ answer: z.string().max(256) }), async ({ exerciseId, taskId, answer }, viewer) =>
    attempt(async () => ok(await exerciseRuntime().answer(viewer, exerciseId, taskId, answer))),
  )
}

export async function exerciseChoiceAction(formData: FormData) {
  const selected = formData.getAll('option').filter((v): v is string => typeof v === 'string').slice(0, 20)
  formData.delete('option')
  return runAction('exerciseChoiceAction', formData, ExTask, async ({ exerciseId, taskId }, viewer) =>
    attempt(async () => ok(await exerciseRuntime().choose(viewer, exerciseId, taskId, selected))),
  )
}

export async function saveReportSectionAction(formData: FormData) {
  const schema = ExTask.extend({
    sectionId: TaskId,
    text: z.string().max(20_000),
    /** The version the member edited (0 = new section). */
    version: z.coerce.number().int().min(0).max(1_000_000),
  })
  return runAction(
    'saveReportSectionAction',
    formData,
    schema,
    async ({ exerciseId, taskId, sectionId, text, version }, viewer) =>
      attempt(async () => {
        const r = await exerciseRuntime().saveSection(viewer, exerciseId, taskId, sectionId, text, version)
        // A stale save is not an error the form can retry: the member gets the current text to merge.
        if (!r.saved) return ok({ saved: 'false', text: r.current.text, version: String(r.current.version), updatedBy: r.current.updatedBy ?? '' })
        return ok({ saved: 'true', version: String(r.version) })
      }),
    { longFields: { text: 20_000 } },
  )
}

export async function submitTeamReportAction(formData: FormData) {
  return runAction('submitTeamReportAction', formData, ExTask, async ({ exerciseId, taskId }, viewer) =>
    attempt(async () => ok(await exerciseRuntime().submitReport(viewer, exerciseId, taskId))),
  )
}

export async function exerciseHintAction(formData: FormData) {
  return runAction('exerciseHintAction', formData, ExTask.extend({ hintIndex: z.coerce.number().int().min(0).max(9) }), async ({ exerciseId, taskId, hintIndex }, viewer) =>
    attempt(async () => {
      const hint = await exerciseRuntime().revealHint(viewer, exerciseId, taskId, hintIndex, await lang())
      return ok({ text: hint })
    }),
  )
}
