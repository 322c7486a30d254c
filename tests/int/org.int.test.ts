import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestDb, postgresReachable, useTestDb, type TestDb } from '../support/databases'
import { getDb } from '@/lib/db/client'
import { DEMO_USERS, seedDemo } from '@/lib/org/seed'
import {
  acceptInvitation,
  createInvitation,
  createTeam,
  createUser,
  findInvitation,
  listTeams,
  listUsers,
  setDisabled,
  setTeamMember,
  updateRole,
} from '@/lib/org/queries'
import { recordSignInFailure, signInLocked, clearSignInFailures } from '@/lib/auth/throttle-store'
import { loadViewerById } from '@/lib/auth/viewer-store'
import { migratePostgres, migrateSqlite } from '@/lib/db/migrate'

const root = path.resolve(__dirname, '../..')
const pgOk = await postgresReachable()
const kinds = (['sqlite', ...(pgOk ? ['postgres'] : [])] as const) as readonly ('sqlite' | 'postgres')[]
if (!pgOk) console.warn('PostgreSQL not reachable: PostgreSQL integration tests skipped')

describe.each(kinds)('organisation data layer on %s', (kind) => {
  let db: TestDb
  let orgId: string
  let adminId: string

  beforeAll(async () => {
    db = await createTestDb(kind)
    await useTestDb(db)
    expect((await seedDemo()).created).toBe(true)
    const org = await getDb().organization.findUniqueOrThrow({ where: { slug: 'demo' } })
    orgId = org.id
    adminId = (await getDb().user.findUniqueOrThrow({ where: { email: 'admin@demo.kenshu.local' } })).id
  })
  afterAll(async () => {
    await db.drop()
  })

  test('seeding is idempotent and keeps changes', async () => {
    const learner = await getDb().user.findUniqueOrThrow({ where: { email: 'learner@demo.kenshu.local' } })
    await getDb().user.update({ where: { id: learner.id }, data: { name: 'Renamed' } })
    expect((await seedDemo()).created).toBe(false)
    expect((await getDb().user.findUniqueOrThrow({ where: { id: learner.id } })).name).toBe('Renamed')
    expect(await listUsers(orgId)).toHaveLength(DEMO_USERS.length)
  })

  test('migrating again applies nothing', async () => {
    const r = kind === 'sqlite' ? await migrateSqlite(db.url.slice(5), root) : await migratePostgres(db.url, root)
    expect(r.applied).toEqual([])
    expect(r.alreadyApplied).toBeGreaterThan(0)
  })

  test('prisma migrate status agrees with the built-in migrator', () => {
    const env = { ...process.env, DATABASE_URL: db.url, KENSHU_DATA_DIR: path.dirname(db.url.slice(5)) }
    const out = execFileSync(process.execPath, [path.join(root, 'scripts/prisma.mjs'), kind, 'migrate', 'status'], {
      cwd: root,
      env,
      encoding: 'utf8',
    })
    expect(out).toContain('Database schema is up to date')
  }, 60_000)

  test('viewer comes from the database; disabled users have none', async () => {
    const u = await getDb().user.findUniqueOrThrow({ where: { email: 'hr@demo.kenshu.local' } })
    expect((await loadViewerById(u.id))?.role).toBe('hr')
    await setDisabled(orgId, adminId, u.id, true)
    expect(await loadViewerById(u.id)).toBeNull()
    await setDisabled(orgId, adminId, u.id, false)
    expect(await loadViewerById('nonexistent')).toBeNull()
  })

  test('create user, duplicate email is a conflict', async () => {
    const id = await createUser(orgId, adminId, { email: 'new@demo.kenshu.local', name: 'New', role: 'learner', password: 'a long password' })
    expect((await loadViewerById(id))?.role).toBe('learner')
    await expect(
      createUser(orgId, adminId, { email: 'new@demo.kenshu.local', name: 'Dup', role: 'admin', password: 'a long password' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
  })

  test('the last administrator cannot be demoted or disabled, nor can admins disable themselves', async () => {
    await expect(updateRole(orgId, adminId, adminId, 'learner')).rejects.toMatchObject({ code: 'CONFLICT' })
    await expect(setDisabled(orgId, adminId, adminId, true)).rejects.toMatchObject({ code: 'CONFLICT' })
  })

  test('another organisation is unreachable through ids from a form', async () => {
    const other = await getDb().organization.create({ data: { slug: `other-${kind}`, name: 'Other City' } })
    const otherUser = await getDb().user.create({
      data: { email: `x-${kind}@other.example`, name: 'Outsider', memberships: { create: { organizationId: other.id, role: 'admin' } } },
    })
    const otherTeam = await getDb().team.create({ data: { organizationId: other.id, name: 'Theirs' } })
    await expect(updateRole(orgId, adminId, otherUser.id, 'learner')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(setDisabled(orgId, adminId, otherUser.id, true)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(setTeamMember(orgId, adminId, otherTeam.id, adminId, true)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const teamId = (await listTeams(orgId))[0]!.id
    await expect(setTeamMember(orgId, adminId, teamId, otherUser.id, false)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect((await getDb().membership.findFirstOrThrow({ where: { userId: otherUser.id } })).role).toBe('admin')
  })

  test('teams: create, duplicate name, lead', async () => {
    const id = await createTeam(orgId, adminId, 'Blue Team')
    await expect(createTeam(orgId, adminId, 'Blue Team')).rejects.toMatchObject({ code: 'CONFLICT' })
    const learner = await getDb().user.findUniqueOrThrow({ where: { email: 'learner2@demo.kenshu.local' } })
    await setTeamMember(orgId, adminId, id, learner.id, true)
    const team = (await listTeams(orgId)).find((t) => t.id === id)
    expect(team?.members).toEqual([expect.objectContaining({ userId: learner.id, isLead: true })])
  })

  test('an invitation works once, even when used twice at the same time', async () => {
    const token = await createInvitation(orgId, adminId, 'invitee@demo.kenshu.local', 'executive')
    expect(await findInvitation(token)).not.toBeNull()
    const results = await Promise.allSettled([
      acceptInvitation(token, 'Invitee', 'a long password'),
      acceptInvitation(token, 'Invitee 2', 'a long password'),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(await findInvitation(token)).toBeNull()
    const u = await getDb().user.findUniqueOrThrow({ where: { email: 'invitee@demo.kenshu.local' } })
    expect((await loadViewerById(u.id))?.role).toBe('executive')
    expect(await findInvitation('not-a-real-token-at-all-xxxxxxxx')).toBeNull()
  })

  test('sign-in throttle is shared through the database', async () => {
    const email = `nobody-${kind}@demo.kenshu.local`
    for (let i = 0; i < 4; i++) expect(await recordSignInFailure(email, '10.9.9.9')).toBe(false)
    expect(await signInLocked(email, '10.9.9.9')).toBe(false)
    expect(await recordSignInFailure(email, '10.9.9.9')).toBe(true)
    expect(await signInLocked(email, '192.0.2.1')).toBe(true) // the account, from any address
    await clearSignInFailures(email)
    expect(await signInLocked(email, '192.0.2.1')).toBe(false)
  })
})
