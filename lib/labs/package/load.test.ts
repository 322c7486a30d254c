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

describe('team fixture', () => {
  test('loads per-host scripts and overlays; no top-level ones', async () => {
    const r = await loadLabPackage(fixture('team-minimal'))
    if (!r.ok) throw new Error(r.errors.map(formatLabError).join('\n'))
    expect(r.warnings).toEqual([])
    const root = r.lab.dir
    expect(r.lab.overlay).toEqual([])
    expect(r.lab.scripts.checks['flag-file']).toBe(join(root, 'checks/flag-file.sh'))
    expect(r.lab.hosts).toEqual({
      ws: {
        dir: join(root, 'hosts/ws'),
        setup: join(root, 'hosts/ws/setup.sh'),
        solve: join(root, 'hosts/ws/solve.sh'),
        overlay: [
          { source: 'hosts/ws/files/home/learner/.bashrc', target: '/home/learner/.bashrc', size: 18, mode: 0o644 },
          { source: 'hosts/ws/files/srv/app/notes.txt', target: '/srv/app/notes.txt', size: 21, mode: 0o644 },
        ],
      },
      vault: {
        dir: join(root, 'hosts/vault'),
        setup: join(root, 'hosts/vault/setup.sh'),
        overlay: [{ source: 'hosts/vault/files/opt/vault/bin/vaultd', target: '/opt/vault/bin/vaultd', size: 23, mode: 0o755 }],
      },
    })
  })

  test('a solo lab has no hosts', async () => {
    const r = await loadLabPackage(fixture('valid-minimal'))
    expect(r.ok && r.lab.hosts).toBeUndefined()
  })

  test('malformed team package: top-level scripts/files, missing host setup, stray host, bad overlay', async () => {
    const r = await loadLabPackage(fixture('team-malformed'))
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors.map(formatLabError)).toEqual([
      'labs/team-malformed/setup.sh: must not exist in a team lab (hosts: in lab.yaml); use hosts/<name>/setup.sh',
      'labs/team-malformed/files: must not exist in a team lab (hosts: in lab.yaml); use hosts/<name>/files/',
      "labs/team-malformed/lab.yaml:22:11: hosts[1].name: host 'vault' needs hosts/vault/setup.sh, which does not exist",
      "labs/team-malformed/hosts/ghost: 'ghost' is not a host in lab.yaml (hosts: ws, vault)",
      'labs/team-malformed/hosts/ws/files/etc: overlay files may only go under /srv, /opt, /tmp, /home/learner',
      'labs/team-malformed/hosts/ws/files/etc/passwd: overlay files may only go under /srv, /opt, /tmp, /home/learner',
    ])
    expect(r.warnings.map(formatLabError)).toEqual(['labs/team-malformed/hosts/ws/notes.txt: is not part of the package format and is ignored'])
  })

  test('a team lab needs a solve.sh on at least one host', async () => {
    const root = await mkdtemp(join(tmpdir(), 'kenshu-lab-'))
    try {
      const dir = join(root, 'team-minimal')
      await cp(fixture('team-minimal'), dir, { recursive: true })
      await rm(join(dir, 'hosts/ws/solve.sh'))
      expect(await errorsOf(dir)).toEqual(['labs/team-minimal/hosts: no host has a solve.sh (a team lab needs a reference solution on at least one host)'])
    } finally {
      await rm(root, { recursive: true, force: true })
    }
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
