import Link from 'next/link'
import { getTranslations } from 'next-intl/server'
import { requirePage } from '@/lib/auth/session'
import { isRole } from '@/lib/auth/rbac'
import { newExerciseForm } from '@/lib/exercises/store'
import { currentLocale } from '@/lib/i18n/current'
import { appTimeZone } from '@/lib/i18n/time-zone'
import { localDateTimeIn } from '@/lib/assignments/status'
import { NewExerciseForm } from '@/components/exercises/NewExerciseForm'

export const metadata = { title: 'Schedule an exercise' }

/** The next full hour after `now` in `timeZone`, as `<input type="datetime-local">` wants it. */
function nextHourLocal(now: Date, timeZone: string): string {
  return localDateTimeIn(new Date(Math.ceil((now.getTime() + 60_000) / 3_600_000) * 3_600_000), timeZone)
}

export default async function NewExercisePage() {
  const viewer = await requirePage('/exercises/new')
  const [t, tr, lang, form] = await Promise.all([
    getTranslations('exercises'),
    getTranslations('roles'),
    currentLocale(),
    newExerciseForm(viewer),
  ])
  const labs = form.labs
    .map((l) => ({ id: l.id, title: l.title[lang] || l.title.en, team: l.team, hosts: l.hosts }))
    .sort((a, b) => Number(b.team) - Number(a.team) || a.title.localeCompare(b.title, lang))
  const people = form.people.map((p) => ({
    userId: p.userId,
    name: p.name,
    email: p.email,
    role: isRole(p.role) ? tr(p.role) : p.role,
  }))
  const timeZone = appTimeZone()
  return (
    <>
      <p className="no-print">
        <Link href="/exercises">← {t('title')}</Link>
      </p>
      <h1>{t('new.title')}</h1>
      <p className="lead">{t('new.lead')}</p>
      <NewExerciseForm
        labs={labs}
        people={people}
        defaultStart={nextHourLocal(new Date(), timeZone)}
        timeZone={timeZone}
      />
    </>
  )
}
