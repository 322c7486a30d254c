import 'server-only'
import { getDb } from '../db/client'
import { isRole, type Role } from '../auth/rbac'
import { canManagePerson, type Actor } from './store'
import { parseEvidenceSource } from './status'

/**
 * What a manager's drill-in into one person shows besides readiness: who they are, their teams, and
 * their evidence (with the lab of each lab session, to name the source). Null unless the viewer may
 * manage the person (canManagePerson); every query is scoped to the viewer's organisation.
 */
export type PersonProfile = {
  person: { id: string; name: string; email: string; role: Role; disabled: boolean; teams: string[] }
  evidence: {
    id: string
    statementId: string
    frameworkId: string
    kind: string
    level: number
    score: number | null
    sourceType: string
    sourceId: string
    note: string | null
    createdAt: Date
  }[]
  /** Lab session id → lab id, for evidence from labs. */
  labOfSession: Map<string, string>
}

export async function personProfile(viewer: Actor, userId: string): Promise<PersonProfile | null> {
  if (!(await canManagePerson(viewer, userId))) return null
  const db = getDb()
  const organizationId = viewer.organizationId
  const [m, evidence] = await Promise.all([
    db.membership.findUnique({
      where: { userId_organizationId: { userId, organizationId } },
      select: {
        role: true,
        user: {
          select: {
            id: true,
            name: true,
            email: true,
            disabled: true,
            teamMemberships: {
              where: { team: { organizationId } },
              select: { team: { select: { name: true } } },
            },
          },
        },
      },
    }),
    db.evidence.findMany({
      where: { userId, organizationId },
      orderBy: { createdAt: 'desc' },
      take: 2000,
      select: {
        id: true,
        statementId: true,
        frameworkId: true,
        kind: true,
        level: true,
        score: true,
        sourceType: true,
        sourceId: true,
        note: true,
        createdAt: true,
      },
    }),
  ])
  if (!m || !isRole(m.role)) return null
  const sessionIds = [
    ...new Set(
      evidence.flatMap((e) => {
        const s = parseEvidenceSource(e.sourceType, e.sourceId)
        return s.kind === 'lab' ? [s.labSessionId] : []
      }),
    ),
  ]
  const sessions = sessionIds.length
    ? await db.labSession.findMany({
        where: { id: { in: sessionIds }, organizationId, userId },
        select: { id: true, labId: true },
      })
    : []
  return {
    person: {
      id: m.user.id,
      name: m.user.name,
      email: m.user.email,
      role: m.role,
      disabled: m.user.disabled,
      teams: m.user.teamMemberships.map((t) => t.team.name).sort(),
    },
    evidence,
    labOfSession: new Map(sessions.map((s) => [s.id, s.labId])),
  }
}
