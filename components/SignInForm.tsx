'use client'
import { useState } from 'react'
import { signIn } from 'next-auth/react'
import { useTranslations } from 'next-intl'

const ERROR_KEYS: Record<string, 'invalid' | 'locked' | 'noAccount' | 'generic'> = {
  CredentialsSignin: 'invalid',
  Locked: 'locked',
  NoAccount: 'noAccount',
  AccessDenied: 'noAccount',
}

export function SignInForm({ callbackUrl, initialError, oidcName }: { callbackUrl?: string; initialError?: string; oidcName: string | null }) {
  const t = useTranslations('signin')
  const [error, setError] = useState<string | undefined>(initialError ? (ERROR_KEYS[initialError] ?? 'generic') : undefined)
  const [pending, setPending] = useState(false)

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault()
    setPending(true)
    setError(undefined)
    const fd = new FormData(e.currentTarget)
    const res = await signIn('credentials', {
      email: (fd.get('email') as string | null) ?? '',
      password: (fd.get('password') as string | null) ?? '',
      redirect: false,
    })
    if (res?.ok && !res.error) {
      // A full navigation so the server renders the new session (header, locale, home by role).
      window.location.assign(callbackUrl ?? '/')
      return
    }
    setPending(false)
    setError(ERROR_KEYS[res?.error ?? ''] ?? 'generic')
  }

  return (
    <>
      {error ? (
        <p className="alert error" role="alert" data-testid="signin-error">
          {t(error)}
        </p>
      ) : null}
      <form className="stack" onSubmit={(e) => void onSubmit(e)} noValidate>
        <div>
          <label htmlFor="email">{t('email')}</label>
          <input id="email" name="email" type="email" autoComplete="username" required maxLength={254} />
        </div>
        <div>
          <label htmlFor="password">{t('password')}</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required maxLength={256} />
        </div>
        <button type="submit" disabled={pending}>
          {pending ? t('submitting') : t('submit')}
        </button>
      </form>
      {oidcName ? (
        <div className="stack" style={{ marginTop: 16 }}>
          <p className="muted" style={{ textAlign: 'center', margin: 0 }}>
            {t('or')}
          </p>
          <button type="button" className="secondary" onClick={() => void signIn('oidc', { callbackUrl: callbackUrl ?? '/' })}>
            {t('sso', { name: oidcName })}
          </button>
        </div>
      ) : null}
    </>
  )
}
