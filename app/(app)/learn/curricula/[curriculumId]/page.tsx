import Link from 'next/link'
import { notFound } from 'next/navigation'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { currentLocale } from '@/lib/i18n/current'
import { contentCatalog } from '@/lib/content/catalog'
import { completionsFor } from '@/lib/content/progress-store'
import { getFramework } from '@/lib/frameworks/catalog'
import { moduleStatements } from '@/lib/content/filter'

export const metadata = { title: 'Curriculum' }

export default async function CurriculumPage({ params }: { params: Promise<{ curriculumId: string }> }) {
  const viewer = await requirePage('/learn/curricula/[curriculumId]')
  const { curriculumId } = await params
  const lang = await currentLocale()
  const [t, c, done] = await Promise.all([
    getTranslations('content'),
    contentCatalog(),
    completionsFor({ userId: viewer.id, organizationId: viewer.organizationId }),
  ])
  const cur = c.curricula.find((x) => x.id === curriculumId)
  if (!cur) notFound()
  const nice = getFramework('nice', '2.1.0')!
  const role = nice.workRoles.get(cur.workRole)!
  const roleStatements = new Set([...role.taskIds, ...role.knowledgeIds, ...role.skillIds])
  const covered = new Set(
    cur.modules.flatMap((id) => moduleStatements(c.modules.get(id)!)).filter((s) => roleStatements.has(s)),
  )
  const completed = new Set(done.map((d) => `${d.itemType}:${d.itemId}`))
  const finished = completed.has(`curriculum:${cur.id}`)
  return (
    <>
      <p>
        <Link href="/learn/curricula">← {t('curriculaTitle')}</Link>
      </p>
      <h1>{cur.title[lang]}</h1>
      <p className="lead">{cur.summary[lang]}</p>
      <p className="hint" data-testid="curriculum-coverage">
        {t('curriculumCovers', { role: role.title, covered: covered.size, total: roleStatements.size })}
      </p>
      {finished ? (
        <p className="alert success">
          {t('curriculumDone')} <Link href={`/certificates/curriculum/${cur.id}`}>{t('certificate')}</Link>
        </p>
      ) : null}
      <ol className="stack">
        {cur.modules.map((id) => {
          const m = c.modules.get(id)!
          return (
            <li key={id} className="card">
              <Link href={`/learn/modules/${id}`}>
                <strong>{m.title[lang]}</strong>
              </Link>{' '}
              <span className="badge">{t(`level.${m.level}`)}</span>{' '}
              {completed.has(`module:${id}`) ? <span className="badge">{t('completed')}</span> : null}
              <p className="hint">{m.summary[lang]}</p>
              {m.prerequisites.length ? (
                <p className="hint">
                  {t('prerequisites')}:{' '}
                  {m.prerequisites.map((p) => c.modules.get(p)?.title[lang] ?? p).join(', ')}
                </p>
              ) : null}
            </li>
          )
        })}
      </ol>
    </>
  )
}
