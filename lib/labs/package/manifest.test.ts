import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { formatPath, LabManifestSchema, variablesUsedBy } from './manifest'

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
