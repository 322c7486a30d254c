import 'server-only'
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { audit } from '../auth/audit'
import { can } from '../auth/rbac'
import { DomainError } from '../errors'
import { canManagePerson, type Actor } from '../assignments/store'
import { getRole } from '../roles/store'
import { recordEvidence } from './record'

/**
 * A manager's (assessor's) attestation: "I saw this person do this, at this level", with a note. It is
 * evidence like any other (kind `attestation`, up to expert), so it shows in the person's gap list with
 * who attested and why, and counts towards readiness. Only a lead of one of the person's teams (or an
 * administrator) may attest, never for themselves; the statement must be required by an org role.
 */
export const AttestSchema = z.object({
  userId: z
    .string()
    .min(1)
    .max(40)
    .regex(/^[a-z0-9]+$/i, 'invalid'),
  roleId: z
    .string()
    .min(1)
    .max(40)
    .regex(/^[a-z0-9]+$/i, 'invalid'),
  statementId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._-]+$/, 'invalid'),
  level: z.coerce.number().int().min(1, 'invalid').max(4, 'invalid'),
  note: z.string().trim().min(1, 'required').max(500, 'tooLong'),
})
export type AttestInput = z.infer<typeof AttestSchema>

export async function attest(viewer: Actor, input: AttestInput): Promise<{ written: number }> {
  if (!can(viewer.role, 'team:assign')) throw new DomainError('FORBIDDEN', 'Not allowed to attest')
  if (viewer.id === input.userId || !(await canManagePerson(viewer, input.userId)))
    throw new DomainError('FORBIDDEN', 'Not allowed to attest for this person')
  const role = await getRole(viewer.organizationId, input.roleId)
  if (!role || !role.requirements.some((r) => r.statementId === input.statementId))
    throw new DomainError('NOT_FOUND', 'The role does not require this statement')
  const written = await recordEvidence({
    userId: input.userId,
    organizationId: viewer.organizationId,
    frameworkId: role.frameworkId,
    statementIds: [input.statementId],
    kind: 'attestation',
    level: input.level,
    sourceType: 'attestation',
    sourceId: `${viewer.id}:${randomUUID()}`,
    note: input.note,
  })
  await audit({
    action: 'evidence.attest',
    organizationId: viewer.organizationId,
    actorId: viewer.id,
    target: input.userId,
    detail: `${role.frameworkId}:${input.statementId} level ${input.level}`,
  })
  return { written }
}
