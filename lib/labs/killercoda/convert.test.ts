import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadLabPackage, type LoadedLab } from '../package/load'
import { BwrapDriver } from '../sandbox/bwrap-driver'
import { provisionSandbox, runCheck, runSolve } from '../runtime/provision'
import { convertKillercoda, convertMarkdown, slugify, TRANSLATION_MARK, wrapVerify, type ConvertResult } from './convert'
import { readScenarioDir } from './read-scenario'

const FIXTURE = fileURLToPath(new URL('./__fixtures__/stop-suspicious-cron', import.meta.url))
const enc = new TextEncoder()
const str = (c: string | Uint8Array) => (typeof c === 'string' ? c : new TextDecoder().decode(c))
const file = (r: ConvertResult, p: string) => {
  const f = r.files.find((x) => x.path === p)
  if (!f) throw new Error(`no ${p} in ${r.files.map((x) => x.path).join(', ')}`)
  return { ...f, text: str(f.content) }
}
/** A minimal scenario: index.json plus the given files. */
function scenario(index: unknown, extra: Record<string, string> = {}): Map<string, Uint8Array> {
  const m = new Map<string, Uint8Array>([['index.json', enc.encode(JSON.stringify(index))]])
  for (const [k, v] of Object.entries(extra)) m.set(k, enc.encode(v))
  return m
}
const oneStep = (assets?: unknown) => ({
  title: 'T',
  details: { steps: [{ title: 'S', text: 'step1/text.md', verify: 'step1/verify.sh' }], ...(assets ? { assets } : {}) },
})

async function writeOut(r: ConvertResult, dir: string) {
  for (const f of r.files) {
    const p = path.join(dir, f.path)
    await mkdir(path.dirname(p), { recursive: true })
    await writeFile(p, f.content)
    await chmod(p, f.mode)
  }
}

describe('convertMarkdown', () => {
  it('turns Killercoda actions into plain code and reports that it did', () => {
    const r = convertMarkdown('Run `ls -l`{{exec}} then `cat x`{{copy}} and `y`{{}}.\n\n```\nuptime\n```{{exec interrupt}}\n')
    expect(r.actions).toBe(true)
    expect(r.text).toBe('Run `ls -l` then `cat x` and `y`.\n\n```\nuptime\n```\n')
  })
  it('escapes JSX-looking prose but not code', () => {
    const r = convertMarkdown('Use {curly} and <b>tags</b>: `echo {a,b} <x`\n\n```\nfor i in {1..3}; do echo <$i; done\n```\n')
    expect(r.text).toContain('Use \\{curly\\} and &lt;b>tags&lt;/b>: `echo {a,b} <x`')
    expect(r.text).toContain('for i in {1..3}; do echo <$i; done')
    expect(r.actions).toBe(false)
  })
  it('closes an unclosed fence', () => {
    expect(convertMarkdown('```\nls\n').text).toBe('```\nls\n```\n')
  })
})

describe('wrapVerify', () => {
  it('never lets the original end the heredoc early', () => {
    const w = wrapVerify('echo KENSHU_KILLERCODA_VERIFY\ntrue\n', 1)
    expect(w).toContain("<<'KENSHU_KILLERCODA_VERIFY_X'")
    expect(w.split('\n').filter((l) => l === 'KENSHU_KILLERCODA_VERIFY_X')).toHaveLength(1)
  })
})

describe('slugify', () => {
  it('makes lab ids', () => {
    expect(slugify('Find & Stop: Cron!')).toBe('find-stop-cron')
    expect(slugify('***')).toBe('killercoda-scenario')
    expect(slugify('x'.repeat(80))).toHaveLength(48)
  })
})

describe('convertKillercoda: the fixture', () => {
  let r: ConvertResult
  let root = ''
  beforeAll(async () => {
    r = convertKillercoda(await readScenarioDir(FIXTURE), 'stop-suspicious-cron')
    root = await mkdtemp(path.join(os.tmpdir(), 'kenshu-kc-'))
  })
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true })
  })

  it('converts without errors and with one check per verify.sh', () => {
    expect(r.errors).toEqual([])
    expect(r.ok).toBe(true)
    const m = parse(file(r, 'lab.yaml').text) as { tasks: Array<{ id: string; kind: string; step: string }>; steps: Array<{ id: string }>; level: string }
    expect(m.steps.map((s) => s.id)).toEqual(['intro', 'step-1', 'step-2', 'finish'])
    expect(m.tasks.map((t) => [t.id, t.kind, t.step])).toEqual([['step-1', 'check', 'step-1'], ['step-2', 'check', 'step-2']])
    expect(m.level).toBe('A')
    expect(file(r, 'lab.yaml').text).toMatch(/^# .*\n# TODO\(author\)/)
  })
  it('marks the Japanese side for translation, visibly', () => {
    const ja = file(r, 'steps/02-step-1.ja.mdx').text
    expect(ja).toMatch(/^> \*\*要翻訳 \/ Translation needed:\*\*/)
    expect(ja).toContain('kill <PID>') // inside code: kept as written
    expect(file(r, 'steps/02-step-1.en.mdx').text).toContain('could be clicked to run or copy')
    expect(file(r, 'lab.yaml').text).toContain(`ja: ${TRANSLATION_MARK}Stop the process`)
  })
  it('shows the foreground script as an instruction and runs background scripts in setup.sh', () => {
    expect(file(r, 'steps/01-intro.en.mdx').text).toContain('Before you start, run this in the terminal')
    const setup = file(r, 'setup.sh')
    expect(setup.text).toContain("run_part 'intro/background.sh'")
    expect(setup.text).toContain("cp /bin/bash /tmp/kworkerds")
    expect(setup.mode).toBe(0o755)
  })
  it('copies assets into files/ under the overlay roots, with their modes', () => {
    expect(file(r, 'files/opt/app/crontab').mode).toBe(0o644)
    expect(file(r, 'files/opt/app/.cache/miner.sh').mode).toBe(0o755)
  })
  it('wraps verify.sh as a check and copies the scenario solve.sh', () => {
    expect(file(r, 'checks/step-1.sh').text).toContain('! pgrep -x kworkerds')
    expect(file(r, 'solve.sh').text).toContain('pkill -x kworkerds')
  })
  it('produces a package the loader accepts', async () => {
    const dir = path.join(root, r.id)
    await writeOut(r, dir)
    const loaded = await loadLabPackage(dir)
    expect(loaded.ok ? [] : loaded.errors).toEqual([])
  })
})

describe('convertKillercoda: edge cases', () => {
  const base = { 'step1/text.md': 'Hi', 'step1/verify.sh': 'true' }
  it('writes a failing solve.sh stub when the scenario has none', () => {
    const r = convertKillercoda(scenario(oneStep(), base), 'x')
    expect(r.ok).toBe(true)
    expect(r.warnings.join()).toMatch(/no solve\.sh/)
    expect(file(r, 'solve.sh').text).toMatch(/exit 1\n$/)
  })
  it('needs at least one verify.sh', () => {
    const r = convertKillercoda(scenario({ title: 'T', details: { steps: [{ title: 'S', text: 'a.md' }] } }, { 'a.md': 'x' }), 'x')
    expect(r.ok).toBe(false)
    expect(r.errors.join()).toMatch(/no step has a verify\.sh/)
  })
  it('reports missing files, bad JSON and escaping paths', () => {
    expect(convertKillercoda(new Map(), 'x').errors.join()).toMatch(/index\.json: missing/)
    expect(convertKillercoda(new Map([['index.json', enc.encode('{')]]), 'x').errors.join()).toMatch(/not valid JSON/)
    const r = convertKillercoda(scenario({ title: 'T', details: { steps: [{ text: '../x.md', verify: 'nope.sh' }] } }), 'x')
    expect(r.errors.join('\n')).toMatch(/escapes the scenario directory/)
    expect(r.errors.join('\n')).toMatch(/'nope\.sh' does not exist/)
  })
  it('maps /root to the learner home, stages other targets, refuses read-only ones', () => {
    const assets = { host01: [{ file: 'a', target: '/root' }, { file: 'b', target: '/etc/app' }, { file: 'c', target: '/usr/local/bin', chmod: '+x' }], host02: [{ file: 'a', target: '/tmp' }] }
    const r = convertKillercoda(scenario(oneStep(assets), { ...base, 'assets/a': 'A', 'assets/b': 'B', 'assets/c': 'C' }), 'x')
    expect(r.errors.join()).toMatch(/c: target '\/usr\/local\/bin' is read-only/)
    const ok = convertKillercoda(scenario(oneStep({ host01: assets.host01.slice(0, 2) }), { ...base, 'assets/a': 'A', 'assets/b': 'B' }), 'x')
    expect(ok.files.map((f) => f.path)).toEqual(expect.arrayContaining(['files/home/learner/a', 'files/opt/kenshu-assets/etc/app/b']))
    expect(file(ok, 'setup.sh').text).toContain("mkdir -p '/etc/app' && cp -p '/opt/kenshu-assets/etc/app/b' '/etc/app/b'")
  })
  it('warns about what a Kenshu sandbox does not have', () => {
    const r = convertKillercoda(scenario(oneStep(), { 'step1/text.md': '`sudo apt-get install x`{{exec}}', 'step1/verify.sh': 'test -f /root/x' }), 'x')
    const w = r.warnings.join('\n')
    expect(w).toMatch(/sudo/)
    expect(w).toMatch(/\/root/)
    expect(w).toMatch(/no internet/)
  })
})

const RUN = existsSync('/usr/bin/bwrap') && process.getuid?.() === 0
describe.runIf(RUN)('the converted fixture in a real sandbox (what labs:check does)', () => {
  it('setup → checks fail → solve → checks pass', async () => {
    const r = convertKillercoda(await readScenarioDir(FIXTURE), 'stop-suspicious-cron')
    const root = await mkdtemp(path.join(os.tmpdir(), 'kenshu-kc-'))
    const driver = new BwrapDriver({ idleTimeoutSec: 0 })
    const id = `tkc-${process.pid}`
    try {
      const dir = path.join(root, r.id)
      await writeOut(r, dir)
      const loaded = await loadLabPackage(dir)
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors))
      const lab: LoadedLab = loaded.lab
      const opts = { lang: 'en' as const, seed: 1 }
      const { variables } = await provisionSandbox(driver, lab, id, opts)
      for (const t of ['step-1', 'step-2']) expect((await runCheck(driver, lab, id, t, variables, opts)).status).toBe('fail')
      expect((await runSolve(driver, lab, id, variables, opts)).exitCode).toBe(0)
      for (const t of ['step-1', 'step-2']) expect(await runCheck(driver, lab, id, t, variables, opts)).toEqual({ status: 'pass', message: `Step ${t.slice(-1)} is done.` })
    } finally {
      await driver.stop(id)
      await rm(root, { recursive: true, force: true })
    }
  }, 60_000)
})
