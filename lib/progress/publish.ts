import 'server-only'
import { completeFromEvent } from '../assignments/store'
import { issueRoleBadge, onLearningEvent as badgesOnEvent } from '../badges/store'
import { listRolesWithRequirements } from '../roles/store'
import { recordXapi } from '../xapi/store'
import { invalidate, readinessMatrix } from './cache'
import type { LearningEvent } from './events'

/**
 * Dispatches a learning event, after the grading write it reports has been committed, to every
 * consumer: the xAPI statement (LRS + outbox), the readiness cache, assignments, and Open Badges (a lab
 * or a curriculum completed, or a role's readiness reaching 100 %). The grading itself already
 * happened and is never undone by a failing consumer: each consumer's error is logged and the others
 * still run. Consumers are idempotent (statement ids and badge keys derive from the event).
 */
export async function publish(e: LearningEvent): Promise<void> {
  const steps: Array<[string, () => Promise<unknown>]> = [
    ['xapi', () => recordXapi(e)],
    [
      'readiness',
      () => (e.statementIds.length ? invalidate(e.who.userId, e.who.organizationId) : Promise.resolve()),
    ],
    ['assignments', () => completeFromEvent(e)],
    ['badges', () => badgesOnEvent(e)],
    ['role-badges', () => roleBadges(e)],
  ]
  for (const [name, run] of steps) {
    try {
      await run()
    } catch (err) {
      console.error(`[progress] ${name} failed for ${e.type} of ${e.who.userId}:`, err)
    }
  }
}

/** A role badge for every org role the person now fully meets (only after evidence-bearing events). */
async function roleBadges(e: LearningEvent) {
  const proves =
    e.type === 'lab-task' || e.type === 'quiz'
      ? e.passed
      : e.type !== 'completed' || e.itemType === 'briefing'
  if (!proves || !e.statementIds.length) return
  const roles = await listRolesWithRequirements(e.who.organizationId)
  const cells = (await readinessMatrix(e.who.organizationId, [e.who.userId], roles)).get(e.who.userId)
  for (const role of roles) {
    const c = cells?.get(role.id)
    if (c && c.total > 0 && c.met === c.total) await issueRoleBadge(e.who, role.id)
  }
}
