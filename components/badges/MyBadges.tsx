import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import { badgesOf } from '@/lib/badges/store'
import { appTimeZone } from '@/lib/i18n/time-zone'

/**
 * The viewer's Open Badges with links to their public verification pages (server component). Pass the
 * signed-in viewer's own id: the list is theirs to share.
 */
export async function MyBadges({ userId, lang }: { userId: string; lang: 'ja' | 'en' }) {
  const [t, badges] = await Promise.all([getTranslations('badges'), badgesOf(userId)])
  const fmt = new Intl.DateTimeFormat(lang, { timeZone: appTimeZone(), dateStyle: 'medium' })
  return (
    <section className="card" data-testid="my-badges" aria-labelledby="my-badges-title">
      <h2 id="my-badges-title">{t('mineTitle')}</h2>
      {badges.length === 0 ? (
        <p className="empty">{t('mineEmpty')}</p>
      ) : (
        <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {badges.map((b) => (
            <li key={b.id} className="row" data-testid="my-badge">
              <div style={{ flex: 1 }}>
                <strong>{b.name}</strong>{' '}
                {b.revokedAt ? <span className="badge danger">{t('revoked')}</span> : null}
                <div className="hint">
                  {t(`kind.${b.kind}`)} · {fmt.format(b.issuedAt)}
                </div>
              </div>
              <Link href={`/badges/${b.id}`}>{t('share')}</Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
