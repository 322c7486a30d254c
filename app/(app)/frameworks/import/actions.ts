'use server'
import { revalidatePath } from 'next/cache'
import { runAction } from '@/lib/http/run-action'
import { isDomainError } from '@/lib/errors'
import { DraftSchema } from '@/lib/roles/validation'
import { discardDraft, publishDraft } from '@/lib/frameworks/registry'

// Uploads arrive through POST /api/v1/frameworks/imports (multipart, up to 5 MB, shared with HR
// systems); what is left for the page is publishing or discarding the validated draft.

export async function publishStandardAction(formData: FormData) {
  return runAction('publishStandardAction', formData, DraftSchema, async (input, viewer) => {
    try {
      const { key } = await publishDraft(viewer.organizationId, viewer.id, input.draftId)
      revalidatePath('/frameworks')
      revalidatePath('/frameworks/import')
      return { ok: true, data: { key, redirect: '/frameworks/import' } }
    } catch (err) {
      if (isDomainError(err)) return { ok: false, code: err.code === 'FORBIDDEN' ? 'FORBIDDEN' : err.code }
      throw err
    }
  })
}

export async function discardStandardAction(formData: FormData) {
  return runAction('discardStandardAction', formData, DraftSchema, async (input, viewer) => {
    try {
      await discardDraft(viewer.organizationId, viewer.id, input.draftId)
      revalidatePath('/frameworks/import')
      return { ok: true, data: { redirect: '/frameworks/import' } }
    } catch (err) {
      if (isDomainError(err)) return { ok: false, code: err.code === 'FORBIDDEN' ? 'FORBIDDEN' : err.code }
      throw err
    }
  })
}
