'use server'
import { runPublicAction } from '@/lib/http/run-action'
import { AcceptInvitationSchema } from '@/lib/org/validation'
import { acceptInvitation } from '@/lib/org/queries'
import { isDomainError } from '@/lib/errors'

/** Authorised by the one-time token alone (ACTION_RULES marks it public). */
export async function acceptInvitationAction(formData: FormData) {
  return runPublicAction('acceptInvitationAction', formData, AcceptInvitationSchema, async (input) => {
    try {
      await acceptInvitation(input.token, input.name, input.password)
    } catch (err) {
      if (isDomainError(err)) return { ok: false, code: err.code === 'CONFLICT' ? 'CONFLICT' : 'NOT_FOUND' }
      throw err
    }
    return { ok: true }
  })
}
