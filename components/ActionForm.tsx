'use client'
import { useActionState, useEffect, useRef } from 'react'
import { useTranslations } from 'next-intl'
import { useRouter } from 'next/navigation'
import type { ActionResult } from '@/lib/http/action-result'

type Props = {
  action: (formData: FormData) => Promise<ActionResult>
  children: React.ReactNode
  /** i18n key of the message shown on success; `{...}` values come from the result's data. */
  successKey?: string
  className?: string
  resetOnSuccess?: boolean
  testId?: string
  /** Render the success data (e.g. a one-time link) under the message. */
  showDataKey?: string
}

/**
 * A form bound to a server action that returns an ActionResult. Shows translated errors (field-level
 * and global) and success messages in a live region. Every string the user typed is rendered as text.
 */
export function ActionForm({
  action,
  children,
  successKey,
  className = 'stack',
  resetOnSuccess,
  testId,
  showDataKey,
}: Props) {
  const t = useTranslations()
  const formRef = useRef<HTMLFormElement>(null)
  const router = useRouter()
  const [state, formAction, pending] = useActionState<ActionResult | null, FormData>(async (_prev, fd) => {
    let result: ActionResult
    try {
      result = await action(fd)
    } catch {
      return { ok: false, code: 'INVALID', message: 'unexpected' }
    }
    // An action that created or changed something may name where to go next (same-origin paths only).
    // Navigate here, not in an effect: the form itself may be gone after the page re-renders.
    const to = result.ok ? result.data?.redirect : undefined
    if (to && to.startsWith('/') && !to.startsWith('//')) router.push(to)
    return result
  }, null)

  useEffect(() => {
    if (state?.ok && resetOnSuccess) formRef.current?.reset()
  }, [state, resetOnSuccess])

  return (
    <form ref={formRef} action={formAction} className={className} data-testid={testId} aria-busy={pending}>
      <div aria-live="polite">
        {state && !state.ok ? (
          <div className="alert error" role="alert" data-testid="form-error">
            <p style={{ margin: 0 }}>{t(`errors.${state.message ?? state.code}`)}</p>
            {state.fieldErrors ? (
              <ul style={{ margin: '6px 0 0' }}>
                {Object.entries(state.fieldErrors).map(([field, msgs]) => (
                  <li key={field}>
                    <span className="mono">{field}</span>:{' '}
                    {msgs.map((m) => (t.has(`errors.${m}`) ? t(`errors.${m}`) : m)).join(' ')}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        {state?.ok && successKey ? (
          <div className="alert success" role="status" data-testid="form-success">
            <p style={{ margin: 0 }}>{t(successKey, state.data ?? {})}</p>
            {showDataKey && state.data?.[showDataKey] ? (
              <p className="token" style={{ margin: '8px 0 0' }}>
                {state.data[showDataKey]}
              </p>
            ) : null}
          </div>
        ) : null}
      </div>
      <fieldset disabled={pending} style={{ border: 0, padding: 0, margin: 0 }} className="stack">
        {children}
      </fieldset>
    </form>
  )
}
