import 'server-only'
import { getDb } from '../db/client'
import { hashPassword } from '../auth/password'
import type { Role } from '../auth/rbac'

export const DEMO_ORG = { slug: 'demo', name: 'Demo Prefecture / デモ県' }
export const DEMO_PASSWORD = 'kenshu-demo-2026'

export const DEMO_USERS: { email: string; name: string; role: Role; locale?: string }[] = [
  { email: 'learner@demo.kenshu.local', name: 'Aoi Tanaka', role: 'learner' },
  { email: 'learner2@demo.kenshu.local', name: 'Ren Suzuki', role: 'learner' },
  { email: 'ot-engineer@demo.kenshu.local', name: 'Haruto Kato', role: 'learner' },
  { email: 'exec@demo.kenshu.local', name: 'Keiko Yamamoto', role: 'executive' },
  { email: 'manager@demo.kenshu.local', name: 'Daiki Sato', role: 'manager' },
  { email: 'hr@demo.kenshu.local', name: 'Yui Nakamura', role: 'hr' },
  { email: 'admin@demo.kenshu.local', name: 'Sora Ito', role: 'admin' },
  // Exercise days (CYDER): a facilitator and enough learners for two teams of two.
  { email: 'instructor@demo.kenshu.local', name: 'Kenji Morita', role: 'instructor' },
  { email: 'learner3@demo.kenshu.local', name: 'Yuto Watanabe', role: 'learner' },
  { email: 'learner4@demo.kenshu.local', name: 'Hina Ishikawa', role: 'learner' },
]

const DEMO_TEAMS: { name: string; members: { email: string; isLead?: boolean }[] }[] = [
  {
    name: 'SOC / CSIRT',
    members: [{ email: 'manager@demo.kenshu.local', isLead: true }, { email: 'learner@demo.kenshu.local' }, { email: 'learner2@demo.kenshu.local' }],
  },
  { name: 'OT Engineering', members: [{ email: 'manager@demo.kenshu.local', isLead: true }, { email: 'ot-engineer@demo.kenshu.local' }] },
]

/**
 * Seeds the demo organisation once. Re-running changes nothing when the organisation exists, so a
 * second quick start keeps every user, role and team the admin has changed since.
 */
export async function seedDemo(): Promise<{ created: boolean }> {
  const db = getDb()
  const existing = await db.organization.findUnique({ where: { slug: DEMO_ORG.slug } })
  if (existing) {
    await addNewDemoUsers(existing.id)
    return { created: false }
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD)
  await db.$transaction(async (tx) => {
    const org = await tx.organization.create({ data: DEMO_ORG })
    const ids = new Map<string, string>()
    for (const u of DEMO_USERS) {
      const user = await tx.user.upsert({
        where: { email: u.email },
        create: { email: u.email, name: u.name, passwordHash, memberships: { create: { organizationId: org.id, role: u.role } } },
        update: {},
      })
      ids.set(u.email, user.id)
    }
    for (const t of DEMO_TEAMS) {
      await tx.team.create({
        data: {
          organizationId: org.id,
          name: t.name,
          members: { create: t.members.map((m) => ({ userId: ids.get(m.email) as string, isLead: m.isLead ?? false })) },
        },
      })
    }
  })
  return { created: true }
}

/**
 * Demo users added to the demo set after a database was first seeded (e.g. the instructor) are
 * created on the next quick start; users that exist (whatever the admin changed) are left alone.
 */
async function addNewDemoUsers(organizationId: string) {
  const db = getDb()
  const known = new Set((await db.user.findMany({ where: { email: { in: DEMO_USERS.map((u) => u.email) } }, select: { email: true } })).map((u) => u.email))
  const missing = DEMO_USERS.filter((u) => !known.has(u.email))
  if (!missing.length) return
  const passwordHash = await hashPassword(DEMO_PASSWORD)
  for (const u of missing)
    await db.user.create({ data: { email: u.email, name: u.name, passwordHash, memberships: { create: { organizationId, role: u.role } } } })
}
