'use server'
import { revalidatePath } from 'next/cache'
import { getLocale } from 'next-intl/server'
import { z } from 'zod'
import { runAction } from '@/lib/http/run-action'
import { domainFailure, type ActionResult } from '@/lib/http/action-result'
import { labSessions } from '@/lib/labs/sessions/manager'
import { isLocale } from '@/lib/i18n/locale'

// Every lab action: permission `lab:use` (runAction), zod parse, then the session manager, which
// checks that the lab session belongs to the viewer (another learner's id looks like a missing one).

const Id = z.string().min(1).max(40).regex(/^[a-z0-9]+$/i)
const LabId = z.string().regex(/^[a-z0-9-]{1,48}$/)
const TaskId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/)
const SessionSchema = z.object({ sessionId: Id })
const TaskSchema = z.object({ sessionId: Id, taskId: TaskId })

async function lang() {
  const l = await getLocale()
  return isLocale(l) ? l : 'en'
}

const failure = (err: unknown) => domainFailure(err, 'labs')

const done = (labId?: string, data?: Record<string, string>): ActionResult => {
  if (labId) revalidatePath(`/labs/${labId}`)
  return { ok: true, ...(data ? { data } : {}) }
}

export async function startLabAction(formData: FormData) {
  return runAction('startLabAction', formData, z.object({ labId: LabId }), async ({ labId }, viewer) => {
    try {
      const sessionId = await labSessions().start(viewer, labId, await lang())
      return done(undefined, { sessionId })
    } catch (err) {
      return failure(err)
    }
  })
}

export async function resumeLabAction(formData: FormData) {
  return runAction('resumeLabAction', formData, SessionSchema, async ({ sessionId }, viewer) => {
    try {
      await labSessions().resume(viewer.id, sessionId, await lang())
      return done(undefined, { sessionId })
    } catch (err) {
      return failure(err)
    }
  })
}

export async function resetLabAction(formData: FormData) {
  return runAction('resetLabAction', formData, SessionSchema, async ({ sessionId }, viewer) => {
    try {
      await labSessions().reset(viewer.id, sessionId, await lang())
      return done(undefined, { sessionId })
    } catch (err) {
      return failure(err)
    }
  })
}

export async function stopLabAction(formData: FormData) {
  return runAction('stopLabAction', formData, SessionSchema.extend({ labId: LabId }), async ({ sessionId, labId }, viewer) => {
    try {
      await labSessions().stop(viewer.id, sessionId)
      return done(labId)
    } catch (err) {
      return failure(err)
    }
  })
}

export async function terminalTicketAction(formData: FormData) {
  return runAction('terminalTicketAction', formData, SessionSchema, async ({ sessionId }, viewer) => {
    try {
      const ticket = await labSessions().issueTicket(viewer.id, sessionId)
      return { ok: true, data: { ticket } }
    } catch (err) {
      return failure(err)
    }
  })
}

export async function checkTaskAction(formData: FormData) {
  return runAction('checkTaskAction', formData, TaskSchema, async ({ sessionId, taskId }, viewer) => {
    try {
      const r = await labSessions().check(viewer.id, sessionId, taskId, await lang())
      return { ok: true, data: { passed: String(r.passed), status: r.status, message: r.message } }
    } catch (err) {
      return failure(err)
    }
  })
}

export async function answerTaskAction(formData: FormData) {
  return runAction('answerTaskAction', formData, TaskSchema.extend({ answer: z.string().max(256) }), async ({ sessionId, taskId, answer }, viewer) => {
    try {
      const r = await labSessions().answer(viewer.id, sessionId, taskId, answer)
      return { ok: true, data: gradeData(r) }
    } catch (err) {
      return failure(err)
    }
  })
}

export async function choiceTaskAction(formData: FormData) {
  const selected = formData.getAll('option').filter((v): v is string => typeof v === 'string').slice(0, 20)
  formData.delete('option')
  return runAction('choiceTaskAction', formData, TaskSchema, async ({ sessionId, taskId }, viewer) => {
    try {
      const r = await labSessions().choose(viewer.id, sessionId, taskId, selected)
      return { ok: true, data: gradeData(r) }
    } catch (err) {
      return failure(err)
    }
  })
}

export async function reportTaskAction(formData: FormData) {
  const sections: Record<string, string> = {}
  for (const [k, v] of formData.entries()) {
    if (k.startsWith('section:') && typeof v === 'string') sections[k.slice(8, 60)] = v.slice(0, 20_000)
  }
  for (const k of Object.keys(sections)) formData.delete(`section:${k}`)
  return runAction('reportTaskAction', formData, TaskSchema, async ({ sessionId, taskId }, viewer) => {
    try {
      const r = await labSessions().report(viewer.id, sessionId, taskId, sections)
      return {
        ok: true,
        data: {
          status: r.passed ? 'correct' : 'incorrect',
          score: String(r.score),
          maxScore: String(r.maxScore),
          passMark: String(r.passMark),
          missing: r.missingSections.join(','),
          found: r.facts.filter((f) => f.found).map((f) => f.id).join(','),
        },
      }
    } catch (err) {
      return failure(err)
    }
  })
}

export async function revealHintAction(formData: FormData) {
  return runAction('revealHintAction', formData, TaskSchema.extend({ hint: z.coerce.number().int().min(0).max(9) }), async ({ sessionId, taskId, hint }, viewer) => {
    try {
      await labSessions().revealHint(viewer.id, sessionId, taskId, hint)
      return { ok: true }
    } catch (err) {
      return failure(err)
    }
  })
}

function gradeData(r: { status: string; attemptsLeft?: number | null; reason?: string }): Record<string, string> {
  return {
    status: r.status,
    ...(r.attemptsLeft !== undefined && r.attemptsLeft !== null ? { attemptsLeft: String(r.attemptsLeft) } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
  }
}
