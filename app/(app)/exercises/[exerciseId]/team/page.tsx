import { notFound } from 'next/navigation'
import { requirePage } from '@/lib/auth/session'
import { isDomainError } from '@/lib/errors'
import { teamSnapshot } from '@/lib/exercises/store'
import type { TeamSnapshot } from '@/lib/exercises/types'
import { getLab, stepSource } from '@/lib/labs/catalog'
import { renderMdx } from '@/lib/content/mdx'
import { currentLocale } from '@/lib/i18n/current'
import { appTimeZone } from '@/lib/i18n/time-zone'
import { TeamView, type ScenarioStep } from '@/components/exercises/TeamView'

export const metadata = { title: 'My team' }

/**
 * A member's team view of an exercise: their team's snapshot (live over SSE) and the lab's scenario
 * steps, rendered here on the server from the lab package's MDX like the lab page does.
 */
export default async function ExerciseTeamPage({ params }: { params: Promise<{ exerciseId: string }> }) {
  const viewer = await requirePage('/exercises/[exerciseId]/team')
  const { exerciseId } = await params
  if (!/^[a-z0-9]{1,40}$/i.test(exerciseId)) notFound()
  const lang = await currentLocale()
  let snapshot: TeamSnapshot
  try {
    snapshot = await teamSnapshot(viewer, exerciseId, lang)
  } catch (err) {
    if (isDomainError(err) && err.code === 'NOT_FOUND') notFound()
    throw err
  }
  const entry = await getLab(snapshot.exercise.labId)
  const steps: ScenarioStep[] = entry
    ? await Promise.all(
        entry.lab.manifest.steps.map(async (s) => {
          const src = await stepSource(entry.lab, s.id, lang)
          return {
            id: s.id,
            title: s.title[lang] || s.title.en,
            fallback: !!src && src.lang !== lang,
            body: src ? await renderMdx(src.source) : null,
          }
        }),
      )
    : []
  return <TeamView initial={snapshot} steps={steps} timeZone={appTimeZone()} lang={lang} />
}
