'use server'
import { revalidatePath } from 'next/cache'
import { z } from 'zod'
import { runAction } from '@/lib/http/run-action'
import type { ActionResult } from '@/lib/http/action-result'
import { isDomainError } from '@/lib/errors'
import { setCareer } from '@/lib/progress/career'

// The viewer's own career position; no user id is read from the form.
const RoleId = z
  .string()
  .max(40)
  .regex(/^[a-z0-9]*$/, 'invalid')
  .transform((v) => v || null)
const CareerSchema = z.object({ currentRoleId: RoleId, targetRoleId: RoleId })

export async function setCareerRolesAction(formData: FormData): Promise<ActionResult> {
  return runAction('setCareerRolesAction', formData, CareerSchema, async (input, viewer) => {
    try {
      await setCareer({ userId: viewer.id, organizationId: viewer.organizationId }, input)
    } catch (err) {
      if (isDomainError(err)) return { ok: false, code: err.code }
      throw err
    }
    revalidatePath('/progress')
    return { ok: true }
  })
}
