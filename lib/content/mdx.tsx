import 'server-only'
import { createHash } from 'node:crypto'
import type { ComponentType } from 'react'
import { evaluate } from '@mdx-js/mdx'
import * as runtime from 'react/jsx-runtime'
import remarkGfm from 'remark-gfm'

type MdxContent = ComponentType<{ components?: Record<string, ComponentType<Record<string, unknown>>> }>
const compiled = new Map<string, Promise<MdxContent>>()

// The page owns the one <h1>: authored headings move one level down (a11y: one h1 per page).
const components = {
  h1: (p: Record<string, unknown>) => <h2 {...p} />,
  h2: (p: Record<string, unknown>) => <h3 {...p} />,
  h3: (p: Record<string, unknown>) => <h4 {...p} />,
}

/**
 * Renders authored MDX (lab steps, later curricula and briefings) on the server. Only files from the
 * repository's labs/ and content/ are ever compiled: learner-entered text is never passed here.
 * Compiled modules are cached by content hash (authored files change only with a deploy).
 */
export async function renderMdx(source: string, extra: Record<string, ComponentType<Record<string, unknown>>> = {}) {
  const key = createHash('sha256').update(source).digest('hex')
  let component = compiled.get(key)
  if (!component) {
    component = evaluate(source, { ...runtime, remarkPlugins: [remarkGfm], development: false }).then((m) => m.default as MdxContent)
    compiled.set(key, component)
    component.catch(() => compiled.delete(key))
  }
  const Content = await component
  return <Content components={{ ...components, ...extra }} />
}
