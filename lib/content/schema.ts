/**
 * The authored-content format (curricula, modules, executive briefings). Pure: zod schemas and
 * cross-reference checks; the loader (./load.ts) reads files, `npm run content:check` and the test suite
 * validate everything. Format guide for authors: content/README.md.
 *
 *   content/curricula/<id>.yaml                    an ordered set of modules for one NICE work role
 *   content/modules/<id>/module.yaml               lessons, quiz, lab links, prerequisites, tags
 *   content/modules/<id>/<lesson>.{en,ja}.mdx      lesson text
 *   content/briefings/<id>/briefing.yaml           executive briefing: facts, tabletop, quiz, questions
 *   content/briefings/<id>/brief.{en,ja}.mdx       the briefing text (key facts with sources)
 *
 * Every lesson, quiz question and lab link carries NICE v2.1.0 statement ids (checked to exist).
 */
import { z } from 'zod'

export const CONTENT_FRAMEWORK_KEY = 'nice@2.1.0'

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a lower-case slug like incident-triage')
const LocalId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'must be a lower-case slug')
const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`)
export const Localized = (max = 300) => z.strictObject({ ja: text(max), en: text(max) })
export type LocalizedText = { ja: string; en: string }
const StatementId = z
  .string()
  .regex(/^[TKS]\d{4}$/, 'must be a NICE v2.1.0 statement id like T1234, K0123 or S0456')
const Statements = z.array(StatementId).min(1, 'tag at least one statement').max(40)
const WorkRoleId = z.string().regex(/^[A-Z]{2}-WRL-\d{3}$/, 'must be a NICE work role id like PD-WRL-003')

export const QuizOptionSchema = z.strictObject({ id: LocalId, text: Localized(300) })

const QuestionBase = {
  id: LocalId,
  prompt: Localized(800),
  explanation: Localized(1200),
  statements: Statements,
}

export const QuizQuestionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...QuestionBase,
    kind: z.literal('single'),
    options: z.array(QuizOptionSchema).min(2).max(8),
    answer: LocalId,
  }),
  z.strictObject({
    ...QuestionBase,
    kind: z.literal('multiple'),
    options: z.array(QuizOptionSchema).min(2).max(8),
    answer: z.array(LocalId).min(1),
  }),
  z.strictObject({
    ...QuestionBase,
    kind: z.literal('short'),
    /** Accepted answers; compared after trimming, case folding and Unicode NFKC (full-width → half-width). */
    accept: z.array(text(200)).min(1).max(20),
  }),
])
export type QuizQuestion = z.infer<typeof QuizQuestionSchema>

export const QuizSchema = z.strictObject({
  /** Share of questions to answer correctly, 0.5..1. */
  passMark: z.number().min(0.5).max(1).default(0.7),
  questions: z.array(QuizQuestionSchema).min(3).max(20),
})
export type Quiz = z.infer<typeof QuizSchema>

export const LessonSchema = z.strictObject({
  id: LocalId,
  title: Localized(120),
  minutes: z.number().int().min(1).max(60),
  statements: Statements,
})

export const LabLinkSchema = z.strictObject({
  /** A lab package id under labs/. */
  id: Id,
  why: Localized(300),
  statements: Statements,
})

export const ModuleSchema = z.strictObject({
  id: Id,
  title: Localized(120),
  summary: Localized(400),
  level: z.enum(['A', 'B', 'C']),
  /** Modules that should come first (a DAG: a cycle fails the content check). */
  prerequisites: z.array(Id).max(10).default([]),
  lessons: z.array(LessonSchema).min(1).max(12),
  labs: z.array(LabLinkSchema).max(6).default([]),
  quiz: QuizSchema,
})
export type Module = z.infer<typeof ModuleSchema>

export const CurriculumSchema = z.strictObject({
  id: Id,
  title: Localized(120),
  summary: Localized(500),
  /** The NICE work role this curriculum prepares for. */
  workRole: WorkRoleId,
  modules: z.array(Id).min(1).max(20),
})
export type Curriculum = z.infer<typeof CurriculumSchema>

/** Effect of a decision on one dimension: -2 (much worse) … +2 (much better). */
const Effect = z.number().int().min(-2).max(2)
export const IMPACTS = ['cost', 'downtime', 'reputation', 'legal'] as const

export const DecisionSchema = z.strictObject({
  id: LocalId,
  label: Localized(300),
  consequence: Localized(800),
  impact: z.strictObject({ cost: Effect, downtime: Effect, reputation: Effect, legal: Effect }),
  /** The choice recommended practice would make (exactly one per inject). */
  recommended: z.boolean().default(false),
})

export const InjectSchema = z.strictObject({
  id: LocalId,
  /** e.g. "Day 1, 09:10" */
  time: Localized(60),
  title: Localized(120),
  situation: Localized(1500),
  decisions: z.array(DecisionSchema).min(2).max(5),
})

export const TabletopSchema = z.strictObject({
  title: Localized(120),
  injects: z.array(InjectSchema).min(2).max(8),
  /** What recommended practice looks like overall, shown in the after-action summary. */
  recommendedPractice: Localized(2000),
  /** A lab whose incident this tabletop is (the boardroom view); the summary links engineers' results. */
  linkedLab: Id.optional(),
})
export type Tabletop = z.infer<typeof TabletopSchema>

export const SourceSchema = z.strictObject({
  id: LocalId,
  title: text(300),
  url: z.url().optional(),
  publisher: text(200).optional(),
})

export const BriefingSchema = z.strictObject({
  id: Id,
  title: Localized(120),
  summary: Localized(400),
  minutes: z.number().int().min(5).max(30),
  /** Which part of the source document (seed) this briefing traces to. */
  seedTopic: text(300),
  statements: Statements,
  sources: z.array(SourceSchema).min(1).max(15),
  tabletop: TabletopSchema.optional(),
  quiz: QuizSchema,
  questionsToAsk: z.strictObject({
    ja: z.array(text(300)).min(3).max(10),
    en: z.array(text(300)).min(3).max(10),
  }),
})
export type Briefing = z.infer<typeof BriefingSchema>

export type ContentIssue = { file: string; path: string; message: string }

/** Statement ids of a quiz (used for evidence and coverage). */
export function quizStatements(quiz: Quiz): string[] {
  return [...new Set(quiz.questions.flatMap((q) => q.statements))]
}
