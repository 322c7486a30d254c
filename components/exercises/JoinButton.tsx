'use client'
import { useState, useTransition } from 'react'
import { useRouter } from 'next/navigation'
import { useTranslations } from 'next-intl'
import { joinExerciseAction } from '@/app/(app)/exercises/actions'
import { fields, useErrorText } from './parts'

/** "Join your team": records the member as present (their environment starts) and opens the team view. */
export function JoinButton({ exerciseId }: { exerciseId: string }) {
  const t = useTranslations('exercises')
  const errorText = useErrorText()
  const router = useRouter()
  const [pending, start] = useTransition()
  const [error, setError] = useState<string | null>(null)
  return (
    <span className="row">
      <button
        type="button"
        disabled={pending}
        data-testid="join-exercise"
        onClick={() =>
          start(async () => {
            setError(null)
            const r = await joinExerciseAction(fields({ exerciseId }))
            if (!r.ok) {
              setError(errorText(r))
              return
            }
            router.push(`/exercises/${exerciseId}/team`)
          })
        }
      >
        {pending ? t('list.joining') : t('list.join')}
      </button>
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  )
}
