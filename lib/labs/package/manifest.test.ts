import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { formatPath, isTeamLab, LabManifestSchema, variablesUsedBy } from './manifest'

const base = parse(readFileSync(fileURLToPath(new URL('./__fixtures__/valid-minimal/lab.yaml', import.meta.url)), 'utf8')) as {
  tasks: Array<Record<string, unknown>>
} & Record<string, unknown>

/** Applies `edit` to a deep copy of the valid fixture and returns "path: message" lines. */
function issues(edit: (m: typeof base) => void): string[] {
  const m = structuredClone(base)
  edit(m)
  const r = LabManifestSchema.safeParse(m)
  return r.success ? [] : r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`)
}
const task = (m: typeof base, i: number) => m.tasks[i] as Record<string, unknown> & { rubric: Record<string, unknown> }

describe('LabManifestSchema cross-field rules', () => {
  test('the valid fixture has none', () => expect(issues(() => {})).toEqual([]))

  test('rubric points must add up to the task points', () => {
    expect(issues((m) => (task(m, 3).points = 12))).toEqual(['tasks[3].rubric: section and fact points add up to 10, but the task is worth 12'])
  })

  test('pass mark above the points', () => {
    expect(issues((m) => (task(m, 3).rubric.passMark = 11))).toEqual(['tasks[3].rubric.passMark: must be ≤ points'])
  })

  test('single choice needs exactly one correct option', () => {
    expect(issues((m) => Object.assign(task(m, 2), { mode: 'single', scoring: 'all-or-nothing' }))).toEqual(['tasks[2].correct: single choice needs exactly one correct option'])
  })

  test('correct ids must be options', () => {
    expect(issues((m) => (task(m, 2).correct = ['a', 'z']))).toEqual(["tasks[2].correct[1]: unknown option 'z'"])
  })

  test('undeclared variables, steps and statements', () => {
    expect(
      issues((m) => {
        task(m, 1).match = { kind: 'variable', name: 'NOPE' }
        task(m, 1).step = 'missing'
        task(m, 1).statements = ['K0001']
      }),
    ).toEqual(["tasks[1].step: unknown step 'missing'", "tasks[1].statements[0]: 'K0001' is not listed in framework.statements", "tasks[1].match.name: unknown variable 'NOPE' (declare it under variables)"])
  })

  test('unknown fields are errors, not silently ignored', () => {
    expect(issues((m) => (task(m, 0).pionts = 3))).toEqual(['tasks[0]: Unrecognized key: "pionts"'])
  })

  test('time limits and tmpfs sizes', () => {
    expect(
      issues((m) => {
        m.timeLimitMinutes = 5
        m.limits = { memoryMb: 64, pids: 32, cpus: 0.5, homeMb: 16, tmpMb: 32 }
      }),
    ).toEqual([
      'timeLimitMinutes: must be ≥ estimatedMinutes (10)',
      'idleTimeoutMinutes: must be ≤ timeLimitMinutes (5)',
      'limits.homeMb: homeMb + tmpMb must be ≤ half of memoryMb (tmpfs counts against the memory limit)',
    ])
  })

  test('lab network services must use declared variables', () => {
    expect(issues((m) => (m.network = { mode: 'lab', services: [{ id: 'c2', address: '{{C2_ADDR}}', port: 23 }] }))).toEqual([
      'network.services[0].address: unknown variable {{C2_ADDR}} (declare it under variables)',
    ])
  })

  test('step file language must match its key', () => {
    expect(issues((m) => ((m.steps as Array<{ file: Record<string, string> }>)[0]!.file.ja = 'steps/01-only.en.mdx'))).toEqual(['steps[0].file.ja: is the ja text, so it must end in .ja.mdx', 'steps[0].file.en: file already used by steps[0].file.ja'])
  })
})

test('variablesUsedBy lists what grading needs', () => {
  const m = LabManifestSchema.parse(base)
  expect(m.tasks.map(variablesUsedBy)).toEqual([[], ['SECRET_IP'], [], ['SECRET_IP']])
})

describe('team labs (hosts + team)', () => {
  const teamBase = parse(readFileSync(fileURLToPath(new URL('./__fixtures__/team-minimal/lab.yaml', import.meta.url)), 'utf8')) as Record<string, unknown> & {
    hosts: Array<Record<string, unknown>>
    tasks: Array<Record<string, unknown>>
    team?: Record<string, unknown>
  }
  function teamIssues(edit: (m: typeof teamBase) => void): string[] {
    const m = structuredClone(teamBase)
    edit(m)
    const r = LabManifestSchema.safeParse(m)
    return r.success ? [] : r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`)
  }

  test('the team fixture is valid, with host defaults applied', () => {
    expect(teamIssues(() => {})).toEqual([])
    const m = LabManifestSchema.parse(teamBase)
    expect(isTeamLab(m)).toBe(true)
    expect(m.hosts?.map((h) => [h.name, h.terminal, h.listed, h.hostPart])).toEqual([
      ['ws', true, true, 10],
      ['vault', false, false, undefined],
    ])
    expect(isTeamLab(LabManifestSchema.parse(base))).toBe(false)
  })

  test('hosts and team go together', () => {
    expect(teamIssues((m) => delete m.team)).toEqual(['team: is required when hosts is set (a team lab needs both)'])
    expect(issues((m) => (m.team = { min: 1, max: 2 }))).toEqual(['hosts: is required when team is set (a team lab needs both)'])
  })

  test('team size bounds', () => {
    expect(teamIssues((m) => (m.team = { min: 3, max: 2 }))).toEqual(['team.min: must be ≤ team.max (2)'])
    expect(teamIssues((m) => (m.team = { min: 0, max: 5 }))).toEqual(['team.min: Too small: expected number to be >=1', 'team.max: Too big: expected number to be <=4'])
  })

  test('host names: pattern, localhost, unique; address parts unique', () => {
    expect(
      teamIssues((m) => {
        m.hosts.push({ name: 'localhost', title: { ja: 'x', en: 'x' } })
        m.hosts.push({ name: 'Bad_Name', title: { ja: 'x', en: 'x' } })
      }),
    ).toEqual(['hosts[2].name: localhost is reserved', 'hosts[3].name: must be a host name matching ^[a-z][a-z0-9-]{0,30}$'])
    expect(teamIssues((m) => m.hosts.push({ name: 'ws', title: { ja: 'x', en: 'x' }, hostPart: 10 }))).toEqual([
      "hosts[2].name: duplicate host name 'ws' (first at hosts[0])",
      'hosts[2].hostPart: address part 10 is already used by hosts[0]',
    ])
  })

  test('2 to 8 hosts, at least one with a terminal', () => {
    expect(teamIssues((m) => m.hosts.splice(1))).toEqual(['hosts: Too small: expected array to have >=2 items'])
    expect(teamIssues((m) => (m.hosts[0]!.terminal = false))).toEqual(['hosts: at least one host needs terminal: true (somewhere for the team to work)'])
  })

  test('a team lab uses no per-session lab network', () => {
    expect(teamIssues((m) => (m.network = { mode: 'lab', services: [{ id: 'c2', address: '192.0.2.5', port: 23 }] }))).toEqual([
      "network.mode: a team lab must use network mode 'none' (the team network replaces the lab network)",
    ])
  })

  test('check tasks name an existing host in a team lab, and no host in a solo lab', () => {
    expect(teamIssues((m) => delete m.tasks[0]!.host)).toEqual(['tasks[0].host: is required in a team lab (the host whose sandbox runs the check)'])
    expect(teamIssues((m) => (m.tasks[0]!.host = 'gw'))).toEqual(["tasks[0].host: unknown host 'gw'"])
    expect(issues((m) => (task(m, 0).host = 'ws'))).toEqual(['tasks[0].host: only team labs (with hosts) name a host'])
    // Only check tasks have a host.
    expect(teamIssues((m) => (m.tasks[1]!.host = 'ws'))).toEqual(['tasks[1]: Unrecognized key: "host"'])
  })

  test('unknown host fields are errors', () => {
    expect(teamIssues((m) => (m.hosts[0]!.addr = '10.0.0.1'))).toEqual(['hosts[0]: Unrecognized key: "addr"'])
  })
})
