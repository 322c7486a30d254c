import 'server-only'
import { createHash, randomBytes } from 'node:crypto'
import { getDb } from '../db/client'
import { DomainError } from '../errors'
import { hashPassword } from '../auth/password'
import { audit } from '../auth/audit'
import { ROLES, type Role } from '../auth/rbac'

/**
 * Organisation administration: users, roles, teams, invitations. Every function takes the acting
 * viewer's organisation id and only ever reads or writes rows of that organisation, so an id from a
 * form cannot reach another organisation's data (the caller has already checked the permission).
 */

export type UserRow = {
  id: string
  email: string
  name: string
  role: Role
  disabled: boolean
  teams: { id: string; name: string; isLead: boolean }[]
  createdAt: Date
}

export async function listUsers(organizationId: string): Promise<UserRow[]> {
  const rows = await getDb().membership.findMany({
    where: { organizationId },
    orderBy: [{ user: { name: 'asc' } }],
    select: {
      role: true,
      user: {
        select: {
          id: true,
          email: true,
          name: true,
          disabled: true,
          createdAt: true,
          teamMemberships: {
            where: { team: { organizationId } },
            select: { isLead: true, team: { select: { id: true, name: true } } },
          },
        },
      },
    },
  })
  return rows.map((r) => ({
    id: r.user.id,
    email: r.user.email,
    name: r.user.name,
    role: r.role as Role,
    disabled: r.user.disabled,
    createdAt: r.user.createdAt,
    teams: r.user.teamMemberships.map((t) => ({ id: t.team.id, name: t.team.name, isLead: t.isLead })),
  }))
}

export async function getUser(organizationId: string, userId: string): Promise<UserRow | null> {
  const all = await listUsers(organizationId)
  return all.find((u) => u.id === userId) ?? null
}

export async function createUser(
  organizationId: string,
  actorId: string,
  input: { email: string; name: string; role: Role; password: string; teamId?: string },
) {
  const db = getDb()
  const existing = await db.user.findUnique({ where: { email: input.email }, select: { id: true } })
  if (existing) throw new DomainError('CONFLICT', 'A user with this email already exists', 'email')
  if (input.teamId) await requireTeam(organizationId, input.teamId)
  const passwordHash = await hashPassword(input.password)
  const user = await db.user.create({
    data: {
      email: input.email,
      name: input.name,
      passwordHash,
      memberships: { create: { organizationId, role: input.role } },
      ...(input.teamId ? { teamMemberships: { create: { teamId: input.teamId } } } : {}),
    },
    select: { id: true },
  })
  await audit({ action: 'user.created', organizationId, actorId, target: user.id, detail: input.role })
  return user.id
}

async function countAdmins(organizationId: string) {
  return getDb().membership.count({ where: { organizationId, role: 'admin', user: { disabled: false } } })
}

export async function updateRole(organizationId: string, actorId: string, userId: string, role: Role) {
  const db = getDb()
  const m = await db.membership.findUnique({ where: { userId_organizationId: { userId, organizationId } } })
  if (!m) throw new DomainError('NOT_FOUND', 'No such user in this organisation')
  if (m.role === 'admin' && role !== 'admin' && (await countAdmins(organizationId)) <= 1)
    throw new DomainError('CONFLICT', 'The organisation must keep at least one administrator', 'role')
  await db.membership.update({ where: { id: m.id }, data: { role } })
  await audit({ action: 'membership.role', organizationId, actorId, target: userId, detail: `${m.role}->${role}` })
}

export async function setDisabled(organizationId: string, actorId: string, userId: string, disabled: boolean) {
  const db = getDb()
  if (userId === actorId && disabled) throw new DomainError('CONFLICT', 'You cannot disable your own account', 'userId')
  const m = await db.membership.findUnique({ where: { userId_organizationId: { userId, organizationId } } })
  if (!m) throw new DomainError('NOT_FOUND', 'No such user in this organisation')
  if (disabled && m.role === 'admin' && (await countAdmins(organizationId)) <= 1)
    throw new DomainError('CONFLICT', 'The organisation must keep at least one administrator', 'userId')
  await db.user.update({ where: { id: userId }, data: { disabled } })
  await audit({ action: disabled ? 'user.disabled' : 'user.enabled', organizationId, actorId, target: userId })
}

const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** Creates a one-time invitation; returns the token (shown once, only its hash is stored). */
export async function createInvitation(organizationId: string, actorId: string, email: string, role: Role) {
  const db = getDb()
  const existing = await db.user.findUnique({ where: { email }, select: { id: true } })
  if (existing) throw new DomainError('CONFLICT', 'A user with this email already exists', 'email')
  const token = randomBytes(24).toString('base64url')
  await db.invitation.create({
    data: { organizationId, email, role, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + INVITE_TTL_MS), createdById: actorId },
  })
  await audit({ action: 'invitation.created', organizationId, actorId, target: email, detail: role })
  return token
}

/** The pending invitation for a token, or null when unknown, used or expired. */
export async function findInvitation(token: string) {
  const inv = await getDb().invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, email: true, role: true, expiresAt: true, acceptedAt: true, organization: { select: { id: true, name: true } } },
  })
  if (!inv || inv.acceptedAt || inv.expiresAt < new Date()) return null
  return inv
}

export async function acceptInvitation(token: string, name: string, password: string) {
  const inv = await findInvitation(token)
  if (!inv) throw new DomainError('NOT_FOUND', 'This invitation is invalid or has expired')
  const role = ROLES.find((r) => r === inv.role)
  if (!role) throw new DomainError('INVALID', 'Invitation has an unknown role')
  const passwordHash = await hashPassword(password)
  const db = getDb()
  await db.$transaction(async (tx) => {
    // Marking it accepted first (conditionally) makes a concurrent second use fail.
    const claimed = await tx.invitation.updateMany({ where: { id: inv.id, acceptedAt: null }, data: { acceptedAt: new Date() } })
    if (claimed.count !== 1) throw new DomainError('NOT_FOUND', 'This invitation is invalid or has expired')
    const exists = await tx.user.findUnique({ where: { email: inv.email }, select: { id: true } })
    if (exists) throw new DomainError('CONFLICT', 'A user with this email already exists')
    await tx.user.create({
      data: { email: inv.email, name, passwordHash, memberships: { create: { organizationId: inv.organization.id, role } } },
    })
  })
  await audit({ action: 'invitation.accepted', organizationId: inv.organization.id, target: inv.email })
  return inv.email
}

export async function listInvitations(organizationId: string) {
  return getDb().invitation.findMany({
    where: { organizationId, acceptedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: 'desc' },
    select: { id: true, email: true, role: true, expiresAt: true },
  })
}

export type TeamRow = { id: string; name: string; members: { userId: string; name: string; email: string; isLead: boolean }[] }

export async function listTeams(organizationId: string): Promise<TeamRow[]> {
  const teams = await getDb().team.findMany({
    where: { organizationId },
    orderBy: { name: 'asc' },
    select: {
      id: true,
      name: true,
      members: { select: { isLead: true, user: { select: { id: true, name: true, email: true } } }, orderBy: { addedAt: 'asc' } },
    },
  })
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    members: t.members.map((m) => ({ userId: m.user.id, name: m.user.name, email: m.user.email, isLead: m.isLead })),
  }))
}

/** Teams the user leads (a manager sees these). */
export async function teamsLedBy(organizationId: string, userId: string): Promise<TeamRow[]> {
  const all = await listTeams(organizationId)
  return all.filter((t) => t.members.some((m) => m.userId === userId && m.isLead))
}

async function requireTeam(organizationId: string, teamId: string) {
  const team = await getDb().team.findFirst({ where: { id: teamId, organizationId }, select: { id: true } })
  if (!team) throw new DomainError('NOT_FOUND', 'No such team in this organisation', 'teamId')
}

export async function createTeam(organizationId: string, actorId: string, name: string) {
  const db = getDb()
  const dup = await db.team.findUnique({ where: { organizationId_name: { organizationId, name } } })
  if (dup) throw new DomainError('CONFLICT', 'A team with this name exists', 'name')
  const team = await db.team.create({ data: { organizationId, name }, select: { id: true } })
  await audit({ action: 'team.created', organizationId, actorId, target: team.id, detail: name })
  return team.id
}

export async function setTeamMember(organizationId: string, actorId: string, teamId: string, userId: string, isLead: boolean) {
  await requireTeam(organizationId, teamId)
  const db = getDb()
  const m = await db.membership.findUnique({ where: { userId_organizationId: { userId, organizationId } } })
  if (!m) throw new DomainError('NOT_FOUND', 'No such user in this organisation', 'userId')
  await db.teamMember.upsert({
    where: { teamId_userId: { teamId, userId } },
    create: { teamId, userId, isLead },
    update: { isLead },
  })
  await audit({ action: 'team.member.set', organizationId, actorId, target: `${teamId}:${userId}`, detail: isLead ? 'lead' : 'member' })
}

export async function removeTeamMember(organizationId: string, actorId: string, teamId: string, userId: string) {
  await requireTeam(organizationId, teamId)
  await getDb().teamMember.deleteMany({ where: { teamId, userId } })
  await audit({ action: 'team.member.removed', organizationId, actorId, target: `${teamId}:${userId}` })
}

export async function orgOverview(organizationId: string) {
  const db = getDb()
  const [byRole, teams, pending] = await Promise.all([
    db.membership.groupBy({ by: ['role'], where: { organizationId }, _count: { _all: true } }),
    db.team.count({ where: { organizationId } }),
    db.invitation.count({ where: { organizationId, acceptedAt: null, expiresAt: { gt: new Date() } } }),
  ])
  const roles = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>
  for (const g of byRole) if (g.role in roles) roles[g.role as Role] = g._count._all
  return { roles, users: Object.values(roles).reduce((a, b) => a + b, 0), teams, pendingInvitations: pending }
}

export async function recentAudit(organizationId: string, take = 10) {
  return getDb().auditEvent.findMany({
    where: { organizationId },
    orderBy: { createdAt: 'desc' },
    take,
    select: { id: true, action: true, target: true, detail: true, createdAt: true },
  })
}

export async function setUserLocale(userId: string, locale: string | null) {
  await getDb().user.update({ where: { id: userId }, data: { locale } })
}
