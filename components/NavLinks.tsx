'use client'
import Link from 'next/link'
import { usePathname } from 'next/navigation'

export function NavLinks({ links, label }: { links: { href: string; label: string }[]; label: string }) {
  const pathname = usePathname()
  if (links.length === 0) return <div className="spacer" />
  return (
    <nav className="main-nav" aria-label={label}>
      {links.map((l) => (
        <Link key={l.href} href={l.href} aria-current={pathname === l.href || pathname.startsWith(`${l.href}/`) ? 'page' : undefined}>
          {l.label}
        </Link>
      ))}
    </nav>
  )
}
