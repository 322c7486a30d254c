import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestDb, postgresReachable, useTestDb, type TestDb } from '../support/databases'
import { getDb } from '@/lib/db/client'
import { seedDemo } from '@/lib/org/seed'
import { contentCatalog } from '@/lib/content/catalog'
import { completion, markRead, submitQuiz, submitTabletop } from '@/lib/content/progress-store'
import type { QuizAnswers } from '@/lib/content/quiz'
import type { Quiz } from '@/lib/content/schema'

// Reading, quizzes and tabletops against real databases: every attempt kept, a pass recorded as
// evidence exactly once even when submitted concurrently, completion only when every section is done.
const pgOk = await postgresReachable()
const kinds = ['sqlite', ...(pgOk ? ['postgres'] : [])] as const as readonly ('sqlite' | 'postgres')[]

const rightAnswers = (quiz: Quiz): QuizAnswers =>
  Object.fromEntries(
    quiz.questions.map((q) => [
      q.id,
      q.kind === 'single' ? q.answer : q.kind === 'multiple' ? q.answer : q.accept[0]!,
    ]),
  )

describe.each(kinds)('content progress on %s', (kind) => {
  let db: TestDb
  let who: { userId: string; organizationId: string }
  beforeAll(async () => {
    db = await createTestDb(kind)
    await useTestDb(db)
    await seedDemo()
    const u = await getDb().user.findUniqueOrThrow({
      where: { email: 'learner@demo.kenshu.local' },
      include: { memberships: true },
    })
    who = { userId: u.id, organizationId: u.memberships[0]!.organizationId }
  })
  afterAll(async () => db.drop())

  test('a module completes only after every lesson and a passed quiz; passes become evidence once', async () => {
    const m = [...(await contentCatalog()).modules.values()][0]!
    const wrong = await submitQuiz(who, 'module', m.id, {}, 'en')
    expect(wrong).toMatchObject({ passed: false, correct: 0, completed: false })
    const passes = await Promise.all([
      submitQuiz(who, 'module', m.id, rightAnswers(m.quiz), 'en'),
      submitQuiz(who, 'module', m.id, rightAnswers(m.quiz), 'ja'),
    ])
    expect(passes.every((p) => p.passed)).toBe(true)
    expect(await getDb().quizAttempt.count({ where: { userId: who.userId, itemId: m.id } })).toBe(3)
    // Two passing attempts are two sources; each statement once per attempt.
    const statements = new Set(m.quiz.questions.flatMap((q) => q.statements))
    expect(await getDb().evidence.count({ where: { userId: who.userId, kind: 'quiz' } })).toBe(
      statements.size * 2,
    )
    expect(await completion(who, 'module', m.id)).toBeNull()
    for (const l of m.lessons) await markRead(who, 'module', m.id, `lesson:${l.id}`)
    expect(await completion(who, 'module', m.id)).not.toBeNull()
    await expect(markRead(who, 'module', m.id, 'lesson:nope')).rejects.toMatchObject({ code: 'INVALID' })
    await expect(submitQuiz(who, 'module', 'no-such-module', {}, 'en')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  test('a briefing: tabletop choices are validated; completion records briefing evidence', async () => {
    const b = [...(await contentCatalog()).briefings.values()].find((x) => x.tabletop)!
    await expect(submitTabletop(who, b.id, { nope: 'a' })).rejects.toMatchObject({ code: 'INVALID' })
    const choices = Object.fromEntries(b.tabletop!.injects.map((i) => [i.id, i.decisions[0]!.id]))
    await markRead(who, 'briefing', b.id, 'brief')
    expect((await submitTabletop(who, b.id, choices)).completed).toBe(false)
    expect((await submitQuiz(who, 'briefing', b.id, rightAnswers(b.quiz), 'en')).completed).toBe(true)
    expect(
      await getDb().evidence.count({ where: { userId: who.userId, kind: 'briefing', sourceId: b.id } }),
    ).toBe(new Set(b.statements).size)
    // Doing it again adds attempts, not a second completion or duplicate briefing evidence.
    await submitQuiz(who, 'briefing', b.id, rightAnswers(b.quiz), 'en')
    expect(await getDb().contentCompletion.count({ where: { userId: who.userId, itemId: b.id } })).toBe(1)
    expect(
      await getDb().evidence.count({ where: { userId: who.userId, kind: 'briefing', sourceId: b.id } }),
    ).toBe(new Set(b.statements).size)
  })
})
