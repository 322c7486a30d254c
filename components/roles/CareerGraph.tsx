import { NODE_HEIGHT, NODE_WIDTH, layoutCareerGraph } from '@/lib/roles/graph'
import type { CareerEdge } from '@/lib/roles/types'

/** Shortens a title to fit a node: SVG text does not wrap. Wide (CJK) characters count double. */
function clip(text: string, maxUnits = 22): string {
  let units = 0
  let out = ''
  for (const ch of text) {
    units += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1
    if (units > maxUnits) return `${out.trimEnd()}…`
    out += ch
  }
  return out
}

export type GraphRole = { id: string; title: string; subtitle: string; href: string }

/**
 * The career path DAG as a server-rendered SVG (layout from lib/roles/graph.ts). Used by /career-paths
 * and by a learner's /progress, which marks their current and target role and shows readiness per node.
 */
export function CareerGraph({
  roles,
  edges,
  label,
  current,
  target,
  marks,
}: {
  roles: GraphRole[]
  edges: ReadonlyArray<CareerEdge>
  label: string
  current?: string | null
  target?: string | null
  /** Short text per role under the subtitle (e.g. "now", "target · 64 %"). */
  marks?: ReadonlyMap<string, string>
}) {
  const byId = new Map(roles.map((r) => [r.id, r]))
  const live = edges.filter((e) => byId.has(e.fromRoleId) && byId.has(e.toRoleId))
  const layout = layoutCareerGraph(
    roles.map((r) => r.id),
    live,
  )
  const extra = marks?.size ? 18 : 0
  return (
    <svg
      role="img"
      aria-label={label}
      width={layout.width}
      height={layout.height + extra}
      viewBox={`0 0 ${layout.width} ${layout.height + extra}`}
      data-testid="career-graph"
      style={{ maxWidth: 'none' }}
    >
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
        </marker>
      </defs>
      {layout.edges.map((e) => (
        <path
          key={`${e.fromRoleId}-${e.toRoleId}`}
          d={e.path}
          fill="none"
          stroke="currentColor"
          strokeOpacity={0.55}
          strokeWidth={1.6}
          markerEnd="url(#arrow)"
        />
      ))}
      {layout.nodes.map((n) => {
        const r = byId.get(n.id)!
        const isCurrent = n.id === current
        const isTarget = n.id === target
        const mark = marks?.get(n.id)
        return (
          <a
            key={n.id}
            href={r.href}
            data-testid="career-node"
            data-current={isCurrent || undefined}
            data-target={isTarget || undefined}
          >
            <title>{r.title}</title>
            <rect
              x={n.x}
              y={n.y}
              width={NODE_WIDTH}
              height={NODE_HEIGHT + (mark ? extra : 0)}
              rx={8}
              fill={isTarget ? 'var(--brand)' : 'var(--brand-soft)'}
              fillOpacity={isTarget ? 0.18 : 1}
              stroke="var(--brand)"
              strokeWidth={isCurrent || isTarget ? 3 : 1.5}
              strokeDasharray={isTarget ? '6 3' : undefined}
            />
            <text x={n.x + 12} y={n.y + 23} fontSize={14} fontWeight={600} fill="currentColor">
              {clip(r.title)}
            </text>
            <text x={n.x + 12} y={n.y + 42} fontSize={12} fill="currentColor" opacity={0.7}>
              {r.subtitle}
            </text>
            {mark ? (
              <text x={n.x + 12} y={n.y + 60} fontSize={12} fontWeight={600} fill="currentColor">
                {mark}
              </text>
            ) : null}
          </a>
        )
      })}
    </svg>
  )
}
