/** Catalog filters for modules and briefings (pure). */
import type { LoadedModule, LoadedBriefing } from './load'
import { quizStatements } from './schema'

export function moduleStatements(m: Pick<LoadedModule, 'lessons' | 'labs' | 'quiz'>): string[] {
  return [
    ...new Set([
      ...m.lessons.flatMap((l) => l.statements),
      ...m.labs.flatMap((l) => l.statements),
      ...quizStatements(m.quiz),
    ]),
  ].sort()
}

export function briefingStatements(b: Pick<LoadedBriefing, 'statements' | 'quiz'>): string[] {
  return [...new Set([...b.statements, ...quizStatements(b.quiz)])].sort()
}

export type ModuleFilters = { q: string; role: string; statement: string; level: string; maxMinutes: number }

export function filterModules(
  modules: LoadedModule[],
  f: ModuleFilters,
  lang: 'ja' | 'en',
  roleStatements: (roleId: string) => Set<string> | null,
): LoadedModule[] {
  const q = f.q.trim().toLowerCase()
  const role = f.role ? roleStatements(f.role) : null
  return modules.filter((m) => {
    const st = moduleStatements(m)
    if (q && !`${m.title.ja} ${m.title.en} ${m.summary[lang]}`.toLowerCase().includes(q)) return false
    if (f.level && m.level !== f.level) return false
    if (f.statement && !st.includes(f.statement)) return false
    if (f.maxMinutes && m.lessons.reduce((a, l) => a + l.minutes, 0) > f.maxMinutes) return false
    if (f.role && (!role || !st.some((s) => role.has(s)))) return false
    return true
  })
}

export function filterBriefings(
  briefings: LoadedBriefing[],
  f: { q: string; statement: string; maxMinutes: number },
  lang: 'ja' | 'en',
): LoadedBriefing[] {
  const q = f.q.trim().toLowerCase()
  return briefings.filter((b) => {
    if (q && !`${b.title.ja} ${b.title.en} ${b.summary[lang]}`.toLowerCase().includes(q)) return false
    if (f.statement && !briefingStatements(b).includes(f.statement)) return false
    if (f.maxMinutes && b.minutes > f.maxMinutes) return false
    return true
  })
}
