import Link from 'next/link'
import { getTranslations } from 'next-intl/server'

/** Sub-navigation shared by the roles, career paths and coverage pages (one capability, three views). */
export async function RolesTabs({ current }: { current: 'roles' | 'career' | 'coverage' }) {
  const t = await getTranslations('nav')
  const tabs = [
    { key: 'roles', href: '/roles', label: t('orgRoles') },
    { key: 'career', href: '/career-paths', label: t('careerPaths') },
    { key: 'coverage', href: '/coverage', label: t('coverage') },
  ] as const
  return (
    <nav className="sub-tabs" aria-label={t('orgRoles')}>
      {tabs.map((tab) => (
        <Link key={tab.key} href={tab.href} aria-current={tab.key === current ? 'page' : undefined}>
          {tab.label}
        </Link>
      ))}
    </nav>
  )
}
