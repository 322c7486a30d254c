import 'server-only'
import { getDb } from '../db/client'
import { DomainError } from '../errors'

/**
 * A person's position on the career path: the org role they hold now and the one they work towards
 * (Membership.currentRoleId / targetRoleId). Always the viewer's own membership; role ids must belong
 * to the viewer's organisation and not be archived.
 */
export type Career = { currentRoleId: string | null; targetRoleId: string | null }

export async function careerOf(who: { userId: string; organizationId: string }): Promise<Career> {
  const m = await getDb().membership.findUnique({
    where: { userId_organizationId: { userId: who.userId, organizationId: who.organizationId } },
    select: { currentRoleId: true, targetRoleId: true },
  })
  return { currentRoleId: m?.currentRoleId ?? null, targetRoleId: m?.targetRoleId ?? null }
}

export async function setCareer(who: { userId: string; organizationId: string }, c: Career): Promise<void> {
  const ids = [c.currentRoleId, c.targetRoleId].filter((x): x is string => !!x)
  if (c.currentRoleId && c.currentRoleId === c.targetRoleId)
    throw new DomainError('INVALID', 'The target role must differ from the current role')
  const found = await getDb().orgRole.count({
    where: { id: { in: ids }, organizationId: who.organizationId, archivedAt: null },
  })
  if (found !== new Set(ids).size) throw new DomainError('NOT_FOUND', 'No such role')
  await getDb().membership.update({
    where: { userId_organizationId: { userId: who.userId, organizationId: who.organizationId } },
    data: { currentRoleId: c.currentRoleId, targetRoleId: c.targetRoleId },
  })
}

/** Lab ids of lab sessions (for linking evidence to its lab), only the person's own sessions. */
export async function labIdsOfSessions(userId: string, sessionIds: ReadonlyArray<string>) {
  if (!sessionIds.length) return new Map<string, string>()
  const rows = await getDb().labSession.findMany({
    where: { userId, id: { in: [...new Set(sessionIds)] } },
    select: { id: true, labId: true },
  })
  return new Map(rows.map((r) => [r.id, r.labId]))
}
