/**
 * Idle sandbox memory benchmark (run as root, from the repo root):
 *
 *   npx tsx bench/sandbox-memory.ts [--count 200] [--settle-ms 3000] [--timeout-s 300] [--json-out FILE]
 *
 * Starts `count` sandboxes through Kenshu's BwrapDriver (its start queue, 2 at a time), attaches
 * the learner shell (a pty) to each, lets them idle, then measures memory per idle session four
 * ways (see bench/README.md, "Sandbox memory"), checks that every one still answers (`echo ok`
 * through its terminal, and through exec()), stops them one by one and verifies that no process
 * and no cgroup of theirs is left. JSON on stdout, a summary on stderr.
 *
 * It stops only its own sessions (never driver.stopAll(), which would also reap other people's
 * `kenshu-*` cgroups on a shared machine). The whole run is bounded by --timeout-s; Ctrl-C and the
 * time bound both stop every sandbox it started.
 */
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { BwrapDriver } from '../lib/labs/sandbox/bwrap-driver'
import type { TerminalStream } from '../lib/labs/sandbox/types'

type Opts = { count: number; settleMs: number; timeoutS: number; jsonOut?: string; memoryMb: number }

function parseArgs(argv: string[]): Opts {
  const o: Opts = { count: 200, settleMs: 3000, timeoutS: 300, memoryMb: 256 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const v = argv[i + 1]
    if (a === '--help' || a === '-h') {
      process.stdout.write(
        'Usage: npx tsx bench/sandbox-memory.ts [--count N=200] [--settle-ms MS=3000] [--timeout-s S=300] [--memory-mb MB=256] [--json-out FILE]\n',
      )
      process.exit(0)
    }
    if (v === undefined) throw new Error(`${a} needs a value`)
    i++
    if (a === '--count') o.count = Math.max(1, Math.floor(Number(v)))
    else if (a === '--settle-ms') o.settleMs = Number(v)
    else if (a === '--timeout-s') o.timeoutS = Number(v)
    else if (a === '--memory-mb') o.memoryMb = Number(v)
    else if (a === '--json-out') o.jsonOut = v
    else throw new Error(`unknown option ${a}`)
  }
  for (const n of [o.count, o.settleMs, o.timeoutS, o.memoryMb])
    if (!Number.isFinite(n)) throw new Error('bad number')
  return o
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const log = (s: string) => process.stderr.write(s + '\n')
const MiB = 1024 * 1024

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number
}
const mib = (b: number) => Math.round((b / MiB) * 1000) / 1000
const summary = (bytes: number[]) => ({
  medianMiB: mib(pct(bytes, 50)),
  p95MiB: mib(pct(bytes, 95)),
  maxMiB: mib(Math.max(...bytes)),
  totalMiB: mib(bytes.reduce((a, b) => a + b, 0)),
})

function meminfo(): Record<string, number> {
  const out: Record<string, number> = {}
  for (const line of readFileSync('/proc/meminfo', 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+)\s*kB/.exec(line)
    if (m) out[m[1] as string] = Number(m[2]) * 1024
  }
  return out
}

function selfRss(): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024
}

async function readNum(file: string): Promise<number> {
  try {
    return Number((await readFile(file, 'utf8')).trim())
  } catch {
    return NaN
  }
}

async function memoryStat(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  try {
    for (const line of (await readFile(path.join(dir, 'memory.stat'), 'utf8')).split('\n')) {
      const [k, v] = line.split(' ')
      if (k && v) out[k] = Number(v)
    }
  } catch {
    /* gone */
  }
  return out
}

/** Pss and Rss (bytes) of a process, from smaps_rollup. */
async function pssRss(pid: number): Promise<{ pss: number; rss: number; start?: string }> {
  try {
    const t = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8')
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    return {
      pss: Number(/^Pss:\s+(\d+)/m.exec(t)?.[1] ?? 0) * 1024,
      rss: Number(/^Rss:\s+(\d+)/m.exec(t)?.[1] ?? 0) * 1024,
      start: stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19],
    }
  } catch {
    return { pss: 0, rss: 0 }
  }
}

async function procStart(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    if (stat.charAt(stat.lastIndexOf(')') + 2) === 'Z') return undefined
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

/** Run `fn` over items, `width` at a time. */
async function pool<T, R>(items: T[], width: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i] as T, i)
      }
    }),
  )
  return out
}

/** Set by main() once sandboxes may exist: stops them on an unexpected error. */
let emergencyStop: (() => Promise<unknown>) | undefined

type Live = { id: string; term: TerminalStream; out: string; waiters: (() => void)[] }

function waitOutput(s: Live, pred: (b: string) => boolean, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (pred(s.out)) return resolve(true)
    const timer = setTimeout(() => {
      s.waiters = s.waiters.filter((w) => w !== check)
      resolve(false)
    }, ms)
    const check = () => {
      if (!pred(s.out)) return
      clearTimeout(timer)
      s.waiters = s.waiters.filter((w) => w !== check)
      resolve(true)
    }
    s.waiters.push(check)
  })
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2))
  if (process.getuid?.() !== 0)
    throw new Error('run as root (the driver maps user namespaces and creates cgroups)')
  const runTag = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`
  const ids = Array.from({ length: o.count }, (_, i) => `bench-mem-${runTag}-${i}`)
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'kenshu-bench-mem-'))
  await writeFile(path.join(tmp, 'setup.sh'), 'true\n')
  // Sessions that end before we stop them were stopped from outside (e.g. another driver's stopAll()).
  let weStop = false
  const endedEarly: Record<string, string> = {}
  const driver = new BwrapDriver({
    idleTimeoutSec: 0,
    maxConcurrentStarts: 2,
    onStopped: (id, reason) => {
      if (!weStop) endedEarly[id] = reason
    },
  })
  const avail = await driver.availability()
  if (!avail.available) throw new Error(avail.reason)
  const memRoot = '/sys/fs/cgroup/memory/kenshu'
  const ctlRoots = ['pids', 'memory', 'cpu', 'freezer'].map((c) => `/sys/fs/cgroup/${c}/kenshu`)
  const cgDir = (root: string, id: string) => path.join(root, `kenshu-${id}`)

  const started: string[] = []
  let stopping: Promise<unknown> | undefined
  /** Stop only this run's sessions (8 at a time), once. */
  const stopOurs = (): Promise<unknown> => {
    if (!stopping) {
      weStop = true
      stopping = pool([...started], 8, (id) => driver.stop(id).catch(() => {})).then(() =>
        rm(tmp, { recursive: true, force: true }),
      )
    }
    return stopping
  }
  emergencyStop = stopOurs
  const bail = (why: string, code: number) => {
    log(`\nsandbox-memory: ${why}; stopping its ${started.length} sandboxes ...`)
    void stopOurs().finally(() => process.exit(code))
  }
  process.on('SIGINT', () => bail('interrupted', 130))
  process.on('SIGTERM', () => bail('terminated', 143))
  const watchdog = setTimeout(() => bail(`time bound of ${o.timeoutS} s reached`, 3), o.timeoutS * 1000)

  const t0 = performance.now()
  const mem0 = meminfo()
  const rss0 = selfRss()
  const load0 = os.loadavg()

  // 1. start + attach, through the driver's queue (2 starts at a time, as in the app).
  const live: Live[] = []
  const startMs: number[] = []
  let startFailures = 0
  let lastError = ''
  await pool(ids, 4, async (id) => {
    const ts = performance.now()
    try {
      started.push(id)
      await driver.start({
        sessionId: id,
        labDir: tmp,
        network: 'none',
        timeLimitSec: o.timeoutS + 60,
        limits: { memoryMb: o.memoryMb, pids: 128, cpus: 1, homeMb: 64, tmpMb: 64 },
      })
      const term = await driver.attach(id, { cols: 80, rows: 24 })
      const s: Live = { id, term, out: '', waiters: [] }
      term.onData((c) => {
        s.out += Buffer.from(c).toString('utf8')
        if (s.out.length > 4096) s.out = s.out.slice(-2048)
        for (const w of [...s.waiters]) w()
      })
      if (!(await waitOutput(s, (b) => /\$ $/.test(b), 15_000))) throw new Error('no prompt')
      live.push(s)
      startMs.push(performance.now() - ts)
    } catch (e) {
      startFailures++
      lastError = e instanceof Error ? e.message : String(e)
    }
    if ((live.length + startFailures) % 50 === 0) log(`  ${live.length + startFailures}/${o.count} started`)
  })
  const startAllS = (performance.now() - t0) / 1000
  log(
    `started ${live.length}/${o.count} in ${startAllS.toFixed(1)} s${startFailures ? ` (${startFailures} failed: ${lastError})` : ''}`,
  )

  // 2. idle, then measure.
  for (const s of live) s.out = ''
  await sleep(o.settleMs)
  const g = (globalThis as { gc?: () => void }).gc
  g?.()
  const mem1 = meminfo()
  const rss1 = selfRss()
  const perSession: {
    id: string
    cgroupUsage: number
    cgroupKmem: number
    cgroupRss: number
    cgroupCache: number
    pss: number
    rss: number
    processes: number
  }[] = []
  const recordedPids: { pid: number; start: string }[] = []
  // Sessions stopped from outside before this point are not measured (their cgroup is gone).
  const measured = live.filter((s) => !(s.id in endedEarly))
  for (const s of measured) {
    const dir = cgDir(memRoot, s.id)
    const st = await memoryStat(dir)
    const procs = (
      await readFile(path.join(cgDir('/sys/fs/cgroup/pids/kenshu', s.id), 'cgroup.procs'), 'utf8').catch(
        () => '',
      )
    )
      .split('\n')
      .filter(Boolean)
      .map(Number)
    let pss = 0
    let rss = 0
    for (const pid of procs) {
      const r = await pssRss(pid)
      pss += r.pss
      rss += r.rss
      if (r.start) recordedPids.push({ pid, start: r.start })
    }
    perSession.push({
      id: s.id,
      cgroupUsage: await readNum(path.join(dir, 'memory.usage_in_bytes')),
      cgroupKmem: await readNum(path.join(dir, 'memory.kmem.usage_in_bytes')),
      cgroupRss: st.rss ?? NaN,
      cgroupCache: st.cache ?? NaN,
      pss,
      rss,
      processes: procs.length,
    })
  }
  const n = measured.length

  // 3. do they all still hold? Through the terminal (the attached shell) and through exec().
  const termOk = await pool(measured, 20, async (s) => {
    s.out = ''
    s.term.write('echo ok\r')
    return waitOutput(s, (b) => /[\r\n]ok\r\n/.test(b), 10_000)
  })
  const execOk = await pool(measured, 4, async (s) => {
    const r = await driver.exec(s.id, 'echo ok', { timeoutMs: 10_000 }).catch(() => undefined)
    return r?.exitCode === 0 && r.stdout.trim() === 'ok'
  })

  // 4. stop ours, verify nothing is left.
  for (const s of live) s.term.close()
  const tStop = performance.now()
  await stopOurs()
  const stopAllS = (performance.now() - tStop) / 1000
  clearTimeout(watchdog)
  const leftCgroups = ids.flatMap((id) => ctlRoots.map((r) => cgDir(r, id))).filter((d) => existsSync(d))
  const leftPids: number[] = []
  for (const { pid, start } of recordedPids) if ((await procStart(pid)) === start) leftPids.push(pid)
  const states = await Promise.all(ids.map(async (id) => (await driver.status(id))?.state ?? 'unknown'))
  const notStopped = ids.filter((_, i) => started.includes(ids[i] as string) && states[i] !== 'stopped')
  const load1 = os.loadavg()

  const col = (k: keyof (typeof perSession)[number]) =>
    perSession.map((p) => p[k] as number).filter(Number.isFinite)
  const hostSide = (rss1 - rss0) / Math.max(1, n)
  const system = ((mem0.MemAvailable ?? 0) - (mem1.MemAvailable ?? 0)) / Math.max(1, n)
  const result = {
    benchmark: 'sandbox-memory',
    date: new Date().toISOString(),
    host: {
      node: process.version,
      cpus: os.cpus().length,
      kernel: os.release(),
      memTotalMiB: mib(mem0.MemTotal ?? 0),
      cgroup: avail.available ? avail.cgroup : null,
    },
    settings: {
      requested: o.count,
      settleMs: o.settleMs,
      limits: { memoryMb: o.memoryMb, pids: 128, cpus: 1, homeMb: 64, tmpMb: 64 },
      shell: 'learner login shell (bash -l) attached through driver.attach(), 80x24, idle',
    },
    sessions: n,
    startFailures,
    ...(startFailures ? { lastStartError: lastError } : {}),
    startAllSeconds: +startAllS.toFixed(1),
    startToPromptMs: { p50: Math.round(pct(startMs, 50)), p95: Math.round(pct(startMs, 95)) },
    perSession: {
      // what the kernel charges to the session's memory cgroup (v1 usage_in_bytes: user pages,
      // tmpfs, kernel memory such as page tables and slab when kmem accounting is on)
      cgroupUsage: summary(col('cgroupUsage')),
      cgroupKmem: summary(col('cgroupKmem')),
      cgroupRss: summary(col('cgroupRss')),
      cgroupCache: summary(col('cgroupCache')),
      // processes in the cgroup (bwrap, its init, the anchor, nsenter, the shell): shared pages
      // split between all their users (Pss) or counted in full (Rss)
      processPss: summary(col('pss')),
      processRss: summary(col('rss')),
      processes: { median: pct(col('processes'), 50), max: Math.max(...col('processes')) },
      // the server side: this Node process's RSS growth (pty handles, listeners, 64 KiB replay buffers)
      serverRssGrowthMiB: mib(hostSide),
      // the whole machine: fall of MemAvailable divided by N (includes the kernel's side: pty
      // buffers, namespaces, mounts; also anything else the machine did meanwhile)
      systemMemAvailableDropMiB: mib(system),
    },
    totals: {
      cgroupUsageMiB: mib(col('cgroupUsage').reduce((a, b) => a + b, 0)),
      processPssMiB: mib(col('pss').reduce((a, b) => a + b, 0)),
      serverRssGrowthMiB: mib(rss1 - rss0),
      systemMemAvailableDropMiB: mib((mem0.MemAvailable ?? 0) - (mem1.MemAvailable ?? 0)),
      kernelSlabGrowthMiB: mib((mem1.Slab ?? 0) - (mem0.Slab ?? 0)),
      pageTablesGrowthMiB: mib((mem1.PageTables ?? 0) - (mem0.PageTables ?? 0)),
      kernelStackGrowthMiB: mib((mem1.KernelStack ?? 0) - (mem0.KernelStack ?? 0)),
      // for reading the MemAvailable drop: where it went (AnonPages: all processes' private memory)
      meminfoDeltaMiB: Object.fromEntries(
        [
          'MemFree',
          'MemAvailable',
          'Cached',
          'Shmem',
          'AnonPages',
          'Slab',
          'SUnreclaim',
          'PageTables',
          'KernelStack',
          'Percpu',
        ].map((k) => [k, mib((mem1[k] ?? 0) - (mem0[k] ?? 0))]),
      ),
    },
    health: {
      // ended before the benchmark stopped them: if not [], the numbers are suspect (see README)
      endedEarly,
      terminalEchoOk: termOk.filter(Boolean).length,
      execEchoOk: execOk.filter(Boolean).length,
      of: n,
    },
    teardown: {
      stopAllSeconds: +stopAllS.toFixed(2),
      notStopped,
      leftoverCgroups: leftCgroups,
      leftoverProcesses: leftPids,
      clean: leftCgroups.length === 0 && leftPids.length === 0 && notStopped.length === 0,
    },
    noise: { loadavgBefore: load0.map((x) => +x.toFixed(2)), loadavgAfter: load1.map((x) => +x.toFixed(2)) },
    wallSeconds: +((performance.now() - t0) / 1000).toFixed(1),
  }
  const json = JSON.stringify(result, null, 2)
  process.stdout.write(json + '\n')
  if (o.jsonOut) await writeFile(o.jsonOut, json + '\n')
  const p = result.perSession
  log(`\n${n} idle sandboxes with a shell attached (requested ${o.count}):`)
  log(
    `  cgroup usage      median ${p.cgroupUsage.medianMiB} MiB, p95 ${p.cgroupUsage.p95MiB} MiB, total ${p.cgroupUsage.totalMiB} MiB (kmem median ${p.cgroupKmem.medianMiB} MiB)`,
  )
  log(
    `  processes' Pss    median ${p.processPss.medianMiB} MiB, p95 ${p.processPss.p95MiB} MiB (Rss median ${p.processRss.medianMiB} MiB, ${p.processes.median} processes)`,
  )
  log(
    `  server RSS growth ${p.serverRssGrowthMiB} MiB per session; MemAvailable drop ${p.systemMemAvailableDropMiB} MiB per session`,
  )
  log(
    `  health: terminal echo ok ${result.health.terminalEchoOk}/${n}, exec echo ok ${result.health.execEchoOk}/${n}`,
  )
  log(
    `  teardown: ${stopAllS.toFixed(1)} s, ${result.teardown.clean ? 'clean (no cgroup, no process left)' : `NOT CLEAN ${JSON.stringify(result.teardown)}`}`,
  )
  process.exit(
    result.teardown.clean && termOk.every(Boolean) && execOk.every(Boolean) && n === o.count ? 0 : 1,
  )
}

main().catch((e: unknown) => {
  log(`sandbox-memory: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
  void (emergencyStop?.() ?? Promise.resolve()).finally(() => process.exit(1))
})
