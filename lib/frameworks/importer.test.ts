import { existsSync } from 'node:fs'
import { execFile } from 'node:child_process'
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  CONTENT_FILES,
  DEFAULT_CONTENT_DIR,
  DEFAULT_SOURCE_DIR,
  ImportError,
  REPO_ROOT,
  SOURCE_FILES,
  diffContent,
  ecsfStatementId,
  readSources,
  runImport,
  writeContent,
} from './importer'

// The raw framework files live in ../shared/frameworks beside the repository (CI has them). A clone
// without them still tests the committed content (catalog.test.ts); only the importer is skipped.
const haveSource = existsSync(DEFAULT_SOURCE_DIR)
if (!haveSource) console.warn(`framework sources not found at ${DEFAULT_SOURCE_DIR}: importer tests skipped`)

const run = promisify(execFile)

let work: string
let counter = 0

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'kenshu-frameworks-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

type Json = Record<string, unknown>

/** Copies the real sources into a fresh temp dir and applies `mutate` to one parsed file. */
async function fixture(file: string, mutate: (json: Json) => void): Promise<string> {
  const dir = path.join(work, `src-${++counter}`)
  await cp(DEFAULT_SOURCE_DIR, dir, { recursive: true })
  const json = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Json
  mutate(json)
  await writeFile(path.join(dir, file), JSON.stringify(json))
  return dir
}

async function importError(dir: string): Promise<ImportError> {
  try {
    await runImport(dir)
  } catch (err) {
    if (err instanceof ImportError) return err
    throw err
  }
  throw new Error('expected the import to fail')
}

// Small typed accessors into the parsed fixtures.
const arr = (json: Json, key: string) => json[key] as Json[]
const at = <T>(list: T[], i: number): T => {
  const v = list[i]
  if (v === undefined) throw new Error(`no item ${i}`)
  return v
}

describe.skipIf(!haveSource)('importer output', () => {
  test('the committed content/frameworks files are exactly what the importer produces (--check)', async () => {
    const files = await runImport()
    expect([...files.keys()]).toEqual([CONTENT_FILES.nice, CONTENT_FILES.ecsf, CONTENT_FILES.attribution])
    expect(await diffContent(DEFAULT_CONTENT_DIR, files)).toEqual([])
  })

  test('--check logic reports a missing or edited file with the first differing line', async () => {
    const files = await runImport()
    const out = path.join(work, 'out-drift')
    await writeContent(out, files)
    expect(await diffContent(out, files)).toEqual([])
    const niceFile = path.join(out, CONTENT_FILES.nice)
    await writeFile(
      niceFile,
      (await readFile(niceFile, 'utf8')).replace('Defensive Cybersecurity', 'Defensive Cyber'),
    )
    await rm(path.join(out, CONTENT_FILES.attribution))
    const drift = await diffContent(out, files)
    expect(drift.map((d) => d.file)).toEqual([CONTENT_FILES.nice, CONTENT_FILES.attribution])
    expect(drift[0]?.reason).toMatch(/line \d+: expected .*Defensive Cybersecurity/)
    expect(drift[1]?.reason).toBe('missing')
  })

  test('the import is deterministic and records input hashes', async () => {
    const a = await runImport()
    const b = await runImport()
    expect(a).toEqual(b)
    const nice = JSON.parse(a.get(CONTENT_FILES.nice) ?? '{}') as {
      provenance: { files: Array<{ name: string; sha256: string }> }
    }
    expect(nice.provenance.files).toContainEqual({
      name: SOURCE_FILES.niceCprt,
      sha256: 'e285e822561d93c497a4a1e0bb615dcf78e07650559428000de66d0e60914bda',
    })
    expect(a.get(CONTENT_FILES.attribution)).toContain('CC BY 4.0')
    expect(a.get(CONTENT_FILES.attribution)).toContain('17 U.S.C. 105')
  })

  test('ECSF statement ids follow the documented rule', () => {
    expect(ecsfStatementId('2.1', 'task', 0)).toBe('ECSF-01-T01')
    expect(ecsfStatementId('2.12', 'knowledge', 12)).toBe('ECSF-12-K13')
    expect(ecsfStatementId('2.7', 'skill', 8)).toBe('ECSF-07-S09')
  })
})

describe.skipIf(!haveSource)('importer rejects malformed input with file, JSON path and reason', () => {
  test('missing directory', async () => {
    const err = await importError(path.join(work, 'does-not-exist'))
    expect(err.message).toContain(`${SOURCE_FILES.niceSimplified}: $: cannot read`)
  })

  test('invalid JSON', async () => {
    const dir = path.join(work, `src-${++counter}`)
    await cp(DEFAULT_SOURCE_DIR, dir, { recursive: true })
    await writeFile(path.join(dir, SOURCE_FILES.ecsf), '{"meta": ')
    const err = await importError(dir)
    expect(err.issues).toHaveLength(1)
    expect(err.message).toContain(`${SOURCE_FILES.ecsf}: $: invalid JSON`)
  })

  test('missing field', async () => {
    const dir = await fixture(SOURCE_FILES.niceSimplified, (j) => {
      delete at(arr(j, 'workRoles'), 3).title
    })
    const err = await importError(dir)
    expect(err.issues).toEqual([
      expect.objectContaining({ file: SOURCE_FILES.niceSimplified, path: '$.workRoles[3].title' }),
    ])
    expect(err.message).toMatch(
      /nice-framework-components-v2\.1\.0\.simplified\.json: \$\.workRoles\[3\]\.title: .*expected string/i,
    )
  })

  test('missing field in an ECSF profile', async () => {
    const dir = await fixture(SOURCE_FILES.ecsf, (j) => {
      delete at(arr(j, 'profiles'), 1).mission
    })
    const err = await importError(dir)
    expect(err.message).toContain(`${SOURCE_FILES.ecsf}: $.profiles[1].mission:`)
  })

  test('wrong id format', async () => {
    const dir = await fixture(SOURCE_FILES.niceSimplified, (j) => {
      at(arr(j, 'statements'), 0).id = 'T6'
    })
    const err = await importError(dir)
    expect(err.message).toContain('$.statements[0].id: must look like T0000, K0000 or S0000')
  })

  test('duplicate statement id', async () => {
    const dir = await fixture(SOURCE_FILES.niceSimplified, (j) => {
      const statements = arr(j, 'statements')
      at(statements, 1).id = at(statements, 0).id
    })
    const err = await importError(dir)
    expect(err.message).toContain(
      `${SOURCE_FILES.niceSimplified}: $.statements[1].id: duplicate id "T0006" (first at $.statements[0])`,
    )
  })

  test('duplicate ECSF profile id', async () => {
    const dir = await fixture(SOURCE_FILES.ecsf, (j) => {
      const profiles = arr(j, 'profiles')
      at(profiles, 4).id = at(profiles, 0).id
    })
    const err = await importError(dir)
    expect(err.message).toContain(
      `${SOURCE_FILES.ecsf}: $.profiles[4].id: duplicate id "chief-information-security-officer"`,
    )
  })

  test('dangling reference from a work role', async () => {
    const dir = await fixture(SOURCE_FILES.niceSimplified, (j) => {
      const ids = at(arr(j, 'workRoles'), 0).knowledgeIds as string[]
      ids[2] = 'K9999'
    })
    const err = await importError(dir)
    expect(err.message).toContain(
      `${SOURCE_FILES.niceSimplified}: $.workRoles[0].knowledgeIds[2]: unknown statement id "K9999"`,
    )
  })

  test('dangling category reference', async () => {
    const dir = await fixture(SOURCE_FILES.niceSimplified, (j) => {
      at(arr(j, 'workRoles'), 5).categoryId = 'XX'
    })
    const err = await importError(dir)
    expect(err.message).toContain('$.workRoles[5].categoryId: unknown category id "XX"')
  })

  test('role → TKS links that disagree with the CPRT JSON', async () => {
    const dir = await fixture(SOURCE_FILES.niceSimplified, (j) => {
      const role = at(arr(j, 'workRoles'), 31) // PD-WRL-001
      const tasks = role.taskIds as string[]
      tasks.splice(tasks.indexOf('T0020') === -1 ? 0 : tasks.indexOf('T0020'), 1)
      ;(j.meta as { counts: Record<string, number> }).counts.workRoleTaskLinks = 1428
    })
    const err = await importError(dir)
    expect(err.message).toContain('cross-checking against nice-framework-components-v2.1.0.cprt.json')
    expect(err.message).toMatch(
      /simplified\.json: \$\.workRoles\[31\]\.taskIds: PD-WRL-001 work_role→task differs from .*cprt\.json: missing T\d{4}/,
    )
  })

  test('statement id sets that disagree with the CPRT JSON', async () => {
    const dir = await fixture(SOURCE_FILES.niceCprt, (j) => {
      const elements = ((j.response as Json).elements as Json).elements as Json[]
      const i = elements.findIndex((e) => e.element_identifier === 'S0808')
      elements.splice(i, 1)
      const rels = ((j.response as Json).elements as Json).relationships as Json[]
      ;((j.response as Json).elements as Json).relationships = rels.filter(
        (r) => r.dest_element_identifier !== 'S0808',
      )
    })
    const err = await importError(dir)
    expect(err.message).toContain(
      '$.statements: skill ids not in nice-framework-components-v2.1.0.cprt.json: S0808',
    )
  })

  test('statement text that differs from the CPRT JSON', async () => {
    const dir = await fixture(SOURCE_FILES.niceSimplified, (j) => {
      at(arr(j, 'statements'), 2).text = 'Reworded text'
    })
    const err = await importError(dir)
    expect(err.message).toMatch(/\$\.statements\[2\]\.text: text differs from .*cprt\.json T0067\.text/)
  })

  test('counts in meta that do not match the data', async () => {
    const dir = await fixture(SOURCE_FILES.ecsf, (j) => {
      ;(j.meta as { counts: Record<string, number> }).counts.mainTasks = 124
    })
    const err = await importError(dir)
    expect(err.message).toContain(`${SOURCE_FILES.ecsf}: $.meta.counts.mainTasks: says 124, data has 125`)
  })

  test('readSources reports every broken file at once', async () => {
    const dir = await fixture(SOURCE_FILES.ecsf, (j) => {
      delete j.profiles
    })
    await writeFile(path.join(dir, SOURCE_FILES.niceSimplified), '[]')
    const err = await readSources(dir).then(
      () => null,
      (e: unknown) => e as ImportError,
    )
    expect(err?.issues.map((i) => i.file)).toEqual([SOURCE_FILES.niceSimplified, SOURCE_FILES.ecsf])
  })
})

describe.skipIf(!haveSource)('CLI', () => {
  const tsx = path.join(REPO_ROOT, 'node_modules/.bin/tsx')
  const script = path.join(REPO_ROOT, 'scripts/import-frameworks.ts')

  test('--check passes on the committed content', async () => {
    const { stdout } = await run(tsx, [script, '--check'], { cwd: REPO_ROOT })
    expect(stdout).toContain('ok:')
  })

  test('malformed input: exit 1, message on stderr, nothing written', async () => {
    const dir = await fixture(SOURCE_FILES.niceSimplified, (j) => {
      at(arr(j, 'workRoles'), 0).taskIds = ['T9999']
    })
    const out = path.join(work, 'out-cli')
    const result = await run(tsx, [script, '--from', dir, '--out', out], { cwd: REPO_ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('$.workRoles[0].taskIds[0]: unknown statement id "T9999"')
    expect(result.stderr).toContain('nothing written')
    await expect(readdir(out)).rejects.toThrow(/ENOENT/)
  })

  test('unknown option: exit 2', async () => {
    const result = await run(tsx, [script, '--bogus'], { cwd: REPO_ROOT }).then(
      () => ({ code: 0 }),
      (e: { code: number }) => e,
    )
    expect(result.code).toBe(2)
  })
})
