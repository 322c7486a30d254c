'use server'
import { revalidatePath } from 'next/cache'
import { z } from 'zod'
import { runAction } from '@/lib/http/run-action'
import type { ActionResult } from '@/lib/http/action-result'
import { isDomainError } from '@/lib/errors'
import { revokeBadge } from '@/lib/badges/store'

// Revoking an issued Open Badge (HR, admin: badges:manage). The credential must belong to the viewer's
// organisation; the reason is required and stays internal (audit log, this page).

const RevokeSchema = z.object({
  credentialId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'invalid'),
  reason: z.string().trim().min(1, 'required').max(500, 'tooLong'),
})

export async function revokeBadgeAction(formData: FormData): Promise<ActionResult> {
  return runAction('revokeBadgeAction', formData, RevokeSchema, async (input, viewer) => {
    try {
      await revokeBadge(viewer.organizationId, input.credentialId, input.reason, viewer.id)
    } catch (err) {
      if (isDomainError(err)) return { ok: false, code: err.code === 'FORBIDDEN' ? 'FORBIDDEN' : err.code }
      throw err
    }
    revalidatePath('/badges')
    revalidatePath(`/badges/${input.credentialId}`)
    return { ok: true }
  })
}
