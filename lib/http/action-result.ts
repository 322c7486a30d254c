import { isDomainError } from '../errors'

/** The shape every server action returns. Pure: shared by actions and the client forms that show it. */
export type ActionErrorCode =
  'UNAUTHENTICATED' | 'FORBIDDEN' | 'INVALID' | 'CONFLICT' | 'NOT_FOUND' | 'TOO_LARGE' | 'UNAVAILABLE'

export type ActionResult<T extends Record<string, string> = Record<string, string>> =
  | { ok: true; message?: string; data?: T }
  | { ok: false; code: ActionErrorCode; fieldErrors?: Record<string, string[]>; message?: string }

export const idle: ActionResult = { ok: true }

/** Largest text value any form field may carry (server actions also cap the whole body). */
export const MAX_FIELD_LENGTH = 2000

/**
 * Turns FormData into a plain object of strings, ignoring Next's internal `$ACTION_` fields, refusing
 * files and oversized values. Unknown keys are kept here and dropped by the action's zod schema.
 */
export function formFields(
  formData: FormData,
  /** Fields allowed to be longer than MAX_FIELD_LENGTH, with their own limit (e.g. an editor's JSON). */
  longFields: Readonly<Record<string, number>> = {},
): { ok: true; fields: Record<string, string> } | { ok: false; code: 'TOO_LARGE' | 'INVALID' } {
  const fields: Record<string, string> = {}
  let count = 0
  for (const [key, value] of formData.entries()) {
    if (key.startsWith('$ACTION')) continue
    if (++count > 100) return { ok: false, code: 'TOO_LARGE' }
    if (typeof value !== 'string') return { ok: false, code: 'INVALID' }
    if (value.length > (longFields[key] ?? MAX_FIELD_LENGTH)) return { ok: false, code: 'TOO_LARGE' }
    fields[key] = value
  }
  return { ok: true, fields }
}

/** Flattens zod issues into `{ field: [message keys] }`. */
export function fieldErrorsOf(
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const i of issues) {
    const key = String(i.path[0] ?? 'form')
    ;(out[key] ??= []).push(i.message)
  }
  return out
}

/**
 * A domain error as an action result: the error's code, and when its message starts with an
 * UPPER_CASE reason (`'INVALID_STATE: …'`), that reason as the message key `<namespace>.errors.<REASON>`
 * for the form to translate. Anything that is not a domain error is rethrown (logged by Next).
 */
export function domainFailure(err: unknown, namespace: string): ActionResult {
  if (!isDomainError(err)) throw err
  const [reason] = err.message.split(':')
  return {
    ok: false,
    code: err.code === 'FORBIDDEN' ? 'FORBIDDEN' : err.code,
    message: reason && /^[A-Z_]+$/.test(reason) ? `${namespace}.errors.${reason}` : undefined,
  }
}
