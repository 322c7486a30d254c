import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { currentLocale } from '@/lib/i18n/current'
import { contentCatalog } from '@/lib/content/catalog'
import { completion } from '@/lib/content/progress-store'
import { PrintButton } from '@/components/content/PrintButton'
import { appTimeZone } from '@/lib/i18n/time-zone'

export const metadata = { title: 'Certificate' }

/** The viewer's own certificate for a completed briefing, module or curriculum (print to PDF). */
export default async function CertificatePage({
  params,
}: {
  params: Promise<{ kind: string; itemId: string }>
}) {
  const viewer = await requirePage('/certificates/[kind]/[itemId]')
  const { kind, itemId } = await params
  if (kind !== 'briefing' && kind !== 'module' && kind !== 'curriculum') notFound()
  const lang = await currentLocale()
  const c = await contentCatalog()
  const title =
    kind === 'briefing'
      ? c.briefings.get(itemId)?.title
      : kind === 'module'
        ? c.modules.get(itemId)?.title
        : c.curricula.find((x) => x.id === itemId)?.title
  if (!title) notFound()
  const done = await completion({ userId: viewer.id, organizationId: viewer.organizationId }, kind, itemId)
  if (!done) notFound()
  const t = await getTranslations('content')
  const date = new Intl.DateTimeFormat(lang, { timeZone: appTimeZone(), dateStyle: 'long' }).format(done.completedAt)
  return (
    <>
      <div className="certificate" data-testid="certificate">
        <p className="muted">{t('certificateOf')}</p>
        <h1>{title[lang]}</h1>
        <p>{t('certifies', { name: viewer.name })}</p>
        <p className="lead">{t(`kind.${kind}`)}</p>
        <p>
          {viewer.organizationName} · {date}
        </p>
      </div>
      <p className="no-print" style={{ textAlign: 'center' }}>
        <PrintButton label={t('print')} />
      </p>
    </>
  )
}
