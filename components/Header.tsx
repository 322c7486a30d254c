import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import type { Viewer } from '@/lib/auth/session'
import { can, type Permission } from '@/lib/auth/rbac'
import { NavLinks } from './NavLinks'
import { LanguageSwitch } from './LanguageSwitch'
import { SignOutButton } from './SignOutButton'
import type { Locale } from '@/lib/i18n/locale'

const NAV: {
  href: string
  permission: Permission
  key: 'learn' | 'curricula' | 'progress' | 'briefings' | 'labs' | 'exercises' | 'exec' | 'team' | 'hr' | 'orgRoles' | 'frameworks' | 'admin'
}[] = [
  { href: '/learn', permission: 'home:learner', key: 'learn' },
  { href: '/learn/curricula', permission: 'learn:use', key: 'curricula' },
  { href: '/progress', permission: 'home:learner', key: 'progress' },
  { href: '/labs', permission: 'lab:use', key: 'labs' },
  // Exercise days: members join their team here; for instructors (exercise:run) it is their home.
  { href: '/exercises', permission: 'lab:use', key: 'exercises' },
  { href: '/briefings', permission: 'brief:use', key: 'briefings' },
  { href: '/exec', permission: 'home:executive', key: 'exec' },
  { href: '/team', permission: 'home:manager', key: 'team' },
  { href: '/hr', permission: 'home:hr', key: 'hr' },
  { href: '/roles', permission: 'roles:read', key: 'orgRoles' },
  { href: '/frameworks', permission: 'frameworks:read', key: 'frameworks' },
  { href: '/admin', permission: 'home:admin', key: 'admin' },
]

export async function Header({ viewer, locale }: { viewer: Viewer | null; locale: Locale }) {
  const t = await getTranslations()
  // Instructors land on /exercises (HOME_OF): their menu starts with it too.
  const nav = viewer?.role === 'instructor' ? [...NAV.filter((n) => n.key === 'exercises'), ...NAV.filter((n) => n.key !== 'exercises')] : NAV
  const links = viewer
    ? nav.filter((n) => can(viewer.role, n.permission)).map((n) => ({
        href: n.href,
        label: t(`nav.${n.key}`),
      }))
    : []
  if (viewer && can(viewer.role, 'profile:edit')) links.push({ href: '/settings', label: t('nav.settings') })
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        {t('common.skipToContent')}
      </a>
      <div className="inner">
        <Link href="/" className="brand">
          Kenshu <small>研修 · {t('common.appTagline')}</small>
        </Link>
        <NavLinks links={links} label={t('nav.primary')} />
        <div className="user-box">
          <LanguageSwitch current={locale} />
          {viewer ? (
            <>
              <div className="who" data-testid="viewer">
                <span>
                  <span className="sr-only">{t('nav.signedInAs', { name: '' })}</span>
                  <strong data-testid="viewer-name">{viewer.name}</strong>
                </span>
                <span>
                  <span className="badge" data-testid="viewer-role">
                    {t(`roles.${viewer.role}`)}
                  </span>{' '}
                  {viewer.organizationName}
                </span>
              </div>
              <SignOutButton label={t('common.signOut')} />
            </>
          ) : (
            <Link className="button" href="/signin">
              {t('common.signIn')}
            </Link>
          )}
        </div>
      </div>
    </header>
  )
}
