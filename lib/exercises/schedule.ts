/**
 * Exercise days, pure rules: the clock (window + extensions − pauses), which state may follow which,
 * forming teams, parsing the schedule form's local time. No database; tested in schedule.test.ts.
 */
import { localTime } from '../assignments/status'
import type { Clock } from './types'

export const MAX_TEAM_SIZE = 4
export const MAX_TEAMS = 40

export type ClockFields = {
  /** An ExerciseState; a plain string as stored. */
  state: string
  endsAt: Date
  extraMinutes: number
  openedAt: Date | null
  startsAt: Date
  pausedAt: Date | null
  pausedMs: number
  closedAt: Date | null
}

/**
 * The exercise clock at `now`. The window ends at `endsAt + extraMinutes`, pushed back by every pause
 * (a pause stops the clock for every team). Time used counts from the opening (or the scheduled start
 * if it opened early) to now, the pause or the close.
 */
export function clockOf(e: ClockFields, now: number): Clock {
  const pausedNow = e.state === 'paused' && e.pausedAt ? Math.max(0, now - e.pausedAt.getTime()) : 0
  const paused = e.pausedMs + pausedNow
  const endsAt = e.endsAt.getTime() + e.extraMinutes * 60_000 + paused
  const start = (e.openedAt ?? e.startsAt).getTime()
  const until = e.state === 'closed' && e.closedAt ? e.closedAt.getTime() : now
  const elapsedMs = e.state === 'scheduled' ? 0 : Math.max(0, until - start - paused)
  const remainingMs = e.state === 'closed' ? 0 : Math.max(0, endsAt - (e.state === 'paused' && e.pausedAt ? e.pausedAt.getTime() + pausedNow : now))
  return { endsAt, remainingMs, elapsedMs, paused: e.state === 'paused' }
}

/** Whether an open exercise's window is over (the runtime then closes it). */
export function windowOver(e: ClockFields, now: number): boolean {
  return e.state === 'open' && clockOf(e, now).remainingMs === 0
}

const TRANSITIONS: Record<string, readonly string[]> = {
  open: ['scheduled'],
  pause: ['open'],
  resume: ['paused'],
  extend: ['scheduled', 'open', 'paused'],
  close: ['open', 'paused'],
  inject: ['open', 'paused'],
  edit: ['scheduled'],
}
export type Transition = keyof typeof TRANSITIONS

/** Whether `action` is allowed in `state` (e.g. teams can be changed only before the opening). */
export function allowed(action: Transition, state: string): boolean {
  return TRANSITIONS[action]?.includes(state) ?? false
}

/**
 * Splits people into the fewest teams of at most `size` members, as evenly as possible (sizes differ
 * by at most one), dealing in order so that an ordered list (e.g. by experience) is spread across teams.
 */
export function balanceTeams<T>(people: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1 || size > MAX_TEAM_SIZE) throw new RangeError(`team size must be 1–${MAX_TEAM_SIZE}`)
  if (people.length === 0) return []
  const count = Math.ceil(people.length / size)
  const teams: T[][] = Array.from({ length: count }, () => [])
  people.forEach((p, i) => (teams[i % count] as T[]).push(p))
  return teams
}

/**
 * Starting hosts for a team's members: one terminal host each, in the lab's host order, wrapping
 * around when a team has more members than terminal hosts.
 */
export function assignHosts(members: readonly string[], terminalHosts: readonly string[]): Map<string, string | null> {
  const out = new Map<string, string | null>()
  members.forEach((m, i) => out.set(m, terminalHosts[i % Math.max(1, terminalHosts.length)] ?? null))
  return out
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/

/** `2026-12-01T09:30` (from `<input type="datetime-local">`) in `timeZone` → instant; null if invalid. */
export function parseLocalDateTime(value: string, timeZone: string): Date | null {
  const m = LOCAL.exec(value)
  if (!m) return null
  const [y, mo, d, h, min] = m.slice(1).map(Number) as [number, number, number, number, number]
  return localTime(y, mo, d, h, min, 0, 0, timeZone)
}

/** Team names shown to everyone: "Team 1", "チーム 1" are rendered by the UI; stored neutral. */
export function teamName(slot: number): string {
  return `Team ${slot}`
}

/** Network and sandbox ids of a team's environment: `srv-` so a server's boot reaps them (manager.ts). */
export function environmentIds(teamId: string, attempt: number) {
  const base = `srv-x${teamId.toLowerCase().replace(/[^a-z0-9]/g, '').slice(-16)}${attempt.toString(36)}`
  return { networkId: base, sandboxId: (host: string) => `${base}-${host}`.slice(0, 64) }
}
