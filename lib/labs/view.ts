import 'server-only'
import { getDb } from '../db/client'
import type { CatalogEntry } from './catalog'
import { labCatalog } from './catalog'
import { computeLabScore, type TaskProgress } from './package/grading'
import { isTeamLab, type Language, type LabTask } from './package/manifest'
import { LIVE_STATES } from './sessions/manager'

/**
 * What the lab player may show the learner: texts in their language, their own attempts and
 * results. Never the answers, check scripts, rubric match values or per-session variables.
 */
export type TaskView = {
  id: string
  kind: LabTask['kind']
  step: string | null
  title: string
  prompt: string | null
  points: number
  passed: boolean
  earned: number
  penalty: number
  attempts: number
  attemptsLeft: number | null
  lastMessage: string | null
  hints: { index: number; penalty: number; text: string | null }[]
  options?: { id: string; text: string }[]
  mode?: 'single' | 'multiple'
  sections?: { id: string; title: string; guidance: string | null; minChars: number }[]
  facts?: { id: string; label: string }[]
  lastReport?: Record<string, string>
}

export type LabSummary = {
  id: string
  title: string
  summary: string
  level: 'A' | 'B' | 'C'
  estimatedMinutes: number
  timeLimitMinutes: number
  statements: string[]
  workRoles: string[]
  tasks: number
  steps: { id: string; title: string }[]
}

export type SessionView = {
  id: string
  state: string
  score: number
  maxScore: number
  hintPenalty: number
  startedAt: string
  readyAt: string | null
  completedAt: string | null
  endReason: string | null
  live: boolean
}

const pick = (l: { ja: string; en: string }, lang: Language) => l[lang] || l[lang === 'ja' ? 'en' : 'ja']

export function labSummary(entry: CatalogEntry, lang: Language): LabSummary {
  const m = entry.lab.manifest
  return {
    id: m.id,
    title: pick(m.title, lang),
    summary: pick(m.summary, lang),
    level: m.level,
    estimatedMinutes: m.estimatedMinutes,
    timeLimitMinutes: m.timeLimitMinutes,
    statements: m.framework.statements,
    workRoles: m.framework.workRoles,
    tasks: m.tasks.length,
    steps: m.steps.map((s) => ({ id: s.id, title: pick(s.title, lang) })),
  }
}

/** The solo lab catalog (/labs, /learn). Team labs are exercise-day scenarios and never listed here. */
export async function listLabSummaries(lang: Language): Promise<LabSummary[]> {
  const { labs } = await labCatalog()
  return [...labs.values()]
    .filter((e) => !isTeamLab(e.lab.manifest))
    .map((e) => labSummary(e, lang))
    .sort((a, b) => a.level.localeCompare(b.level) || a.title.localeCompare(b.title))
}

/** The learner's most recent session of a lab that is not finished for good. */
export async function currentSession(userId: string, labId: string) {
  return getDb().labSession.findFirst({
    where: { userId, labId, state: { notIn: ['stopped'] } },
    orderBy: { startedAt: 'desc' },
  })
}

export async function pastSessions(userId: string, labId: string) {
  return getDb().labSession.findMany({
    where: { userId, labId },
    orderBy: { startedAt: 'desc' },
    take: 20,
    select: { id: true, state: true, score: true, maxScore: true, startedAt: true, completedAt: true, hintPenalty: true },
  })
}

export async function taskViews(entry: CatalogEntry, labSessionId: string | null, lang: Language): Promise<TaskView[]> {
  const db = getDb()
  const tasks = entry.lab.manifest.tasks
  const [attempts, results, hints] = labSessionId
    ? await Promise.all([
        db.labTaskAttempt.findMany({ where: { labSessionId }, orderBy: { createdAt: 'asc' }, select: { taskId: true, passed: true, points: true, message: true, kind: true, input: true } }),
        db.labTaskResult.findMany({ where: { labSessionId }, select: { taskId: true } }),
        db.labHintReveal.findMany({ where: { labSessionId }, select: { taskId: true, hintIndex: true } }),
      ])
    : [[], [], []]
  const progress: Record<string, TaskProgress> = {}
  for (const t of tasks)
    progress[t.id] = {
      earned: Math.max(0, ...attempts.filter((a) => a.taskId === t.id).map((a) => a.points)),
      passed: results.some((r) => r.taskId === t.id),
      hintsTaken: hints.filter((h) => h.taskId === t.id).map((h) => h.hintIndex),
    }
  const score = computeLabScore(tasks, progress)
  return tasks.map((t) => {
    const mine = attempts.filter((a) => a.taskId === t.id)
    const wrong = mine.filter((a) => !a.passed && (a.kind === 'answer' || a.kind === 'choice')).length
    const limit = t.kind === 'answer' || t.kind === 'choice' ? t.attemptLimit : undefined
    const row = score.tasks.find((r) => r.id === t.id)
    const opened = new Set(progress[t.id]?.hintsTaken)
    const lastReport = t.kind === 'report' ? mine.at(-1)?.input : undefined
    const view: TaskView = {
      id: t.id,
      kind: t.kind,
      step: t.step ?? null,
      title: pick(t.title, lang),
      prompt: t.prompt ? pick(t.prompt, lang) : null,
      points: t.points,
      passed: progress[t.id]?.passed ?? false,
      earned: row?.earned ?? 0,
      penalty: row?.penalty ?? 0,
      attempts: mine.length,
      attemptsLeft: limit === undefined ? null : Math.max(0, limit - wrong),
      lastMessage: mine.at(-1)?.message ?? null,
      hints: t.hints.map((h, index) => ({ index, penalty: h.penalty, text: opened.has(index) ? pick(h.text, lang) : null })),
    }
    if (t.kind === 'choice') {
      view.options = t.options.map((o) => ({ id: o.id, text: pick(o.text, lang) }))
      view.mode = t.mode
    }
    if (t.kind === 'report') {
      view.sections = t.rubric.sections.map((s) => ({ id: s.id, title: pick(s.title, lang), guidance: s.guidance ? pick(s.guidance, lang) : null, minChars: s.minChars }))
      view.facts = t.rubric.facts.map((f) => ({ id: f.id, label: pick(f.label, lang) }))
      if (lastReport) {
        try {
          view.lastReport = JSON.parse(lastReport) as Record<string, string>
        } catch {}
      }
    }
    return view
  })
}

export function sessionView(s: {
  id: string
  state: string
  score: number
  maxScore: number
  hintPenalty: number
  startedAt: Date
  readyAt: Date | null
  completedAt: Date | null
  endReason: string | null
}): SessionView {
  return {
    id: s.id,
    state: s.state,
    score: s.score,
    maxScore: s.maxScore,
    hintPenalty: s.hintPenalty,
    startedAt: s.startedAt.toISOString(),
    readyAt: s.readyAt?.toISOString() ?? null,
    completedAt: s.completedAt?.toISOString() ?? null,
    endReason: s.endReason,
    live: (LIVE_STATES as readonly string[]).includes(s.state),
  }
}
