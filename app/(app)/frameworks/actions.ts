'use server'
import { revalidatePath } from 'next/cache'
import { z } from 'zod'
import { runAction } from '@/lib/http/run-action'
import { isDomainError } from '@/lib/errors'
import { setTranslation, TRANSLATION_LOCALES } from '@/lib/frameworks/translations'

const TranslationSchema = z.object({
  frameworkId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'invalid'),
  frameworkVersion: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'invalid'),
  statementId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'invalid'),
  roleId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'invalid'),
  locale: z.enum(TRANSLATION_LOCALES, { error: 'invalid' }),
  text: z.string().max(1000, 'tooLong'),
})

/** HR's translation of a statement for the organisation (shown beside the source text). */
export async function setStatementTranslationAction(formData: FormData) {
  return runAction('setStatementTranslationAction', formData, TranslationSchema, async (input, viewer) => {
    try {
      await setTranslation(viewer.organizationId, viewer.id, input)
    } catch (err) {
      if (isDomainError(err)) return { ok: false, code: err.code === 'FORBIDDEN' ? 'FORBIDDEN' : err.code }
      throw err
    }
    revalidatePath(`/frameworks/${input.frameworkId}/roles/${input.roleId}`)
    return { ok: true }
  })
}
