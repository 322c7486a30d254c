/**
 * `npx tsx scripts/import-killercoda.ts <scenario-dir> [--out labs] [--id ID] [--force]`
 * Converts a Killercoda scenario (index.json, stepN/text.md, verify.sh, background.sh,
 * foreground.sh, assets/) into a Kenshu lab package at <out>/<id>/ and prints what the author
 * still has to do. Conversion rules: lib/labs/killercoda/convert.ts and labs/README.md.
 * Then: `npm run labs:check -- --lab <id>` (or KENSHU_LABS_DIR=<out> for another directory).
 */
import { existsSync } from 'node:fs'
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { convertKillercoda } from '../lib/labs/killercoda/convert'
import { readScenarioDir } from '../lib/labs/killercoda/read-scenario'

const args = process.argv.slice(2)
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
const src = args.find((a, i) => !a.startsWith('--') && !['--out', '--id'].includes(args[i - 1] ?? ''))
if (!src) {
  console.error('usage: npx tsx scripts/import-killercoda.ts <scenario-dir> [--out labs] [--id ID] [--force]')
  process.exit(2)
}
const scenarioDir = path.resolve(src)
const outRoot = path.resolve(opt('--out') ?? 'labs')
const result = convertKillercoda(await readScenarioDir(scenarioDir), path.basename(scenarioDir), { id: opt('--id') })
for (const w of result.warnings) console.warn(`warning: ${w}`)
if (!result.ok) {
  for (const e of result.errors) console.error(`error: ${e}`)
  process.exit(1)
}
const dest = path.join(outRoot, result.id)
if (existsSync(dest)) {
  if (!args.includes('--force')) {
    console.error(`error: ${dest} exists (use --force to replace it)`)
    process.exit(1)
  }
  await rm(dest, { recursive: true })
}
for (const f of result.files) {
  const p = path.join(dest, f.path)
  await mkdir(path.dirname(p), { recursive: true })
  await writeFile(p, f.content)
  await chmod(p, f.mode)
}
console.log(`wrote ${result.files.length} files to ${dest}`)
console.log(`next: read ${path.join(dest, 'NOTES.md')}, then npm run labs:check -- --lab ${result.id}` +
  (outRoot === path.resolve('labs') ? '' : ` (with KENSHU_LABS_DIR=${outRoot})`))
