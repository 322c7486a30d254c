import 'server-only'
import { evaluate } from '@mdx-js/mdx'
import * as runtime from 'react/jsx-runtime'
import remarkGfm from 'remark-gfm'

/**
 * Renders authored MDX (lab steps, later curricula and briefings) on the server. Only files from the
 * repository's labs/ and content/ are ever compiled: learner-entered text is never passed here.
 */
export async function renderMdx(source: string) {
  const { default: Content } = await evaluate(source, { ...runtime, remarkPlugins: [remarkGfm], development: false })
  return <Content />
}
