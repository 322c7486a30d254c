'use server'
import { revalidatePath } from 'next/cache'
import { runAction } from '@/lib/http/run-action'
import type { ActionResult } from '@/lib/http/action-result'
import { isDomainError } from '@/lib/errors'
import { appTimeZone, AssignFormSchema, CancelFormSchema, endOfDay } from '@/lib/assignments/status'
import { ASSIGNMENT_ERRORS, assign, cancel } from '@/lib/assignments/store'
import { attest, AttestSchema } from '@/lib/progress/attest'

// Manager assignments. The assigner is always the viewer; who may be assigned what is decided by
// lib/assignments/store.ts (canManagePerson), never by the form.

function failure(err: unknown): ActionResult {
  if (!isDomainError(err)) throw err
  const key = (ASSIGNMENT_ERRORS as Record<string, string>)[err.message]
  return {
    ok: false,
    code: err.code === 'FORBIDDEN' ? 'FORBIDDEN' : err.code,
    ...(key && key !== err.code ? { message: key } : {}),
  }
}

export async function assignWorkAction(formData: FormData) {
  return runAction('assignWorkAction', formData, AssignFormSchema, async (input, viewer) => {
    const dueAt = endOfDay(input.due, appTimeZone())
    if (!dueAt) return { ok: false, code: 'INVALID', fieldErrors: { due: ['invalid'] } }
    try {
      await assign(viewer, { userId: input.userId, ...input.item, dueAt, note: input.note })
    } catch (err) {
      return failure(err)
    }
    revalidatePath(`/team/people/${input.userId}`)
    revalidatePath('/team')
    return { ok: true }
  })
}

export async function cancelAssignmentAction(formData: FormData) {
  return runAction('cancelAssignmentAction', formData, CancelFormSchema, async (input, viewer) => {
    try {
      await cancel(viewer, input.id)
    } catch (err) {
      return failure(err)
    }
    revalidatePath('/team', 'layout')
    return { ok: true }
  })
}

export async function attestAction(formData: FormData) {
  return runAction('attestAction', formData, AttestSchema, async (input, viewer) => {
    try {
      await attest(viewer, input)
    } catch (err) {
      return failure(err)
    }
    revalidatePath(`/team/people/${input.userId}`)
    revalidatePath('/team')
    return { ok: true }
  })
}
