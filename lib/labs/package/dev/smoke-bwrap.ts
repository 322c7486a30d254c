/**
 * Developer smoke test for a lab package's scripts, without the real sandbox driver:
 * overlay → setup.sh (variables on fd 3) → every check must FAIL → solve.sh → every check must PASS,
 * speaking exactly the runtime protocol of ../protocol.ts (scripts on stdin of `bash -s`).
 *
 *   sudo npx tsx lib/labs/package/dev/smoke-bwrap.ts labs/iot-botnet-telnet
 *
 * It needs host root because it switches uids inside the sandbox (setpriv to the learner's 1000)
 * and enters the sandbox with nsenter, the way a driver's `exec` would. Production never runs
 * bwrap as root (STACK-NOTES); this tool is for authors' machines and CI runners only.
 */
import { spawn, spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { loadLabPackage, formatLabError } from '../load'
import { buildScriptStdin, parseCheckResult, parseSetupVariables, SCRIPT_COMMAND, SETUP_COMMAND, type ScriptContext } from '../protocol'

// Next's types make NODE_ENV required in ProcessEnv; a sandbox gets nothing but PATH on purpose.
const CLEAN_ENV = { PATH: '/usr/bin:/bin' } as unknown as NodeJS.ProcessEnv

type Exec = { exitCode: number; stdout: string; stderr: string; timedOut: boolean }

export type SmokeReport = {
  ok: boolean
  lines: string[]
  variables: Record<string, string>
}

/** Starts a throwaway bwrap sandbox and returns the host pid of its first process. */
async function startSandbox(hostname: string): Promise<{ pid: number; stop: () => void }> {
  const args = [
    '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--die-with-parent',
    '--hostname', hostname,
    '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/sbin', '/sbin',
    '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--ro-bind', '/etc', '/etc',
    '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', '/home', '--tmpfs', '/srv', '--tmpfs', '/opt',
    '--tmpfs', '/run', '--info-fd', '3', 'bash', '-c', 'touch /run/.ready; exec sleep infinity',
  ]
  const child = spawn('bwrap', args, { stdio: ['ignore', 'ignore', 'inherit', 'pipe'], env: CLEAN_ENV })
  const info = await new Promise<string>((ok, fail) => {
    let buf = ''
    const fd3 = child.stdio[3] as NodeJS.ReadableStream
    fd3.on('data', (d: Buffer) => {
      buf += d.toString()
      if (buf.includes('}')) ok(buf)
    })
    child.on('exit', (code) => fail(new Error(`bwrap exited with ${code}`)))
  })
  const pid = (JSON.parse(info) as { 'child-pid': number })['child-pid']
  // child-pid exists before its mounts are final: wait for the marker the sandbox's first command writes.
  for (let i = 0; i < 100 && !existsSync(`/proc/${pid}/root/run/.ready`); i++) await new Promise((r) => setTimeout(r, 20))
  return {
    pid,
    stop: () => {
      // Killing the namespace's init takes every process in the sandbox with it; the outer bwrap alone would not.
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
      child.kill('SIGKILL')
    },
  }
}

function execIn(pid: number, command: string, stdin: string | Buffer, timeoutMs = 30_000): Exec {
  const r = spawnSync('nsenter', ['-t', String(pid), '-m', '-p', '-n', '-i', '-u', '--', 'sh', '-c', command], {
    input: stdin,
    timeout: timeoutMs,
    env: CLEAN_ENV,
    maxBuffer: 8 * 1024 * 1024,
  })
  return {
    exitCode: r.status ?? -1,
    stdout: r.stdout?.toString() ?? '',
    stderr: r.stderr?.toString() ?? '',
    timedOut: r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT',
  }
}

/** Runs the whole setup → fail → solve → pass cycle for one package. */
export async function runSmoke(labDir: string, options: { seed?: number; lang?: 'ja' | 'en'; keepOpen?: (pid: number) => Promise<void> } = {}): Promise<SmokeReport> {
  const lines: string[] = []
  const loaded = await loadLabPackage(labDir)
  if (!loaded.ok) return { ok: false, lines: loaded.errors.map(formatLabError), variables: {} }
  const { lab } = loaded
  const m = lab.manifest
  const ctx: ScriptContext = {
    labId: m.id, learnerUid: 1000, learnerGid: 1000, learnerHome: '/home/learner',
    network: 'none', lang: options.lang ?? 'en', seed: options.seed ?? Math.floor(Math.random() * 2 ** 31),
  }
  const sandbox = await startSandbox('bms-gw01')
  let ok = true
  try {
    // The overlay travels as a base64 tar on stdin: the package itself is never mounted inside.
    const tar = spawnSync('tar', ['-C', resolve(lab.dir, 'files'), '--owner=0', '--group=0', '-cf', '-', '.'])
    const copy = execIn(sandbox.pid, 'mkdir -p /home/learner && base64 -d | tar -xf - -C / --no-same-owner && chown 1000:1000 /home/learner', tar.stdout.toString('base64'))
    if (copy.exitCode !== 0) throw new Error(`overlay copy failed: ${copy.stderr}`)

    const t0 = Date.now()
    const setup = execIn(sandbox.pid, SETUP_COMMAND, buildScriptStdin(await readFile(lab.scripts.setup, 'utf8'), ctx), 60_000)
    lines.push(`setup: exit ${setup.exitCode} in ${Date.now() - t0} ms`)
    if (setup.exitCode !== 0) {
      lines.push(setup.stderr)
      return { ok: false, lines, variables: {} }
    }
    const vars = parseSetupVariables(setup.stdout, m.variables.map((v) => v.name))
    if (!vars.ok) return { ok: false, lines: [...lines, ...vars.errors.map((e) => `variables: ${e}`)], variables: {} }
    lines.push(`variables: ${Object.entries(vars.variables).map(([k, v]) => `${k}=${v}`).join(' ')}`)

    const runChecks = async (expect: 'fail' | 'pass') => {
      for (const [taskId, path] of Object.entries(lab.scripts.checks)) {
        const r = execIn(sandbox.pid, SCRIPT_COMMAND, buildScriptStdin(await readFile(path, 'utf8'), ctx, vars.variables))
        const outcome = parseCheckResult(r)
        const good = outcome.status === expect
        if (!good) ok = false
        lines.push(`${good ? 'ok  ' : 'BAD '} ${taskId}: ${outcome.status} (expected ${expect}) — ${outcome.message}${r.stderr ? ` [stderr: ${r.stderr.trim().slice(0, 300)}]` : ''}`)
      }
    }
    // Background processes left by setup must not hold a pipe from the exec (a driver would wait for EOF forever).
    // One process (find, exec'd so its pid is $$) lists every pipe fd in the sandbox.
    const pipes = execIn(sandbox.pid, "echo $$; exec find /proc -mindepth 3 -maxdepth 3 -path '/proc/[0-9]*/fd/*' -lname 'pipe:*' -printf '%p %l\\n' 2>/dev/null", '')
    const [self, ...found] = pipes.stdout.split('\n').filter(Boolean)
    const rows = found.map((l) => {
      const [path = '', target = ''] = l.split(' ')
      return { pid: path.split('/')[2] ?? '', target }
    })
    // Pipes the sandbox's first process (pid 2) holds come from this harness (tsx's IPC channel), not from setup.
    const inherited = new Set(rows.filter((r) => r.pid === '2').map((r) => r.target))
    const held = rows.filter((r) => r.pid !== '2' && r.pid !== self && !inherited.has(r.target)).map((r) => `pid ${r.pid} ${r.target}`)
    lines.push(held.length ? `BAD  pipes held after setup: ${held.join('; ')}` : 'ok   no process left by setup holds a pipe')
    if (held.length) ok = false

    await runChecks('fail')

    // What a learner could see: no file in the writable tree may carry a value only the answer key has.
    const probe = execIn(sandbox.pid, `setpriv --reuid=1000 --regid=1000 --clear-groups grep -rIlF -e "$1" /srv /home /tmp /run 2>/dev/null; echo done`.replace('"$1"', `'${vars.variables.BOT_SHA256 ?? 'none'}'`), '')
    const leaks = probe.stdout.split('\n').filter((l) => l && l !== 'done')
    lines.push(leaks.length ? `BAD  answer key visible to the learner in: ${leaks.join(', ')}` : 'ok   no answer-key value readable by the learner')
    if (leaks.length) ok = false

    if (options.keepOpen) await options.keepOpen(sandbox.pid)

    const solve = execIn(sandbox.pid, SCRIPT_COMMAND, buildScriptStdin(await readFile(lab.scripts.solve, 'utf8'), ctx, vars.variables), 60_000)
    lines.push(`solve: exit ${solve.exitCode}${solve.exitCode !== 0 ? ` — ${solve.stderr.trim()}` : ''}`)
    if (solve.exitCode !== 0) ok = false
    await runChecks('pass')
    return { ok, lines, variables: vars.variables }
  } finally {
    sandbox.stop()
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${resolve(process.argv[1])}`).href
if (isMain) {
  const dir = process.argv[2]
  if (!dir) {
    console.error('usage: npx tsx lib/labs/package/dev/smoke-bwrap.ts labs/<id> [seed] [ja|en]')
    process.exit(2)
  }
  const seed = process.argv[3] ? Number(process.argv[3]) : undefined
  const lang = process.argv[4] === 'ja' ? 'ja' : 'en'
  runSmoke(dir, { seed, lang }).then(
    (r) => {
      for (const l of r.lines) console.log(l)
      console.log(r.ok ? 'SMOKE OK' : 'SMOKE FAILED')
      process.exit(r.ok ? 0 : 1)
    },
    (e: unknown) => {
      console.error(e)
      process.exit(1)
    },
  )
}
