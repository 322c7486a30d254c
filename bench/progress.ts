/**
 * Career-progress queries at organisation scale (issue #6): 10,000 learners, 40 org roles built from
 * NICE work roles, ≈ 1 M evidence rows, 200 teams of 50, on a throwaway SQLite file or PostgreSQL DB.
 *   node --conditions=react-server --import tsx bench/progress.ts --db sqlite|postgres [--learners N] [--per N] [--iterations N]
 * Measures server time of the data functions the pages call (in-process, warm database):
 *   record   recordEvidence of a 3-statement pass (the grading write; invalidates the person's cache)
 *   heatmap  a 50-person team × 40 roles (readinessOf), cache warm, and right after a member's new evidence
 *   overview organisation-wide readiness per role and career pipeline (orgReadiness, what /hr shows): cold (nothing
 *            precomputed), warm, and with churn (20 learners record evidence between two views)
 * Prints JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback
}
const DB = arg('db', 'sqlite')
const LEARNERS = Number(arg('learners', '10000'))
const PER = Number(arg('per', '116'))
const ITER = Number(arg('iterations', '30'))
const ROLES = 40
const TEAM = 50

const PG_ADMIN = process.env.KENSHU_TEST_PG ?? 'postgresql://postgres@127.0.0.1:5432/postgres'
let cleanup: () => Promise<void>
const root = process.cwd()
const { migratePostgres, migrateSqlite } = await import('../lib/db/migrate')
if (DB === 'postgres') {
  const name = `kenshu_bench_${process.pid}`
  const admin = new pg.Client({ connectionString: PG_ADMIN })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  process.env.DATABASE_URL = PG_ADMIN.replace(/\/[^/?]*(\?|$)/, `/${name}$1`)
  await migratePostgres(process.env.DATABASE_URL, root)
  cleanup = async () => {
    const { resetDbForTests } = await import('../lib/db/client')
    await resetDbForTests()
    const c = new pg.Client({ connectionString: PG_ADMIN })
    await c.connect()
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await c.end()
  }
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'kenshu-bench-progress-'))
  process.env.DATABASE_URL = `file:${path.join(dir, 'kenshu.db')}`
  await migrateSqlite(path.join(dir, 'kenshu.db'), root)
  cleanup = async () => rmSync(dir, { recursive: true, force: true })
}

const { getDb } = await import('../lib/db/client')
const { Prisma } = await import('../lib/db/generated/sqlite/client')
const { getFramework, getRoleStatements } = await import('../lib/frameworks/catalog')
const { listRolesWithRequirements } = await import('../lib/roles/store')
const { recordEvidence } = await import('../lib/progress/record')
const { readinessOf, organisationPeople } = await import('../lib/progress/store')
const { orgReadiness } = await import('../lib/progress/overview')

// Deterministic pseudo-random numbers, so both databases get the same data.
let seed = 42
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
const pick = <T>(xs: ReadonlyArray<T>) => xs[Math.floor(rand() * xs.length)]!
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100
}
const summary = (xs: number[]) => ({
  n: xs.length,
  p50: pct(xs, 50),
  p95: pct(xs, 95),
  p99: pct(xs, 99),
  max: pct(xs, 100),
})
const time = async <T>(f: () => Promise<T>): Promise<[number, T]> => {
  const t0 = performance.now()
  const v = await f()
  return [performance.now() - t0, v]
}

const db = getDb()
const nice = getFramework('nice')!
const t0 = Date.now()
const org = await db.organization.create({ data: { slug: 'bench', name: 'Bench' } })

// 40 org roles from NICE work roles: 60 of each role's statements, levels 1-3, weights 1-2.
const workRoles = [...nice.workRoles.values()].slice(0, ROLES)
const roleStatements: string[][] = []
for (const [i, wr] of workRoles.entries()) {
  const st = getRoleStatements(nice, wr.id)!.slice(0, 60)
  roleStatements.push(st.map((s) => s.id))
  await db.orgRole.create({
    data: {
      organizationId: org.id,
      title: `Bench role ${i + 1} (${wr.title})`,
      frameworkId: nice.framework.id,
      frameworkVersion: nice.framework.version,
      baselineWorkRoleId: wr.id,
      positionLevel: 1 + (i % 4),
      requirements: {
        create: st.map((s, j) => ({ statementId: s.id, level: 1 + (j % 3), weight: j % 5 === 0 ? 2 : 1 })),
      },
    },
  })
}

// Learners, memberships and teams of 50 (the first member leads).
const userRows = Array.from({ length: LEARNERS }, (_, i) => ({
  id: `bench-u${i}`,
  email: `u${i}@bench.local`,
  name: `Learner ${i}`,
}))
for (let i = 0; i < userRows.length; i += 2000)
  await db.user.createMany({ data: userRows.slice(i, i + 2000) })
for (let i = 0; i < userRows.length; i += 2000)
  await db.membership.createMany({
    data: userRows.slice(i, i + 2000).map((u, j) => ({
      userId: u.id,
      organizationId: org.id,
      role: (i + j) % TEAM === 0 ? 'manager' : 'learner',
    })),
  })
const teams: string[][] = []
for (let i = 0; i < LEARNERS; i += TEAM) {
  const members = userRows.slice(i, i + TEAM).map((u) => u.id)
  const team = await db.team.create({ data: { organizationId: org.id, name: `Team ${i / TEAM + 1}` } })
  await db.teamMember.createMany({
    data: members.map((userId, j) => ({ teamId: team.id, userId, isLead: j === 0 })),
  })
  teams.push(members)
}

// Evidence: mostly on the learner's home role, spread over three years (about a third stale).
const KINDS = [
  ['quiz', 1, 0.4],
  ['lab-task', 2, 0.35],
  ['lab-complete-no-hints', 3, 0.15],
  ['briefing', 1, 0.05],
  ['attestation', 4, 0.05],
] as const
const kindOf = () => {
  let x = rand()
  for (const k of KINDS) if ((x -= k[2]) < 0) return k
  return KINDS[0]
}
const allStatements = [...nice.statements.keys()]
const now = Date.now()
let evidenceRows = 0
type Row = {
  id: string
  userId: string
  organizationId: string
  statementId: string
  frameworkId: string
  kind: string
  level: number
  score: number
  sourceType: string
  sourceId: string
  createdAt: Date
}
let batch: Row[] = []
const flush = async () => {
  if (!batch.length) return
  // Multi-row INSERTs: Prisma's createMany costs ≈ 0.25 ms per row, 4 minutes for a million.
  for (let i = 0; i < batch.length; i += 1000) {
    const rows = batch.slice(i, i + 1000)
    await db.$executeRaw`INSERT INTO "Evidence" ("id", "userId", "organizationId", "statementId", "frameworkId", "kind", "level", "score", "sourceType", "sourceId", "createdAt") VALUES ${Prisma.join(
      rows.map(
        (r) =>
          Prisma.sql`(${r.id}, ${r.userId}, ${r.organizationId}, ${r.statementId}, ${r.frameworkId}, ${r.kind}, ${r.level}, ${r.score}, ${r.sourceType}, ${r.sourceId}, ${r.createdAt})`,
      ),
    )}`
  }
  evidenceRows += batch.length
  batch = []
}
for (const u of userRows) {
  const home = roleStatements[Math.floor(rand() * ROLES)]!
  const seen = new Set<string>()
  for (let k = 0; k < PER; k++) {
    const statementId = rand() < 0.8 ? pick(home) : pick(allStatements)
    const [kind, level] = kindOf()
    const key = `${statementId}:${kind}`
    if (seen.has(key)) continue
    seen.add(key)
    batch.push({
      id: `ev-${u.id}-${k}`,
      userId: u.id,
      organizationId: org.id,
      statementId,
      frameworkId: nice.framework.id,
      kind,
      level,
      score: 1,
      sourceType: kind,
      sourceId: `seed-${k}`,
      createdAt: new Date(now - Math.floor(rand() * 3 * 365 * 86_400_000)),
    })
  }
  if (batch.length >= 4000) await flush()
}
await flush()
const seedSeconds = Math.round((Date.now() - t0) / 100) / 10

const roles = await listRolesWithRequirements(org.id)
const people = await organisationPeople(org.id)
const byId = new Map(people.map((p) => [p.id, p]))
let n = 0
const newEvidence = async (userId: string) =>
  recordEvidence({
    userId,
    organizationId: org.id,
    frameworkId: nice.framework.id,
    statementIds: roleStatements[n % ROLES]!.slice(0, 3),
    kind: 'lab-task',
    score: 1,
    sourceType: 'lab-task',
    sourceId: `bench-${n++}`,
  })

// HR overview, cold: nothing precomputed yet.
const overview = async () => (await orgReadiness(org.id)).perRole
const [coldMs, first] = await time(overview)
const warm: number[] = []
for (let i = 0; i < ITER; i++) warm.push((await time(overview))[0])
const churn: number[] = []
for (let i = 0; i < ITER; i++) {
  for (let j = 0; j < 20; j++) await newEvidence(pick(userRows).id)
  churn.push((await time(overview))[0])
}

// Manager heatmap for a team of 50.
const teamPeople = (t: string[]) => t.map((id) => byId.get(id)!)
const heatWarm: number[] = []
for (let i = 0; i < ITER * 2; i++) {
  const t = teams[i % teams.length]!
  await readinessOf(org.id, teamPeople(t), roles) // ensure warm
  heatWarm.push((await time(() => readinessOf(org.id, teamPeople(t), roles)))[0])
}
const heatAfter: number[] = []
for (let i = 0; i < ITER * 2; i++) {
  const t = teams[(i * 7) % teams.length]!
  await readinessOf(org.id, teamPeople(t), roles)
  await newEvidence(pick(t))
  heatAfter.push((await time(() => readinessOf(org.id, teamPeople(t), roles)))[0])
}

// Recording evidence (a 3-statement lab task pass), for random learners.
const record: number[] = []
for (let i = 0; i < ITER * 10; i++) record.push((await time(() => newEvidence(pick(userRows).id)))[0])

const evidenceTotal = await db.evidence.count()
const cacheRows = await db.roleReadiness.count()
console.log(
  JSON.stringify(
    {
      db: DB,
      learners: LEARNERS,
      roles: roles.length,
      teams: teams.length,
      evidence: evidenceTotal,
      seededEvidence: evidenceRows,
      cacheRows,
      seedSeconds,
      readyPeople: first.reduce((s, r) => s + r.ready, 0),
      recordMs: summary(record),
      heatmapWarmMs: summary(heatWarm),
      heatmapAfterEvidenceMs: summary(heatAfter),
      overviewColdMs: Math.round(coldMs),
      overviewWarmMs: summary(warm),
      overviewChurnMs: summary(churn),
      targets: { heatmapP95Ms: 100, overviewP95Ms: 500, recordP95Ms: 5 },
    },
    null,
    2,
  ),
)
if (process.argv.includes('--keep')) console.error(`kept ${process.env.DATABASE_URL}`)
else await cleanup()
process.exit(0)
