import 'server-only'
import { ActionDenied, requireAction, type Viewer } from '../auth/session'
import type { ActionName } from '../auth/actions'
import { fieldErrorsOf, formFields, type ActionResult } from './action-result'
import type { z } from 'zod'
import { isStorageUnavailable } from '../db/errors'

/**
 * Runs a server action body after the permission check for `name` (lib/auth/actions.ts) and the input
 * parse. Denials and validation failures become `{ ok: false, code }`; nothing is written before both
 * pass. Unexpected errors are logged and reported without internals.
 */
export async function runAction<S extends z.ZodType>(
  name: ActionName,
  formData: FormData,
  schema: S,
  body: (input: z.infer<S>, viewer: Viewer) => Promise<ActionResult>,
  options: { longFields?: Readonly<Record<string, number>> } = {},
): Promise<ActionResult> {
  let viewer: Viewer
  try {
    viewer = await requireAction(name)
  } catch (err) {
    if (err instanceof ActionDenied) return { ok: false, code: err.code }
    if (isStorageUnavailable(err)) return unavailable(name, err)
    throw err
  }
  const fields = formFields(formData, options.longFields)
  if (!fields.ok) return { ok: false, code: fields.code }
  const parsed = schema.safeParse(fields.fields)
  if (!parsed.success) return { ok: false, code: 'INVALID', fieldErrors: fieldErrorsOf(parsed.error.issues) }
  try {
    return await body(parsed.data, viewer)
  } catch (err) {
    if (isStorageUnavailable(err)) return unavailable(name, err)
    throw err
  }
}

/** Database unreachable or disk full: say so (nothing was saved) rather than "something went wrong". */
function unavailable(name: string, err: unknown): ActionResult {
  console.error(`${name}: storage unavailable:`, (err as Error).message?.split('\n')[0])
  return { ok: false, code: 'UNAVAILABLE' }
}

/** For the actions ACTION_RULES marks `null` (open to anyone): same parsing, viewer may be null. */
export async function runPublicAction<S extends z.ZodType>(
  name: ActionName,
  formData: FormData,
  schema: S,
  body: (input: z.infer<S>, viewer: Viewer | null) => Promise<ActionResult>,
): Promise<ActionResult> {
  const { ACTION_RULES } = await import('../auth/actions')
  if (ACTION_RULES[name] !== null) throw new Error(`${name} is not a public action`)
  const { getViewer } = await import('../auth/session')
  const viewer = await getViewer()
  const fields = formFields(formData)
  if (!fields.ok) return { ok: false, code: fields.code }
  const parsed = schema.safeParse(fields.fields)
  if (!parsed.success) return { ok: false, code: 'INVALID', fieldErrors: fieldErrorsOf(parsed.error.issues) }
  return body(parsed.data, viewer)
}
