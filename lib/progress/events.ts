/**
 * Learning events: what labs and content report after they grade or complete something. One shape for
 * every consumer — xAPI statements (lib/xapi), Open Badges (lib/badges), assignments (lib/assignments)
 * and the readiness cache — so a new consumer never has to be threaded through the lab manager or the
 * content store. Pure types and helpers; dispatch lives in ./publish.ts (server-only).
 */
export type Who = { userId: string; organizationId: string }

export type LabTaskEvent = {
  type: 'lab-task'
  who: Who
  labId: string
  taskId: string
  labSessionId: string
  attemptId: string
  passed: boolean
  /** Points earned / task points, 0..1. */
  scaled: number
  frameworkId: string
  statementIds: string[]
  at: Date
}

export type LabCompleteEvent = {
  type: 'lab-complete'
  who: Who
  labId: string
  labSessionId: string
  scaled: number
  passedWithoutHints: boolean
  frameworkId: string
  statementIds: string[]
  at: Date
}

export type QuizEvent = {
  type: 'quiz'
  who: Who
  itemType: 'module' | 'briefing'
  itemId: string
  attemptId: string
  passed: boolean
  scaled: number
  frameworkId: string
  /** Statements the correctly answered questions prove (empty when failed). */
  statementIds: string[]
  at: Date
}

export type CompletedEvent = {
  type: 'completed'
  who: Who
  itemType: 'module' | 'briefing' | 'curriculum' | 'tabletop'
  itemId: string
  frameworkId: string
  statementIds: string[]
  at: Date
}

export type LearningEvent = LabTaskEvent | LabCompleteEvent | QuizEvent | CompletedEvent

/** A stable key for an event (idempotency: replaying the same event produces the same key). */
export function eventKey(e: LearningEvent): string {
  switch (e.type) {
    case 'lab-task':
      return `lab-task:${e.attemptId}`
    case 'lab-complete':
      return `lab-complete:${e.labSessionId}`
    case 'quiz':
      return `quiz:${e.attemptId}`
    case 'completed':
      return `completed:${e.who.userId}:${e.itemType}:${e.itemId}`
  }
}
