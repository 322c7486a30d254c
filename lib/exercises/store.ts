import 'server-only'
import { createHash } from 'node:crypto'
import { getDb } from '../db/client'
import type { Viewer } from '../auth/session'
import { can } from '../auth/rbac'
import { getLab, labCatalog, type CatalogEntry } from '../labs/catalog'
import type { Language, LabTask } from '../labs/package/manifest'
import { commonWrongAnswers, debriefCsv as toCsv, median, minutesBetween, pauseIntervals, type CsvRow } from './debrief'
import { clockOf } from './schedule'
import { envOf, exerciseRuntime } from './runtime'
import type {
  ConsoleSnapshot,
  DebriefView,
  EventView,
  ExerciseState,
  ExerciseSummary,
  InjectKind,
  InjectView,
  MemberView,
  ReportSectionView,
  TaskDetail,
  TeamLive,
  TeamSnapshot,
  TeamTaskView,
  EnvState,
} from './types'

/**
 * Reads for exercise pages, the live streams and the debrief. Every function takes the viewer and
 * scopes by it: instructors see their organisation's exercises, members only their own team. Nothing
 * returned to a member carries per-team variables, scripts or expected answers.
 */

/** A member counts as active when seen (page open, terminal) within this window. */
const ACTIVE_MS = 60_000

type ExerciseRow = Awaited<ReturnType<ExerciseRuntimeT['forInstructor']>>
type ExerciseRuntimeT = ReturnType<typeof exerciseRuntime>

const title = (entry: CatalogEntry | null, lang: Language, fallback: string) => entry?.lab.manifest.title[lang] ?? fallback
const hash = (v: unknown) => createHash('sha1').update(JSON.stringify(v)).digest('hex').slice(0, 16)

async function summaryOf(e: ExerciseRow, lang: Language, counts?: { teams: number; members: number }): Promise<ExerciseSummary> {
  const db = getDb()
  const [teams, members] = counts
    ? [counts.teams, counts.members]
    : await Promise.all([db.exerciseTeam.count({ where: { exerciseId: e.id } }), db.exerciseMember.count({ where: { exerciseId: e.id } })])
  return {
    id: e.id,
    title: e.title,
    labId: e.labId,
    labTitle: title(await getLab(e.labId), lang, e.labId),
    state: e.state as ExerciseState,
    startsAt: e.startsAt.toISOString(),
    endsAt: new Date(clockOf(e, Date.now()).endsAt).toISOString(),
    extraMinutes: e.extraMinutes,
    teamCount: teams,
    memberCount: members,
  }
}

export async function listExercisesFor(viewer: Viewer, lang: Language = 'en') {
  const db = getDb()
  const rt = exerciseRuntime()
  // Pages only (session viewers): the role decides (no API-token principal reaches this).
  const run = can(viewer.role, 'exercise:run')
    ? await db.exercise.findMany({ where: { organizationId: viewer.organizationId }, orderBy: { startsAt: 'desc' }, take: 200 })
    : []
  const mine = await db.exerciseMember.findMany({
    where: { userId: viewer.id },
    include: { team: { include: { exercise: true } } },
    orderBy: { team: { exercise: { startsAt: 'desc' } } },
    take: 50,
  })
  return {
    run: await Promise.all(run.map(async (e) => summaryOf(await rt.settleClock(e), lang))),
    mine: await Promise.all(
      mine
        .filter((m) => m.team.exercise.organizationId === viewer.organizationId)
        .map(async (m) => ({ ...(await summaryOf(await rt.settleClock(m.team.exercise), lang)), teamName: m.team.name, joined: !!m.joinedAt })),
    ),
  }
}

export async function newExerciseForm(viewer: Viewer) {
  const { labs: solo, teamLabs } = await labCatalog()
  const labs = new Map([...teamLabs, ...solo])
  const memberships = await getDb().membership.findMany({
    where: { organizationId: viewer.organizationId, user: { disabled: false } },
    select: { role: true, user: { select: { id: true, name: true, email: true } } },
    orderBy: { user: { name: 'asc' } },
  })
  return {
    labs: [...labs.values()]
      .map((e) => ({ id: e.lab.manifest.id, title: e.lab.manifest.title, team: !!e.lab.manifest.hosts, hosts: e.lab.manifest.hosts?.length ?? 1 }))
      .sort((a, b) => Number(b.team) - Number(a.team) || a.id.localeCompare(b.id)),
    people: memberships.filter((m) => can(m.role, 'lab:use')).map((m) => ({ userId: m.user.id, name: m.user.name, email: m.user.email, role: m.role })),
  }
}

// ── shared pieces ─────────────────────────────────────────────────────────────────────────────────

async function names(ids: Iterable<string | null>): Promise<Map<string, string>> {
  const list = [...new Set([...ids].filter((x): x is string => !!x))]
  if (!list.length) return new Map()
  const users = await getDb().user.findMany({ where: { id: { in: list } }, select: { id: true, name: true } })
  return new Map(users.map((u) => [u.id, u.name]))
}

function injectView(i: { id: string; teamId: string | null; kind: string; title: string; body: string; sentAt: Date }): InjectView {
  return { id: i.id, teamId: i.teamId, kind: i.kind as InjectKind, title: i.title, body: i.body, sentAt: i.sentAt.toISOString() }
}

function eventView(e: { id: string; teamId: string | null; userId: string | null; type: string; taskId: string | null; passed: boolean | null; detail: string | null; at: Date }, who: Map<string, string>): EventView {
  let detail: Record<string, unknown> | null = null
  try {
    detail = e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : null
  } catch {
    detail = null
  }
  return { id: e.id, teamId: e.teamId, userId: e.userId, userName: e.userId ? (who.get(e.userId) ?? null) : null, type: e.type, taskId: e.taskId, passed: e.passed, detail, at: e.at.toISOString() }
}

type TeamRows = Awaited<ReturnType<typeof teamRows>>

/** Everything per team the console and the team view show, in a fixed number of queries. */
async function teamRows(exerciseId: string, teamIds?: string[]) {
  const db = getDb()
  const where = teamIds ? { id: { in: teamIds } } : { exerciseId }
  const teams = await db.exerciseTeam.findMany({ where, include: { members: true }, orderBy: { slot: 'asc' } })
  const ids = teams.map((t) => t.id)
  const [results, attempts, hints, lastEvents] = await Promise.all([
    db.exerciseTaskResult.findMany({ where: { teamId: { in: ids } } }),
    db.exerciseAttempt.groupBy({ by: ['teamId', 'taskId'], where: { teamId: { in: ids }, kind: { not: 'final-check' } }, _count: { _all: true } }),
    db.exerciseHint.findMany({ where: { teamId: { in: ids } }, select: { teamId: true, taskId: true, hintIndex: true } }),
    db.exerciseEvent.groupBy({ by: ['teamId'], where: { exerciseId, teamId: { in: ids } }, _max: { at: true } }),
  ])
  return { teams, results, attempts, hints, lastEvents }
}

function teamTasks(entry: CatalogEntry | null, teamId: string, rows: TeamRows, who: Map<string, string>, lang: Language): TeamTaskView[] {
  return (entry?.lab.manifest.tasks ?? []).map((t) => {
    const r = rows.results.find((x) => x.teamId === teamId && x.taskId === t.id)
    return {
      taskId: t.id,
      title: t.title[lang],
      kind: t.kind,
      points: t.points,
      ...(t.kind === 'check' && 'host' in t && typeof t.host === 'string' ? { host: t.host } : {}),
      passed: !!r,
      passedBy: r ? (r.userId ? (who.get(r.userId) ?? null) : null) : null,
      passedAt: r ? r.passedAt.toISOString() : null,
      attempts: rows.attempts.find((a) => a.teamId === teamId && a.taskId === t.id)?._count._all ?? 0,
      hintsUsed: rows.hints.filter((h) => h.teamId === teamId && h.taskId === t.id).length,
    }
  })
}

function memberViews(team: TeamRows['teams'][number], rows: TeamRows, who: Map<string, string>, now: number): MemberView[] {
  return team.members
    .map((m) => ({
      userId: m.userId,
      name: who.get(m.userId) ?? '—',
      host: m.host,
      activeHost: m.activeHost,
      joined: !!m.joinedAt,
      active: !!m.lastSeenAt && now - m.lastSeenAt.getTime() < ACTIVE_MS,
      passedTasks: rows.results.filter((r) => r.teamId === team.id && r.userId === m.userId).length,
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

function teamLive(team: TeamRows['teams'][number], entry: CatalogEntry | null, rows: TeamRows, who: Map<string, string>, lang: Language, now: number): TeamLive {
  const tasks = teamTasks(entry, team.id, rows, who, lang)
  return {
    id: team.id,
    name: team.name,
    slot: team.slot,
    envState: team.envState as EnvState,
    envError: team.envError,
    score: team.score,
    maxScore: team.maxScore,
    hintPenalty: team.hintPenalty,
    tasksPassed: tasks.filter((t) => t.passed).length,
    taskCount: tasks.length,
    hintsUsed: tasks.reduce((n, t) => n + t.hintsUsed, 0),
    completedAt: team.completedAt?.toISOString() ?? null,
    members: memberViews(team, rows, who, now),
    tasks,
    lastEventAt: rows.lastEvents.find((l) => l.teamId === team.id)?._max.at?.toISOString() ?? null,
  }
}

// ── facilitator console ───────────────────────────────────────────────────────────────────────────

export async function consoleSnapshot(viewer: Viewer, exerciseId: string, lang: Language): Promise<ConsoleSnapshot> {
  const rt = exerciseRuntime()
  const e = await rt.settleClock(await rt.forInstructor(viewer, exerciseId))
  const db = getDb()
  const entry = await getLab(e.labId)
  const rows = await teamRows(e.id)
  const [injects, events] = await Promise.all([
    db.exerciseInject.findMany({ where: { exerciseId }, orderBy: { sentAt: 'desc' }, take: 100 }),
    db.exerciseEvent.findMany({ where: { exerciseId }, orderBy: { at: 'desc' }, take: 50 }),
  ])
  const who = await names([...rows.teams.flatMap((t) => t.members.map((m) => m.userId)), ...rows.results.map((r) => r.userId), ...events.map((ev) => ev.userId)])
  const now = Date.now()
  const teams = rows.teams.map((t) => teamLive(t, entry, rows, who, lang, now))
  const snapshot = {
    exercise: await summaryOf(e, lang, { teams: teams.length, members: teams.reduce((n, t) => n + t.members.length, 0) }),
    clock: clockOf(e, now),
    teams,
    injects: injects.map(injectView),
    events: events.map((ev) => eventView(ev, who)),
  }
  return { ...snapshot, version: hash({ ...snapshot, clock: { endsAt: snapshot.clock.endsAt, paused: snapshot.clock.paused } }) }
}

// ── member's team view ────────────────────────────────────────────────────────────────────────────

function taskDetail(t: LabTask, lang: Language, opened: ReadonlyArray<number>, wrongAttempts: number): TaskDetail {
  const base: TaskDetail = {
    prompt: t.prompt?.[lang] ?? null,
    step: t.step ?? null,
    hints: t.hints.map((h, i) => ({ penalty: h.penalty, text: opened.includes(i) ? h.text[lang] : null })),
    attemptLimit: 'attemptLimit' in t && typeof t.attemptLimit === 'number' ? t.attemptLimit : null,
    wrongAttempts,
  }
  if (t.kind === 'choice') return { ...base, mode: t.mode, options: t.options.map((o) => ({ id: o.id, text: o.text[lang] })) }
  if (t.kind === 'report')
    return {
      ...base,
      sections: t.rubric.sections.map((s) => ({ id: s.id, title: s.title[lang], guidance: s.guidance?.[lang] ?? null, minChars: s.minChars })),
      facts: t.rubric.facts.map((f) => ({ id: f.id, label: f.label[lang] })),
    }
  return base
}

export async function teamSnapshot(viewer: Viewer, exerciseId: string, lang: Language): Promise<TeamSnapshot> {
  const rt = exerciseRuntime()
  const { exercise: e, team, member } = await rt.forMember(viewer, exerciseId)
  await rt.seen(exerciseId, viewer.id)
  const db = getDb()
  const entry = await getLab(e.labId)
  const rows = await teamRows(e.id, [team.id])
  const [injects, sections, hintRows, wrong] = await Promise.all([
    // Injects for this team or for everyone; never another team's.
    db.exerciseInject.findMany({ where: { exerciseId, OR: [{ teamId: null }, { teamId: team.id }] }, orderBy: { sentAt: 'desc' }, take: 100 }),
    db.exerciseReportSection.findMany({ where: { teamId: team.id } }),
    db.exerciseHint.findMany({ where: { teamId: team.id }, select: { taskId: true, hintIndex: true } }),
    db.exerciseAttempt.groupBy({ by: ['taskId'], where: { teamId: team.id, passed: false, kind: { in: ['answer', 'choice'] } }, _count: { _all: true } }),
  ])
  const who = await names([...rows.teams.flatMap((t) => t.members.map((m) => m.userId)), ...rows.results.map((r) => r.userId), ...sections.map((s) => s.updatedById)])
  const now = Date.now()
  const live = rows.teams[0]
  const env = envOf(team)
  const manifest = entry?.lab.manifest
  const hostMeta = new Map((manifest?.hosts ?? []).map((h) => [h.name, h]))
  const hosts = (env?.hosts ?? [])
    .filter((h) => h.terminal)
    .map((h) => ({ name: h.name, title: hostMeta.get(h.name)?.title ?? { ja: h.name, en: h.name }, address: h.address, terminal: true }))
  const reports: Record<string, ReportSectionView[]> = {}
  for (const t of manifest?.tasks ?? []) {
    if (t.kind !== 'report') continue
    reports[t.id] = t.rubric.sections.map((s) => {
      const row = sections.find((r) => r.taskId === t.id && r.sectionId === s.id)
      return { sectionId: s.id, text: row?.text ?? '', version: row?.version ?? 0, updatedBy: row ? (who.get(row.updatedById) ?? null) : null, updatedAt: row?.updatedAt.toISOString() ?? null }
    })
  }
  const taskDetails = Object.fromEntries(
    (manifest?.tasks ?? []).map((t) => [
      t.id,
      taskDetail(
        t,
        lang,
        hintRows.filter((h) => h.taskId === t.id).map((h) => h.hintIndex),
        wrong.find((w) => w.taskId === t.id)?._count._all ?? 0,
      ),
    ]),
  )
  const snapshot = {
    exercise: await summaryOf(e, lang),
    clock: clockOf(e, now),
    team: { id: team.id, name: team.name, envState: team.envState as EnvState, envError: team.envState === 'failed' ? 'START_FAILED' : null, score: team.score, maxScore: team.maxScore },
    me: { userId: viewer.id, host: member.host },
    members: live ? memberViews(live, rows, who, now) : [],
    hosts,
    tasks: teamTasks(entry, team.id, rows, who, lang),
    taskDetails,
    injects: injects.map(injectView),
    reports,
  }
  return { ...snapshot, version: hash({ ...snapshot, clock: { endsAt: snapshot.clock.endsAt, paused: snapshot.clock.paused } }) }
}

// ── debrief ───────────────────────────────────────────────────────────────────────────────────────

function modelAnswer(t: LabTask, lang: Language, variablesByTeam: ReadonlyArray<{ team: string; variables: Record<string, string> }>): string {
  switch (t.kind) {
    case 'answer': {
      const m = t.match
      if (m.kind === 'exact') return m.values.join(' / ')
      if (m.kind === 'variable') return variablesByTeam.map((v) => `${v.team}: ${v.variables[m.name] ?? '—'}`).join('; ')
      // A pattern with per-team values: show it filled in for every team (what each team had to find).
      if (!/\{\{[A-Z][A-Z0-9_]*\}\}/.test(m.pattern)) return `/${m.pattern}/`
      return variablesByTeam.map((v) => `${v.team}: /${m.pattern.replace(/\{\{([A-Z][A-Z0-9_]*)\}\}/g, (_, n: string) => v.variables[n] ?? '?')}/`).join('; ')
    }
    case 'choice':
      return t.correct.map((c) => t.options.find((o) => o.id === c)?.text[lang] ?? c).join(' / ')
    case 'report':
      return [...t.rubric.sections.map((s) => s.title[lang]), ...t.rubric.facts.map((f) => f.label[lang])].join(' · ')
    case 'check':
      return t.prompt?.[lang] ?? t.title[lang]
  }
}

async function debriefData(viewer: Viewer, exerciseId: string) {
  const rt = exerciseRuntime()
  const e = await rt.settleClock(await rt.forInstructor(viewer, exerciseId))
  const db = getDb()
  const entry = await getLab(e.labId)
  const rows = await teamRows(e.id)
  const [events, injects, wrong] = await Promise.all([
    db.exerciseEvent.findMany({ where: { exerciseId }, orderBy: { at: 'asc' }, take: 20_000 }),
    db.exerciseInject.findMany({ where: { exerciseId }, orderBy: { sentAt: 'asc' } }),
    db.exerciseAttempt.findMany({ where: { teamId: { in: rows.teams.map((t) => t.id) }, kind: 'answer', passed: false }, select: { taskId: true, input: true } }),
  ])
  const who = await names([...rows.teams.flatMap((t) => t.members.map((m) => m.userId)), ...events.map((ev) => ev.userId)])
  const pauses = pauseIntervals(events, e.closedAt ?? new Date())
  const openedAt = e.openedAt
  return { e, entry, rows, events, injects, wrong, who, pauses, openedAt }
}

export async function debriefView(viewer: Viewer, exerciseId: string, lang: Language): Promise<DebriefView> {
  const d = await debriefData(viewer, exerciseId)
  const tasks = d.entry?.lab.manifest.tasks ?? []
  const teams = d.rows.teams.map((t) => {
    const taskMinutes = Object.fromEntries(
      tasks.map((task) => {
        const r = d.rows.results.find((x) => x.teamId === t.id && x.taskId === task.id)
        return [task.id, minutesBetween(d.openedAt, r?.passedAt ?? null, d.pauses)]
      }),
    )
    return {
      id: t.id,
      name: t.name,
      score: t.score,
      maxScore: t.maxScore,
      members: t.members.map((m) => ({ userId: m.userId, name: d.who.get(m.userId) ?? '—', passedTasks: d.rows.results.filter((r) => r.teamId === t.id && r.userId === m.userId).length })),
      taskMinutes,
      // The team's own events and the exercise-wide ones (open, pauses, injects to all, close).
      timeline: d.events.filter((ev) => ev.teamId === t.id || (ev.teamId === null && ev.type !== 'env')).map((ev) => eventView(ev, d.who)),
    }
  })
  const closed = d.e.state === 'closed'
  return {
    exercise: await summaryOf(d.e, lang),
    teams,
    tasks: tasks.map((task) => {
      const minutes = teams.map((t) => t.taskMinutes[task.id]).filter((m): m is number => m !== null)
      return {
        taskId: task.id,
        title: task.title[lang],
        kind: task.kind,
        passedBy: minutes.length,
        medianMinutes: median(minutes),
        wrongAnswers: commonWrongAnswers(d.wrong.filter((w) => w.taskId === task.id).map((w) => w.input ?? '')),
      }
    }),
    injects: d.injects.map(injectView),
    // Model answers only once the exercise is over: a console open on a shared screen must not leak them.
    modelAnswers: closed
      ? tasks.map((task) => ({
          taskId: task.id,
          answer: modelAnswer(
            task,
            lang,
            d.rows.teams.map((t) => ({ team: t.name, variables: envOf(t)?.variables ?? {} })),
          ),
        }))
      : [],
  }
}

export async function debriefCsv(viewer: Viewer, exerciseId: string, lang: Language): Promise<string> {
  const d = await debriefData(viewer, exerciseId)
  const out: CsvRow[] = []
  for (const t of d.rows.teams) {
    const members = t.members.map((m) => d.who.get(m.userId) ?? '—').join(', ')
    for (const task of d.entry?.lab.manifest.tasks ?? []) {
      const r = d.rows.results.find((x) => x.teamId === t.id && x.taskId === task.id)
      out.push({
        team: t.name,
        members,
        taskId: task.id,
        task: task.title[lang],
        kind: task.kind,
        passed: !!r,
        passedBy: r ? (r.userId ? (d.who.get(r.userId) ?? '') : 'final check') : '',
        minutes: minutesBetween(d.openedAt, r?.passedAt ?? null, d.pauses),
        attempts: d.rows.attempts.find((a) => a.teamId === t.id && a.taskId === task.id)?._count._all ?? 0,
        hints: d.rows.hints.filter((h) => h.teamId === t.id && h.taskId === task.id).length,
        points: r?.points ?? 0,
      })
    }
  }
  return toCsv(out)
}

/**
 * A cheap change detector for the live streams: every change a view shows writes an event (checks,
 * answers, hints, report saves, injects, joins, environment states, pause/extend/close), so the count
 * and time of the exercise's latest event move whenever a snapshot would. The stream re-reads the whole
 * snapshot only then (and every 15 s for presence). Access was checked by the stream's first snapshot.
 */
export async function exerciseProbe(exerciseId: string): Promise<string> {
  const a = await getDb().exerciseEvent.aggregate({ where: { exerciseId }, _count: { _all: true }, _max: { at: true } })
  return `${a._count._all}:${a._max.at?.getTime() ?? 0}`
}

