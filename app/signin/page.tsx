import { redirect } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { getViewer } from '@/lib/auth/session'
import { HOME_OF } from '@/lib/auth/rbac'
import { oidcConfig } from '@/lib/env'
import { SignInForm } from '@/components/SignInForm'
import { safeCallbackUrl } from '@/lib/http/callback-url'

export const metadata = { title: 'Sign in' }

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams
  const viewer = await getViewer()
  const callbackUrl = safeCallbackUrl(typeof params.callbackUrl === 'string' ? params.callbackUrl : undefined)
  if (viewer) redirect(callbackUrl ?? HOME_OF[viewer.role])
  const t = await getTranslations('signin')
  const error = typeof params.error === 'string' ? params.error : undefined
  const oidc = oidcConfig()
  return (
    <div className="signin-wrap">
      <div className="card">
        <h1>{t('title')}</h1>
        {params.signedOut ? (
          <p className="alert success" role="status">
            {t('signedOut')}
          </p>
        ) : null}
        <SignInForm callbackUrl={callbackUrl} initialError={error} oidcName={oidc?.name ?? null} />
      </div>
    </div>
  )
}
