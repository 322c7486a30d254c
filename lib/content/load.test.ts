import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { formatContentIssue, loadContent } from './load'

const root = path.resolve(__dirname, '../..')

describe('the shipped content', () => {
  it('is valid: schema, statement ids, lab links, prerequisite DAG, quizzes, MDX, both languages', async () => {
    const c = await loadContent(root)
    expect(c.errors.map(formatContentIssue)).toEqual([])
    expect(c.warnings.map(formatContentIssue)).toEqual([])
  }, 120_000)
  it('has at least five curricula and eight briefings, every briefing with a tabletop, one linked to the flagship lab', async () => {
    const c = await loadContent(root)
    expect(c.curricula.length).toBeGreaterThanOrEqual(5)
    expect(c.briefings.size).toBeGreaterThanOrEqual(8)
    expect([...c.briefings.values()].every((b) => b.tabletop)).toBe(true)
    expect([...c.briefings.values()].some((b) => b.tabletop?.linkedLab === 'iot-botnet-telnet')).toBe(true)
    expect(new Set(c.curricula.map((x) => x.workRole))).toEqual(
      new Set(['PD-WRL-001', 'PD-WRL-003', 'PD-WRL-007', 'DD-WRL-009', 'OG-WRL-002']),
    )
  }, 120_000)
})

describe('broken content is reported with file, line and reason, and kept out', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kenshu-content-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
    writeFileSync(path.join(dir, rel), text)
  }
  const L = (s: string) => `{ ja: "${s}（ja）", en: "${s}" }`
  const quiz = `quiz:
  questions:
${[1, 2, 3].map((n) => `    - { id: q${n}, kind: single, prompt: ${L('Q')}, options: [{ id: a, text: ${L('A')} }, { id: b, text: ${L('B')} }], answer: ${n === 3 ? 'z' : 'a'}, explanation: ${L('E')}, statements: [T1084] }`).join('\n')}
`
  const mod = (id: string, prereq: string[], extra = '') => `id: ${id}
title: ${L(id)}
summary: ${L('s')}
level: A
prerequisites: [${prereq.join(', ')}]
lessons:
  - { id: one, title: ${L('One')}, minutes: 5, statements: [T1084${extra}] }
labs:
  - { id: no-such-lab, why: ${L('w')}, statements: [T1084] }
${quiz}`
  write('labs/.keep', '')
  write('content/modules/m1/module.yaml', mod('m1', ['m2'], ', T9999'))
  write('content/modules/m1/one.en.mdx', '## Hello\n\n<Callout>unclosed\n')
  write('content/modules/m2/module.yaml', mod('m2', ['m1']))
  write('content/modules/m2/one.en.mdx', '## Fine\n')
  write('content/modules/m2/one.ja.mdx', '## よい\n')
  write(
    'content/curricula/c1.yaml',
    `id: c1\ntitle: ${L('c')}\nsummary: ${L('s')}\nworkRole: PD-WRL-003\nmodules: [m2, nope]\n`,
  )
  write('content/briefings/b1/briefing.yaml', 'id: b1\ntitle: { ja: x\n')

  it('reports every problem', async () => {
    const c = await loadContent(dir)
    const msgs = c.errors.map(formatContentIssue)
    const has = (re: RegExp) =>
      expect(
        msgs.some((m) => re.test(m)),
        `${re} in\n${msgs.join('\n')}`,
      ).toBe(true)
    has(/content\/modules\/m1\/module.yaml lessons.0.statements.1: unknown NICE v2.1.0 statement "T9999"/)
    has(/content\/modules\/m[12]\/module.yaml labs.0.id: no lab package "no-such-lab"/)
    has(/quiz.questions.2.answer: "z" is not one of the options/)
    has(/content\/modules\/m1\/one.en.mdx:\d+:\d+: .*/)
    has(/content\/curricula\/c1.yaml modules.1: unknown module "nope"/)
    has(/content\/briefings\/b1\/briefing.yaml:\d+:\d+: /)
    expect(c.warnings.map(formatContentIssue)).toContain(
      'content/modules/m1/one.ja.mdx: missing: the English text is shown with a notice',
    )
    expect(c.modules.size).toBe(0)
    expect(c.curricula).toEqual([])
  })
  it('a prerequisite cycle is an error naming the path', async () => {
    const d2 = mkdtempSync(path.join(tmpdir(), 'kenshu-content-'))
    const w = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(d2, rel)), { recursive: true })
      writeFileSync(path.join(d2, rel), text)
    }
    w('labs/no-such-lab/lab.yaml', 'id: x\n')
    for (const [id, pre] of [
      ['m1', 'm2'],
      ['m2', 'm1'],
    ] as const) {
      w(`content/modules/${id}/module.yaml`, mod(id, [pre]).replace('answer: z', 'answer: a'))
      w(`content/modules/${id}/one.en.mdx`, '## a\n')
      w(`content/modules/${id}/one.ja.mdx`, '## a\n')
    }
    const c = await loadContent(d2)
    expect(c.errors.map(formatContentIssue)).toEqual([
      'content/modules/m1/module.yaml prerequisites: prerequisite cycle: m1 → m2 → m1',
    ])
    rmSync(d2, { recursive: true, force: true })
  })
})
