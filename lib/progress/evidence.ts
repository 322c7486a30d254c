/**
 * Evidence rules (pure). One scale everywhere (docs/DESIGN: 0 none · 1 basic · 2 intermediate ·
 * 3 advanced · 4 expert): what level each kind of evidence can prove. The progress capability (issue
 * #6) turns evidence into proficiency; labs and content only record it through `recordEvidence`.
 */
export const EVIDENCE_KINDS = [
  'lab-task',
  'lab-complete-no-hints',
  'quiz',
  'briefing',
  'assessment',
  'attestation',
] as const
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number]

/** The highest proficiency level a kind of evidence supports. */
export const LEVEL_OF: Record<EvidenceKind, number> = {
  briefing: 1,
  quiz: 1,
  'lab-task': 2,
  'lab-complete-no-hints': 3,
  assessment: 3,
  attestation: 4,
}

export type EvidenceInput = {
  userId: string
  organizationId: string
  frameworkId: string
  statementIds: ReadonlyArray<string>
  kind: EvidenceKind
  score?: number
  sourceType: string
  sourceId: string
  note?: string
  /** The level shown (attestations say which level); never above what the kind can prove. */
  level?: number
}

/**
 * Level a lab completion proves: without hints at level B or C it is advanced (3); at level A, or
 * with hints, each passed task already proved intermediate (2) and completion adds nothing higher.
 */
export function labCompletionKind(level: 'A' | 'B' | 'C', passedWithoutHints: boolean): EvidenceKind | null {
  return passedWithoutHints && level !== 'A' ? 'lab-complete-no-hints' : null
}

/** One row per statement; ids de-duplicated and sorted for stable writes. */
export function evidenceRows(e: EvidenceInput) {
  return [...new Set(e.statementIds)].sort().map((statementId) => ({
    userId: e.userId,
    organizationId: e.organizationId,
    statementId,
    frameworkId: e.frameworkId,
    kind: e.kind,
    level: Math.max(0, Math.min(e.level ?? LEVEL_OF[e.kind], LEVEL_OF[e.kind])),
    score: e.score ?? null,
    sourceType: e.sourceType,
    sourceId: e.sourceId,
    note: e.note ?? null,
  }))
}
