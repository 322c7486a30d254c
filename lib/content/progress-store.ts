import 'server-only'
import { isUniqueViolation } from '../db/errors'
import { getDb } from '../db/client'
import { DomainError } from '../errors'
import { recordEvidence } from '../progress/record'
import { publish } from '../progress/publish'
import { contentCatalog } from './catalog'
import { gradeQuiz, statementsProved, type QuizAnswers, type QuizResult } from './quiz'
import { choiceProblems, type TabletopChoices } from './tabletop'
import { CONTENT_FRAMEWORK_KEY, type Quiz } from './schema'
import type { Lang } from './load'

/**
 * Progress through modules and briefings: sections done, quiz attempts (all kept), tabletop runs, and
 * completion. Passing records evidence (lib/progress): a quiz proves "basic" (level 1) for the statements
 * of the questions answered correctly; a completed briefing proves level 1 for its statements.
 * Every function takes the viewer's own user and organisation ids; nothing here reads another person's rows.
 */

export type ItemType = 'module' | 'briefing'
type Who = { userId: string; organizationId: string }
const FRAMEWORK_ID = CONTENT_FRAMEWORK_KEY.split('@')[0]!

async function item(itemType: ItemType, itemId: string) {
  const c = await contentCatalog()
  const found = itemType === 'module' ? c.modules.get(itemId) : c.briefings.get(itemId)
  if (!found) throw new DomainError('NOT_FOUND', 'No such item')
  return found
}

/** Sections a module or briefing must have done to complete. */
export function requiredSections(
  itemType: ItemType,
  it: { lessons?: { id: string }[]; tabletop?: unknown },
): string[] {
  if (itemType === 'module') return [...(it.lessons ?? []).map((l) => `lesson:${l.id}`), 'quiz']
  return ['brief', ...(it.tabletop ? ['tabletop'] : []), 'quiz']
}

export async function sectionsDone(who: Who, itemType: ItemType, itemId: string): Promise<Set<string>> {
  const rows = await getDb().contentProgress.findMany({
    where: { userId: who.userId, itemType, itemId },
    select: { section: true },
  })
  return new Set(rows.map((r) => r.section))
}

async function markDone(who: Who, itemType: ItemType, itemId: string, section: string) {
  // Prisma's upsert is a read then a write: two concurrent passes can both try to insert. The loser's
  // unique violation means the section is already done, which is all this needs.
  try {
    await getDb().contentProgress.upsert({
      where: { userId_itemType_itemId_section: { userId: who.userId, itemType, itemId, section } },
      create: { ...who, itemType, itemId, section },
      update: {},
    })
  } catch (err) {
    if (!isUniqueViolation(err)) throw err
  }
  return maybeComplete(who, itemType, itemId)
}

/** Marks a lesson (module) or the brief text (briefing) as read. */
export async function markRead(
  who: Who,
  itemType: ItemType,
  itemId: string,
  section: string,
): Promise<{ completed: boolean }> {
  const it = await item(itemType, itemId)
  const valid =
    itemType === 'module'
      ? (it as { lessons: { id: string }[] }).lessons.some((l) => `lesson:${l.id}` === section)
      : section === 'brief'
  if (!valid) throw new DomainError('INVALID', 'Unknown section')
  return markDone(who, itemType, itemId, section)
}

async function maybeComplete(who: Who, itemType: ItemType, itemId: string): Promise<{ completed: boolean }> {
  const it = await item(itemType, itemId)
  const done = await sectionsDone(who, itemType, itemId)
  if (!requiredSections(itemType, it as never).every((s) => done.has(s))) return { completed: false }
  const db = getDb()
  const existing = await db.contentCompletion.findUnique({
    where: { userId_itemType_itemId: { userId: who.userId, itemType, itemId } },
  })
  if (!existing) {
    try {
      await db.contentCompletion.create({ data: { ...who, itemType, itemId } })
    } catch (err) {
      if (!isUniqueViolation(err)) throw err
    }
    const statementIds = (it as { statements?: string[] }).statements ?? []
    if (itemType === 'briefing') {
      await recordEvidence({
        ...who,
        frameworkId: FRAMEWORK_ID,
        statementIds,
        kind: 'briefing',
        sourceType: 'briefing',
        sourceId: itemId,
      })
    }
    await publish({
      type: 'completed',
      who,
      itemType,
      itemId,
      frameworkId: FRAMEWORK_ID,
      statementIds,
      at: new Date(),
    })
    await completeCurricula(who)
  }
  return { completed: true }
}

/** A curriculum is complete when all its modules are. */
async function completeCurricula(who: Who) {
  const c = await contentCatalog()
  const db = getDb()
  const done = new Set(
    (
      await db.contentCompletion.findMany({
        where: { userId: who.userId, itemType: 'module' },
        select: { itemId: true },
      })
    ).map((r) => r.itemId),
  )
  for (const cur of c.curricula) {
    if (!cur.modules.every((m) => done.has(m))) continue
    const key = { userId_itemType_itemId: { userId: who.userId, itemType: 'curriculum', itemId: cur.id } }
    if (await db.contentCompletion.findUnique({ where: key })) continue
    try {
      await db.contentCompletion.create({ data: { ...who, itemType: 'curriculum', itemId: cur.id } })
    } catch (err) {
      if (isUniqueViolation(err)) continue // a concurrent request completed it
      throw err
    }
    await publish({
      type: 'completed',
      who,
      itemType: 'curriculum',
      itemId: cur.id,
      frameworkId: FRAMEWORK_ID,
      statementIds: [],
      at: new Date(),
    })
  }
}

/** Grades and stores an attempt; a pass records evidence and completes the quiz section. */
export async function submitQuiz(
  who: Who,
  itemType: ItemType,
  itemId: string,
  answers: QuizAnswers,
  lang: Lang,
): Promise<QuizResult & { completed: boolean }> {
  const it = await item(itemType, itemId)
  const quiz = (it as { quiz: Quiz }).quiz
  // Keep only answers to this quiz's questions, as strings (never more than the quiz asks).
  const clean: QuizAnswers = {}
  for (const q of quiz.questions) {
    const v = answers[q.id]
    if (typeof v === 'string') clean[q.id] = v.slice(0, 200)
    else if (Array.isArray(v))
      clean[q.id] = v
        .filter((x): x is string => typeof x === 'string')
        .slice(0, 10)
        .map((x) => x.slice(0, 50))
  }
  const result = gradeQuiz(quiz, clean, lang)
  const db = getDb()
  const attempt = await db.quizAttempt.create({
    data: {
      ...who,
      itemType,
      itemId,
      answers: JSON.stringify(clean),
      correct: result.correct,
      total: result.total,
      passed: result.passed,
    },
  })
  let completed = false
  const proved = result.passed ? statementsProved(quiz, result) : []
  if (result.passed) {
    await recordEvidence({
      ...who,
      frameworkId: FRAMEWORK_ID,
      statementIds: proved,
      kind: 'quiz',
      score: result.score,
      sourceType: 'quiz',
      sourceId: `${itemType}:${itemId}:${attempt.id}`,
    })
  }
  await publish({
    type: 'quiz',
    who,
    itemType,
    itemId,
    attemptId: attempt.id,
    passed: result.passed,
    scaled: result.score,
    frameworkId: FRAMEWORK_ID,
    statementIds: proved,
    at: attempt.createdAt,
  })
  if (result.passed) completed = (await markDone(who, itemType, itemId, 'quiz')).completed
  return { ...result, completed }
}

export async function submitTabletop(
  who: Who,
  briefingId: string,
  choices: TabletopChoices,
): Promise<{ runId: string; completed: boolean }> {
  const b = await item('briefing', briefingId)
  const tabletop = (b as { tabletop?: Parameters<typeof choiceProblems>[0] }).tabletop
  if (!tabletop) throw new DomainError('INVALID', 'This briefing has no tabletop exercise')
  const problems = choiceProblems(tabletop, choices)
  if (problems.length) throw new DomainError('INVALID', problems.join('; '))
  const run = await getDb().tabletopRun.create({
    data: { ...who, briefingId, choices: JSON.stringify(choices) },
  })
  await publish({
    type: 'completed',
    who,
    itemType: 'tabletop',
    itemId: briefingId,
    frameworkId: FRAMEWORK_ID,
    statementIds: [],
    at: run.createdAt,
  })
  const { completed } = await markDone(who, 'briefing', briefingId, 'tabletop')
  return { runId: run.id, completed }
}

export async function lastTabletopRun(who: Who, briefingId: string): Promise<TabletopChoices | null> {
  const run = await getDb().tabletopRun.findFirst({
    where: { userId: who.userId, briefingId },
    orderBy: { createdAt: 'desc' },
  })
  return run ? (JSON.parse(run.choices) as TabletopChoices) : null
}

export async function completion(who: Who, itemType: 'module' | 'briefing' | 'curriculum', itemId: string) {
  return getDb().contentCompletion.findUnique({
    where: { userId_itemType_itemId: { userId: who.userId, itemType, itemId } },
  })
}

export async function completionsFor(who: Who) {
  return getDb().contentCompletion.findMany({
    where: { userId: who.userId },
    orderBy: { completedAt: 'desc' },
  })
}

export async function attemptsFor(who: Who, itemType: ItemType, itemId: string) {
  return getDb().quizAttempt.findMany({
    where: { userId: who.userId, itemType, itemId },
    orderBy: { createdAt: 'desc' },
    take: 20,
    select: { id: true, correct: true, total: true, passed: true, createdAt: true },
  })
}

/**
 * What the organisation's engineers found in a lab (for a tabletop's after-action summary): how many
 * people completed it and how many passed each task. Aggregates only — no names.
 */
export async function labFindings(organizationId: string, labId: string) {
  const db = getDb()
  const sessions = await db.labSession.findMany({
    where: { organizationId, labId },
    select: { id: true, userId: true },
  })
  if (!sessions.length) return { people: 0, tasks: new Map<string, number>() }
  const results = await db.labTaskResult.findMany({
    where: { labSessionId: { in: sessions.map((s) => s.id) } },
    select: { taskId: true, userId: true },
  })
  const tasks = new Map<string, Set<string>>()
  for (const r of results)
    (tasks.get(r.taskId) ?? tasks.set(r.taskId, new Set()).get(r.taskId)!).add(r.userId)
  return {
    people: new Set(results.map((r) => r.userId)).size,
    tasks: new Map([...tasks].map(([k, v]) => [k, v.size])),
  }
}
