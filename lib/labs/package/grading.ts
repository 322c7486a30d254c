/**
 * Grading of lab tasks that the server decides (answers, choices, incident reports) and the
 * lab score. Check tasks are decided by `checks/<task>.sh` inside the sandbox (see protocol.ts).
 *
 * Pure: callers pass the per-session variables and the attempt history they stored; nothing here
 * reads a database or the clock, so every boundary is unit-testable.
 */
import type { AnswerTask, ChoiceTask, LabTask, Match, ReportTask } from './manifest'
import { compileAuthorRegex } from './regex'

/** Per-session variables collected from setup.sh (name → value). */
export type SessionVariables = Readonly<Record<string, string>>

/** Longest answer accepted; also bounds regex work on learner input. */
export const MAX_ANSWER_CHARS = 256
/** Longest report section graded; longer text is cut, not rejected, so nothing typed is lost. */
export const MAX_REPORT_SECTION_CHARS = 20_000

/**
 * Normalises free text the way learners expect: NFKC (full-width digits and letters typed with a
 * Japanese IME become ASCII, so `１９２．０．２．５` equals `192.0.2.5`), trimmed, inner whitespace
 * collapsed, optionally lower-cased.
 */
export function normalizeText(input: string, caseInsensitive: boolean): string {
  const n = input.normalize('NFKC').replace(/\s+/g, ' ').trim()
  return caseInsensitive ? n.toLowerCase() : n
}

export type AnswerGrade =
  | { status: 'correct'; attemptsUsed: number }
  | { status: 'incorrect'; attemptsUsed: number; attemptsLeft: number | null; locked: boolean }
  /** Not graded and not counted as an attempt. */
  | { status: 'rejected'; reason: 'empty' | 'too-long' | 'locked'; attemptsLeft: number | null }
  /** The lab, not the learner, is at fault (e.g. a variable setup.sh did not write). Not counted. */
  | { status: 'error'; reason: string }

export type AttemptHistory = {
  /** Incorrect submissions already recorded for this task in this session. */
  previousIncorrect: number
}

function attemptsLeft(limit: number | undefined, used: number): number | null {
  return limit === undefined ? null : Math.max(0, limit - used)
}

/** Whether `input` (already normalised) matches `match` as a whole answer. */
function matchesWhole(match: Match, input: string, variables: SessionVariables): boolean | { error: string } {
  const ci = match.caseInsensitive
  switch (match.kind) {
    case 'exact':
      return match.values.some((v) => normalizeText(v, ci) === input)
    case 'variable': {
      const value = variables[match.name]
      if (value === undefined) return { error: `per-session variable ${match.name} is not set` }
      return normalizeText(value, ci) === input
    }
    case 'regex': {
      const compiled = compileAuthorRegex(match.pattern, variables, ci ? 'iu' : 'u')
      if (!compiled.ok) return { error: compiled.error }
      return compiled.regex.test(input)
    }
  }
}

/**
 * Grades one submission of an `answer` task.
 * Input is normalised (see normalizeText); `exact` and `variable` compare whole strings,
 * `regex` is tested as written (authors anchor with ^…$). After `attemptLimit` incorrect
 * submissions the task is locked and further input is rejected without grading.
 */
export function gradeAnswer(task: AnswerTask, input: string, variables: SessionVariables, history: AttemptHistory): AnswerGrade {
  const limit = task.attemptLimit
  if (limit !== undefined && history.previousIncorrect >= limit) {
    return { status: 'rejected', reason: 'locked', attemptsLeft: 0 }
  }
  if (input.length > MAX_ANSWER_CHARS * 4) return { status: 'rejected', reason: 'too-long', attemptsLeft: attemptsLeft(limit, history.previousIncorrect) }
  const normalized = normalizeText(input, task.match.caseInsensitive)
  if (normalized === '') return { status: 'rejected', reason: 'empty', attemptsLeft: attemptsLeft(limit, history.previousIncorrect) }
  if (normalized.length > MAX_ANSWER_CHARS) {
    return { status: 'rejected', reason: 'too-long', attemptsLeft: attemptsLeft(limit, history.previousIncorrect) }
  }
  const result = matchesWhole(task.match, normalized, variables)
  if (typeof result === 'object') return { status: 'error', reason: result.error }
  const used = history.previousIncorrect + 1
  if (result) return { status: 'correct', attemptsUsed: used }
  const left = attemptsLeft(limit, used)
  return { status: 'incorrect', attemptsUsed: used, attemptsLeft: left, locked: left === 0 }
}

export type ChoiceGrade =
  | {
      status: 'correct' | 'incorrect'
      /** Share of the task's points earned, 0..1 (partial scoring), 1 or 0 otherwise. */
      fraction: number
      attemptsUsed: number
      attemptsLeft: number | null
      locked: boolean
    }
  | { status: 'rejected'; reason: 'empty' | 'unknown-option' | 'too-many' | 'locked'; attemptsLeft: number | null }

/**
 * Grades a `choice` submission. `correct` means exactly the right set was chosen. With
 * `scoring: partial` an incorrect multiple-choice answer still earns
 * (right picks − wrong picks) / number of right options, floored at 0, so ticking everything earns nothing.
 */
export function gradeChoice(task: ChoiceTask, selected: ReadonlyArray<string>, history: AttemptHistory): ChoiceGrade {
  const limit = task.attemptLimit
  if (limit !== undefined && history.previousIncorrect >= limit) return { status: 'rejected', reason: 'locked', attemptsLeft: 0 }
  const left0 = attemptsLeft(limit, history.previousIncorrect)
  const picks = new Set(selected)
  if (picks.size === 0) return { status: 'rejected', reason: 'empty', attemptsLeft: left0 }
  const optionIds = new Set(task.options.map((o) => o.id))
  if ([...picks].some((p) => !optionIds.has(p))) return { status: 'rejected', reason: 'unknown-option', attemptsLeft: left0 }
  if (task.mode === 'single' && picks.size > 1) return { status: 'rejected', reason: 'too-many', attemptsLeft: left0 }

  const correct = new Set(task.correct)
  const right = [...picks].filter((p) => correct.has(p)).length
  const wrong = picks.size - right
  const exact = wrong === 0 && right === correct.size
  const used = history.previousIncorrect + 1
  if (exact) return { status: 'correct', fraction: 1, attemptsUsed: used, attemptsLeft: attemptsLeft(limit, history.previousIncorrect), locked: false }
  const fraction = task.scoring === 'partial' ? Math.max(0, (right - wrong) / correct.size) : 0
  const left = attemptsLeft(limit, used)
  return { status: 'incorrect', fraction, attemptsUsed: used, attemptsLeft: left, locked: left === 0 }
}

/** A submitted incident report: section id → text. */
export type ReportSubmission = Readonly<Record<string, string>>

export type ReportScore = {
  sections: Array<{ id: string; present: boolean; chars: number; points: number; awarded: number }>
  facts: Array<{ id: string; found: boolean; points: number; awarded: number; error?: string }>
  missingSections: string[]
  score: number
  maxScore: number
  passMark: number
  passed: boolean
}

const ASCII_WORD = /[A-Za-z0-9_]/

/**
 * Whether `needle` occurs in `haystack` as a token: not glued to ASCII letters, digits or `_`,
 * and not part of a longer dotted number (so `192.0.2.5` is not found in `192.0.2.51` or
 * `10.192.0.2.5`). Japanese text around a value is fine: `攻撃元は192.0.2.5でした` contains it.
 */
export function containsToken(haystack: string, needle: string): boolean {
  if (needle === '') return false
  let from = 0
  for (;;) {
    const i = haystack.indexOf(needle, from)
    if (i < 0) return false
    const before = haystack[i - 1] ?? ''
    const before2 = haystack[i - 2] ?? ''
    const after = haystack[i + needle.length] ?? ''
    const after2 = haystack[i + needle.length + 1] ?? ''
    const gluedBefore = ASCII_WORD.test(before) || (before === '.' && ASCII_WORD.test(before2))
    const gluedAfter = ASCII_WORD.test(after) || (after === '.' && /[0-9]/.test(after2))
    if (!gluedBefore && !gluedAfter) return true
    from = i + 1
  }
}

function factFound(match: Match, text: string, variables: SessionVariables): boolean | { error: string } {
  const ci = match.caseInsensitive
  const hay = normalizeText(text, ci)
  switch (match.kind) {
    case 'exact':
      return match.values.some((v) => containsToken(hay, normalizeText(v, ci)))
    case 'variable': {
      const value = variables[match.name]
      if (value === undefined) return { error: `per-session variable ${match.name} is not set` }
      return containsToken(hay, normalizeText(value, ci))
    }
    case 'regex': {
      const compiled = compileAuthorRegex(match.pattern, variables, ci ? 'iu' : 'u')
      if (!compiled.ok) return { error: compiled.error }
      return compiled.regex.test(hay)
    }
  }
}

/**
 * Scores an incident report against its rubric. A section is present when it has at least
 * `minChars` non-whitespace characters and earns its points; each fact earns its points when found
 * (in its section, or anywhere). Passing needs every section present and score ≥ passMark.
 */
export function scoreReport(task: ReportTask, report: ReportSubmission, variables: SessionVariables): ReportScore {
  const { rubric } = task
  const textOf = (id: string) => (Object.hasOwn(report, id) ? (report[id] ?? '') : '').slice(0, MAX_REPORT_SECTION_CHARS)
  const sections = rubric.sections.map((s) => {
    const chars = textOf(s.id).replace(/\s/g, '').length
    const present = chars >= s.minChars
    return { id: s.id, present, chars, points: s.points, awarded: present ? s.points : 0 }
  })
  const whole = rubric.sections.map((s) => textOf(s.id)).join('\n')
  const facts = rubric.facts.map((f) => {
    const found = factFound(f.match, f.section ? textOf(f.section) : whole, variables)
    if (typeof found === 'object') return { id: f.id, found: false, points: f.points, awarded: 0, error: found.error }
    return { id: f.id, found, points: f.points, awarded: found ? f.points : 0 }
  })
  const score = [...sections, ...facts].reduce((n, x) => n + x.awarded, 0)
  const maxScore = [...sections, ...facts].reduce((n, x) => n + x.points, 0)
  const missingSections = sections.filter((s) => !s.present).map((s) => s.id)
  return { sections, facts, missingSections, score, maxScore, passMark: rubric.passMark, passed: missingSections.length === 0 && score >= rubric.passMark }
}

/** What the session recorded for one task. */
export type TaskProgress = {
  /** Points earned before hint penalties (clamped to 0..points). */
  earned: number
  passed: boolean
  /** Indices of hints the learner opened; duplicates count once. */
  hintsTaken: ReadonlyArray<number>
}

export type LabScore = {
  tasks: Array<{ id: string; points: number; earned: number; penalty: number; score: number; passed: boolean; hintsTaken: number }>
  score: number
  maxScore: number
  /** Every task passed. */
  allPassed: boolean
  /** Every task passed and no hint opened (the bar for proficiency level 3 at levels B and C). */
  passedWithoutHints: boolean
}

/** Points a task earns from its grading result, before hint penalties. */
export function earnedPoints(task: LabTask, result: { passed: boolean; fraction?: number; rubricScore?: number }): number {
  if (task.kind === 'report' && result.rubricScore !== undefined) return clamp(result.rubricScore, 0, task.points)
  if (task.kind === 'choice' && result.fraction !== undefined) return clamp(Math.round(task.points * result.fraction), 0, task.points)
  return result.passed ? task.points : 0
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Number.isFinite(n) ? n : 0))
}

/**
 * The lab score: per task, earned points minus the penalties of the hints opened, never below 0
 * (a hint can cost a task's points, not points earned elsewhere). Tasks without progress score 0.
 */
export function computeLabScore(tasks: ReadonlyArray<LabTask>, progress: Readonly<Record<string, TaskProgress | undefined>>): LabScore {
  const rows = tasks.map((t) => {
    const p = Object.hasOwn(progress, t.id) ? progress[t.id] : undefined
    const taken = [...new Set(p?.hintsTaken ?? [])].filter((i) => Number.isInteger(i) && i >= 0 && i < t.hints.length)
    const penalty = taken.reduce((n, i) => n + (t.hints[i]?.penalty ?? 0), 0)
    const earned = clamp(p?.earned ?? 0, 0, t.points)
    return { id: t.id, points: t.points, earned, penalty, score: Math.max(0, earned - penalty), passed: p?.passed ?? false, hintsTaken: taken.length }
  })
  const allPassed = rows.every((r) => r.passed)
  return {
    tasks: rows,
    score: rows.reduce((n, r) => n + r.score, 0),
    maxScore: rows.reduce((n, r) => n + r.points, 0),
    allPassed,
    passedWithoutHints: allPassed && rows.every((r) => r.hintsTaken === 0),
  }
}
