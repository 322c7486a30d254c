import type { ComponentType, ReactNode } from 'react'

/**
 * The components authored content may use (content/README.md): <KeyFact>, <Callout> and
 * <Source id="…" /> — a numbered reference into the item's source list.
 */
export function contentComponents(
  sources: ReadonlyArray<{ id: string }> = [],
): Record<string, ComponentType<Record<string, unknown>>> {
  const index = new Map(sources.map((s, i) => [s.id, i + 1]))
  return {
    KeyFact: ({ children }: { children?: ReactNode }) => <div className="keyfact">{children}</div>,
    Callout: ({ children }: { children?: ReactNode }) => <aside className="callout">{children}</aside>,
    Source: ({ id }: { id?: unknown }) => {
      const n = typeof id === 'string' ? index.get(id) : undefined
      return n ? (
        <a className="source-ref" href={`#src-${String(id)}`}>
          [{n}]
        </a>
      ) : null
    },
  } as Record<string, ComponentType<Record<string, unknown>>>
}
