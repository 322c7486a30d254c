// Memory probe for the soak (issue #7), preloaded into the server only:
//   KENSHU_MEMPROBE=/tmp/mem.jsonl NODE_OPTIONS="--require ./bench/memprobe.cjs --expose-gc" node bench/soak.mjs …
// (bench/soak.mjs --memprobe FILE sets this up). Every 5 s it appends one JSON line with
// process.memoryUsage() and, when the lab session manager exists (globalThis.kenshuLabs), the sizes of
// its maps and of the bubblewrap driver's per-shell replay buffers. Once a minute it also records the
// same after a full GC (`gc: true`), which separates live JS data from garbage not yet collected.
// SIGUSR2 writes a heap snapshot next to the log (v8.writeHeapSnapshot). Does nothing in other processes
// (the soak script itself, the seed).
'use strict'
const file = process.env.KENSHU_MEMPROBE
if (file && /dist[\\/]server\.js$/.test(process.argv[1] ?? '')) {
  const fs = require('node:fs')
  const path = require('node:path')
  const v8 = require('node:v8')
  const t0 = Date.now()
  const labs = () => {
    const m = globalThis.kenshuLabs
    if (!m) return undefined
    const d = m.driver ?? {}
    let shells = 0
    let chunks = 0
    let bytes = 0
    let listeners = 0
    for (const s of d.sessions?.values?.() ?? []) {
      if (!s.shell) continue
      shells++
      const r = s.shell.replay ?? {}
      // Ring (chunk list) or any later shape that exposes its size.
      if (Array.isArray(r.chunks)) chunks += r.chunks.length
      bytes += r.total ?? r.length ?? 0
      listeners += s.shell.dataListeners?.size ?? 0
    }
    return {
      sessions: d.sessions?.size,
      ended: d.ended?.size,
      shells,
      replayChunks: chunks,
      replayBytes: bytes,
      dataListeners: listeners,
      progress: m.progress?.size,
      langOf: m.langOf?.size,
      bySandbox: m.bySandbox?.size,
      deliberate: m.deliberate?.size,
      inflight: m.inflight?.size,
    }
  }
  const sample = (gc) => {
    if (gc && typeof globalThis.gc === 'function') globalThis.gc()
    const u = process.memoryUsage()
    const h = v8.getHeapStatistics()
    const line = {
      t: +((Date.now() - t0) / 60_000).toFixed(3),
      gc: gc || undefined,
      rss: u.rss,
      heapTotal: u.heapTotal,
      heapUsed: u.heapUsed,
      external: u.external,
      arrayBuffers: u.arrayBuffers,
      mallocedMemory: h.malloced_memory,
      handles: process.getActiveResourcesInfo?.().length,
      labs: labs(),
    }
    fs.appendFileSync(file, JSON.stringify(line) + '\n')
  }
  let n = 0
  setInterval(() => sample(++n % 12 === 0), 5000).unref()
  process.on('SIGUSR2', () => {
    const out = path.join(path.dirname(file), `heap-${process.pid}-${Date.now()}.heapsnapshot`)
    sample(false)
    v8.writeHeapSnapshot(out)
    fs.appendFileSync(file, JSON.stringify({ t: +((Date.now() - t0) / 60_000).toFixed(3), snapshot: out }) + '\n')
  })
}
