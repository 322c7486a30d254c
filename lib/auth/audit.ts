import 'server-only'
import { getDb } from '../db/client'

/** Appends a security-relevant event. Never throws: auditing must not break the action it records. */
export async function audit(e: {
  action: string
  organizationId?: string | null
  actorId?: string | null
  target?: string | null
  detail?: string | null
}) {
  try {
    await getDb().auditEvent.create({ data: e })
  } catch (err) {
    console.error('audit write failed', err)
  }
}
