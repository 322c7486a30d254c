/**
 * Lab package manifest (`labs/<id>/lab.yaml`): the zod schema and the checks that need the
 * whole manifest (unique ids, references between tasks, steps, statements and variables).
 *
 * Pure: no file system, no database, no `server-only`. Used by the app (catalog, grading),
 * the terminal gateway / lab runner (limits, network) and `labs:check`.
 * Format documentation for authors: `labs/README.md`.
 */
import { z } from 'zod'
import { checkRegexSafety, regexPlaceholders } from './regex'

export const LAB_MANIFEST_SCHEMA_VERSION = 1
export const LAB_ID_PATTERN = /^[a-z0-9-]{1,48}$/
/** Ids of steps, tasks, options, rubric sections and facts: lower-case slugs. */
export const LOCAL_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/
/** Per-session variable names as written by setup.sh (`NAME=value` on fd 3). */
export const VARIABLE_NAME_PATTERN = /^[A-Z][A-Z0-9_]{0,31}$/
/** NICE Framework v2 statement ids: Task, Knowledge, Skill. */
export const STATEMENT_ID_PATTERN = /^[TKS]\d{4}$/
/** NICE Framework v2 work role ids, e.g. PD-WRL-003. */
export const WORK_ROLE_ID_PATTERN = /^[A-Z]{2}-WRL-\d{3}$/
/** Step MDX files: `steps/NN-<slug>.<lang>.mdx`. */
export const STEP_FILE_PATTERN = /^steps\/\d{2}-[a-z0-9-]+\.(ja|en)\.mdx$/
/** Host names of a team lab: one lower-case DNS label, also the host's hostname (team-network.ts). */
export const HOST_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/
/** Team labs: 2–8 hosts, teams of 1–4 people. */
export const TEAM_LAB_LIMITS = { minHosts: 2, maxHosts: 8, minTeam: 1, maxTeam: 4 } as const

export const LANGUAGES = ['ja', 'en'] as const
export type Language = (typeof LANGUAGES)[number]

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)

/** A string in both languages. Every learner-facing text is bilingual; neither language is optional. */
const LocalizedSchema = (max = 300) => z.strictObject({ ja: text(max), en: text(max) })
export type Localized = { ja: string; en: string }

const LocalId = z.string().regex(LOCAL_ID_PATTERN, 'must be a lower-case slug matching ^[a-z0-9][a-z0-9-]{0,47}$')
const VariableName = z.string().regex(VARIABLE_NAME_PATTERN, 'must match ^[A-Z][A-Z0-9_]{0,31}$')

/**
 * A path written in lab.yaml, relative to the package. Traversal is rejected with its own message
 * before any pattern check so authors see the real problem, not "does not match".
 */
function escapes(path: string): boolean {
  return path.startsWith('/') || path.includes('\\') || path.includes('\0') || path.split('/').some((s) => s === '..')
}
const PackagePath = z.string().superRefine((value, ctx) => {
  if (escapes(value)) {
    ctx.addIssue({ code: 'custom', message: 'path escapes the package (no absolute paths, ".." or backslashes)' })
  }
})

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
const PLACEHOLDER_ONLY = /^\{\{([A-Z][A-Z0-9_]{0,31})\}\}$/

const HintSchema = z.strictObject({
  text: LocalizedSchema(2000),
  penalty: z.number().int().min(0),
})

/**
 * How an answer (or a report fact) is matched.
 * - `exact`: one of `values` (after normalisation: NFKC, trimmed, inner whitespace collapsed).
 * - `regex`: a pattern; `{{NAME}}` inserts a per-session variable, escaped.
 * - `variable`: equal to the per-session variable `name`.
 * For answers the whole input must match; for report facts the text must contain the value.
 */
const MatchSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('exact'),
    values: z.array(text(200)).min(1).max(20),
    caseInsensitive: z.boolean().default(false),
  }),
  z.strictObject({
    kind: z.literal('regex'),
    pattern: z.string().min(1).max(256, 'must be at most 256 characters'),
    caseInsensitive: z.boolean().default(false),
  }),
  z.strictObject({
    kind: z.literal('variable'),
    name: VariableName,
    caseInsensitive: z.boolean().default(false),
  }),
])
export type Match = z.infer<typeof MatchSchema>

const taskBase = {
  id: LocalId,
  title: LocalizedSchema(120),
  /** Question or instruction shown with the task. */
  prompt: LocalizedSchema(2000).optional(),
  /** The step this task belongs to (shown beside that step's text). */
  step: LocalId.optional(),
  points: z.number().int().min(0).max(1000),
  /** Framework statements this task evidences when passed. */
  statements: z.array(z.string().regex(STATEMENT_ID_PATTERN, 'must be a NICE statement id like T1234, K0123 or S0456')).max(30).default([]),
  hints: z.array(HintSchema).max(10).default([]),
}

const HostName = z
  .string()
  .regex(HOST_NAME_PATTERN, 'must be a host name matching ^[a-z][a-z0-9-]{0,30}$')
  .refine((n) => n !== 'localhost', 'localhost is reserved')

const CheckTaskSchema = z.strictObject({
  ...taskBase,
  kind: z.literal('check'),
  /** Wall-clock limit for `checks/<id>.sh`; a timeout is an error, never a pass. */
  timeoutSec: z.number().int().min(1).max(60).default(10),
  /** Team labs only (and required there): the host whose sandbox runs `checks/<id>.sh`. */
  host: z.string().optional(),
})

const AnswerTaskSchema = z.strictObject({
  ...taskBase,
  kind: z.literal('answer'),
  prompt: LocalizedSchema(2000),
  match: MatchSchema,
  /** Incorrect submissions allowed before the task locks. Omit for unlimited. */
  attemptLimit: z.number().int().min(1).max(100).optional(),
})

const ChoiceOptionSchema = z.strictObject({ id: LocalId, text: LocalizedSchema(500) })

const ChoiceTaskSchema = z.strictObject({
  ...taskBase,
  kind: z.literal('choice'),
  prompt: LocalizedSchema(2000),
  mode: z.enum(['single', 'multiple']),
  options: z.array(ChoiceOptionSchema).min(2).max(12),
  correct: z.array(LocalId).min(1),
  /** `partial` (multiple only): (right picks − wrong picks) / right options, floored at 0. */
  scoring: z.enum(['all-or-nothing', 'partial']).default('all-or-nothing'),
  attemptLimit: z.number().int().min(1).max(100).optional(),
})

const RubricSectionSchema = z.strictObject({
  id: LocalId,
  title: LocalizedSchema(120),
  guidance: LocalizedSchema(1000).optional(),
  /** A section counts as present when it has at least this many non-space characters. */
  minChars: z.number().int().min(1).max(5000).default(20),
  points: z.number().int().min(0),
})

const RubricFactSchema = z.strictObject({
  id: LocalId,
  label: LocalizedSchema(200),
  points: z.number().int().min(1),
  /** Only look in this section; omit to search the whole report. */
  section: LocalId.optional(),
  match: MatchSchema,
})

const ReportTaskSchema = z.strictObject({
  ...taskBase,
  kind: z.literal('report'),
  prompt: LocalizedSchema(2000),
  rubric: z.strictObject({
    sections: z.array(RubricSectionSchema).min(1).max(12),
    facts: z.array(RubricFactSchema).max(30).default([]),
    /** Minimum rubric score to pass; every section must also be present. */
    passMark: z.number().int().min(0),
  }),
})

const TaskSchema = z.discriminatedUnion('kind', [CheckTaskSchema, AnswerTaskSchema, ChoiceTaskSchema, ReportTaskSchema])

const StepSchema = z.strictObject({
  id: LocalId,
  title: LocalizedSchema(120),
  file: z.strictObject({ ja: PackagePath, en: PackagePath }),
})

const VariableSchema = z.strictObject({
  name: VariableName,
  /** For authors and instructors; never shown to learners. */
  description: text(300),
})

/** A fake service on the lab network (e.g. a C2 that accepts and logs bot connections). */
const LabServiceSchema = z.strictObject({
  id: LocalId,
  /** An IPv4 literal or `{{VARIABLE}}` (a per-session address written by setup.sh). */
  address: z.string().refine((a) => IPV4.test(a) || PLACEHOLDER_ONLY.test(a), 'must be an IPv4 address or {{VARIABLE}}'),
  port: z.number().int().min(1).max(65535),
  protocol: z.literal('tcp').default('tcp'),
  /** `sink`: accept, read and log; `banner`: send `banner` then behave like sink. */
  behaviour: z.enum(['sink', 'banner']).default('sink'),
  banner: z.string().max(500).optional(),
})

const NetworkSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('none') }),
  z.strictObject({ mode: z.literal('lab'), services: z.array(LabServiceSchema).min(1).max(8) }),
])

/**
 * One host of a team lab: its own sandbox on the team's network (lib/labs/sandbox/team-network.ts),
 * built by `hosts/<name>/setup.sh` with `hosts/<name>/files/` copied in.
 */
const HostSchema = z.strictObject({
  name: HostName,
  /** Shown on the terminal tab, e.g. "ws01 — 経理部 PC". */
  title: LocalizedSchema(120),
  /** Members may open a shell here (false e.g. for an attacker's C2 the team must not log in to). */
  terminal: z.boolean().default(true),
  /** Named in the other hosts' /etc/hosts (false: reachable by address only). */
  listed: z.boolean().default(true),
  /** Last octet of the host's address in the team's /24; default: the next free one from .10. */
  hostPart: z.number().int().min(1).max(254).optional(),
})

const TeamSchema = z.strictObject({
  min: z.number().int().min(TEAM_LAB_LIMITS.minTeam).max(TEAM_LAB_LIMITS.maxTeam),
  max: z.number().int().min(TEAM_LAB_LIMITS.minTeam).max(TEAM_LAB_LIMITS.maxTeam),
})

const LimitsSchema = z.strictObject({
  memoryMb: z.number().int().min(64).max(4096),
  pids: z.number().int().min(16).max(4096),
  cpus: z.number().min(0.1).max(4),
  homeMb: z.number().int().min(1).max(1024),
  tmpMb: z.number().int().min(1).max(1024),
})

const BaseManifestSchema = z.strictObject({
  schemaVersion: z.literal(LAB_MANIFEST_SCHEMA_VERSION),
  id: z.string().regex(LAB_ID_PATTERN, 'must match ^[a-z0-9-]{1,48}$'),
  title: LocalizedSchema(120),
  summary: LocalizedSchema(600),
  level: z.enum(['A', 'B', 'C']),
  estimatedMinutes: z.number().int().min(5).max(480),
  timeLimitMinutes: z.number().int().min(5).max(480),
  idleTimeoutMinutes: z.number().int().min(5).max(480),
  limits: LimitsSchema,
  network: NetworkSchema.default({ mode: 'none' }),
  framework: z.strictObject({
    id: z.literal('nice-v2.1.0'),
    workRoles: z.array(z.string().regex(WORK_ROLE_ID_PATTERN, 'must be a NICE work role id like PD-WRL-003')).max(10).default([]),
    statements: z.array(z.string().regex(STATEMENT_ID_PATTERN, 'must be a NICE statement id like T1234, K0123 or S0456')).max(60),
  }),
  /** Source this lab traces to, e.g. the seed document's section. */
  sources: z.array(text(300)).max(10).default([]),
  variables: z.array(VariableSchema).max(32).default([]),
  steps: z.array(StepSchema).min(1).max(20),
  tasks: z.array(TaskSchema).min(1).max(40),
  /** Team labs: team size bounds (with `hosts`). */
  team: TeamSchema.optional(),
  /** Team labs: one sandbox per host on one team network (with `team`). Its presence makes a team lab. */
  hosts: z.array(HostSchema).min(TEAM_LAB_LIMITS.minHosts).max(TEAM_LAB_LIMITS.maxHosts).optional(),
})

type Path = Array<string | number>
type Ctx = { addIssue(issue: { code: 'custom'; message: string; path: Path }): void }
type RawManifest = z.output<typeof BaseManifestSchema>

/** Reports every id that appears twice, at the later occurrence, naming the first one. */
function checkUnique(ctx: Ctx, items: ReadonlyArray<{ id: string }>, path: Path, what: string) {
  const seen = new Map<string, number>()
  items.forEach((item, i) => {
    const first = seen.get(item.id)
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: [...path, i, 'id'], message: `duplicate ${what} id '${item.id}' (first at ${formatPath([...path, first])})` })
    } else seen.set(item.id, i)
  })
}

function checkPattern(ctx: Ctx, pattern: string, path: Path, declared: ReadonlySet<string>) {
  for (const name of regexPlaceholders(pattern)) {
    if (!declared.has(name)) ctx.addIssue({ code: 'custom', path, message: `unknown variable {{${name}}} (declare it under variables)` })
  }
  const problem = checkRegexSafety(pattern)
  if (problem) ctx.addIssue({ code: 'custom', path, message: problem })
}

function checkMatch(ctx: Ctx, match: Match, path: Path, declared: ReadonlySet<string>) {
  if (match.kind === 'variable' && !declared.has(match.name)) {
    ctx.addIssue({ code: 'custom', path: [...path, 'name'], message: `unknown variable '${match.name}' (declare it under variables)` })
  }
  if (match.kind === 'regex') checkPattern(ctx, match.pattern, [...path, 'pattern'], declared)
}

/** Cross-field rules that zod's per-field schemas cannot express. */
function refineManifest(m: RawManifest, ctx: Ctx) {
  if (m.timeLimitMinutes < m.estimatedMinutes) {
    ctx.addIssue({ code: 'custom', path: ['timeLimitMinutes'], message: `must be ≥ estimatedMinutes (${m.estimatedMinutes})` })
  }
  if (m.idleTimeoutMinutes > m.timeLimitMinutes) {
    ctx.addIssue({ code: 'custom', path: ['idleTimeoutMinutes'], message: `must be ≤ timeLimitMinutes (${m.timeLimitMinutes})` })
  }
  // tmpfs pages are charged to the sandbox's memory cgroup (STACK-NOTES), so full tmpfs must leave room to run.
  if (m.limits.homeMb + m.limits.tmpMb > m.limits.memoryMb / 2) {
    ctx.addIssue({ code: 'custom', path: ['limits', 'homeMb'], message: 'homeMb + tmpMb must be ≤ half of memoryMb (tmpfs counts against the memory limit)' })
  }

  const declared = new Set<string>()
  m.variables.forEach((v, i) => {
    if (declared.has(v.name)) ctx.addIssue({ code: 'custom', path: ['variables', i, 'name'], message: `duplicate variable '${v.name}'` })
    declared.add(v.name)
  })

  if (m.network.mode === 'lab') {
    checkUnique(ctx, m.network.services, ['network', 'services'], 'service')
    m.network.services.forEach((s, i) => {
      const name = PLACEHOLDER_ONLY.exec(s.address)?.[1]
      if (name && !declared.has(name)) {
        ctx.addIssue({ code: 'custom', path: ['network', 'services', i, 'address'], message: `unknown variable {{${name}}} (declare it under variables)` })
      }
      if (s.behaviour === 'banner' && !s.banner) {
        ctx.addIssue({ code: 'custom', path: ['network', 'services', i, 'banner'], message: 'required when behaviour is banner' })
      }
    })
  }

  checkUnique(ctx, m.steps, ['steps'], 'step')
  const stepIds = new Set(m.steps.map((s) => s.id))
  const stepFiles = new Map<string, string>()
  m.steps.forEach((s, i) => {
    for (const lang of LANGUAGES) {
      const file = s.file[lang]
      const path = ['steps', i, 'file', lang]
      if (escapes(file)) {
        // PackagePath already reported it; a second "does not match" would only blur the real problem.
      } else if (!STEP_FILE_PATTERN.test(file)) {
        ctx.addIssue({ code: 'custom', path, message: `must look like steps/NN-<slug>.${lang}.mdx` })
      } else if (!file.endsWith(`.${lang}.mdx`)) {
        ctx.addIssue({ code: 'custom', path, message: `is the ${lang} text, so it must end in .${lang}.mdx` })
      }
      const other = stepFiles.get(file)
      if (other) ctx.addIssue({ code: 'custom', path, message: `file already used by ${other}` })
      stepFiles.set(file, formatPath(path))
    }
  })

  checkUnique(ctx, m.tasks, ['tasks'], 'task')
  const labStatements = new Set(m.framework.statements)
  m.tasks.forEach((t, i) => {
    const at = (...rest: Path): Path => ['tasks', i, ...rest]
    if (t.step !== undefined && !stepIds.has(t.step)) {
      ctx.addIssue({ code: 'custom', path: at('step'), message: `unknown step '${t.step}'` })
    }
    t.statements.forEach((s, j) => {
      if (!labStatements.has(s)) ctx.addIssue({ code: 'custom', path: at('statements', j), message: `'${s}' is not listed in framework.statements` })
    })
    t.hints.forEach((h, j) => {
      if (h.penalty > t.points) ctx.addIssue({ code: 'custom', path: at('hints', j, 'penalty'), message: 'must be ≤ points' })
    })

    if (t.kind === 'answer') checkMatch(ctx, t.match, at('match'), declared)

    if (t.kind === 'choice') {
      checkUnique(ctx, t.options, at('options'), 'option')
      const optionIds = new Set(t.options.map((o) => o.id))
      t.correct.forEach((c, j) => {
        if (!optionIds.has(c)) ctx.addIssue({ code: 'custom', path: at('correct', j), message: `unknown option '${c}'` })
      })
      if (new Set(t.correct).size !== t.correct.length) ctx.addIssue({ code: 'custom', path: at('correct'), message: 'lists an option twice' })
      if (t.mode === 'single' && t.correct.length !== 1) ctx.addIssue({ code: 'custom', path: at('correct'), message: 'single choice needs exactly one correct option' })
      if (t.mode === 'single' && t.scoring === 'partial') ctx.addIssue({ code: 'custom', path: at('scoring'), message: 'partial scoring needs mode: multiple' })
    }

    if (t.kind === 'report') {
      const { sections, facts, passMark } = t.rubric
      checkUnique(ctx, sections, at('rubric', 'sections'), 'section')
      checkUnique(ctx, facts, at('rubric', 'facts'), 'fact')
      const sectionIds = new Set(sections.map((s) => s.id))
      facts.forEach((f, j) => {
        if (f.section !== undefined && !sectionIds.has(f.section)) {
          ctx.addIssue({ code: 'custom', path: at('rubric', 'facts', j, 'section'), message: `unknown section '${f.section}'` })
        }
        checkMatch(ctx, f.match, at('rubric', 'facts', j, 'match'), declared)
      })
      // The rubric *is* the task's score, so its parts must add up to the task's points.
      const total = sections.reduce((n, s) => n + s.points, 0) + facts.reduce((n, f) => n + f.points, 0)
      if (total !== t.points) {
        ctx.addIssue({ code: 'custom', path: at('rubric'), message: `section and fact points add up to ${total}, but the task is worth ${t.points}` })
      }
      if (passMark > t.points) ctx.addIssue({ code: 'custom', path: at('rubric', 'passMark'), message: 'must be ≤ points' })
    }
  })

  refineTeam(m, ctx)
}

/** Rules of team labs (`hosts` + `team`), and that solo labs use none of their fields. */
function refineTeam(m: RawManifest, ctx: Ctx) {
  if (m.hosts && !m.team) ctx.addIssue({ code: 'custom', path: ['team'], message: 'is required when hosts is set (a team lab needs both)' })
  if (m.team && !m.hosts) ctx.addIssue({ code: 'custom', path: ['hosts'], message: 'is required when team is set (a team lab needs both)' })
  if (m.team && m.team.min > m.team.max) ctx.addIssue({ code: 'custom', path: ['team', 'min'], message: `must be ≤ team.max (${m.team.max})` })
  const hosts = m.hosts
  if (!hosts) {
    m.tasks.forEach((t, i) => {
      if (t.kind === 'check' && t.host !== undefined)
        ctx.addIssue({ code: 'custom', path: ['tasks', i, 'host'], message: 'only team labs (with hosts) name a host' })
    })
    return
  }
  if (m.network.mode !== 'none') {
    ctx.addIssue({ code: 'custom', path: ['network', 'mode'], message: "a team lab must use network mode 'none' (the team network replaces the lab network)" })
  }
  const names = new Map<string, number>()
  const parts = new Map<number, number>()
  hosts.forEach((h, i) => {
    const first = names.get(h.name)
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['hosts', i, 'name'], message: `duplicate host name '${h.name}' (first at hosts[${first}])` })
    else names.set(h.name, i)
    if (h.hostPart !== undefined) {
      const other = parts.get(h.hostPart)
      if (other !== undefined) ctx.addIssue({ code: 'custom', path: ['hosts', i, 'hostPart'], message: `address part ${h.hostPart} is already used by hosts[${other}]` })
      else parts.set(h.hostPart, i)
    }
  })
  if (!hosts.some((h) => h.terminal)) ctx.addIssue({ code: 'custom', path: ['hosts'], message: 'at least one host needs terminal: true (somewhere for the team to work)' })
  m.tasks.forEach((t, i) => {
    if (t.kind !== 'check') return
    if (t.host === undefined) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'host'], message: 'is required in a team lab (the host whose sandbox runs the check)' })
    else if (!names.has(t.host)) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'host'], message: `unknown host '${t.host}'` })
  })
}

export const LabManifestSchema = BaseManifestSchema.superRefine(refineManifest)

export type LabManifest = z.output<typeof LabManifestSchema>
export type LabTask = LabManifest['tasks'][number]
export type CheckTask = Extract<LabTask, { kind: 'check' }>
export type AnswerTask = Extract<LabTask, { kind: 'answer' }>
export type ChoiceTask = Extract<LabTask, { kind: 'choice' }>
export type ReportTask = Extract<LabTask, { kind: 'report' }>
export type ReportRubric = ReportTask['rubric']
export type LabStep = LabManifest['steps'][number]
export type LabHint = LabTask['hints'][number]
export type LabNetwork = LabManifest['network']
export type LabLimits = LabManifest['limits']
export type LabHost = NonNullable<LabManifest['hosts']>[number]
export type LabTeam = NonNullable<LabManifest['team']>
export type TeamLabManifest = LabManifest & { hosts: LabHost[]; team: LabTeam }

/** Whether the manifest describes a team lab (several hosts, one team network; issue #9). */
export function isTeamLab(manifest: LabManifest): manifest is TeamLabManifest {
  return manifest.hosts !== undefined && manifest.team !== undefined
}

/** `['tasks', 2, 'hints', 0, 'penalty']` → `tasks[2].hints[0].penalty` (the form used in error messages). */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out
}

/** The per-session variable names a task's grading needs (for runners deciding what to store). */
export function variablesUsedBy(task: LabTask): string[] {
  const names = new Set<string>()
  const add = (m: Match) => {
    if (m.kind === 'variable') names.add(m.name)
    if (m.kind === 'regex') for (const n of regexPlaceholders(m.pattern)) names.add(n)
  }
  if (task.kind === 'answer') add(task.match)
  if (task.kind === 'report') task.rubric.facts.forEach((f) => add(f.match))
  return [...names]
}
