'use client'
import { useState, useTransition } from 'react'
import { useRouter } from 'next/navigation'
import { useTranslations } from 'next-intl'
import { createExerciseAction } from '@/app/(app)/exercises/actions'
import { useErrorText } from './parts'

type Lab = { id: string; title: string; team: boolean; hosts: number }
type Person = { userId: string; name: string; email: string; role: string }

const FIELDS = ['title', 'labId', 'startsAt', 'durationMinutes', 'teamSize', 'member'] as const

/** The instructor's form to schedule an exercise: title, lab, window, team size and participants. */
export function NewExerciseForm({
  labs,
  people,
  defaultStart,
  timeZone,
}: {
  labs: Lab[]
  people: Person[]
  defaultStart: string
  timeZone: string
}) {
  const t = useTranslations('exercises')
  const errorText = useErrorText()
  const router = useRouter()
  const [pending, start] = useTransition()
  const [error, setError] = useState<string | null>(null)
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({})
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [filter, setFilter] = useState('')
  const [teamSize, setTeamSize] = useState(4)

  const q = filter.trim().toLowerCase()
  const shown = q
    ? people.filter((p) => p.name.toLowerCase().includes(q) || p.email.toLowerCase().includes(q))
    : people
  const teamLabs = labs.filter((l) => l.team)
  const soloLabs = labs.filter((l) => !l.team)
  const teams = selected.size ? Math.ceil(selected.size / teamSize) : 0
  const err = (name: (typeof FIELDS)[number]) => (fieldErrors[name] ? t(`new.fieldErrors.${name}`) : null)
  const described = (name: (typeof FIELDS)[number], hint?: string) =>
    fieldErrors[name] ? `nx-${name}-err` : hint

  const toggle = (id: string, on: boolean) =>
    setSelected((cur) => {
      const next = new Set(cur)
      if (on) next.add(id)
      else next.delete(id)
      return next
    })

  return (
    <form
      className="stack card ex-new"
      data-testid="new-exercise-form"
      aria-busy={pending}
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        const fd = new FormData(e.currentTarget)
        fd.delete('member')
        for (const id of selected) fd.append('member', id)
        start(async () => {
          setError(null)
          setFieldErrors({})
          const r = await createExerciseAction(fd)
          if (!r.ok) {
            setFieldErrors(r.fieldErrors ?? {})
            setError(errorText(r))
            return
          }
          const id = r.data?.exerciseId
          router.push(id ? `/exercises/${id}` : '/exercises')
        })
      }}
    >
      <div aria-live="polite">
        {error ? (
          <div className="alert error" role="alert" data-testid="form-error">
            <p style={{ margin: 0 }}>{error}</p>
            {Object.keys(fieldErrors).length ? (
              <ul style={{ margin: '6px 0 0' }}>
                {Object.keys(fieldErrors).map((f) => (
                  <li key={f}>
                    {(FIELDS as readonly string[]).includes(f)
                      ? t(`new.fieldErrors.${f}`)
                      : t('errors.generic')}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
      </div>
      <fieldset disabled={pending} className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
        <div className="field">
          <label htmlFor="nx-title">{t('new.name')}</label>
          <input
            id="nx-title"
            name="title"
            type="text"
            required
            maxLength={120}
            aria-invalid={err('title') ? true : undefined}
            aria-describedby={described('title')}
          />
          {err('title') ? (
            <p className="field-error" id="nx-title-err">
              {err('title')}
            </p>
          ) : null}
        </div>

        <div className="field">
          <label htmlFor="nx-lab">{t('new.lab')}</label>
          <select
            id="nx-lab"
            name="labId"
            required
            defaultValue={teamLabs[0]?.id ?? ''}
            aria-invalid={err('labId') ? true : undefined}
            aria-describedby={described('labId', 'nx-lab-hint')}
          >
            {labs.length === 0 ? (
              <option value="" disabled>
                {t('new.noLabs')}
              </option>
            ) : null}
            {teamLabs.length ? (
              <optgroup label={t('new.teamLabs')}>
                {teamLabs.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.title} — {t('new.hosts', { count: l.hosts })}
                  </option>
                ))}
              </optgroup>
            ) : null}
            {soloLabs.length ? (
              <optgroup label={t('new.soloLabs')}>
                {soloLabs.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.title}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
          {err('labId') ? (
            <p className="field-error" id="nx-labId-err">
              {err('labId')}
            </p>
          ) : (
            <p className="hint" id="nx-lab-hint">
              {t('new.labHint')}
            </p>
          )}
        </div>

        <div className="ex-new-row">
          <div className="field">
            <label htmlFor="nx-start">{t('new.startsAt', { zone: timeZone })}</label>
            <input
              id="nx-start"
              name="startsAt"
              type="datetime-local"
              required
              defaultValue={defaultStart}
              className="ex-input"
              aria-invalid={err('startsAt') ? true : undefined}
              aria-describedby={described('startsAt')}
            />
            {err('startsAt') ? (
              <p className="field-error" id="nx-startsAt-err">
                {err('startsAt')}
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="nx-duration">{t('new.duration')}</label>
            <input
              id="nx-duration"
              name="durationMinutes"
              type="number"
              min={15}
              max={720}
              step={5}
              required
              defaultValue={120}
              aria-invalid={err('durationMinutes') ? true : undefined}
              aria-describedby={described('durationMinutes')}
            />
            {err('durationMinutes') ? (
              <p className="field-error" id="nx-durationMinutes-err">
                {err('durationMinutes')}
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="nx-size">{t('new.teamSize')}</label>
            <select
              id="nx-size"
              name="teamSize"
              value={String(teamSize)}
              onChange={(e) => setTeamSize(Number(e.target.value))}
              aria-invalid={err('teamSize') ? true : undefined}
              aria-describedby={described('teamSize', 'nx-size-hint')}
            >
              {[1, 2, 3, 4].map((n) => (
                <option key={n} value={String(n)}>
                  {n}
                </option>
              ))}
            </select>
            {err('teamSize') ? (
              <p className="field-error" id="nx-teamSize-err">
                {err('teamSize')}
              </p>
            ) : (
              <p className="hint" id="nx-size-hint">
                {t('new.teamSizeHint')}
              </p>
            )}
          </div>
        </div>

        <fieldset className="ex-people" aria-describedby={described('member', 'nx-people-count')}>
          <legend>{t('new.participants')}</legend>
          {people.length === 0 ? (
            <p className="empty">{t('new.noPeople')}</p>
          ) : (
            <>
              <div className="row">
                <label htmlFor="nx-filter" className="sr-only">
                  {t('new.filter')}
                </label>
                <input
                  id="nx-filter"
                  type="search"
                  placeholder={t('new.filter')}
                  value={filter}
                  onChange={(e) => setFilter(e.target.value)}
                  style={{ flex: 1, minWidth: 200 }}
                />
                <button
                  type="button"
                  className="secondary"
                  onClick={() => setSelected((cur) => new Set([...cur, ...shown.map((p) => p.userId)]))}
                >
                  {t('new.selectShown')}
                </button>
                <button type="button" className="secondary" onClick={() => setSelected(new Set())}>
                  {t('new.clear')}
                </button>
              </div>
              <p className="hint" id="nx-people-count" aria-live="polite">
                {t('new.selectedCount', { count: selected.size, teams })}
              </p>
              {err('member') ? (
                <p className="field-error" id="nx-member-err">
                  {err('member')}
                </p>
              ) : null}
              <ul className="ex-people-list" data-testid="participants">
                {people.map((p) => (
                  <li key={p.userId} hidden={!shown.includes(p)}>
                    <label className="ex-person">
                      <input
                        type="checkbox"
                        value={p.userId}
                        checked={selected.has(p.userId)}
                        onChange={(e) => toggle(p.userId, e.target.checked)}
                        data-testid="participant"
                        data-email={p.email}
                      />
                      <span>
                        <strong>{p.name}</strong> <span className="muted">{p.email}</span>
                      </span>
                      <span className="badge muted">{p.role}</span>
                    </label>
                  </li>
                ))}
              </ul>
            </>
          )}
        </fieldset>

        <div>
          <button type="submit" data-testid="create-exercise">
            {pending ? t('new.submitting') : t('new.submit')}
          </button>
        </div>
      </fieldset>
    </form>
  )
}
