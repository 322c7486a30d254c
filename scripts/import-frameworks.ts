/**
 * Imports NIST NICE v2.1.0 and ENISA ECSF into content/frameworks/.
 *
 *   npx tsx scripts/import-frameworks.ts            # write content/frameworks/*
 *   npx tsx scripts/import-frameworks.ts --check    # exit 1 if the committed files differ from the importer output
 *   options: --from DIR (default ../shared/frameworks) --out DIR (default content/frameworks)
 *
 * Exit codes: 0 ok · 1 invalid input or (--check) content drift · 2 usage error.
 * The logic lives in lib/frameworks/importer.ts so tests can run it in-process.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import {
  DEFAULT_CONTENT_DIR,
  DEFAULT_SOURCE_DIR,
  ImportError,
  diffContent,
  runImport,
  writeContent,
} from '../lib/frameworks/importer'

async function main(): Promise<number> {
  let values: { check?: boolean; from?: string; out?: string; help?: boolean }
  try {
    ;({ values } = parseArgs({
      options: {
        check: { type: 'boolean' },
        from: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }))
  } catch (err) {
    console.error(
      `${(err as Error).message}\nusage: tsx scripts/import-frameworks.ts [--check] [--from DIR] [--out DIR]`,
    )
    return 2
  }
  if (values.help) {
    console.log('usage: tsx scripts/import-frameworks.ts [--check] [--from DIR] [--out DIR]')
    return 0
  }
  const from = values.from ? path.resolve(values.from) : DEFAULT_SOURCE_DIR
  const out = values.out ? path.resolve(values.out) : DEFAULT_CONTENT_DIR

  let files: Map<string, string>
  try {
    files = await runImport(from)
  } catch (err) {
    if (err instanceof ImportError) {
      console.error(err.message)
      return 1
    }
    throw err
  }

  if (values.check) {
    const drift = await diffContent(out, files)
    if (drift.length > 0) {
      console.error(`${out} is not what the importer produces (run: npx tsx scripts/import-frameworks.ts):`)
      for (const d of drift) console.error(`  ${d.file}: ${d.reason}`)
      return 1
    }
    console.log(`ok: ${[...files.keys()].join(', ')} in ${out} match ${from}`)
    return 0
  }

  await writeContent(out, files)
  console.log(`wrote ${[...files.keys()].map((f) => path.join(out, f)).join(', ')}`)
  return 0
}

process.exitCode = await main()
