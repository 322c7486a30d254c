/**
 * Tabletop exercise rules (pure): validating a run's choices and the after-action summary that
 * compares them with recommended practice.
 */
import { IMPACTS, type Tabletop } from './schema'
import type { Lang } from './load'

export type TabletopChoices = Record<string, string>
export type Impact = (typeof IMPACTS)[number]

/** Problems with submitted choices (unknown inject or decision, missing inject), or [] when complete. */
export function choiceProblems(t: Tabletop, choices: TabletopChoices): string[] {
  const problems: string[] = []
  const injects = new Map(t.injects.map((i) => [i.id, i]))
  for (const key of Object.keys(choices)) if (!injects.has(key)) problems.push(`unknown inject "${key}"`)
  for (const inj of t.injects) {
    const c = choices[inj.id]
    if (c === undefined) problems.push(`no decision for "${inj.id}"`)
    else if (!inj.decisions.some((d) => d.id === c)) problems.push(`unknown decision "${c}" for "${inj.id}"`)
  }
  return problems
}

export type AfterAction = {
  totals: Record<Impact, number>
  recommendedTotals: Record<Impact, number>
  matches: number
  steps: {
    injectId: string
    title: string
    chosen: { id: string; label: string; consequence: string }
    recommended: { id: string; label: string; consequence: string }
    matched: boolean
    impact: Record<Impact, number>
  }[]
}

const zero = (): Record<Impact, number> => ({ cost: 0, downtime: 0, reputation: 0, legal: 0 })

export function afterAction(t: Tabletop, choices: TabletopChoices, lang: Lang): AfterAction {
  const totals = zero()
  const recommendedTotals = zero()
  const steps = t.injects.map((inj) => {
    const chosen = inj.decisions.find((d) => d.id === choices[inj.id]) ?? inj.decisions[0]!
    const rec = inj.decisions.find((d) => d.recommended) ?? inj.decisions[0]!
    for (const k of IMPACTS) {
      totals[k] += chosen.impact[k]
      recommendedTotals[k] += rec.impact[k]
    }
    return {
      injectId: inj.id,
      title: inj.title[lang],
      chosen: { id: chosen.id, label: chosen.label[lang], consequence: chosen.consequence[lang] },
      recommended: { id: rec.id, label: rec.label[lang], consequence: rec.consequence[lang] },
      matched: chosen.id === rec.id,
      impact: { ...chosen.impact },
    }
  })
  return { totals, recommendedTotals, matches: steps.filter((s) => s.matched).length, steps }
}
