import 'server-only'
import { getDb, dbKind } from '../db/client'
import { DomainError } from '../errors'
import { audit } from '../auth/audit'
import { can, isRole, type Permission } from '../auth/rbac'
import type { LearningEvent } from '../progress/events'
import { itemExists } from './items'
import {
  assignProblems,
  completionFor,
  isItemKind,
  KIND_PERMISSION,
  sortAssignments,
  statusOf,
  type AssignInput,
  type AssignmentStatus,
  type ItemKind,
} from './status'

/**
 * Assignments: who may assign what to whom, and when an assignment is done.
 *
 * Authorisation has one guard, `canManagePerson`: a viewer may manage a person of their own
 * organisation when they lead (TeamMember.isLead) a team the person is a plain member of, or when they
 * hold organisation-wide rights (org:readiness or users:manage: HR, admin). Nobody manages themselves.
 * Every read and write below is scoped to the viewer's organisation and goes through that guard, so an
 * id from a form or URL can never reach someone else's data.
 *
 * Completion: `completeFromEvent` marks open assignments done when a lab is completed or a module,
 * briefing or curriculum is; and because work done before an assignment counts too, every listing
 * first settles open assignments against the stored completions (ContentCompletion rows, LabSession
 * completedAt).
 */

/** The acting person: a page/action Viewer (lib/auth/session) or anything shaped like it. */
export type Actor = {
  id: string
  organizationId: string
  role: string
  /** API-token principals: exactly these permissions (see viewerCan in lib/auth/session.ts). */
  permissions?: readonly Permission[]
}

function holds(actor: Actor, p: Permission): boolean {
  if (actor.permissions) return actor.permissions.includes(p)
  return can(actor.role, p)
}

/** HR and administrators: may manage everyone in their organisation. */
function orgWide(actor: Actor): boolean {
  return holds(actor, 'org:readiness') || holds(actor, 'users:manage')
}

/** Messages of the DomainErrors thrown here; server actions map them to `errors.<key>` messages. */
export const ASSIGNMENT_ERRORS = {
  'This item is already assigned to this person and not done yet': 'assignmentDuplicate',
  'You cannot assign work to this person': 'FORBIDDEN',
  'No such item': 'unknownItem',
  'This person cannot open this kind of item': 'cannotTakeItem',
  'This account is disabled': 'assigneeDisabled',
  'The due date is in the past': 'dueInPast',
  'The due date is too far ahead': 'dueTooFar',
  'The note is too long': 'noteTooLong',
  'This value is not valid': 'invalid',
  'This assignment is already done': 'assignmentClosed',
} as const

const PROBLEM_MESSAGES: Record<string, keyof typeof ASSIGNMENT_ERRORS> = {
  dueInPast: 'The due date is in the past',
  dueTooFar: 'The due date is too far ahead',
  noteTooLong: 'The note is too long',
  invalid: 'This value is not valid',
}

// ---- the guard ----

/**
 * Whether `viewer` may see and manage `userId` (drill-in, assignments). The single IDOR guard: use it
 * for every page or action that takes a person id from a URL or form.
 */
export async function canManagePerson(viewer: Actor, userId: string): Promise<boolean> {
  if (typeof userId !== 'string' || !userId || userId === viewer.id) return false
  const db = getDb()
  const member = await db.membership.findUnique({
    where: { userId_organizationId: { userId, organizationId: viewer.organizationId } },
    select: { id: true },
  })
  if (!member) return false
  if (orgWide(viewer)) return true
  if (!holds(viewer, 'team:view')) return false
  const shared = await db.teamMember.findFirst({
    where: {
      userId,
      isLead: false,
      team: {
        organizationId: viewer.organizationId,
        members: { some: { userId: viewer.id, isLead: true } },
      },
    },
    select: { teamId: true },
  })
  return shared !== null
}

/** The people `viewer` may manage: 'all' (of their organisation) or a list of user ids. */
async function managedScope(viewer: Actor): Promise<'all' | string[]> {
  if (orgWide(viewer)) return 'all'
  if (!holds(viewer, 'team:view')) return []
  const rows = await getDb().teamMember.findMany({
    where: {
      isLead: false,
      userId: { not: viewer.id },
      team: {
        organizationId: viewer.organizationId,
        members: { some: { userId: viewer.id, isLead: true } },
      },
    },
    select: { userId: true },
  })
  // A team may (wrongly) hold someone of another organisation: keep only this organisation's members.
  const ids = [...new Set(rows.map((r) => r.userId))]
  if (!ids.length) return []
  const members = await getDb().membership.findMany({
    where: { organizationId: viewer.organizationId, userId: { in: ids } },
    select: { userId: true },
  })
  return members.map((m) => m.userId)
}

// ---- rows ----

export type AssignmentView = {
  id: string
  userId: string
  userName: string
  assignedById: string
  assignedByName: string
  itemKind: ItemKind
  itemId: string
  dueAt: Date
  note: string | null
  completedAt: Date | null
  cancelledAt: Date | null
  createdAt: Date
  status: AssignmentStatus
}

type Row = {
  id: string
  organizationId: string
  userId: string
  assignedById: string
  itemKind: string
  itemId: string
  dueAt: Date
  note: string | null
  completedAt: Date | null
  cancelledAt: Date | null
  createdAt: Date
}

type Where = NonNullable<Parameters<ReturnType<typeof getDb>['assignment']['findMany']>[0]>['where']

/**
 * Settles open assignments against completions stored elsewhere (a module finished before it was
 * assigned, a curriculum completed as its last module was, a lab whose event was missed). Idempotent.
 */
async function settle(rows: Row[]): Promise<Row[]> {
  const open = rows.filter((r) => !r.completedAt && !r.cancelledAt)
  if (!open.length) return rows
  const db = getDb()
  const users = [...new Set(open.map((r) => r.userId))]
  const orgs = [...new Set(open.map((r) => r.organizationId))]
  const labs = [...new Set(open.filter((r) => r.itemKind === 'lab').map((r) => r.itemId))]
  const content = open.filter((r) => r.itemKind !== 'lab')
  const [completions, sessions] = await Promise.all([
    content.length
      ? db.contentCompletion.findMany({
          where: {
            userId: { in: users },
            organizationId: { in: orgs },
            itemType: { in: [...new Set(content.map((r) => r.itemKind))] },
            itemId: { in: [...new Set(content.map((r) => r.itemId))] },
          },
          select: { userId: true, organizationId: true, itemType: true, itemId: true, completedAt: true },
        })
      : [],
    labs.length
      ? db.labSession.findMany({
          where: {
            userId: { in: users },
            organizationId: { in: orgs },
            labId: { in: labs },
            completedAt: { not: null },
          },
          select: { userId: true, organizationId: true, labId: true, completedAt: true },
        })
      : [],
  ])
  const done = new Map<string, Date[]>()
  const add = (key: string, at: Date | null) => {
    if (at) (done.get(key) ?? done.set(key, []).get(key)!).push(at)
  }
  for (const c of completions) add(`${c.organizationId}:${c.userId}:${c.itemType}:${c.itemId}`, c.completedAt)
  for (const s of sessions) add(`${s.organizationId}:${s.userId}:lab:${s.labId}`, s.completedAt)
  const settled = new Map<string, Date>()
  for (const r of open) {
    const at = completionFor(
      r.createdAt,
      done.get(`${r.organizationId}:${r.userId}:${r.itemKind}:${r.itemId}`) ?? [],
    )
    if (!at) continue
    const res = await db.assignment.updateMany({
      where: { id: r.id, completedAt: null, cancelledAt: null },
      data: { completedAt: at },
    })
    if (res.count) settled.set(r.id, at)
  }
  return settled.size
    ? rows.map((r) => (settled.has(r.id) ? { ...r, completedAt: settled.get(r.id)! } : r))
    : rows
}

async function list(where: Where, opts: { includeCancelled?: boolean; limit?: number } = {}) {
  const db = getDb()
  const raw = await db.assignment.findMany({
    where: { ...where, ...(opts.includeCancelled ? {} : { cancelledAt: null }) },
    orderBy: { dueAt: 'asc' },
    take: opts.limit ?? 1000,
  })
  const rows = await settle(raw)
  const ids = [...new Set(rows.flatMap((r) => [r.userId, r.assignedById]))]
  const names = new Map(
    (await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((u) => [
      u.id,
      u.name,
    ]),
  )
  const now = new Date()
  const views: AssignmentView[] = rows
    .filter((r) => isItemKind(r.itemKind))
    .map((r) => ({
      id: r.id,
      userId: r.userId,
      userName: names.get(r.userId) ?? '',
      assignedById: r.assignedById,
      assignedByName: names.get(r.assignedById) ?? '',
      itemKind: r.itemKind as ItemKind,
      itemId: r.itemId,
      dueAt: r.dueAt,
      note: r.note,
      completedAt: r.completedAt,
      cancelledAt: r.cancelledAt,
      createdAt: r.createdAt,
      status: statusOf(r, now),
    }))
  return sortAssignments(views, now)
}

/** A person's own assignments (for the learner), most urgent first. Cancelled ones are left out. */
export async function assignmentsFor(
  userId: string,
  opts: { organizationId?: string; includeCancelled?: boolean } = {},
): Promise<AssignmentView[]> {
  return list(
    { userId, ...(opts.organizationId ? { organizationId: opts.organizationId } : {}) },
    { includeCancelled: opts.includeCancelled },
  )
}

/**
 * Assignments of the people `viewer` may manage (their team members; everyone in the organisation for
 * HR/admin), or of one person (`userId`, checked by canManagePerson; nothing when not allowed).
 */
export async function teamAssignments(
  viewer: Actor,
  opts: { userId?: string; includeCancelled?: boolean; limit?: number } = {},
): Promise<AssignmentView[]> {
  let users: Where
  if (opts.userId !== undefined) {
    if (!(await canManagePerson(viewer, opts.userId))) return []
    users = { userId: opts.userId }
  } else {
    const scope = await managedScope(viewer)
    if (scope !== 'all' && !scope.length) return []
    users = scope === 'all' ? { userId: { not: viewer.id } } : { userId: { in: scope } }
  }
  return list({ organizationId: viewer.organizationId, ...users }, opts)
}

/** Open assignments past their due date among the people `viewer` may manage, longest overdue first. */
export async function overdue(viewer: Actor): Promise<AssignmentView[]> {
  return (await teamAssignments(viewer)).filter((a) => a.status === 'overdue')
}

// ---- writes ----

/**
 * Assigns an item to a person. Allowed for a lead of a team the person is a member of (with
 * team:assign) and for HR/admin within their organisation. The item must exist and be something the
 * person's role can open. An item the person already completed is accepted and is done at once; a
 * second open assignment of the same item is a CONFLICT.
 */
export async function assign(viewer: Actor, input: AssignInput): Promise<AssignmentView> {
  const now = new Date()
  const problems = Object.entries(assignProblems(input, now))
  if (problems.length) {
    const [field, key] = problems[0]!
    throw new DomainError('INVALID', PROBLEM_MESSAGES[key] ?? 'This value is not valid', field)
  }
  if (!(orgWide(viewer) || holds(viewer, 'team:assign')) || !(await canManagePerson(viewer, input.userId)))
    throw new DomainError('FORBIDDEN', 'You cannot assign work to this person', 'userId')
  const db = getDb()
  const assignee = await db.membership.findUnique({
    where: { userId_organizationId: { userId: input.userId, organizationId: viewer.organizationId } },
    select: { role: true, user: { select: { disabled: true } } },
  })
  if (!assignee) throw new DomainError('FORBIDDEN', 'You cannot assign work to this person', 'userId')
  if (assignee.user.disabled) throw new DomainError('INVALID', 'This account is disabled', 'userId')
  if (!isRole(assignee.role) || !can(assignee.role, KIND_PERMISSION[input.itemKind]))
    throw new DomainError('INVALID', 'This person cannot open this kind of item', 'item')
  if (!(await itemExists(input.itemKind, input.itemId)))
    throw new DomainError('NOT_FOUND', 'No such item', 'item')

  const same = {
    organizationId: viewer.organizationId,
    userId: input.userId,
    itemKind: input.itemKind,
    itemId: input.itemId,
  }
  // An open assignment whose item was completed meanwhile is done, not a duplicate.
  await settle(await db.assignment.findMany({ where: { ...same, completedAt: null, cancelledAt: null } }))
  const created = await db.$transaction(async (tx) => {
    // Serialise assigners of the same item to the same person (SQLite serialises writers already).
    if (dbKind() === 'postgres')
      await tx.$executeRawUnsafe(
        'SELECT pg_advisory_xact_lock(hashtext($1))',
        `assignment:${same.organizationId}:${same.userId}:${same.itemKind}:${same.itemId}`,
      )
    const dup = await tx.assignment.findFirst({
      where: { ...same, completedAt: null, cancelledAt: null },
      select: { id: true },
    })
    if (dup)
      throw new DomainError(
        'CONFLICT',
        'This item is already assigned to this person and not done yet',
        'item',
      )
    return tx.assignment.create({
      data: { ...same, assignedById: viewer.id, dueAt: input.dueAt, note: input.note?.trim() || null },
    })
  })
  // Already done before it was assigned: complete it at once.
  const [row] = await settle([created])
  await audit({
    action: 'assignment.created',
    organizationId: viewer.organizationId,
    actorId: viewer.id,
    target: `${input.userId}:${input.itemKind}:${input.itemId}`,
    detail: created.id,
  })
  return (await list({ id: row!.id }, { includeCancelled: true }))[0]!
}

/**
 * Withdraws an open assignment. Only for someone who may manage its assignee; an id of another
 * organisation, or of a person the viewer does not manage, is NOT_FOUND (its existence is not revealed).
 */
export async function cancel(viewer: Actor, id: string): Promise<void> {
  const db = getDb()
  const a = await db.assignment.findFirst({ where: { id, organizationId: viewer.organizationId } })
  if (!a || !(orgWide(viewer) || holds(viewer, 'team:assign')) || !(await canManagePerson(viewer, a.userId)))
    throw new DomainError('NOT_FOUND', 'No such assignment')
  if (a.cancelledAt) return
  const [settled] = await settle([a])
  if (settled!.completedAt) throw new DomainError('CONFLICT', 'This assignment is already done')
  const res = await db.assignment.updateMany({
    where: { id, organizationId: viewer.organizationId, completedAt: null, cancelledAt: null },
    data: { cancelledAt: new Date() },
  })
  if (!res.count) {
    const now = await db.assignment.findUnique({ where: { id }, select: { completedAt: true } })
    if (now?.completedAt) throw new DomainError('CONFLICT', 'This assignment is already done')
    return
  }
  await audit({
    action: 'assignment.cancelled',
    organizationId: viewer.organizationId,
    actorId: viewer.id,
    target: `${a.userId}:${a.itemKind}:${a.itemId}`,
    detail: id,
  })
}

/**
 * Marks the open assignments an event completes: a completed lab (lab-complete) or a completed module,
 * briefing or curriculum (completed). Other events complete nothing. Returns how many were marked.
 * Idempotent: replaying an event changes nothing.
 */
export async function completeFromEvent(e: LearningEvent): Promise<number> {
  let kind: ItemKind
  let itemId: string
  if (e.type === 'lab-complete') {
    kind = 'lab'
    itemId = e.labId
  } else if (e.type === 'completed' && e.itemType !== 'tabletop') {
    kind = e.itemType
    itemId = e.itemId
  } else return 0
  const res = await getDb().assignment.updateMany({
    where: {
      organizationId: e.who.organizationId,
      userId: e.who.userId,
      itemKind: kind,
      itemId,
      completedAt: null,
      cancelledAt: null,
    },
    data: { completedAt: e.at },
  })
  return res.count
}
