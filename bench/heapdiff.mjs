#!/usr/bin/env node
// Compares two V8 heap snapshots by constructor (node type + name): count and self size, sorted by
// growth. For the soak memory investigation (docs/soak-memory.md).
//   node --max-old-space-size=4096 bench/heapdiff.mjs a.heapsnapshot b.heapsnapshot [rows]
import { readFileSync } from 'node:fs'
const [a, b, rows = '30'] = process.argv.slice(2)
function aggregate(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'))
  const m = snap.snapshot.meta
  const F = m.node_fields.length
  const typeI = m.node_fields.indexOf('type')
  const nameI = m.node_fields.indexOf('name')
  const sizeI = m.node_fields.indexOf('self_size')
  const types = m.node_types[typeI]
  const { nodes, strings } = snap
  const by = new Map()
  let total = 0
  for (let i = 0; i < nodes.length; i += F) {
    const type = types[nodes[i + typeI]]
    let name = strings[nodes[i + nameI]]
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '(string)'
    else if (type === 'code') name = '(code)'
    else if (type === 'number') name = '(number)'
    else if (name.length > 60) name = name.slice(0, 60) + '…'
    const key = `${type}:${name}`
    const e = by.get(key) ?? { n: 0, size: 0 }
    e.n++
    e.size += nodes[i + sizeI]
    total += nodes[i + sizeI]
    by.set(key, e)
  }
  return { by, total, count: nodes.length / F }
}
const A = aggregate(a)
const B = aggregate(b)
const keys = new Set([...A.by.keys(), ...B.by.keys()])
const diff = [...keys]
  .map((k) => {
    const x = A.by.get(k) ?? { n: 0, size: 0 }
    const y = B.by.get(k) ?? { n: 0, size: 0 }
    return { k, dn: y.n - x.n, dsize: y.size - x.size, n: y.n, size: y.size }
  })
  .sort((p, q) => q.dsize - p.dsize)
const MiB = 1024 * 1024
console.log(`total self size: ${(A.total / MiB).toFixed(1)} → ${(B.total / MiB).toFixed(1)} MiB; nodes ${A.count} → ${B.count}`)
console.log('growth by constructor (count Δ, self size Δ KiB, count, self size KiB):')
for (const d of diff.slice(0, Number(rows)))
  console.log(`${String(d.dn).padStart(8)} ${(d.dsize / 1024).toFixed(0).padStart(9)}  ${String(d.n).padStart(8)} ${(d.size / 1024).toFixed(0).padStart(9)}  ${d.k}`)
