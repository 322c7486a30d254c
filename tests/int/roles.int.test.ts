import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestDb, postgresReachable, useTestDb, type TestDb } from '../support/databases'
import { getDb } from '@/lib/db/client'
import { seedDemo } from '@/lib/org/seed'
import { seedDemoRoles } from '@/lib/roles/seed'
import {
  addCareerEdge,
  cloneRole,
  createRole,
  getRole,
  listCareerEdges,
  listRoleVersions,
  listRoles,
  removeCareerEdge,
  setRoleArchived,
  updateRole,
} from '@/lib/roles/store'
import {
  discardDraft,
  getDraft,
  listFrameworks,
  publishDraft,
  resolveFramework,
  saveDraft,
} from '@/lib/frameworks/registry'
import { getFramework } from '@/lib/frameworks/catalog'
import { setTranslation, translationsFor } from '@/lib/frameworks/translations'
import type { Framework } from '@/lib/frameworks/schema'

// Role requirements, versions, career paths and organisation standards against real SQLite and
// PostgreSQL: optimistic concurrency, organisation scoping, immutability after publishing.
const pgOk = await postgresReachable()
const kinds = ['sqlite', ...(pgOk ? ['postgres'] : [])] as const as readonly ('sqlite' | 'postgres')[]

const nice = getFramework('nice', '2.1.0')!
const ir = nice.workRoles.get('PD-WRL-003')!
const irCount = ir.taskIds.length + ir.knowledgeIds.length + ir.skillIds.length

const standard = (version: string): Framework => ({
  schemaVersion: 1,
  id: 'acme-std',
  version,
  title: 'ACME security skills',
  publisher: 'ACME',
  attribution: { text: 'ACME — internal', licence: 'Internal use', licenceUrl: null, sourceUrl: null },
  categories: [{ id: 'OPS', title: 'Operations', description: '' }],
  workRoles: [
    {
      id: 'R1',
      title: 'Responder',
      description: '',
      categoryId: 'OPS',
      taskIds: ['T1'],
      knowledgeIds: ['K1'],
      skillIds: [],
    },
  ],
  statements: [
    { id: 'T1', type: 'task', text: 'ログを解析する' },
    { id: 'K1', type: 'knowledge', text: 'Knowledge of logs' },
  ],
  competencyAreas: [],
})

describe.each(kinds)('roles and career paths on %s', (kind) => {
  let db: TestDb
  let orgId: string
  let otherOrgId: string
  let hrId: string

  beforeAll(async () => {
    db = await createTestDb(kind)
    await useTestDb(db)
    await seedDemo()
    orgId = (await getDb().organization.findUniqueOrThrow({ where: { slug: 'demo' } })).id
    otherOrgId = (await getDb().organization.create({ data: { slug: 'other', name: 'Other' } })).id
    hrId = (await getDb().user.findUniqueOrThrow({ where: { email: 'hr@demo.kenshu.local' } })).id
  })
  afterAll(async () => db.drop())

  test('the demo roles and career path are seeded once', async () => {
    expect(await seedDemoRoles(orgId, hrId)).toEqual({ created: true })
    expect(await seedDemoRoles(orgId, hrId)).toEqual({ created: false })
    const roles = await listRoles(orgId)
    expect(roles.map((r) => r.title).sort()).toEqual([
      'CSIRT コーディネーター',
      'OT engineer / 制御システム技術者',
      'SOC analyst / SOC アナリスト',
      'Security architect / セキュリティアーキテクト',
    ])
    expect(await listCareerEdges(orgId)).toHaveLength(3)
    const soc = roles.find((r) => r.title.startsWith('SOC'))!
    const full = (await getRole(orgId, soc.id))!
    expect(full.requirements.find((r) => r.statementId === 'T1084')).toEqual({
      statementId: 'T1084',
      level: 3,
      weight: 2,
    })
    expect(full.version).toBe(2)
  })

  test('a role from NICE Incident Response: drop, re-level, add, with a version per save', async () => {
    const { id } = await createRole(orgId, hrId, {
      title: 'Incident responder',
      description: '',
      positionLevel: 3,
      frameworkId: 'nice',
      frameworkVersion: '2.1.0',
      baselineWorkRoleId: 'PD-WRL-003',
      defaultLevel: 2,
    })
    const v1 = (await getRole(orgId, id))!
    expect(v1.requirements).toHaveLength(irCount)
    const [drop, relevel] = [ir.taskIds[0]!, ir.taskIds[1]!]
    const res = await updateRole(orgId, hrId, id, {
      expectedVersion: 1,
      title: 'Incident responder',
      description: 'CSIRT first responder',
      positionLevel: 3,
      edits: [
        { statementId: drop, level: 0 },
        { statementId: relevel, level: 4, weight: 3 },
        { statementId: 'K1002', level: 1 },
        { statementId: 'NOT-A-STATEMENT', level: 2 },
      ],
    })
    expect(res).toEqual({ version: 2, changed: true, unknown: ['NOT-A-STATEMENT'] })
    const v2 = (await getRole(orgId, id))!
    expect(v2.requirements).toHaveLength(irCount)
    expect(v2.requirements.some((r) => r.statementId === drop)).toBe(false)
    expect(v2.requirements.find((r) => r.statementId === relevel)).toEqual({
      statementId: relevel,
      level: 4,
      weight: 3,
    })
    // Saving the same thing again creates no version.
    expect(
      await updateRole(orgId, hrId, id, {
        expectedVersion: 2,
        title: 'Incident responder',
        description: 'CSIRT first responder',
        positionLevel: 3,
        edits: [],
      }),
    ).toMatchObject({ version: 2, changed: false })
    const history = await listRoleVersions(orgId, id)
    expect(history.map((h) => h.version)).toEqual([2, 1])
    expect(history[1]!.spec.requirements).toHaveLength(irCount)
    expect(history[0]!.changedBy).toBe('Yui Nakamura')
  })

  test('a stale or concurrent save is refused, not merged', async () => {
    const { id } = await createRole(orgId, hrId, {
      title: 'Race',
      description: '',
      positionLevel: null,
      ...{ frameworkId: 'nice', frameworkVersion: '2.1.0' },
      baselineWorkRoleId: 'PD-WRL-003',
      defaultLevel: 2,
    })
    const save = (level: number) =>
      updateRole(orgId, hrId, id, {
        expectedVersion: 1,
        title: 'Race',
        description: '',
        positionLevel: null,
        edits: [{ statementId: ir.taskIds[0]!, level }],
      })
    const results = await Promise.allSettled([save(3), save(4)])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(rejected.reason).toMatchObject({ name: 'DomainError', code: 'CONFLICT' })
    expect((await getRole(orgId, id))!.version).toBe(2)
    expect(await listRoleVersions(orgId, id)).toHaveLength(2)
  })

  test('clone copies requirements; archive blocks edits and hides the role; other organisations see nothing', async () => {
    const src = (await listRoles(orgId)).find((r) => r.title.startsWith('SOC'))!
    const { id } = await cloneRole(orgId, hrId, src.id, 'SOC analyst (night shift)')
    const copy = (await getRole(orgId, id))!
    expect(copy.requirements).toEqual((await getRole(orgId, src.id))!.requirements)
    expect(copy.version).toBe(1)
    await setRoleArchived(orgId, hrId, id, true)
    expect((await listRoles(orgId)).some((r) => r.id === id)).toBe(false)
    expect((await listRoles(orgId, { includeArchived: true })).some((r) => r.id === id)).toBe(true)
    await expect(
      updateRole(orgId, hrId, id, {
        expectedVersion: 1,
        title: 'x',
        description: '',
        positionLevel: null,
        edits: [],
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
    await setRoleArchived(orgId, hrId, id, false)
    expect(await getRole(otherOrgId, id)).toBeNull()
    await expect(setRoleArchived(otherOrgId, hrId, id, true)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(cloneRole(otherOrgId, hrId, id, 'stolen')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  test('career paths refuse cycles, duplicates, self-steps and roles of other organisations', async () => {
    const roles = await listRoles(orgId)
    const ot = roles.find((r) => r.title.startsWith('OT'))!
    const arch = roles.find((r) => r.title.startsWith('Security architect'))!
    const responder = roles.find((r) => r.title === 'Incident responder')!
    await expect(addCareerEdge(orgId, hrId, { fromRoleId: arch.id, toRoleId: ot.id })).rejects.toMatchObject({
      code: 'CONFLICT',
    })
    await expect(addCareerEdge(orgId, hrId, { fromRoleId: ot.id, toRoleId: ot.id })).rejects.toMatchObject({
      code: 'INVALID',
    })
    const edges = await listCareerEdges(orgId)
    await expect(
      addCareerEdge(orgId, hrId, { fromRoleId: edges[0]!.fromRoleId, toRoleId: edges[0]!.toRoleId }),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
    const { id } = await addCareerEdge(orgId, hrId, { fromRoleId: ot.id, toRoleId: responder.id })
    await expect(
      addCareerEdge(otherOrgId, hrId, { fromRoleId: ot.id, toRoleId: arch.id }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(removeCareerEdge(otherOrgId, hrId, id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await removeCareerEdge(orgId, hrId, id)
    expect(await listCareerEdges(orgId)).toHaveLength(3)
  })

  test('an organisation standard: draft → publish (immutable) → usable by roles of that organisation only', async () => {
    const { id: draftId } = await saveDraft(orgId, hrId, {
      framework: standard('2026.1'),
      sha256: 'a'.repeat(64),
      sourceFileName: 'acme.csv',
      summary: { encoding: 'utf-8' },
    })
    expect(await resolveFramework(orgId, 'acme-std', '2026.1')).toBeUndefined()
    // A second upload of the same version replaces the draft.
    const again = await saveDraft(orgId, hrId, {
      framework: standard('2026.1'),
      sha256: 'b'.repeat(64),
      sourceFileName: 'acme2.csv',
      summary: {},
    })
    expect(again.id).toBe(draftId)
    expect((await getDraft(orgId, draftId))!.sourceFileName).toBe('acme2.csv')
    expect(await getDraft(otherOrgId, draftId)).toBeNull()
    await expect(publishDraft(otherOrgId, hrId, draftId)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await publishDraft(orgId, hrId, draftId)).toEqual({ key: 'acme-std@2026.1' })
    await expect(
      saveDraft(orgId, hrId, {
        framework: standard('2026.1'),
        sha256: 'c'.repeat(64),
        sourceFileName: 'x.csv',
        summary: {},
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
    await expect(discardDraft(orgId, hrId, draftId)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(
      saveDraft(orgId, hrId, {
        framework: { ...standard('1'), id: 'nice' },
        sha256: 'c'.repeat(64),
        sourceFileName: 'x.csv',
        summary: {},
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
    const fw = (await resolveFramework(orgId, 'acme-std'))!
    expect(fw.statements.get('T1')!.text).toBe('ログを解析する')
    expect(await resolveFramework(otherOrgId, 'acme-std')).toBeUndefined()
    expect((await listFrameworks(orgId)).map((f) => f.key)).toEqual([
      'nice@2.1.0',
      'ecsf@1',
      'acme-std@2026.1',
      'kenshu-sample-ja@1.0',
    ])
    const { id } = await createRole(orgId, hrId, {
      title: 'ACME responder',
      description: '',
      positionLevel: null,
      frameworkId: 'acme-std',
      frameworkVersion: '2026.1',
      baselineWorkRoleId: 'R1',
      defaultLevel: 3,
    })
    expect((await getRole(orgId, id))!.requirements.map((r) => r.statementId)).toEqual(['T1', 'K1'])
    await expect(
      createRole(otherOrgId, hrId, {
        title: 'x',
        description: '',
        positionLevel: null,
        frameworkId: 'acme-std',
        frameworkVersion: '2026.1',
        baselineWorkRoleId: 'R1',
        defaultLevel: 3,
      }),
    ).rejects.toMatchObject({ code: 'INVALID' })
  })

  test('organisation translations of statements: set, replace, remove, per organisation and locale', async () => {
    const t = { frameworkId: 'nice', frameworkVersion: '2.1.0', statementId: 'T1084', locale: 'ja' as const }
    await setTranslation(orgId, hrId, { ...t, text: '異常なネットワーク活動を特定する' })
    await setTranslation(orgId, hrId, { ...t, text: ' 異常な通信を特定する ' })
    expect(await translationsFor(orgId, 'nice@2.1.0', 'ja')).toEqual(new Map([['T1084', '異常な通信を特定する']]))
    expect((await translationsFor(orgId, 'nice@2.1.0', 'en')).size).toBe(0)
    expect((await translationsFor(otherOrgId, 'nice@2.1.0', 'ja')).size).toBe(0)
    await expect(setTranslation(orgId, hrId, { ...t, statementId: 'T0000', text: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(setTranslation(otherOrgId, hrId, { ...t, frameworkId: 'acme-std', frameworkVersion: '2026.1', statementId: 'T1', text: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await setTranslation(orgId, hrId, { ...t, text: '' })
    expect((await translationsFor(orgId, 'nice@2.1.0', 'ja')).size).toBe(0)
  })
})
