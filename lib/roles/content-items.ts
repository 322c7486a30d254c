import { labFramework } from '../labs/package/framework'
import 'server-only'
import { labCatalog } from '../labs/catalog'
import { contentCatalog } from '../content/catalog'
import { briefingStatements, moduleStatements } from '../content/filter'
import { CONTENT_FRAMEWORK_KEY } from '../content/schema'
import type { ContentItem } from './coverage'

/**
 * Every piece of training content as a coverage item: labs now; curriculum modules and executive
 * briefings (issue #5) add themselves here. Content tags statements with a framework id in its own
 * spelling (`nice-v2.1.0` in lab.yaml); coverage matches on the catalog key (`nice@2.1.0`).
 */

export async function contentItems(locale: 'ja' | 'en'): Promise<ContentItem[]> {
  const [{ labs }, content] = await Promise.all([labCatalog(), contentCatalog()])
  const modules: ContentItem[] = [...content.modules.values()].map((m) => ({
    kind: 'module',
    id: m.id,
    title: m.title[locale],
    href: `/learn/modules/${m.id}`,
    frameworkKey: CONTENT_FRAMEWORK_KEY,
    statementIds: moduleStatements(m),
  }))
  const briefings: ContentItem[] = [...content.briefings.values()].map((b) => ({
    kind: 'briefing',
    id: b.id,
    title: b.title[locale],
    href: `/briefings/${b.id}`,
    frameworkKey: CONTENT_FRAMEWORK_KEY,
    statementIds: briefingStatements(b),
  }))
  const labItems: ContentItem[] = [...labs.values()]
    .map(({ lab }) => lab.manifest)
    .map((m) => ({
      kind: 'lab' as const,
      id: m.id,
      title: m.title[locale] ?? m.title.en,
      href: `/labs/${m.id}`,
      frameworkKey: labFramework(m.framework.id).key,
      statementIds: m.framework.statements,
    }))
    .sort((a, b) => a.title.localeCompare(b.title, locale))
  return [...labItems, ...modules, ...briefings]
}
