/**
 * Sandbox start benchmark (run as root): `npx tsx bench/sandbox-start.ts [runs=20] [parallel=0]`.
 *
 * Measures, one sandbox at a time: start() (bwrap + uid map + lock-down + files/ + setup.sh),
 * start-to-prompt (start() + attach() until bash prints its prompt), and the memory charged to an
 * idle sandbox's cgroup with a shell attached. With `parallel` > 0 it also starts that many at once
 * (through the driver's start queue).
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { BwrapDriver } from '../lib/labs/sandbox/bwrap-driver'
import type { SandboxSpec } from '../lib/labs/sandbox/types'

const runs = Number(process.argv[2] ?? 20)
const parallel = Number(process.argv[3] ?? 0)

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'kenshu-bench-'))
  const labDir = path.join(tmp, 'lab')
  await mkdir(path.join(labDir, 'files/home/learner'), { recursive: true })
  await writeFile(path.join(labDir, 'files/home/learner/README'), 'bench\n')
  await writeFile(path.join(labDir, 'setup.sh'), 'echo "$LAB_ANSWER" > /root/answer\n')
  const driver = new BwrapDriver({ idleTimeoutSec: 0, maxConcurrentStarts: 2 })
  const spec = (id: string): SandboxSpec => ({
    sessionId: id,
    labDir,
    network: 'none',
    timeLimitSec: 600,
    env: { LAB_ANSWER: 'x' },
    limits: { memoryMb: 256, pids: 128, cpus: 1, homeMb: 64, tmpMb: 64 },
  })
  const avail = await driver.availability()
  if (!avail.available) throw new Error(avail.reason)
  const startMs: number[] = []
  const promptMs: number[] = []
  const idleBytes: number[] = []
  try {
    for (let i = 0; i < runs; i++) {
      const id = `bench-${process.pid}-${i}`
      const t0 = performance.now()
      await driver.start(spec(id))
      const t1 = performance.now()
      const term = await driver.attach(id, { cols: 80, rows: 24 })
      await new Promise<void>((resolve, reject) => {
        let buf = ''
        const timer = setTimeout(() => reject(new Error('no prompt')), 10_000)
        term.onData((c) => {
          buf += Buffer.from(c).toString()
          if (/\$ $/.test(buf)) {
            clearTimeout(timer)
            resolve()
          }
        })
      })
      const t2 = performance.now()
      if (process.env.BENCH_VERBOSE) console.log(i, (t1 - t0).toFixed(0), (t2 - t0).toFixed(0))
      startMs.push(t1 - t0)
      promptMs.push(t2 - t0)
      await new Promise((r) => setTimeout(r, 300))
      const st = await driver.status(id)
      if (st?.memoryBytes !== undefined) idleBytes.push(st.memoryBytes)
      term.close()
      await driver.stop(id)
    }
    const fmt = (v: number[]) =>
      `p50 ${pct(v, 50).toFixed(0)} ms, p95 ${pct(v, 95).toFixed(0)} ms (n=${v.length})`
    console.log(`start():          ${fmt(startMs)}`)
    console.log(`start-to-prompt:  ${fmt(promptMs)}`)
    console.log(
      `idle memory:      p50 ${(pct(idleBytes, 50) / 1048576).toFixed(1)} MiB, max ${(Math.max(...idleBytes) / 1048576).toFixed(1)} MiB (cgroup, shell attached)`,
    )
    if (parallel > 0) {
      const t0 = performance.now()
      const times: number[] = []
      await Promise.all(
        Array.from({ length: parallel }, async (_, i) => {
          await driver.start(spec(`bench-${process.pid}-p${i}`))
          times.push(performance.now() - t0)
        }),
      )
      console.log(`${parallel} at once (queue of 2): ${fmt(times)}`)
    }
  } finally {
    await driver.stopAll()
    await rm(tmp, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
