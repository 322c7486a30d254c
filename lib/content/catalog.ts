import 'server-only'
import { readFile } from 'node:fs/promises'
import { appRoot } from '../paths'
import { formatContentIssue, loadContent, type Lang, type LoadedContent } from './load'

const g = globalThis as unknown as { kenshuContent?: Promise<LoadedContent> }

/**
 * All authored content, loaded and validated once per process. Invalid items are left out and logged
 * (`npm run content:check` and the test suite fail on them, so a release never ships one).
 */
export function contentCatalog(): Promise<LoadedContent> {
  g.kenshuContent ??= loadContent(appRoot()).then((c) => {
    if (c.errors.length)
      console.error(
        `content: ${c.errors.length} problem(s):\n  ${c.errors.map(formatContentIssue).join('\n  ')}`,
      )
    return c
  })
  return g.kenshuContent
}

/** The MDX text in `lang`, or the other language with `fallback: true` (the page shows a notice). */
export async function localizedText(
  files: Partial<Record<Lang, string>>,
  lang: Lang,
): Promise<{ source: string; lang: Lang; fallback: boolean } | null> {
  const other: Lang = lang === 'ja' ? 'en' : 'ja'
  const file = files[lang] ?? files[other]
  if (!file) return null
  return { source: await readFile(file, 'utf8'), lang: files[lang] ? lang : other, fallback: !files[lang] }
}
