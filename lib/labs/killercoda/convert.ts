/**
 * Killercoda scenario → Kenshu lab package, as a pure function over file contents.
 *
 * Input: the scenario's files (index.json, intro/ stepN/ finish/ text.md, verify.sh, background.sh,
 * foreground.sh, assets/…) as a map of relative path → bytes. Output: the package's files (relative
 * path, content, mode) plus warnings for the author and errors that stop the import. No file
 * system, no database: scripts/import-killercoda.ts does the reading and writing.
 *
 * Decisions (documented in labs/README.md, "Importing a Killercoda scenario"):
 * - Japanese: Killercoda has none, the loader requires it. Each .ja.mdx is the English text under a
 *   visible 「要翻訳 / Translation needed」 banner, and ja titles are the English ones prefixed with
 *   【要翻訳】, so the package loads and every untranslated place is findable with one grep.
 * - Tasks: one `check` task per step with a verify.sh (Killercoda: exit 0 = done; anything else
 *   becomes Kenshu's "not yet", never "broken").
 * - Solutions: Killercoda has none. A `solve.sh` in the scenario directory (a Kenshu extension) is
 *   copied; otherwise a stub that fails with a clear message is written, so labs:check says exactly
 *   what is missing instead of passing a lab nobody has proven solvable.
 * - Level and framework statements cannot be inferred: the manifest gets defaults that pass
 *   validation (level A, no statements) and a TODO header; NOTES.md lists what to set.
 */
import { stringify } from 'yaml'
import { z } from 'zod'
import { LAB_ID_PATTERN, LabManifestSchema, formatPath } from '../package/manifest'

export type ScenarioFiles = ReadonlyMap<string, Uint8Array>
export type OutputFile = { path: string; content: string | Uint8Array; mode: number }
export type ConvertResult = { ok: boolean; id: string; files: OutputFile[]; warnings: string[]; errors: string[] }
export type ConvertOptions = { id?: string }

const Part = z.object({
  title: z.string().optional(),
  text: z.string().optional(),
  foreground: z.string().optional(),
  background: z.string().optional(),
})
const Step = Part.extend({ verify: z.string().optional() })
const Asset = z.object({ file: z.string().min(1), target: z.string().min(1), chmod: z.string().optional() })
/** index.json as far as the importer uses it; unknown keys (backend, interface, …) are ignored. */
export const KillercodaIndexSchema = z.object({
  title: z.string().min(1),
  description: z.string().optional(),
  details: z.object({
    intro: Part.optional(),
    steps: z.array(Step).default([]),
    finish: Part.optional(),
    assets: z.record(z.string(), z.array(Asset)).optional(),
  }),
  backend: z.object({ imageid: z.string().optional() }).passthrough().optional(),
})
export type KillercodaIndex = z.infer<typeof KillercodaIndexSchema>

/** Overlay roots the Kenshu runtime copies from files/ (lib/labs/package/load.ts OVERLAY_ROOTS). */
const DIRECT_ROOTS = ['/srv/', '/opt/', '/tmp/', '/home/learner/']
/** Where assets for other targets are staged; setup.sh copies them into place as root. */
const STAGING = '/opt/kenshu-assets'
const READ_ONLY_TARGETS = /^\/(usr|bin|sbin|lib|lib32|lib64|proc|sys|dev)(\/|$)/
export const TRANSLATION_MARK = '【要翻訳】'

const decoder = new TextDecoder('utf-8', { fatal: false })
const text = (b: Uint8Array) => decoder.decode(b).replace(/\r\n?/g, '\n')

/** A lab id from a directory or scenario name: lower-case slug, at most 48 characters. */
export function slugify(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '')
  return s || 'killercoda-scenario'
}

/**
 * Killercoda markdown → MDX-safe markdown. Actions become plain code: `` `cmd`{{exec}} `` and
 * `{{copy}}` lose their marker (a note says so once), `{{}}` is dropped. Outside code, `{`, `}`
 * and `<` are escaped: MDX would read them as JSX, and an imported text must never run code in
 * the app. Returns the text and whether any action marker was found.
 */
export function convertMarkdown(md: string): { text: string; actions: boolean } {
  let actions = false
  const marker = /\{\{\s*(exec|copy)?[^}]*\}\}/g
  const out: string[] = []
  const lines = md.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n')
  let fence: string | null = null
  for (const raw of lines) {
    let line = raw
    const open = /^(\s*)(```+|~~~+)(.*)$/.exec(line)
    if (fence === null && open) {
      fence = open[2] ?? '```'
      out.push(line)
      continue
    }
    if (fence !== null) {
      // A closing fence may carry the action: ```{{exec}}
      const close = new RegExp(`^(\\s*)${fence.replace(/[`~]/g, (c) => `\\${c}`)}\\s*(\\{\\{[^}]*\\}\\})?\\s*$`).exec(line)
      if (close) {
        if (close[2]) actions = true
        out.push(`${close[1] ?? ''}${fence}`)
        fence = null
        continue
      }
      out.push(line)
      continue
    }
    // Outside fences: split into inline code spans and prose; only prose is escaped.
    const parts = line.split(/(`+[^`]*`+(?:\{\{[^}]*\}\})?)/)
    line = parts
      .map((p, i) => {
        if (i % 2 === 1) {
          if (marker.test(p)) actions = true
          marker.lastIndex = 0
          return p.replace(marker, '')
        }
        if (marker.test(p)) actions = true
        marker.lastIndex = 0
        return p.replace(marker, '').replace(/[{}<]/g, (c) => (c === '<' ? '&lt;' : `\\${c}`))
      })
      .join('')
    out.push(line)
  }
  if (fence !== null) out.push(fence) // an unclosed fence would swallow the rest of the page
  return { text: out.join('\n').replace(/\n{3,}/g, '\n\n').trim() + '\n', actions }
}

const ACTION_NOTE_EN =
  '> **Note:** in the original Killercoda scenario the commands below could be clicked to run or copy. Here, type or paste them into the terminal.'
const ACTION_NOTE_JA = '> **注:** 元の Killercoda シナリオでは下のコマンドをクリックで実行・コピーできました。ここではターミナルに入力（貼り付け）してください。'
const TRANSLATION_BANNER =
  '> **要翻訳 / Translation needed:** このステップは Killercoda から取り込んだ英語のままです。日本語に翻訳してください（labs/README.md「Killercoda の取り込み」）。\n'

/** A `check` script around a Killercoda verify.sh (which knows only exit 0 = done). */
export function wrapVerify(script: string, stepNo: number): string {
  let delim = 'KENSHU_KILLERCODA_VERIFY'
  while (script.includes(delim)) delim += '_X'
  return [
    '#!/bin/bash',
    `# Converted from Killercoda step${stepNo}/verify.sh by scripts/import-killercoda.ts.`,
    '# Killercoda: exit 0 = the step is done, anything else = not yet. Kenshu: 0 = passed, 1 = not yet.',
    '# The original runs in its own bash with no stdin, so it cannot read the rest of this script.',
    `verify=$(cat <<'${delim}'`,
    script.replace(/\n+$/, ''),
    delim,
    ')',
    'if bash --norc --noprofile -c "$verify" </dev/null >/dev/null 2>&1; then',
    `  if [ "$LAB_LANG" = ja ]; then echo "ステップ ${stepNo} は完了しています。"; else echo "Step ${stepNo} is done."; fi`,
    '  exit 0',
    'fi',
    `if [ "$LAB_LANG" = ja ]; then echo "ステップ ${stepNo} はまだ完了していません。"; else echo "Step ${stepNo} is not done yet."; fi`,
    'exit 1',
    '',
  ].join('\n')
}

type StepOut = { id: string; title: string; body: string; actions: boolean; verify?: string; stepNo?: number }

/** Converts a Killercoda scenario. Never throws on bad input: problems are `errors`. */
export function convertKillercoda(files: ScenarioFiles, dirName: string, options: ConvertOptions = {}): ConvertResult {
  const errors: string[] = []
  const warnings: string[] = []
  const id = options.id ?? slugify(dirName)
  const fail = (): ConvertResult => ({ ok: false, id, files: [], warnings, errors })
  if (!LAB_ID_PATTERN.test(id)) errors.push(`lab id '${id}' must match ${LAB_ID_PATTERN}`)
  const indexRaw = files.get('index.json')
  if (!indexRaw) {
    errors.push('index.json: missing (is this a Killercoda scenario directory?)')
    return fail()
  }
  let parsedJson: unknown
  try {
    parsedJson = JSON.parse(text(indexRaw))
  } catch (e) {
    errors.push(`index.json: not valid JSON (${(e as Error).message})`)
    return fail()
  }
  const parsed = KillercodaIndexSchema.safeParse(parsedJson)
  if (!parsed.success) {
    for (const i of parsed.error.issues) errors.push(`index.json: ${formatPath(i.path) || '(root)'}: ${i.message}`)
    return fail()
  }
  const index = parsed.data
  const read = (p: string | undefined, what: string): string | undefined => {
    if (p === undefined) return undefined
    const norm = p.replace(/^\.\//, '')
    if (norm.startsWith('/') || norm.split('/').includes('..')) {
      errors.push(`${what}: '${p}' escapes the scenario directory`)
      return undefined
    }
    const b = files.get(norm)
    if (!b) errors.push(`${what}: '${p}' does not exist`)
    return b ? text(b) : undefined
  }

  // ---- steps
  const steps: StepOut[] = []
  const backgrounds: Array<{ from: string; script: string }> = []
  const addPart = (part: z.infer<typeof Step> | undefined, sid: string, fallbackTitle: string, stepNo?: number) => {
    if (!part) return
    const where = stepNo ? `steps[${stepNo - 1}]` : sid
    const md = read(part.text, `index.json ${where}.text`)
    const conv = convertMarkdown(md ?? '')
    let body = conv.text
    const fg = read(part.foreground, `index.json ${where}.foreground`)
    if (fg !== undefined) {
      body =
        `Before you start, run this in the terminal (it was the step's foreground script in Killercoda):\n\n` +
        '```bash\n' + fg.replace(/^#!.*\n/, '').trim() + '\n```\n\n' + body
    }
    const bg = read(part.background, `index.json ${where}.background`)
    if (bg !== undefined && part.background) backgrounds.push({ from: part.background, script: bg })
    const verify = 'verify' in part ? read((part as { verify?: string }).verify, `index.json ${where}.verify`) : undefined
    steps.push({ id: sid, title: (part.title ?? '').trim() || fallbackTitle, body, actions: conv.actions, verify, stepNo })
  }
  addPart(index.details.intro, 'intro', 'Introduction')
  index.details.steps.forEach((s, i) => addPart(s, `step-${i + 1}`, `Step ${i + 1}`, i + 1))
  addPart(index.details.finish, 'finish', 'Finish')
  if (steps.length === 0) errors.push('index.json: details has no intro, steps or finish')
  if (steps.length > 20) errors.push(`a Kenshu lab has at most 20 steps; this scenario has ${steps.length}`)
  const checks = steps.filter((s) => s.verify !== undefined)
  if (checks.length === 0) errors.push('no step has a verify.sh: a Kenshu lab needs at least one task (add verify scripts)')

  // ---- assets
  const out: OutputFile[] = []
  const setupCopies: string[] = []
  for (const [host, list] of Object.entries(index.details.assets ?? {})) {
    if (host !== 'host01') warnings.push(`assets for '${host}' skipped: a Kenshu lab has one host (host01)`)
    if (host !== 'host01') continue
    for (const a of list) {
      const src = read(`assets/${a.file.replace(/^\.\//, '')}`, `assets ${a.file}`)
      const bytes = files.get(`assets/${a.file.replace(/^\.\//, '')}`)
      if (src === undefined || !bytes) continue
      // Killercoda's learner is root in /root; Kenshu's is uid 1000 in /home/learner.
      let target = a.target.replace(/^~(?=\/|$)/, '/root').replace(/\/+$/, '') || '/'
      if (target === '/root' || target.startsWith('/root/')) target = '/home/learner' + target.slice(5)
      if (!target.startsWith('/') || target.split('/').includes('..')) {
        errors.push(`assets ${a.file}: target '${a.target}' must be an absolute path without '..'`)
        continue
      }
      if (READ_ONLY_TARGETS.test(target)) {
        errors.push(`assets ${a.file}: target '${a.target}' is read-only in a Kenshu sandbox (allowed: /srv, /opt, /tmp, /home/learner, or /etc, /var staged by setup.sh)`)
        continue
      }
      const name = a.file.split('/').pop() ?? a.file
      const mode = a.chmod && /\+x|[75][0-7][0-7]$/.test(a.chmod) ? 0o755 : 0o644
      const dest = `${target}/${name}`
      if (DIRECT_ROOTS.some((r) => dest.startsWith(r))) {
        out.push({ path: `files${dest}`, content: bytes, mode })
      } else {
        out.push({ path: `files${STAGING}${dest}`, content: bytes, mode })
        setupCopies.push(`mkdir -p '${target}' && cp -p '${STAGING}${dest}' '${dest}'`)
        warnings.push(`assets ${a.file}: ${target} is not an overlay root; staged under ${STAGING} and copied by setup.sh`)
      }
    }
  }

  // ---- warnings about the Killercoda environment that does not exist here
  const allText = [...backgrounds.map((b) => b.script), ...steps.map((s) => s.body + (s.verify ?? ''))].join('\n')
  if (/\bsudo\b/.test(allText)) warnings.push("texts or scripts use sudo: the Kenshu learner is uid 1000 without sudo")
  if (/(^|[\s'"=])\/root\b|~\//m.test(allText)) warnings.push('texts or scripts mention /root or ~: the learner is uid 1000 with home /home/learner (setup and checks run as root with HOME=/root)')
  if (/\b(apt-get|apt|curl|wget|pip|docker|kubectl|systemctl)\b/.test(allText))
    warnings.push('texts or scripts use apt/curl/wget/pip/docker/kubectl/systemctl: a Kenshu sandbox has no internet, no package manager access, no systemd')
  const image = index.backend?.imageid
  if (image && image !== 'ubuntu' && !image.startsWith('ubuntu')) warnings.push(`backend '${image}' has no Kenshu equivalent: the sandbox is a Debian base system`)

  // ---- step texts
  const pad = (n: number) => String(n).padStart(2, '0')
  const manifestSteps = steps.map((s, i) => {
    const slug = `${pad(i + 1)}-${s.id}`
    // Killercoda texts often start with their own heading; add the step title only when they do not.
    const heading = /^#{1,6}\s/.test(s.body) ? '' : `# ${s.title}\n\n`
    const en = `${heading}${s.actions ? ACTION_NOTE_EN + '\n\n' : ''}${s.body}`
    const ja = `${TRANSLATION_BANNER}\n${heading}${s.actions ? ACTION_NOTE_JA + '\n\n' : ''}${s.body}`
    out.push({ path: `steps/${slug}.en.mdx`, content: en, mode: 0o644 })
    out.push({ path: `steps/${slug}.ja.mdx`, content: ja, mode: 0o644 })
    return {
      id: s.id,
      title: { ja: clip(TRANSLATION_MARK + s.title, 120), en: clip(s.title, 120) },
      file: { ja: `steps/${slug}.ja.mdx`, en: `steps/${slug}.en.mdx` },
    }
  })

  // ---- tasks and check scripts
  const tasks = checks.map((s) => {
    const tid = s.id
    out.push({ path: `checks/${tid}.sh`, content: wrapVerify(s.verify ?? '', s.stepNo ?? 0), mode: 0o755 })
    return {
      id: tid,
      kind: 'check' as const,
      step: s.id,
      title: { ja: clip(TRANSLATION_MARK + s.title, 120), en: clip(s.title, 120) },
      points: 10,
      statements: [],
      hints: [],
      timeoutSec: 10,
    }
  })

  // ---- setup.sh: every background script in order, as sandbox root
  const setup = [
    '#!/bin/bash',
    `# ${id} — setup, generated by scripts/import-killercoda.ts from the Killercoda background scripts.`,
    '# Runs as sandbox root before the learner attaches (labs/README.md, "Runtime contract"); must finish',
    '# within 60 s. Each original script runs in its own bash, without fd 3 (no per-session variables)',
    '# and without stdin. A background script that never ends must start its long-running part with',
    '# all descriptors redirected (labs/README.md, "Background processes started by setup").',
    'set -euo pipefail',
    'run_part() { bash --norc --noprofile -c "$2" "$1" </dev/null 3>&- || { echo "setup: $1 failed ($?)" >&2; exit 1; }; }',
    ...setupCopies.map((c) => `${c}`),
  ]
  backgrounds.forEach((b, i) => {
    let delim = `KENSHU_KILLERCODA_BG_${i + 1}`
    while (b.script.includes(delim)) delim += '_X'
    setup.push('', `# ---- ${b.from}`, `run_part ${shq(b.from)} "$(cat <<'${delim}'`, b.script.replace(/\n+$/, ''), delim, ')"')
  })
  setup.push('', 'echo "setup: ready" >&2', '')
  out.push({ path: 'setup.sh', content: setup.join('\n'), mode: 0o755 })

  // ---- solve.sh
  const solve = files.get('solve.sh')
  if (solve) out.push({ path: 'solve.sh', content: text(solve), mode: 0o755 })
  else {
    warnings.push('no solve.sh in the scenario: wrote a stub that fails; labs:check will fail until you write one')
    out.push({
      path: 'solve.sh',
      content: [
        '#!/bin/bash',
        '# Killercoda scenarios have no reference solution. Write one: labs:check runs setup, expects every',
        '# check to fail, runs this, then expects every check to pass.',
        'echo "solve.sh: no reference solution yet (imported from Killercoda) — write labs/' + id + '/solve.sh" >&2',
        'exit 1',
        '',
      ].join('\n'),
      mode: 0o755,
    })
  }

  // ---- lab.yaml
  const description = (index.description ?? '').trim() || index.title
  const manifest = {
    schemaVersion: 1,
    id,
    title: { ja: clip(TRANSLATION_MARK + index.title.trim(), 120), en: clip(index.title.trim(), 120) },
    summary: { ja: clip(TRANSLATION_MARK + description, 600), en: clip(description, 600) },
    level: 'A',
    estimatedMinutes: Math.min(480, Math.max(10, steps.length * 10)),
    timeLimitMinutes: Math.min(480, Math.max(30, steps.length * 20)),
    idleTimeoutMinutes: 20,
    limits: { memoryMb: 256, pids: 128, cpus: 0.5, homeMb: 32, tmpMb: 32 },
    network: { mode: 'none' },
    framework: { id: 'nice-v2.1.0', workRoles: [], statements: [] },
    sources: [clip(`Imported from the Killercoda scenario '${index.title.trim()}' (${dirName})`, 300)],
    variables: [],
    steps: manifestSteps,
    tasks,
  }
  const check = LabManifestSchema.safeParse(manifest)
  if (!check.success) for (const i of check.error.issues) errors.push(`generated lab.yaml: ${formatPath(i.path)}: ${i.message}`)
  const header = [
    `# Imported from Killercoda by scripts/import-killercoda.ts. Format: labs/README.md.`,
    '# TODO(author) before publishing — see NOTES.md:',
    '#   - level (A/B/C) and estimatedMinutes: defaults, not judged from the scenario',
    '#   - framework.workRoles / statements and each task\'s statements: empty (nothing is evidenced yet)',
    `#   - every text marked ${TRANSLATION_MARK}: English copied into the Japanese fields`,
    '#   - solve.sh, prompts and hints for the check tasks',
    '',
  ].join('\n')
  out.push({ path: 'lab.yaml', content: header + stringify(manifest, { lineWidth: 0 }), mode: 0o644 })
  out.push({ path: 'NOTES.md', content: notes(id, index, warnings, Boolean(solve)), mode: 0o644 })
  return { ok: errors.length === 0, id, files: errors.length ? [] : out, warnings, errors }
}

function clip(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim()
  return one.length <= max ? one : one.slice(0, max - 1) + '…'
}

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

function notes(id: string, index: KillercodaIndex, warnings: string[], hasSolve: boolean): string {
  return [
    `# ${id}: imported from Killercoda`,
    '',
    `Source scenario: "${index.title}". Generated by \`scripts/import-killercoda.ts\`; the runtime ignores this file.`,
    '',
    '## To do before publishing',
    '',
    '- [ ] `level` and `estimatedMinutes` in lab.yaml (defaults: A, 10 minutes per step).',
    '- [ ] `framework.workRoles`, `framework.statements` and each task\'s `statements` (empty).',
    `- [ ] Translate every text marked ${TRANSLATION_MARK} / 要翻訳 (\`grep -rn 要翻訳 labs/${id}\`).`,
    `- [ ] ${hasSolve ? 'Review' : 'Write'} \`solve.sh\`, then run \`npm run labs:check -- --lab ${id}\`.`,
    '- [ ] Prompts and hints for the check tasks; consider answer/choice/report tasks (CYDER flow).',
    '',
    '## Importer warnings',
    '',
    ...(warnings.length ? warnings.map((w) => `- ${w}`) : ['- none']),
    '',
  ].join('\n')
}
