import { cp, mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { formatLabError, loadAllLabs, loadLabPackage, type LabError } from './load'

const here = fileURLToPath(new URL('.', import.meta.url))
const fixture = (name: string) => join(here, '__fixtures__', name)
const labsDir = join(here, '..', '..', '..', 'labs')

/** Loads a fixture that must fail and returns its errors in printed form. */
async function errorsOf(dir: string): Promise<string[]> {
  const r = await loadLabPackage(dir)
  expect(r.ok, 'package should not load').toBe(false)
  return r.ok ? [] : r.errors.map(formatLabError)
}

describe('real labs', () => {
  test('every package in labs/ loads without errors or warnings', async () => {
    const all = await loadAllLabs(labsDir)
    expect(all.map((l) => l.id)).toContain('iot-botnet-telnet')
    for (const { id, result } of all) {
      const problems = result.ok ? result.warnings : [...result.errors, ...result.warnings]
      expect(problems.map(formatLabError), id).toEqual([])
    }
  })

  test('the flagship declares what its grading needs', async () => {
    const r = await loadLabPackage(join(labsDir, 'iot-botnet-telnet'))
    if (!r.ok) throw new Error(r.errors.map(formatLabError).join('\n'))
    const m = r.lab.manifest
    expect(m.steps.map((s) => s.id)).toEqual(['detect', 'first-response', 'investigate', 'contain', 'recover', 'report'])
    expect(Object.keys(r.lab.scripts.checks).sort()).toEqual(['harden-gateway', 'preserve-implant', 'remove-persistence', 'stop-bot'])
    expect(m.tasks.map((t) => t.kind)).toEqual(expect.arrayContaining(['answer', 'choice', 'check', 'report']))
    // The overlay only targets the writable roots the runtime provides.
    expect(r.lab.overlay.every((f) => f.target.startsWith('/srv/gateway/') || f.target.startsWith('/home/learner/'))).toBe(true)
    expect(r.lab.overlay.find((f) => f.target === '/srv/gateway/bin/gwctl')?.mode).toBe(0o755)
  })
})

describe('valid fixture', () => {
  test('loads, with defaults applied', async () => {
    const r = await loadLabPackage(fixture('valid-minimal'))
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.warnings).toEqual([])
    expect(r.lab.manifest.network).toEqual({ mode: 'none' })
    const check = r.lab.manifest.tasks[0]
    expect(check?.kind === 'check' && check.timeoutSec).toBe(10)
    expect(r.lab.scripts.checks['flag-file']).toMatch(/checks\/flag-file\.sh$/)
  })
})

describe('malformed fixtures report file, field and reason', () => {
  test('bad YAML: position of the first parse error only', async () => {
    expect(await errorsOf(fixture('bad-yaml'))).toEqual(['labs/bad-yaml/lab.yaml:5:8: YAML: Nested mappings are not allowed in compact mappings'])
  })

  test('missing fields', async () => {
    expect(await errorsOf(fixture('missing-fields'))).toEqual([
      'labs/missing-fields/lab.yaml:1:1: title: is required',
      'labs/missing-fields/lab.yaml:1:1: limits: is required',
    ])
  })

  test('wrong types', async () => {
    expect(await errorsOf(fixture('wrong-types'))).toEqual([
      'labs/wrong-types/lab.yaml:5:8: level: must be one of: A, B, C',
      'labs/wrong-types/lab.yaml:25:13: tasks[0].points: expected number, received string',
    ])
  })

  test('duplicate task ids', async () => {
    expect(await errorsOf(fixture('duplicate-task-ids'))).toEqual([
      "labs/duplicate-task-ids/lab.yaml:38:9: tasks[2].id: duplicate task id 'secret' (first at tasks[1])",
    ])
  })

  test('MDX missing in one language', async () => {
    expect(await errorsOf(fixture('missing-mdx'))).toEqual(['labs/missing-mdx/lab.yaml:19:43: steps[0].file.en: steps/01-only.en.mdx does not exist'])
  })

  test('missing check script', async () => {
    expect(await errorsOf(fixture('missing-check-script'))).toEqual([
      'labs/missing-check-script/lab.yaml:21:9: tasks[0].id: check task needs checks/flag-file.sh, which does not exist',
    ])
  })

  test('path traversal in a file reference', async () => {
    expect(await errorsOf(fixture('path-traversal'))).toEqual([
      'labs/path-traversal/lab.yaml:19:43: steps[0].file.en: path escapes the package (no absolute paths, ".." or backslashes)',
    ])
  })

  test('hint penalty above the task points', async () => {
    expect(await errorsOf(fixture('hint-penalty'))).toEqual(['labs/hint-penalty/lab.yaml:28:20: tasks[0].hints[0].penalty: must be ≤ points'])
  })

  test('directory name differs from id', async () => {
    expect(await errorsOf(fixture('dir-mismatch'))).toEqual([
      "labs/dir-mismatch/lab.yaml:2:5: id: 'another-name' must equal the directory name 'dir-mismatch'",
    ])
  })

  test('catastrophic regex is rejected at load time', async () => {
    const [e] = await errorsOf(fixture('unsafe-regex'))
    expect(e).toMatch(/^labs\/unsafe-regex\/lab\.yaml:36:36: tasks\[1\]\.match\.pattern: nested or alternating repetition/)
  })

  describe('symlinks', () => {
    // The links are made in a temp copy so the repository never holds a link that points outside it.
    const tmp: string[] = []
    afterAll(async () => Promise.all(tmp.map((d) => rm(d, { recursive: true, force: true }))))
    async function copyWithLink(target: string, at: string): Promise<string> {
      const root = await mkdtemp(join(tmpdir(), 'kenshu-lab-'))
      tmp.push(root)
      const dir = join(root, 'symlink-escape')
      await cp(fixture('symlink-escape'), dir, { recursive: true })
      await symlink(target, join(dir, at))
      return dir
    }

    test('a symlink escaping the package', async () => {
      const dir = await copyWithLink('../../../../../../etc/passwd', 'files/srv/passwd')
      expect(await errorsOf(dir)).toEqual(['labs/symlink-escape/files/srv/passwd: symlink escapes the package (→ ../../../../../../etc/passwd)'])
    })

    test('an internal symlink is refused too (the runtime copies files, never links)', async () => {
      const dir = await copyWithLink('../setup.sh', 'checks/flag-file-link.sh')
      expect(await errorsOf(dir)).toEqual(['labs/symlink-escape/checks/flag-file-link.sh: symlinks are not allowed in lab packages (→ ../setup.sh); copy the file instead'])
    })
  })

  test('a directory that does not exist', async () => {
    const r = await loadLabPackage(fixture('no-such-lab'))
    expect(r.ok ? [] : r.errors).toEqual<LabError[]>([{ file: 'labs/no-such-lab', message: 'does not exist' }])
  })
})
