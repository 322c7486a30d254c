import { notFound } from 'next/navigation'
import { requirePage } from '@/lib/auth/session'
import { isDomainError } from '@/lib/errors'
import { consoleSnapshot } from '@/lib/exercises/store'
import type { ConsoleSnapshot } from '@/lib/exercises/types'
import { currentLocale } from '@/lib/i18n/current'
import { appTimeZone } from '@/lib/i18n/time-zone'
import { ExerciseConsole } from '@/components/exercises/ExerciseConsole'

export const metadata = { title: 'Exercise console' }

/** The facilitator console of one exercise of the instructor's organisation (live over SSE). */
export default async function ExerciseConsolePage({ params }: { params: Promise<{ exerciseId: string }> }) {
  const viewer = await requirePage('/exercises/[exerciseId]')
  const { exerciseId } = await params
  if (!/^[a-z0-9]{1,40}$/i.test(exerciseId)) notFound()
  let snapshot: ConsoleSnapshot
  try {
    snapshot = await consoleSnapshot(viewer, exerciseId, await currentLocale())
  } catch (err) {
    if (isDomainError(err) && err.code === 'NOT_FOUND') notFound()
    throw err
  }
  return <ExerciseConsole initial={snapshot} timeZone={appTimeZone()} />
}
