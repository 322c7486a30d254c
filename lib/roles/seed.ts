import 'server-only'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { getDb } from '../db/client'
import { appRoot } from '../paths'
import { parseStandardUpload } from '../frameworks/upload'
import { publishDraft, saveDraft } from '../frameworks/registry'
import { addCareerEdge, createRole, getRole, updateRole } from './store'
import type { RequiredLevel } from './types'

/**
 * Demo role requirements for the demo organisation: a SOC analyst built on NICE "Defensive
 * Cybersecurity", a security architect on "Cybersecurity Architecture", and an OT engineer — a
 * non-security role with a handful of statements — on a career path into the SOC. Runs once: an
 * organisation that has any role (archived ones included) is left alone.
 */
type DemoRole = {
  key: string
  title: string
  /** Defaults to NICE v2.1.0. */
  framework?: { frameworkId: string; frameworkVersion: string }
  description: string
  positionLevel: number
  baseline: string | null
  defaultLevel: RequiredLevel
  /** Hand-picked statements (added or re-levelled after the baseline). */
  extra?: { statementId: string; level: RequiredLevel; weight?: number }[]
}

const NICE = { frameworkId: 'nice', frameworkVersion: '2.1.0' }

const DEMO_ROLES: DemoRole[] = [
  {
    key: 'ot',
    title: 'OT engineer / 制御システム技術者',
    description:
      'Runs the plant and building-control networks. Not a security role, but the first to see an incident on OT equipment.',
    positionLevel: 2,
    baseline: null,
    defaultLevel: 1,
    extra: [
      { statementId: 'K1002', level: 2, weight: 2 },
      { statementId: 'K0680', level: 1 },
      { statementId: 'K0677', level: 1 },
      { statementId: 'T1124', level: 2 },
      { statementId: 'T1084', level: 1 },
      { statementId: 'T1250', level: 1 },
    ],
  },
  {
    key: 'soc',
    title: 'SOC analyst / SOC アナリスト',
    description: 'Monitors, triages and escalates security events around the clock.',
    positionLevel: 2,
    baseline: 'PD-WRL-001',
    defaultLevel: 2,
    extra: [
      { statementId: 'T1084', level: 3, weight: 2 },
      { statementId: 'T1489', level: 3, weight: 2 },
    ],
  },
  {
    key: 'arch',
    title: 'Security architect / セキュリティアーキテクト',
    description: 'Designs the security of systems and networks, including segmentation of OT and IoT.',
    positionLevel: 4,
    baseline: 'DD-WRL-001',
    defaultLevel: 3,
  },
  {
    key: 'csirt',
    title: 'CSIRT コーディネーター',
    description: '社内 CSIRT の窓口。組織独自の標準（サンプル）から作成したロールの例。',
    positionLevel: 3,
    framework: { frameworkId: 'kenshu-sample-ja', frameworkVersion: '1.0' },
    baseline: 'CSIRT-COORD',
    defaultLevel: 2,
  },
]

/** The Japanese sample standard shipped in content/frameworks/samples, published for the demo org. */
export const SAMPLE_STANDARD = {
  file: 'content/frameworks/samples/kenshu-sample-standard-ja.csv',
  meta: {
    id: 'kenshu-sample-ja',
    version: '1.0',
    title: 'Kenshu サンプル組織セキュリティスキル標準',
    publisher: 'Kenshu (sample)',
  },
}

async function seedSampleStandard(organizationId: string, actorId: string): Promise<void> {
  const bytes = new Uint8Array(await readFile(path.join(appRoot(), SAMPLE_STANDARD.file)))
  const parsed = parseStandardUpload(bytes, path.basename(SAMPLE_STANDARD.file), SAMPLE_STANDARD.meta)
  if (!parsed.ok)
    throw new Error(
      `sample standard is invalid: ${parsed.errors.map((e) => `${e.line}:${e.column} ${e.reason}`).join('; ')}`,
    )
  const { id } = await saveDraft(organizationId, actorId, {
    framework: parsed.framework,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sourceFileName: path.basename(SAMPLE_STANDARD.file),
    summary: { ...parsed.preview, warnings: parsed.warnings },
  })
  await publishDraft(organizationId, actorId, id)
}

const DEMO_PATHS: [string, string][] = [
  ['ot', 'soc'],
  ['soc', 'arch'],
  ['soc', 'csirt'],
]

export async function seedDemoRoles(organizationId: string, actorId: string): Promise<{ created: boolean }> {
  const db = getDb()
  if ((await db.orgRole.count({ where: { organizationId } })) > 0) return { created: false }
  if ((await db.orgFramework.count({ where: { organizationId } })) === 0)
    await seedSampleStandard(organizationId, actorId)
  const ids = new Map<string, string>()
  for (const r of DEMO_ROLES) {
    const { id } = await createRole(organizationId, actorId, {
      title: r.title,
      description: r.description,
      positionLevel: r.positionLevel,
      ...(r.framework ?? NICE),
      baselineWorkRoleId: r.baseline,
      defaultLevel: r.defaultLevel,
    })
    if (r.extra) {
      const role = (await getRole(organizationId, id))!
      await updateRole(organizationId, actorId, id, {
        expectedVersion: role.version,
        title: role.title,
        description: role.description,
        positionLevel: role.positionLevel,
        edits: r.extra,
      })
    }
    ids.set(r.key, id)
  }
  for (const [from, to] of DEMO_PATHS)
    await addCareerEdge(organizationId, actorId, { fromRoleId: ids.get(from)!, toRoleId: ids.get(to)! })
  return { created: true }
}
