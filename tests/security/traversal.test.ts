/**
 * Path traversal and hostile ids in every loader a URL segment reaches (SECURITY.md 4.4, 4.6): lab ids
 * (`/labs/[labId]`), content ids (`/learn/modules/[moduleId]`, `/briefings/[briefingId]`, curricula),
 * lab step ids, framework ids and versions (`/api/v1/frameworks/[frameworkId]/[version]`), badge ids
 * (`/badges/[credentialId]`, `/api/badges/achievements/[kind]/[ref]`), `[userId]` (viewer lookups).
 * Each must answer "not found", and every file the catalogs will ever read must be inside their roots
 * (real paths, so a symlink out of the tree would show). Malicious lab packages (`..`, symlinks) are in
 * lib/labs/package/load.test.ts. Real SQLite database with the demo seed for the database lookups.
 */
import { realpathSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestDb, useTestDb, type TestDb } from '../support/databases'
import { getDb } from '@/lib/db/client'
import { seedDemo } from '@/lib/org/seed'
import { getLab, labCatalog, labsDir, stepSource } from '@/lib/labs/catalog'
import { contentCatalog, localizedText } from '@/lib/content/catalog'
import { resolveFramework, resolveFrameworkKey } from '@/lib/frameworks/registry'
import { getPublicBadge, publicAchievement } from '@/lib/badges/store'
import { loadViewerById } from '@/lib/auth/viewer-store'
import { appRoot } from '@/lib/paths'

/** Hostile path segments as they reach a page after Next has decoded the URL (and a few that were not). */
const HOSTILE = [
  '..',
  '../',
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '....//....//etc/passwd',
  '..\\..\\windows\\win.ini',
  '/etc/passwd',
  '/proc/self/environ',
  'iot-botnet-telnet/../../../etc/passwd',
  'iot-botnet-telnet\u0000',
  '\u0000../../etc/passwd',
  'iot-botnet-telnet/',
  './iot-botnet-telnet',
  'IOT-BOTNET-TELNET',
  'file:///etc/passwd',
  'x'.repeat(5000),
  '',
]

const inside = (root: string, file: string) => {
  const real = realpathSync(file)
  const r = realpathSync(root)
  return real === r || real.startsWith(r + path.sep)
}

describe('labs: ids and step files', () => {
  test('positive control: a shipped lab and its steps load', async () => {
    const entry = await getLab('iot-botnet-telnet')
    expect(entry?.lab.manifest.id).toBe('iot-botnet-telnet')
    const step = Object.keys(entry!.lab.stepFiles)[0]!
    expect((await stepSource(entry!.lab, step, 'en'))?.source.length).toBeGreaterThan(0)
  })

  test.each(HOSTILE)('getLab(%j) is null', async (id) => {
    expect(await getLab(id)).toBeNull()
  })

  test('step ids cannot name a file: unknown steps are null, whatever they look like', async () => {
    const { lab } = (await getLab('iot-botnet-telnet'))!
    for (const id of HOSTILE) expect(await stepSource(lab, id, 'en'), id).toBeNull()
    expect(await stepSource(lab, '__proto__', 'en')).toBeNull()
    expect(await stepSource(lab, 'constructor', 'en')).toBeNull()
  })

  test('every file the lab catalog can read is inside labs/ (real paths)', async () => {
    const { labs } = await labCatalog()
    expect(labs.size).toBeGreaterThan(0)
    for (const { lab } of labs.values()) {
      expect(inside(labsDir(), lab.dir), lab.dir).toBe(true)
      for (const files of Object.values(lab.stepFiles))
        for (const f of Object.values(files)) expect(inside(lab.dir, f), f).toBe(true)
      for (const f of [lab.scripts.setup, lab.scripts.solve])
        expect(path.resolve(f).startsWith(lab.dir + path.sep), f).toBe(true)
    }
  })
})

describe('content: module, briefing and curriculum ids', () => {
  test('hostile ids find nothing; shipped ids do', async () => {
    const c = await contentCatalog()
    const someModule = [...c.modules.keys()][0]!
    expect(c.modules.get(someModule)).toBeDefined()
    for (const id of [...HOSTILE, '__proto__', 'constructor', 'toString', `${someModule}/../${someModule}`]) {
      expect(c.modules.get(id), id).toBeUndefined()
      expect(c.briefings.get(id), id).toBeUndefined()
      expect(
        c.curricula.find((x) => x.id === id),
        id,
      ).toBeUndefined()
    }
  })

  test('every lesson and brief file is inside content/ (real paths), and only those are read', async () => {
    const c = await contentCatalog()
    const root = path.join(appRoot(), 'content')
    let files = 0
    for (const m of c.modules.values())
      for (const langs of Object.values(m.lessonFiles))
        for (const f of Object.values(langs)) {
          files++
          expect(inside(root, f), f).toBe(true)
        }
    for (const b of c.briefings.values())
      for (const f of Object.values(b.briefFiles)) {
        files++
        expect(inside(root, f), f).toBe(true)
      }
    expect(files).toBeGreaterThan(10)
    // localizedText reads only the catalog's own paths: a lookup with no files reads nothing.
    expect(await localizedText({}, 'en')).toBeNull()
  })
})

describe('database lookups by id', () => {
  let db: TestDb
  let orgId: string
  beforeAll(async () => {
    db = await createTestDb('sqlite')
    await useTestDb(db)
    await seedDemo()
    orgId = (await getDb().organization.findUniqueOrThrow({ where: { slug: 'demo' } })).id
  })
  afterAll(async () => {
    await db.drop()
  })

  test('frameworks: hostile ids and versions resolve to nothing; nice resolves', async () => {
    expect((await resolveFramework(orgId, 'nice'))?.framework.id).toBe('nice')
    expect((await resolveFrameworkKey(orgId, 'nice@2.1.0'))?.framework.version).toBe('2.1.0')
    for (const id of [...HOSTILE, 'nice/../nice', '../frameworks/nice']) {
      expect(await resolveFramework(orgId, id), id).toBeUndefined()
      expect(await resolveFramework(orgId, 'nice', id), `nice@${id}`).toBeUndefined()
      expect(await resolveFrameworkKey(orgId, `${id}@2.1.0`), id).toBeUndefined()
    }
    // Another organisation's id is not a way in either.
    expect(await resolveFramework('../' + orgId, 'doesnotexist')).toBeUndefined()
  })

  test('badges: hostile credential ids and achievement refs are null', async () => {
    for (const id of [
      ...HOSTILE,
      '00000000-0000-0000-0000-000000000000',
      '00000000-0000-0000-0000-000000000000/../x',
    ]) {
      expect(await getPublicBadge(id), id).toBeNull()
      expect(await publicAchievement('lab', id), id).toBeNull()
      expect(await publicAchievement(id, 'iot-botnet-telnet'), id).toBeNull()
    }
  })

  test('[userId]: hostile ids resolve to no viewer', async () => {
    const learner = await getDb().user.findUniqueOrThrow({ where: { email: 'learner@demo.kenshu.local' } })
    expect((await loadViewerById(learner.id))?.email).toBe('learner@demo.kenshu.local')
    for (const id of [
      ...HOSTILE,
      `${learner.id}/..`,
      `../${learner.id}`,
      `${learner.id}\u0000`,
      `${learner.id} `,
    ])
      expect(await loadViewerById(id), id).toBeNull()
  })
})
