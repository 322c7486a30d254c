import 'server-only'
import { labCatalog } from '../labs/catalog'
import { contentCatalog } from '../content/catalog'
import { ITEM_KINDS, itemHref, type ItemKind } from './status'

/** Something that can be assigned, with its title in one language. */
export type AssignableItem = { kind: ItemKind; id: string; title: string; href: string }

/**
 * Every assignable item (valid labs from labs/, curricula, modules and briefings from content/),
 * grouped by kind and sorted by title in `lang`.
 */
export async function assignableItems(lang: 'ja' | 'en'): Promise<Record<ItemKind, AssignableItem[]>> {
  const [{ labs }, content] = await Promise.all([labCatalog(), contentCatalog()])
  const out: Record<ItemKind, AssignableItem[]> = { lab: [], module: [], curriculum: [], briefing: [] }
  for (const { lab } of labs.values()) {
    const m = lab.manifest
    out.lab.push({ kind: 'lab', id: m.id, title: m.title[lang] ?? m.title.en, href: itemHref('lab', m.id) })
  }
  for (const c of content.curricula)
    out.curriculum.push({
      kind: 'curriculum',
      id: c.id,
      title: c.title[lang],
      href: itemHref('curriculum', c.id),
    })
  for (const m of content.modules.values())
    out.module.push({ kind: 'module', id: m.id, title: m.title[lang], href: itemHref('module', m.id) })
  for (const b of content.briefings.values())
    out.briefing.push({ kind: 'briefing', id: b.id, title: b.title[lang], href: itemHref('briefing', b.id) })
  for (const k of ITEM_KINDS) out[k].sort((a, b) => a.title.localeCompare(b.title, lang))
  return out
}

/** `kind:id` → item, for titling assignment rows. Items no longer in the catalog are simply absent. */
export async function itemIndex(lang: 'ja' | 'en'): Promise<Map<string, AssignableItem>> {
  const all = await assignableItems(lang)
  return new Map(ITEM_KINDS.flatMap((k) => all[k].map((i) => [`${k}:${i.id}`, i] as const)))
}

/** Whether an item of `kind` with `id` exists (and is valid) now. */
export async function itemExists(kind: ItemKind, id: string): Promise<boolean> {
  if (kind === 'lab') return (await labCatalog()).labs.has(id)
  const c = await contentCatalog()
  if (kind === 'module') return c.modules.has(id)
  if (kind === 'briefing') return c.briefings.has(id)
  return c.curricula.some((x) => x.id === id)
}
