/**
 * An exercise day at full size on one machine (issue #9): 20 teams × 4 members on the team lab, in
 * real sandboxes on real team networks, through the exercise runtime the app uses, on a throwaway
 * SQLite database.
 *   node --conditions=react-server --import tsx bench/exercise-day.ts [--teams 20] [--size 4] [--lab iot-botnet-team]
 * Measures:
 *   open → all environments ready (wall clock; per-team ready times from the timeline)
 *   memory of every sandbox (cgroups) when ready and with one shell per member attached (80 shells),
 *   plus the process's RSS
 *   the facilitator console's snapshot (what the live stream computes each second): p50/p95 ms
 *   a member's team snapshot: p50/p95 ms
 *   close (final checks of every team + stop of every environment)
 * Prints JSON. Needs root (team networks, cgroups).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Viewer } from '../lib/auth/session'

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback
}
const TEAMS = Number(arg('teams', '20'))
const SIZE = Number(arg('size', '4'))
const LAB = arg('lab', 'iot-botnet-team')

const dir = mkdtempSync(path.join(tmpdir(), 'kenshu-bench-exercise-'))
process.env.DATABASE_URL = `file:${path.join(dir, 'kenshu.db')}`
const { migrateSqlite } = await import('../lib/db/migrate')
await migrateSqlite(path.join(dir, 'kenshu.db'), process.cwd())

const { getDb } = await import('../lib/db/client')
const { seedDemo } = await import('../lib/org/seed')
const { BwrapDriver } = await import('../lib/labs/sandbox/bwrap-driver')
const { listTeamNetworks } = await import('../lib/labs/sandbox/team-network')
const { ExerciseRuntime, envOf, shellName } = await import('../lib/exercises/runtime')
const { consoleSnapshot, teamSnapshot } = await import('../lib/exercises/store')

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0) * 10) / 10
}
const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10
const rssMiB = () => mib(process.memoryUsage().rss)

await seedDemo()
const db = getDb()
const org = await db.organization.findUniqueOrThrow({ where: { slug: 'demo' } })
const people = TEAMS * SIZE
await db.user.createMany({ data: Array.from({ length: people }, (_, i) => ({ email: `bench${i}@demo.kenshu.local`, name: `Bench Learner ${i}` })) })
const users = await db.user.findMany({ where: { email: { startsWith: 'bench' } }, orderBy: { email: 'asc' } })
await db.membership.createMany({ data: users.map((u) => ({ userId: u.id, organizationId: org.id, role: 'learner' })) })
const viewerOf = (u: { id: string; email: string; name: string }, role: Viewer['role']): Viewer => ({ id: u.id, email: u.email, name: u.name, locale: null, role, organizationId: org.id, organizationName: org.name })
const instructorRow = await db.user.findUniqueOrThrow({ where: { email: 'instructor@demo.kenshu.local' } })
const instructor = viewerOf(instructorRow, 'instructor')

const driver = new BwrapDriver({ maxConcurrentStarts: Number(process.env.KENSHU_START_CONCURRENCY ?? 2), reapScope: 'srv', idleTimeoutSec: 0 })
const rt = new ExerciseRuntime(() => driver)
const rss0 = rssMiB()

const exerciseId = await rt.create(instructor, { title: 'bench', labId: LAB, startsAt: '2030-01-01T09:00', durationMinutes: 240, teamSize: SIZE, memberIds: users.map((u) => u.id) })
const t0 = performance.now()
await rt.open(instructor, exerciseId, 'en')
for (;;) {
  const states = await db.exerciseTeam.groupBy({ by: ['envState'], where: { exerciseId }, _count: { _all: true } })
  const n = (s: string) => states.find((x) => x.envState === s)?._count._all ?? 0
  if (n('ready') + n('failed') === TEAMS) break
  await new Promise((r) => setTimeout(r, 100))
}
const allReadyMs = Math.round(performance.now() - t0)
const teams = await db.exerciseTeam.findMany({ where: { exerciseId }, include: { members: true } })
const failed = teams.filter((t) => t.envState !== 'ready').map((t) => t.envError)
const envEvents = await db.exerciseEvent.findMany({ where: { exerciseId, type: 'env' } })
const perTeam = envEvents.map((e) => (JSON.parse(e.detail ?? '{}') as { ms?: number }).ms).filter((x): x is number => typeof x === 'number')
const sandboxes = teams.flatMap((t) => envOf(t)?.hosts.map((h) => h.sandboxId) ?? [])

async function cgroupMemory() {
  let sum = 0
  for (const id of sandboxes) sum += (await driver.status(id))?.memoryBytes ?? 0
  return mib(sum)
}
const memReady = await cgroupMemory()
const rssReady = rssMiB()

// One shell per member on their starting host, each waiting at a prompt.
const t1 = performance.now()
const streams = []
for (const t of teams) {
  const env = envOf(t)
  for (const m of t.members) {
    const host = env?.hosts.find((h) => h.name === m.host) ?? env?.hosts.find((h) => h.terminal)
    if (!host) continue
    const s = await driver.attach(host.sandboxId, { cols: 120, rows: 32 }, { shell: shellName(m.userId) })
    const prompt = new Promise<void>((resolve) => {
      const off = s.onData((c) => {
        if (Buffer.from(c).toString().includes('$')) {
          off()
          resolve()
        }
      })
    })
    streams.push({ s, prompt })
  }
}
await Promise.all(streams.map((x) => Promise.race([x.prompt, new Promise((r) => setTimeout(r, 30_000))])))
const shellsMs = Math.round(performance.now() - t1)
await new Promise((r) => setTimeout(r, 2000))
const memShells = await cgroupMemory()
const rssShells = rssMiB()

// What the live streams cost: the console's whole snapshot, and one member's team snapshot.
const consoleMs: number[] = []
for (let i = 0; i < 30; i++) {
  const s = performance.now()
  await consoleSnapshot(instructor, exerciseId, 'en')
  consoleMs.push(performance.now() - s)
}
const member = viewerOf(users[0]!, 'learner')
await rt.join(member, exerciseId)
const teamMs: number[] = []
for (let i = 0; i < 30; i++) {
  const s = performance.now()
  await teamSnapshot(member, exerciseId, 'en')
  teamMs.push(performance.now() - s)
}

for (const x of streams) x.s.close()
const t2 = performance.now()
await rt.close(instructor, exerciseId, 'en')
const closeMs = Math.round(performance.now() - t2)
const leftNetworks = (await listTeamNetworks()).filter((n) => n.id.startsWith('srv-x')).length
const leftSandboxes = (await Promise.all(sandboxes.map((id) => driver.status(id)))).filter((s) => s && s.state !== 'stopped').length
await driver.stopAll()
rmSync(dir, { recursive: true, force: true })

console.log(
  JSON.stringify(
    {
      teams: TEAMS,
      members: people,
      lab: LAB,
      sandboxes: sandboxes.length,
      failedTeams: failed,
      openToAllReadyMs: allReadyMs,
      perTeamReadyMs: { p50: pct(perTeam, 50), p95: pct(perTeam, 95), max: pct(perTeam, 100) },
      memoryMiB: { sandboxesReady: memReady, sandboxesWithShells: memShells, perMemberShell: Math.round(((memShells - memReady) / Math.max(1, streams.length)) * 100) / 100, processRssStart: rss0, processRssReady: rssReady, processRssShells: rssShells },
      shells: { count: streams.length, allPromptsMs: shellsMs },
      consoleSnapshotMs: { p50: pct(consoleMs, 50), p95: pct(consoleMs, 95) },
      teamSnapshotMs: { p50: pct(teamMs, 50), p95: pct(teamMs, 95) },
      closeMs,
      leftBehind: { networks: leftNetworks, sandboxes: leftSandboxes },
    },
    null,
    2,
  ),
)
process.exit(0)
