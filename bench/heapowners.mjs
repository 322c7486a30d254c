#!/usr/bin/env node
// Who holds the Buffers in a V8 heap snapshot: for every `Buffer` object, the chain of its first two
// retainers (owner constructor and property), counted. For the soak memory investigation
// (docs/soak-memory.md).   node --max-old-space-size=4096 bench/heapowners.mjs x.heapsnapshot [Buffer]
import { readFileSync } from 'node:fs'
const [file, want = 'Buffer'] = process.argv.slice(2)
const snap = JSON.parse(readFileSync(file, 'utf8'))
const m = snap.snapshot.meta
const NF = m.node_fields.length
const EF = m.edge_fields.length
const nType = m.node_fields.indexOf('type')
const nName = m.node_fields.indexOf('name')
const nEdges = m.node_fields.indexOf('edge_count')
const eType = m.edge_fields.indexOf('type')
const eName = m.edge_fields.indexOf('name_or_index')
const eTo = m.edge_fields.indexOf('to_node')
const edgeTypes = m.edge_types[eType]
const { nodes, edges, strings } = snap
const name = (n) => strings[nodes[n + nName]]
// retainer: node offset → first non-weak retainer [ownerNodeOffset, edgeLabel]
const ret = new Map()
let e = 0
for (let n = 0; n < nodes.length; n += NF) {
  const c = nodes[n + nEdges]
  for (let k = 0; k < c; k++, e += EF) {
    const t = edgeTypes[edges[e + eType]]
    if (t === 'weak' || t === 'shortcut') continue
    const to = edges[e + eTo]
    if (ret.has(to)) continue
    const label = t === 'element' || t === 'hidden' ? `[${edges[e + eName]}]` : strings[edges[e + eName]]
    ret.set(to, [n, label])
  }
}
const counts = new Map()
let total = 0
for (let n = 0; n < nodes.length; n += NF) {
  if (name(n) !== want || m.node_types[nType][nodes[n + nType]] !== 'object') continue
  total++
  const chain = []
  let cur = n
  for (let d = 0; d < 3; d++) {
    const r = ret.get(cur)
    if (!r) break
    chain.push(`${name(r[0])}.${r[1].startsWith('[') ? '[i]' : r[1]}`)
    cur = r[0]
  }
  const key = chain.join(' ← ')
  counts.set(key, (counts.get(key) ?? 0) + 1)
}
console.log(`${total} ${want} objects; top retainer chains:`)
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(String(v).padStart(8), k)
