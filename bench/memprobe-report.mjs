#!/usr/bin/env node
// Summarises a bench/memprobe.cjs log: least-squares slopes (MiB/min) of RSS, heap used (after a full
// GC, from the once-a-minute samples), external and arrayBuffers over a window of the run, plus the
// replay-buffer counters of the lab driver.
//   node bench/memprobe-report.mjs /tmp/x/mem.jsonl [fromMinute] [toMinute]
import { readFileSync } from 'node:fs'
const [file, from = '0', to = '1e9'] = process.argv.slice(2)
const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.rss)
const win = lines.filter((l) => l.t >= Number(from) && l.t <= Number(to))
const MiB = 1024 * 1024
const slope = (pts) => {
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1)
  const mt = mean(pts.map((p) => p[0]))
  const mv = mean(pts.map((p) => p[1]))
  const d = pts.reduce((a, p) => a + (p[0] - mt) ** 2, 0)
  return d ? pts.reduce((a, p) => a + (p[0] - mt) * (p[1] - mv), 0) / d : 0
}
const s = (rows, k) => +slope(rows.map((l) => [l.t, l[k] / MiB])).toFixed(2)
const gcs = win.filter((l) => l.gc)
const first = win[0]
const last = win.at(-1)
const mib = (x) => +(x / MiB).toFixed(1)
const out = {
  window: [first?.t, last?.t],
  samples: win.length,
  slopesMiBPerMin: {
    rss: s(win, 'rss'),
    heapUsed: s(win, 'heapUsed'),
    heapUsedAfterGc: s(gcs, 'heapUsed'),
    heapTotal: s(win, 'heapTotal'),
    external: s(win, 'external'),
    arrayBuffers: s(win, 'arrayBuffers'),
    rssMinusHeapTotal: +slope(win.map((l) => [l.t, (l.rss - l.heapTotal) / MiB])).toFixed(2),
  },
  start: first && { rss: mib(first.rss), heapUsed: mib(first.heapUsed), heapTotal: mib(first.heapTotal), external: mib(first.external) },
  end: last && { rss: mib(last.rss), heapUsed: mib(last.heapUsed), heapTotal: mib(last.heapTotal), external: mib(last.external) },
  afterGc: gcs.map((l) => ({ t: l.t, rss: mib(l.rss), heapUsed: mib(l.heapUsed), external: mib(l.external), replayChunks: l.labs?.replayChunks })),
  labsStart: first?.labs,
  labsEnd: last?.labs,
  replayChunksPerMin: last?.labs ? +slope(win.map((l) => [l.t, l.labs?.replayChunks ?? 0])).toFixed(0) : undefined,
}
console.log(JSON.stringify(out, null, 1))
