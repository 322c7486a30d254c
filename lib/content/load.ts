/**
 * Loads and validates every authored content file under content/ (curricula, modules, briefings).
 * No 'server-only': the content check script and tests use it too. Problems are reported as
 * `file:line:col path: message`; a problem in one item keeps the item out but never hides the others.
 */
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { compile } from '@mdx-js/mdx'
import remarkGfm from 'remark-gfm'
import { LineCounter, parseDocument } from 'yaml'
import type { z } from 'zod'
import { getFramework } from '../frameworks/catalog'
import {
  BriefingSchema,
  CurriculumSchema,
  ModuleSchema,
  type Briefing,
  type ContentIssue,
  type Curriculum,
  type Module,
} from './schema'

export type Lang = 'ja' | 'en'
export const LANGS: Lang[] = ['ja', 'en']

export type LoadedModule = Module & {
  dir: string
  lessonFiles: Record<string, Partial<Record<Lang, string>>>
}
export type LoadedBriefing = Briefing & { dir: string; briefFiles: Partial<Record<Lang, string>> }
export type LoadedContent = {
  curricula: Curriculum[]
  modules: Map<string, LoadedModule>
  briefings: Map<string, LoadedBriefing>
  /** Problems that keep an item out. */
  errors: ContentIssue[]
  /** A missing translation (the other language is shown with a notice). */
  warnings: ContentIssue[]
}

export const formatContentIssue = (i: ContentIssue) => `${i.file}${i.path ? ` ${i.path}` : ''}: ${i.message}`

async function readYaml<S extends z.ZodType>(
  file: string,
  rel: string,
  schema: S,
  errors: ContentIssue[],
): Promise<z.infer<S> | null> {
  const src = await readFile(file, 'utf8')
  const lc = new LineCounter()
  const doc = parseDocument(src, { lineCounter: lc, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length) {
    for (const e of doc.errors) {
      const pos = lc.linePos(e.pos[0])
      errors.push({
        file: `${rel}:${pos.line}:${pos.col}`,
        path: '',
        message: e.message.split('\n')[0] ?? 'YAML error',
      })
    }
    return null
  }
  const parsed = schema.safeParse(doc.toJS())
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const node = doc.getIn(issue.path as (string | number)[], true) as
        { range?: [number, number] } | undefined
      const pos = node?.range ? lc.linePos(node.range[0]) : undefined
      errors.push({
        file: pos ? `${rel}:${pos.line}:${pos.col}` : rel,
        path: issue.path.join('.'),
        message: issue.message,
      })
    }
    return null
  }
  return parsed.data
}

async function dirs(root: string): Promise<string[]> {
  if (!existsSync(root)) return []
  return (await readdir(root, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
}

async function checkMdx(file: string, rel: string, errors: ContentIssue[]) {
  try {
    await compile(await readFile(file, 'utf8'), { remarkPlugins: [remarkGfm] })
  } catch (err) {
    const e = err as { line?: number; column?: number; reason?: string; message: string }
    errors.push({
      file: e.line ? `${rel}:${e.line}:${e.column ?? 1}` : rel,
      path: '',
      message: e.reason ?? e.message,
    })
  }
}

/** Loads content/ and labs/ ids from `root` (the app root). */
export async function loadContent(root: string): Promise<LoadedContent> {
  const contentDir = path.join(root, 'content')
  const errors: ContentIssue[] = []
  const warnings: ContentIssue[] = []
  const nice = getFramework('nice', '2.1.0')!
  const labIds = new Set(
    (await dirs(path.join(root, 'labs'))).filter((d) => existsSync(path.join(root, 'labs', d, 'lab.yaml'))),
  )
  const checkStatements = (rel: string, base: string, ids: ReadonlyArray<string>) =>
    ids.forEach((id, i) => {
      if (!nice.statements.has(id))
        errors.push({ file: rel, path: `${base}.${i}`, message: `unknown NICE v2.1.0 statement "${id}"` })
    })
  const checkQuiz = (rel: string, quiz: Module['quiz']) => {
    const seen = new Set<string>()
    quiz.questions.forEach((q, i) => {
      if (seen.has(q.id))
        errors.push({ file: rel, path: `quiz.questions.${i}.id`, message: `duplicate question id "${q.id}"` })
      seen.add(q.id)
      checkStatements(rel, `quiz.questions.${i}.statements`, q.statements)
      if (q.kind === 'short') return
      const options = new Set(q.options.map((o) => o.id))
      if (options.size !== q.options.length)
        errors.push({ file: rel, path: `quiz.questions.${i}.options`, message: 'duplicate option id' })
      const answers = q.kind === 'single' ? [q.answer] : q.answer
      for (const a of answers)
        if (!options.has(a))
          errors.push({
            file: rel,
            path: `quiz.questions.${i}.answer`,
            message: `"${a}" is not one of the options`,
          })
    })
  }

  const modules = new Map<string, LoadedModule>()
  for (const name of await dirs(path.join(contentDir, 'modules'))) {
    const dir = path.join(contentDir, 'modules', name)
    const rel = `content/modules/${name}/module.yaml`
    if (!existsSync(path.join(dir, 'module.yaml'))) {
      errors.push({ file: `content/modules/${name}`, path: '', message: 'missing module.yaml' })
      continue
    }
    const before = errors.length
    const m = await readYaml(path.join(dir, 'module.yaml'), rel, ModuleSchema, errors)
    if (!m) continue
    if (m.id !== name) errors.push({ file: rel, path: 'id', message: `must equal the folder name "${name}"` })
    const lessonFiles: LoadedModule['lessonFiles'] = {}
    const lessonIds = new Set<string>()
    for (const [i, lesson] of m.lessons.entries()) {
      if (lessonIds.has(lesson.id))
        errors.push({ file: rel, path: `lessons.${i}.id`, message: `duplicate lesson id "${lesson.id}"` })
      lessonIds.add(lesson.id)
      checkStatements(rel, `lessons.${i}.statements`, lesson.statements)
      lessonFiles[lesson.id] = {}
      for (const lang of LANGS) {
        const file = path.join(dir, `${lesson.id}.${lang}.mdx`)
        const frel = `content/modules/${name}/${lesson.id}.${lang}.mdx`
        if (existsSync(file)) {
          lessonFiles[lesson.id]![lang] = file
          await checkMdx(file, frel, errors)
        } else
          warnings.push({
            file: frel,
            path: '',
            message: `missing: the ${lang === 'ja' ? 'English' : 'Japanese'} text is shown with a notice`,
          })
      }
      if (!lessonFiles[lesson.id]!.ja && !lessonFiles[lesson.id]!.en)
        errors.push({
          file: rel,
          path: `lessons.${i}`,
          message: `no text for lesson "${lesson.id}" in either language`,
        })
    }
    m.labs.forEach((l, i) => {
      if (!labIds.has(l.id))
        errors.push({ file: rel, path: `labs.${i}.id`, message: `no lab package "${l.id}" under labs/` })
      checkStatements(rel, `labs.${i}.statements`, l.statements)
    })
    checkQuiz(rel, m.quiz)
    if (errors.length === before) modules.set(m.id, { ...m, dir, lessonFiles })
  }
  // Prerequisites exist and form a DAG.
  for (const m of modules.values())
    m.prerequisites.forEach((p, i) => {
      if (!modules.has(p))
        errors.push({
          file: `content/modules/${m.id}/module.yaml`,
          path: `prerequisites.${i}`,
          message: `unknown module "${p}"`,
        })
    })
  const cycle = findCycle(
    [...modules.values()].map((m) => [m.id, m.prerequisites.filter((p) => modules.has(p))]),
  )
  if (cycle)
    errors.push({
      file: `content/modules/${cycle[0]}/module.yaml`,
      path: 'prerequisites',
      message: `prerequisite cycle: ${cycle.join(' → ')}`,
    })

  const curricula: Curriculum[] = []
  const curriculaDir = path.join(contentDir, 'curricula')
  const files = existsSync(curriculaDir)
    ? (await readdir(curriculaDir)).filter((f) => f.endsWith('.yaml')).sort()
    : []
  for (const f of files) {
    const rel = `content/curricula/${f}`
    const c = await readYaml(path.join(curriculaDir, f), rel, CurriculumSchema, errors)
    if (!c) continue
    const before = errors.length
    if (`${c.id}.yaml` !== f)
      errors.push({
        file: rel,
        path: 'id',
        message: `must equal the file name "${f.replace(/\.yaml$/, '')}"`,
      })
    if (!nice.workRoles.has(c.workRole))
      errors.push({ file: rel, path: 'workRole', message: `unknown NICE work role "${c.workRole}"` })
    c.modules.forEach((id, i) => {
      if (!modules.has(id))
        errors.push({ file: rel, path: `modules.${i}`, message: `unknown module "${id}"` })
    })
    if (errors.length === before) curricula.push(c)
  }

  const briefings = new Map<string, LoadedBriefing>()
  for (const name of await dirs(path.join(contentDir, 'briefings'))) {
    const dir = path.join(contentDir, 'briefings', name)
    const rel = `content/briefings/${name}/briefing.yaml`
    if (!existsSync(path.join(dir, 'briefing.yaml'))) {
      errors.push({ file: `content/briefings/${name}`, path: '', message: 'missing briefing.yaml' })
      continue
    }
    const before = errors.length
    const b = await readYaml(path.join(dir, 'briefing.yaml'), rel, BriefingSchema, errors)
    if (!b) continue
    if (b.id !== name) errors.push({ file: rel, path: 'id', message: `must equal the folder name "${name}"` })
    checkStatements(rel, 'statements', b.statements)
    checkQuiz(rel, b.quiz)
    const sourceIds = new Set<string>()
    b.sources.forEach((s, i) => {
      if (sourceIds.has(s.id))
        errors.push({ file: rel, path: `sources.${i}.id`, message: `duplicate source id "${s.id}"` })
      sourceIds.add(s.id)
    })
    if (b.tabletop) {
      b.tabletop.injects.forEach((inj, i) => {
        const rec = inj.decisions.filter((d) => d.recommended).length
        if (rec !== 1)
          errors.push({
            file: rel,
            path: `tabletop.injects.${i}.decisions`,
            message: `exactly one decision must be recommended (found ${rec})`,
          })
      })
      if (b.tabletop.linkedLab && !labIds.has(b.tabletop.linkedLab))
        errors.push({
          file: rel,
          path: 'tabletop.linkedLab',
          message: `no lab package "${b.tabletop.linkedLab}" under labs/`,
        })
    }
    const briefFiles: LoadedBriefing['briefFiles'] = {}
    for (const lang of LANGS) {
      const file = path.join(dir, `brief.${lang}.mdx`)
      const frel = `content/briefings/${name}/brief.${lang}.mdx`
      if (existsSync(file)) {
        briefFiles[lang] = file
        await checkMdx(file, frel, errors)
        // Sources cited in the text must exist: <Source id="..."/>.
        for (const m of (await readFile(file, 'utf8')).matchAll(/<Source\s+id="([^"]+)"/g))
          if (!sourceIds.has(m[1]!))
            errors.push({
              file: frel,
              path: '',
              message: `<Source id="${m[1]}"> is not in briefing.yaml sources`,
            })
      } else
        warnings.push({
          file: frel,
          path: '',
          message: `missing: the ${lang === 'ja' ? 'English' : 'Japanese'} text is shown with a notice`,
        })
    }
    if (!briefFiles.ja && !briefFiles.en)
      errors.push({ file: rel, path: '', message: 'no brief text in either language' })
    if (errors.length === before) briefings.set(b.id, { ...b, dir, briefFiles })
  }
  return { curricula, modules, briefings, errors, warnings }
}

/** A cycle in a dependency list, as the ids along it (first repeated at the end), or null. */
export function findCycle(graph: ReadonlyArray<[string, ReadonlyArray<string>]>): string[] | null {
  const next = new Map(graph)
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const visit = (id: string): string[] | null => {
    if (state.get(id) === 'done') return null
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id]
    state.set(id, 'visiting')
    stack.push(id)
    for (const n of next.get(id) ?? []) {
      const c = visit(n)
      if (c) return c
    }
    stack.pop()
    state.set(id, 'done')
    return null
  }
  for (const [id] of graph) {
    const c = visit(id)
    if (c) return c
  }
  return null
}
