/**
 * View types of exercise days (CYDER): what the store hands to pages, the live console and the
 * learner's team view. Pure types. Nothing here ever carries per-team variables, check scripts or
 * model answers, except `DebriefView.modelAnswers`, which exists only once the exercise is closed.
 */
import type { Localized } from '../labs/package/manifest'

export const EXERCISE_STATES = ['scheduled', 'open', 'paused', 'closed'] as const
export type ExerciseState = (typeof EXERCISE_STATES)[number]
export type EnvState = 'idle' | 'starting' | 'ready' | 'failed' | 'stopped'
export const INJECT_KINDS = ['alert', 'call', 'message'] as const
export type InjectKind = (typeof INJECT_KINDS)[number]

export type Clock = {
  /** Window end including extensions and pauses, ms since epoch. */
  endsAt: number
  /** Milliseconds left (0 once over; frozen while paused). */
  remainingMs: number
  /** Milliseconds of exercise time used so far (pauses excluded). */
  elapsedMs: number
  paused: boolean
}

export type ExerciseSummary = {
  id: string
  title: string
  labId: string
  labTitle: string
  state: ExerciseState
  startsAt: string
  endsAt: string
  extraMinutes: number
  teamCount: number
  memberCount: number
}

export type MemberView = {
  userId: string
  name: string
  host: string | null
  activeHost: string | null
  joined: boolean
  /** Seen (page open or terminal input) within the last minute. */
  active: boolean
  /** Tasks this member passed for the team. */
  passedTasks: number
}

export type TeamTaskView = {
  taskId: string
  title: string
  kind: 'check' | 'answer' | 'choice' | 'report'
  points: number
  host?: string
  passed: boolean
  passedBy?: string | null
  passedAt?: string | null
  attempts: number
  hintsUsed: number
}

export type TeamLive = {
  id: string
  name: string
  slot: number
  envState: EnvState
  envError: string | null
  score: number
  maxScore: number
  hintPenalty: number
  tasksPassed: number
  taskCount: number
  hintsUsed: number
  completedAt: string | null
  members: MemberView[]
  tasks: TeamTaskView[]
  lastEventAt: string | null
}

export type InjectView = {
  id: string
  teamId: string | null
  kind: InjectKind
  title: string
  body: string
  sentAt: string
}

export type EventView = {
  id: string
  teamId: string | null
  userId: string | null
  userName: string | null
  type: string
  taskId: string | null
  passed: boolean | null
  detail: Record<string, unknown> | null
  at: string
}

/** The facilitator console's state: sent whole on every change (SSE), small even for 20 teams. */
export type ConsoleSnapshot = {
  exercise: ExerciseSummary
  clock: Clock
  teams: TeamLive[]
  injects: InjectView[]
  /** Latest 50 events, newest first. */
  events: EventView[]
  /** Changes whenever anything the console shows changed. */
  version: string
}

export type TeamHostView = { name: string; title: Localized; address: string; terminal: boolean }

export type ReportSectionView = { sectionId: string; text: string; version: number; updatedBy: string | null; updatedAt: string | null }

/** What a member needs to work on a task (localized; never expected answers). */
export type TaskDetail = {
  prompt: string | null
  step: string | null
  mode?: 'single' | 'multiple'
  options?: { id: string; text: string }[]
  sections?: { id: string; title: string; guidance: string | null; minChars: number }[]
  facts?: { id: string; label: string }[]
  /** Hints in order: penalty always, text once the team opened it. */
  hints: { penalty: number; text: string | null }[]
  attemptLimit: number | null
  /** Wrong attempts so far (answer/choice). */
  wrongAttempts: number
}

/** A member's view of their team (the lab view of an exercise). */
export type TeamSnapshot = {
  exercise: ExerciseSummary
  clock: Clock
  team: { id: string; name: string; envState: EnvState; envError: string | null; score: number; maxScore: number }
  me: { userId: string; host: string | null }
  members: MemberView[]
  hosts: TeamHostView[]
  tasks: TeamTaskView[]
  taskDetails: Record<string, TaskDetail>
  /** Injects for this team or for all teams, newest first. */
  injects: InjectView[]
  /** Report drafts by task id. */
  reports: Record<string, ReportSectionView[]>
  version: string
}

export type DebriefTeam = {
  id: string
  name: string
  score: number
  maxScore: number
  members: { userId: string; name: string; passedTasks: number }[]
  /** Minutes from open to each task's pass (null = not passed). */
  taskMinutes: Record<string, number | null>
  timeline: EventView[]
}

export type DebriefView = {
  exercise: ExerciseSummary
  teams: DebriefTeam[]
  tasks: { taskId: string; title: string; kind: string; passedBy: number; medianMinutes: number | null; wrongAnswers: { input: string; count: number }[] }[]
  injects: InjectView[]
  /** Revealed after close: per task, the expected answer / correct options / rubric, as text. */
  modelAnswers: { taskId: string; answer: string }[]
}
