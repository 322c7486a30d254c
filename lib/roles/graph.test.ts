import { describe, expect, it } from 'vitest'
import { NODE_HEIGHT, NODE_WIDTH, edgeProblem, layoutCareerGraph, reachable } from './graph'

const e = (fromRoleId: string, toRoleId: string) => ({ fromRoleId, toRoleId })

describe('career path edges', () => {
  const edges = [e('ot', 'soc'), e('soc', 'ir'), e('ir', 'arch')]
  it('rejects loops, duplicates and cycles; accepts a new branch', () => {
    expect(edgeProblem(edges, e('soc', 'soc'))).toBe('self')
    expect(edgeProblem(edges, e('soc', 'ir'))).toBe('duplicate')
    expect(edgeProblem(edges, e('arch', 'ot'))).toBe('cycle')
    expect(edgeProblem(edges, e('ir', 'soc'))).toBe('cycle')
    expect(edgeProblem(edges, e('ot', 'arch'))).toBeNull()
    expect(reachable(edges, 'ot', 'arch')).toBe(true)
    expect(reachable(edges, 'arch', 'ot')).toBe(false)
  })
})

describe('layoutCareerGraph', () => {
  it('puts each role one column right of its furthest predecessor and never overlaps boxes', () => {
    const layout = layoutCareerGraph(
      ['arch', 'ir', 'soc', 'ot', 'lonely', 'it'],
      [e('ot', 'soc'), e('it', 'soc'), e('soc', 'ir'), e('ir', 'arch'), e('ot', 'arch')],
    )
    const at = new Map(layout.nodes.map((n) => [n.id, n]))
    expect(at.get('ot')!.layer).toBe(0)
    expect(at.get('it')!.layer).toBe(0)
    expect(at.get('soc')!.layer).toBe(1)
    expect(at.get('ir')!.layer).toBe(2)
    expect(at.get('arch')!.layer).toBe(3)
    expect(at.get('lonely')!.layer).toBe(0)
    for (const a of layout.nodes)
      for (const b of layout.nodes)
        if (a !== b) {
          const overlap =
            a.x < b.x + NODE_WIDTH &&
            b.x < a.x + NODE_WIDTH &&
            a.y < b.y + NODE_HEIGHT &&
            b.y < a.y + NODE_HEIGHT
          expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false)
        }
    for (const n of layout.nodes) {
      expect(n.x + NODE_WIDTH).toBeLessThanOrEqual(layout.width)
      expect(n.y + NODE_HEIGHT).toBeLessThanOrEqual(layout.height)
    }
    expect(layout.edges).toHaveLength(5)
    expect(layout.edges[0]!.path).toMatch(/^M[\d.]+,[\d.]+ C/)
  })
  it('is deterministic and survives a cycle and unknown ids', () => {
    const a = layoutCareerGraph(['x', 'y'], [e('x', 'y'), e('y', 'x'), e('x', 'ghost')])
    expect(layoutCareerGraph(['x', 'y'], [e('x', 'y'), e('y', 'x'), e('x', 'ghost')])).toEqual(a)
    expect(a.nodes).toHaveLength(2)
    expect(a.edges).toHaveLength(2)
  })
  it('draws an empty graph', () => {
    const l = layoutCareerGraph([], [])
    expect(l.nodes).toEqual([])
    expect(l.width).toBeGreaterThan(0)
  })
})
