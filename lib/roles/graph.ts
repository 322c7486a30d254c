/**
 * Career-path graph rules (pure): edges must not loop, and a layered layout for the SVG drawing
 * (roles left to right by how many steps lead to them; order within a column reduces crossings).
 */
import type { CareerEdge } from './types'

/** Why an edge cannot be added, or null when it can. */
export function edgeProblem(
  edges: ReadonlyArray<CareerEdge>,
  edge: CareerEdge,
): 'self' | 'duplicate' | 'cycle' | null {
  if (edge.fromRoleId === edge.toRoleId) return 'self'
  if (edges.some((e) => e.fromRoleId === edge.fromRoleId && e.toRoleId === edge.toRoleId)) return 'duplicate'
  // Adding from → to closes a loop when `from` is already reachable from `to`.
  return reachable(edges, edge.toRoleId, edge.fromRoleId) ? 'cycle' : null
}

export function reachable(edges: ReadonlyArray<CareerEdge>, start: string, goal: string): boolean {
  const next = adjacency(edges)
  const seen = new Set<string>([start])
  const stack = [start]
  while (stack.length) {
    const node = stack.pop()!
    if (node === goal) return true
    for (const n of next.get(node) ?? []) {
      if (!seen.has(n)) {
        seen.add(n)
        stack.push(n)
      }
    }
  }
  return false
}

function adjacency(edges: ReadonlyArray<CareerEdge>): Map<string, string[]> {
  const next = new Map<string, string[]>()
  for (const e of edges) {
    const list = next.get(e.fromRoleId)
    if (list) list.push(e.toRoleId)
    else next.set(e.fromRoleId, [e.toRoleId])
  }
  return next
}

export type GraphNode = { id: string; layer: number; order: number; x: number; y: number }
export type GraphEdge = CareerEdge & { path: string }
export type GraphLayout = { nodes: GraphNode[]; edges: GraphEdge[]; width: number; height: number }

export const NODE_WIDTH = 200
export const NODE_HEIGHT = 56
const GAP_X = 90
const GAP_Y = 28
const MARGIN = 16

/**
 * Layered layout of a DAG (longest path from a source = column; barycentre ordering within columns,
 * a few sweeps). Nodes with no edges go in the first column after connected ones. Deterministic: ties
 * keep the input order of `nodeIds`.
 */
export function layoutCareerGraph(
  nodeIds: ReadonlyArray<string>,
  edges: ReadonlyArray<CareerEdge>,
): GraphLayout {
  const ids = [...new Set(nodeIds)]
  const known = new Set(ids)
  const live = edges.filter(
    (e) => known.has(e.fromRoleId) && known.has(e.toRoleId) && e.fromRoleId !== e.toRoleId,
  )
  const incoming = new Map<string, string[]>(ids.map((id) => [id, []]))
  for (const e of live) incoming.get(e.toRoleId)!.push(e.fromRoleId)

  // Longest-path layering with memoisation; a cycle (should not exist) is cut where it is detected.
  const layer = new Map<string, number>()
  const visiting = new Set<string>()
  const layerOf = (id: string): number => {
    const known = layer.get(id)
    if (known !== undefined) return known
    if (visiting.has(id)) return 0
    visiting.add(id)
    const preds = incoming.get(id) ?? []
    const l = preds.length ? Math.max(...preds.map(layerOf)) + 1 : 0
    visiting.delete(id)
    layer.set(id, l)
    return l
  }
  ids.forEach(layerOf)

  const columns: string[][] = []
  for (const id of ids) (columns[layer.get(id)!] ??= []).push(id)
  const position = new Map<string, number>()
  const setPositions = () => columns.forEach((col) => col.forEach((id, i) => position.set(id, i)))
  setPositions()
  const inputOrder = new Map(ids.map((id, i) => [id, i]))
  for (let sweep = 0; sweep < 4; sweep++) {
    for (let c = 1; c < columns.length; c++) {
      const bary = (id: string) => {
        const preds = incoming.get(id) ?? []
        return preds.length
          ? preds.reduce((a, p) => a + position.get(p)!, 0) / preds.length
          : position.get(id)!
      }
      columns[c]!.sort((a, b) => bary(a) - bary(b) || inputOrder.get(a)! - inputOrder.get(b)!)
      setPositions()
    }
  }

  const tallest = Math.max(1, ...columns.map((c) => c.length))
  const height = MARGIN * 2 + tallest * NODE_HEIGHT + (tallest - 1) * GAP_Y
  const nodes: GraphNode[] = []
  columns.forEach((col, c) => {
    const colHeight = col.length * NODE_HEIGHT + (col.length - 1) * GAP_Y
    const top = (height - colHeight) / 2
    col.forEach((id, i) =>
      nodes.push({
        id,
        layer: c,
        order: i,
        x: MARGIN + c * (NODE_WIDTH + GAP_X),
        y: top + i * (NODE_HEIGHT + GAP_Y),
      }),
    )
  })
  const at = new Map(nodes.map((n) => [n.id, n]))
  const graphEdges = live.map((e) => {
    const a = at.get(e.fromRoleId)!
    const b = at.get(e.toRoleId)!
    const x1 = a.x + NODE_WIDTH
    const y1 = a.y + NODE_HEIGHT / 2
    const x2 = b.x
    const y2 = b.y + NODE_HEIGHT / 2
    const mid = (x1 + x2) / 2
    return { ...e, path: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}` }
  })
  const width =
    MARGIN * 2 + Math.max(1, columns.length) * NODE_WIDTH + Math.max(0, columns.length - 1) * GAP_X
  return { nodes, edges: graphEdges, width, height }
}
