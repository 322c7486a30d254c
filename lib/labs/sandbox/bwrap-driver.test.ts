import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BwrapDriver } from './bwrap-driver'
import { detectCgroups, SessionCgroup } from './cgroups'
import type { SandboxSpec, TerminalStream } from './types'

/**
 * Containment tests against a real bubblewrap sandbox. They need root (CI runs them as root) and
 * bwrap; without bwrap they are skipped with a message, never silently passed.
 */
const HAVE_BWRAP = existsSync('/usr/bin/bwrap')
const IS_ROOT = process.getuid?.() === 0
const RUN = HAVE_BWRAP && IS_ROOT
if (!RUN) {
  console.warn(
    `[sandbox tests] SKIPPED: ${!HAVE_BWRAP ? 'bubblewrap (/usr/bin/bwrap) is not installed' : 'these tests must run as root (they create cgroups and a runner user)'}`,
  )
}

const tag = randomBytes(4).toString('hex')
const SECRET = `host-secret-${randomBytes(8).toString('hex')}`
const MARKER = `marker-${randomBytes(8).toString('hex')}`
const ANSWER = `answer-${randomBytes(8).toString('hex')}`
/** Everything in the sandbox that is not the read-only /usr. */
const WRITABLE = '/home /tmp /var /etc /opt /srv /run /root /dev'
const limits = { memoryMb: 128, pids: 64, cpus: 0.5, homeMb: 16, tmpMb: 16 }

let labDir = ''
let hostTmp = ''
const hostSecretFiles: string[] = []
const driver = new BwrapDriver({ idleTimeoutSec: 0 })
const sid = (name: string) => `t${tag}-${name}`

function spec(name: string, extra: Partial<SandboxSpec> = {}): SandboxSpec {
  return {
    sessionId: sid(name),
    labDir,
    limits,
    network: 'none',
    timeLimitSec: 120,
    env: { LAB_ANSWER: ANSWER },
    ...extra,
  }
}

/** Host pids still in a session's cgroup, and whether any of its cgroup directories exists. */
async function leftovers(sessionId: string): Promise<{ pids: number[]; cgroup: boolean }> {
  const cg = new SessionCgroup(detectCgroups(), sessionId)
  return { pids: await cg.pids(), cgroup: await cg.exists() }
}

/** A process exists and is not a zombie (a killed direct child of the test runner may linger as one until reaped). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

describe.runIf(RUN)('bwrap sandbox driver (real sandboxes)', () => {
  const main = sid('main')

  beforeAll(async () => {
    process.env.KENSHU_TEST_MARKER = MARKER
    process.env.DATABASE_URL = `postgres://kenshu:${MARKER}@db/kenshu`
    hostTmp = await mkdtemp(path.join(os.tmpdir(), 'kenshu-sbx-test-'))
    labDir = path.join(hostTmp, 'lab')
    await mkdir(path.join(labDir, 'files/home/learner'), { recursive: true })
    await mkdir(path.join(labDir, 'files/var/log'), { recursive: true })
    await mkdir(path.join(labDir, 'checks'), { recursive: true })
    await writeFile(path.join(labDir, 'files/home/learner/notes.txt'), 'investigate auth.log\n')
    await writeFile(
      path.join(labDir, 'files/var/log/auth.log'),
      'Nov 25 sshd[1]: Failed password for root from 203.0.113.7\n',
    )
    // setup.sh stores the per-session answer where only sandbox root can read it.
    await writeFile(
      path.join(labDir, 'setup.sh'),
      'set -e\numask 077\necho "$LAB_ANSWER" > /root/answer\necho SETUP-MARKER-SCRIPT >/dev/null\n',
    )
    await writeFile(
      path.join(labDir, 'checks/report.sh'),
      'cat /home/learner/report.txt 2>&1; cat /home/learner/evidence 2>&1; exit 0\n',
    )
    for (const file of [path.join('/root', `kenshu-test-${tag}.txt`), path.join(hostTmp, 'secret.txt')]) {
      await writeFile(file, SECRET + '\n', { mode: 0o644 })
      hostSecretFiles.push(file)
    }
    await driver.start(spec('main'))
  })

  afterAll(async () => {
    await driver.stopAll()
    for (const f of hostSecretFiles) await rm(f, { force: true })
    if (hostTmp) await rm(hostTmp, { recursive: true, force: true })
  })

  it('reports availability (fail-closed contract)', async () => {
    const a = await driver.availability()
    expect(a.available).toBe(true)
    if (a.available) expect(a.cgroup).not.toBe('none')
  })

  it('runs commands as the learner (uid 1000) and as sandbox root (uid 0)', async () => {
    const learner = await driver.exec(
      main,
      'id -u; id -un; echo $HOME; pwd; cat ~/notes.txt; head -1 /var/log/auth.log',
    )
    expect(learner.exitCode).toBe(0)
    expect(learner.stdout.split('\n').slice(0, 4)).toEqual([
      '1000',
      'learner',
      '/home/learner',
      '/home/learner',
    ])
    expect(learner.stdout).toContain('investigate auth.log')
    expect(learner.stdout).toContain('203.0.113.7')
    const root = await driver.exec(main, 'id -u; cat /root/answer; echo "$LAB_ANSWER"', { asRoot: true })
    expect(root.stdout.trim().split('\n')).toEqual(['0', ANSWER, ANSWER])
    // Sandbox root is uid 0 only inside: its capability set is the reduced one, not host root's.
    const caps = await driver.exec(main, 'grep CapEff /proc/self/status', { asRoot: true })
    expect(caps.stdout).not.toMatch(/000001ffffffffff|0000003fffffffff/)
  })

  it('cannot read host files (/root, host /tmp, /etc/shadow, the repository)', async () => {
    const r = await driver.exec(
      main,
      `cat ${hostSecretFiles.join(' ')} /etc/shadow /work/main/package.json 2>&1; ls / ; grep -rs ${SECRET} ${WRITABLE}; echo done`,
    )
    expect(r.stdout).not.toContain(SECRET)
    expect(r.stdout).toContain('No such file')
    expect(r.stdout).not.toMatch(/^work$/m)
    const asRoot = await driver.exec(main, `cat ${hostSecretFiles.join(' ')} /etc/shadow 2>&1; echo done`, {
      asRoot: true,
    })
    expect(asRoot.stdout).not.toContain(SECRET)
    // The sandbox's /etc is generated: no host accounts leak either.
    const passwd = await driver.exec(main, 'cat /etc/passwd')
    expect(passwd.stdout).not.toContain('kenshu-lab')
  })

  it("does not leak the server's environment (/proc/*/environ) to learner or root", async () => {
    const learner = await driver.exec(
      main,
      'cat /proc/1/environ 2>&1; for p in /proc/[0-9]*; do tr "\\0" "\\n" < $p/environ; done 2>/dev/null; env',
    )
    const root = await driver.exec(
      main,
      'for p in /proc/[0-9]*; do tr "\\0" "\\n" < $p/environ; done 2>/dev/null',
      { asRoot: true },
    )
    for (const out of [learner.stdout, root.stdout]) {
      expect(out).not.toContain(MARKER)
      expect(out).not.toContain('DATABASE_URL')
      expect(out).not.toContain('KENSHU_TEST_MARKER')
    }
  })

  it('shows no host path in /proc/*/cmdline', async () => {
    const r = await driver.exec(
      main,
      'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline; echo; done 2>/dev/null',
    )
    expect(r.stdout).toContain('bwrap --args 3')
    for (const hostPath of [
      labDir,
      hostTmp,
      '/sys/fs/cgroup',
      '/work',
      'kenshu-join',
      '/run/netns',
      'setup.sh',
    ]) {
      expect(r.stdout).not.toContain(hostPath)
    }
  })

  it('cannot reach a TCP port on the host loopback (network none: only lo)', async () => {
    let connections = 0
    const server = net.createServer((s) => {
      connections++
      s.end('HOST-SERVICE\n')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as net.AddressInfo).port
    try {
      const r = await driver.exec(
        main,
        `timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3' 2>&1; echo rc=$?; ip -o link 2>/dev/null | awk '{print $2}'; cat /proc/net/dev`,
      )
      expect(r.stdout).not.toContain('HOST-SERVICE')
      expect(r.stdout).toMatch(/Connection refused|rc=1/)
      expect(r.stdout).not.toMatch(/eth0|ens|veth/)
      expect(connections).toBe(0)
    } finally {
      server.close()
    }
  })

  it('cannot create a user namespace, mount, or write to /usr (learner and root)', async () => {
    for (const asRoot of [false, true]) {
      const r = await driver.exec(
        main,
        [
          'unshare -U true 2>/dev/null && echo USERNS-OK',
          'unshare -Ur true 2>/dev/null && echo USERNS-OK',
          'python3 -c "import os; os.unshare(0x10000000)" 2>/dev/null && echo USERNS-OK',
          'mkdir -p /tmp/m; mount -t tmpfs none /tmp/m 2>/dev/null && echo MOUNT-OK',
          'mount --bind /tmp /tmp/m 2>/dev/null && echo MOUNT-OK',
          'touch /usr/pwned 2>/dev/null && echo USR-OK',
          'echo x > /usr/bin/ls 2>/dev/null && echo USR-OK',
          'echo 9 > /proc/sys/user/max_user_namespaces 2>/dev/null && echo SYSCTL-OK',
          'echo end',
        ].join('\n'),
        { asRoot },
      )
      expect(r.stdout.trim()).toBe('end')
    }
    // The learner cannot signal or inspect sandbox-root processes (a different host uid).
    const r = await driver.exec(
      main,
      'kill -9 1 2>/dev/null && echo KILL-OK; kill -9 2 2>/dev/null && echo KILL-OK; ls /proc/1/root/ 2>/dev/null && echo ROOTFS-OK; cat /proc/2/maps 2>/dev/null | head -1 | grep -q . && echo MAPS-OK; echo end',
    )
    expect(r.stdout.trim()).toBe('end')
    expect((await driver.exec(main, 'echo up')).stdout.trim()).toBe('up')
  })

  it('hides setup/check scripts and per-session variables from the learner', async () => {
    // A root check runs (with the answer in its environment) while the learner looks everywhere.
    const check = driver.exec(main, 'sleep 2; echo checked', { asRoot: true })
    await new Promise((r) => setTimeout(r, 500))
    const spy = await driver.exec(
      main,
      [
        'cat /root/answer 2>&1',
        'for p in /proc/[0-9]*; do cat $p/environ $p/cmdline; cat $p/fd/3 $p/fd/0; done 2>/dev/null',
        `grep -rs "${ANSWER}" ${WRITABLE}`,
        `find ${WRITABLE} -name "setup.sh" -o -name "report.sh" 2>/dev/null`,
        'echo end',
      ].join('\n'),
      { timeoutMs: 20_000 },
    )
    expect((await check).stdout.trim()).toBe('checked')
    expect(spy.stdout).not.toContain(ANSWER)
    expect(spy.stdout).not.toContain('SETUP-MARKER-SCRIPT')
    expect(spy.stdout).not.toMatch(/setup\.sh|report\.sh/)
    expect(spy.stdout).toContain('Permission denied')
  })

  it('runs checks inside the sandbox: learner symlinks to host files read nothing of the host', async () => {
    await driver.exec(
      main,
      `ln -sf /etc/shadow ~/report.txt; ln -sf ${hostSecretFiles[0]} ~/evidence; ln -sf /proc/1/root/etc/shadow ~/evidence2`,
    )
    const checkScript = await readFile(path.join(labDir, 'checks/report.sh'), 'utf8')
    const r = await driver.exec(main, checkScript + '\ncat /home/learner/evidence2 2>&1', { asRoot: true })
    expect(r.stdout).not.toContain(SECRET)
    expect(r.stdout).not.toMatch(/^root:[^:]*:\d+:/m) // no shadow line of any kind
    expect(r.stdout).toContain('No such file')
  })

  it('caps exec output and enforces exec timeouts', async () => {
    const big = await driver.exec(main, 'yes kenshu | head -c 5000000', { maxOutputBytes: 1000 })
    expect(big.stdout.length).toBeLessThanOrEqual(1000)
    const t0 = Date.now()
    const slow = await driver.exec(main, 'sleep 30 & sleep 30; echo never', { timeoutMs: 1000 })
    expect(slow.timedOut).toBe(true)
    expect(slow.stdout).not.toContain('never')
    expect(Date.now() - t0).toBeLessThan(6000)
    const ps = await driver.exec(main, 'pgrep -c -x sleep || true', { asRoot: true })
    expect(Number(ps.stdout.trim())).toBeLessThanOrEqual(1) // only the anchor's sleep remains
  })

  it('cannot fill the tmpfs beyond its size', async () => {
    const r = await driver.exec(
      main,
      'dd if=/dev/zero of=/tmp/fill bs=1M count=64 2>&1; du -m /tmp/fill | cut -f1; dd if=/dev/zero of=~/fill bs=1M count=64 2>&1; du -m ~/fill | cut -f1; rm -f /tmp/fill ~/fill',
    )
    expect(r.stdout).toContain('No space left on device')
    const sizes = r.stdout
      .split('\n')
      .filter((l) => /^\d+$/.test(l))
      .map(Number)
    expect(sizes.length).toBe(2)
    for (const s of sizes) expect(s).toBeLessThanOrEqual(limits.tmpMb)
  })

  it('throttles a CPU burn to the quota', async () => {
    const s = sid('cpu')
    await driver.start(spec('cpu', { limits: { ...limits, cpus: 0.2 } }))
    try {
      // Burn for 2 s of wall time; with a 0.2 CPU quota the shell gets about 0.4 s of CPU.
      const r = await driver.exec(s, 'end=$((SECONDS+2)); while [ $SECONDS -lt $end ]; do :; done; times', {
        timeoutMs: 10_000,
      })
      const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s/m.exec(r.stdout)
      expect(m).not.toBeNull()
      const cpu = Number(m?.[1]) * 60 + Number(m?.[2]) + Number(m?.[3]) * 60 + Number(m?.[4])
      expect(cpu).toBeLessThan(1.0)
      const stat = await readFile(
        path.join(new SessionCgroup(detectCgroups(), s).dirs[2] ?? '', 'cpu.stat'),
        'utf8',
      ).catch(() => '')
      if (stat) expect(Number(/nr_throttled (\d+)/.exec(stat)?.[1])).toBeGreaterThan(0)
    } finally {
      await driver.stop(s)
    }
  })

  it('contains a fork bomb with the pids limit; the host stays fine and stop() cleans up', async () => {
    const s = sid('fork')
    await driver.start(spec('fork', { limits: { ...limits, pids: 48 } }))
    const bomb = driver.exec(s, 'bomb() { bomb | bomb & }; bomb; sleep 5', { timeoutMs: 4000 })
    await new Promise((r) => setTimeout(r, 1500))
    const st = await driver.status(s)
    expect(st?.pids).toBeLessThanOrEqual(48)
    // The host and other sandboxes still work.
    const other = await driver.exec(main, 'echo alive')
    expect(other.stdout.trim()).toBe('alive')
    await driver.stop(s)
    await bomb
    expect(await leftovers(s)).toEqual({ pids: [], cgroup: false })
  })

  it('OOM-kills a memory bomb inside the sandbox only', async () => {
    const s = sid('mem')
    await driver.start(spec('mem', { limits: { ...limits, memoryMb: 64 } }))
    try {
      const r = await driver.exec(s, 'tail /dev/zero; echo rc=$?', { timeoutMs: 15_000 })
      expect(r.stdout).toMatch(/rc=137/)
      const cg = new SessionCgroup(detectCgroups(), s)
      expect(await cg.oomKills()).toBeGreaterThan(0)
      // The sandbox survives its learner's OOM.
      expect((await driver.exec(s, 'echo still-here')).stdout.trim()).toBe('still-here')
    } finally {
      await driver.stop(s)
    }
  })

  it('stop() kills processes that ignore SIGTERM/SIGHUP, setsid/double-fork daemons included', async () => {
    const s = sid('stop')
    await driver.start(spec('stop'))
    const daemon = `trap "" TERM HUP INT; while :; do sleep 1; done`
    await driver.exec(
      s,
      `setsid -f bash -c '${daemon}' </dev/null >/dev/null 2>&1; (nohup bash -c '${daemon}' </dev/null >/dev/null 2>&1 &) ; echo ok`,
    )
    await driver.exec(s, `setsid -f bash -c '${daemon}' </dev/null >/dev/null 2>&1; echo ok`, {
      asRoot: true,
    })
    const term = await driver.attach(s, { cols: 80, rows: 24 })
    term.write('trap "" TERM HUP INT; (while :; do sleep 1; done) &\n')
    await new Promise((r) => setTimeout(r, 500))
    const before = await leftovers(s)
    const inside = await driver.exec(s, 'pgrep -c -f "while :" || true', { asRoot: true })
    expect(Number(inside.stdout.trim())).toBeGreaterThanOrEqual(3)
    await driver.stop(s)
    expect(before.pids.length).toBeGreaterThan(3)
    const survivors = before.pids
      .filter(alive)
      .map(
        (p) =>
          `${p}: ${readFileSync(`/proc/${p}/stat`, 'utf8').slice(0, 80)} ${readFileSync(`/proc/${p}/cgroup`, 'utf8').replace(/\n/g, ' ')}`,
      )
    expect(survivors).toEqual([])
    expect(await leftovers(s)).toEqual({ pids: [], cgroup: false })
    expect((await driver.status(s))?.state).toBe('stopped')
    await expect(driver.exec(s, 'true')).rejects.toThrow(/not running/)
  })

  it('attaches a pty shell as the learner; re-attach gets the same shell; resize and Ctrl-C work', async () => {
    const read = (t: TerminalStream) => {
      let buf = ''
      t.onData((c) => (buf += Buffer.from(c).toString('utf8')))
      return {
        until: async (re: RegExp, ms = 5000) => {
          const end = Date.now() + ms
          while (Date.now() < end) {
            const m = re.exec(buf)
            if (m) return m
            await new Promise((r) => setTimeout(r, 25))
          }
          throw new Error(`timeout waiting for ${re} in ${JSON.stringify(buf.slice(-500))}`)
        },
        text: () => buf,
      }
    }
    const t1 = await driver.attach(main, { cols: 100, rows: 30 })
    const r1 = read(t1)
    t1.write('echo "U=$(id -u) P=$$ S=$(stty size)"\n')
    const m1 = await r1.until(/U=(\d+) P=(\d+) S=(\d+ \d+)/)
    expect(m1[1]).toBe('1000')
    expect(m1[3]).toBe('30 100')
    t1.write('cat /proc/self/environ | tr "\\0" "\\n" | grep -c -e KENSHU_TEST_MARKER -e DATABASE_URL\n')
    await r1.until(/^0\r?$/m)
    // Ctrl-C interrupts a foreground command.
    t1.write('sleep 100; echo after-sleep\n')
    await new Promise((r) => setTimeout(r, 300))
    t1.write('\x03')
    t1.write('echo INT-OK\n')
    await r1.until(/^INT-OK/m)
    expect(r1.text()).not.toMatch(/(^|\n)after-sleep\r?\n/)
    // Network drop: the view closes, the shell keeps running; the next attach is the same shell.
    t1.close()
    const t2 = await driver.attach(main, { cols: 120, rows: 40 })
    const r2 = read(t2)
    expect(r2.text()).toContain('INT-OK') // replayed screen
    t2.write('echo "P2=$$ S2=$(stty size)"\n')
    const m2 = await r2.until(/P2=(\d+) S2=(\d+ \d+)/)
    expect(m2[1]).toBe(m1[2])
    expect(m2[2]).toBe('40 120')
    t2.pause()
    t2.resume()
    // Exiting the shell ends it; a later attach starts a fresh one in the same sandbox.
    let exited = false
    t2.onExit(() => (exited = true))
    t2.write('exit\n')
    for (let i = 0; i < 100 && !exited; i++) await new Promise((r) => setTimeout(r, 20))
    expect(exited).toBe(true)
    const t3 = await driver.attach(main, { cols: 80, rows: 24 })
    const r3 = read(t3)
    t3.write('echo "P3=$$"\n')
    const m3 = await r3.until(/P3=(\d+)/)
    expect(m3[1]).not.toBe(m1[2])
    t3.close()
  })

  it('stops an idle sandbox; touch() keeps it alive', async () => {
    const s = sid('idle')
    const stopped: string[] = []
    const d2 = new BwrapDriver({
      idleTimeoutSec: 1,
      onStopped: (id, reason) => stopped.push(`${id}:${reason}`),
    })
    await d2.start(spec('idle'))
    for (let i = 0; i < 8; i++) {
      d2.touch(s)
      await new Promise((r) => setTimeout(r, 250))
    }
    expect((await d2.status(s))?.state).toBe('ready')
    await new Promise((r) => setTimeout(r, 2000))
    expect((await d2.status(s))?.state).toBe('stopped')
    expect(stopped).toEqual([`${s}:idle timeout`])
    expect(await leftovers(s)).toEqual({ pids: [], cgroup: false })
  })

  it('refuses bad or unknown sessions instead of falling back to anything', async () => {
    await expect(driver.start(spec('../../etc'))).rejects.toThrow(/invalid sessionId/)
    await expect(driver.exec(sid('nope'), 'id')).rejects.toThrow(/not running/)
    await expect(driver.attach(sid('nope'), { cols: 80, rows: 24 })).rejects.toThrow(/not running/)
    // A time limit past setTimeout's range would fire at once and kill the sandbox: refused instead.
    await expect(driver.start(spec('long', { timeLimitSec: 3 * 365 * 86400 }))).rejects.toThrow(/invalid timeLimitSec/)
    await expect(driver.start(spec('nan', { timeLimitSec: Number.NaN }))).rejects.toThrow(/invalid timeLimitSec/)
  })

  it('stops a sandbox at its time limit', async () => {
    const s = sid('tl')
    await driver.start(spec('tl', { timeLimitSec: 1 }))
    await new Promise((r) => setTimeout(r, 1000))
    // Teardown takes a moment after the limit on a loaded machine: poll instead of a fixed sleep.
    for (let i = 0; i < 100 && (await driver.status(s))?.state !== 'stopped'; i++) await new Promise((r) => setTimeout(r, 100))
    const st = await driver.status(s)
    expect(st?.state).toBe('stopped')
    expect(st?.reason).toBe('time limit reached')
    expect(await leftovers(s)).toEqual({ pids: [], cgroup: false })
  })

  it("network 'lab': the learner reaches the lab's fake C2 service, but not the host", async () => {
    const labDriver = new BwrapDriver({
      idleTimeoutSec: 0,
      labServices: () => [
        {
          hostname: 'c2.evil.test',
          command: ['socat', 'TCP-LISTEN:4444,reuseaddr,fork', 'SYSTEM:echo beacon-ok'],
        },
      ],
    })
    const s = sid('net')
    let connections = 0
    const server = net.createServer((c) => {
      connections++
      c.end('HOST-SERVICE\n')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as net.AddressInfo).port
    try {
      await labDriver.start(spec('net', { network: 'lab' }))
      const r = await labDriver.exec(
        s,
        [
          'for i in $(seq 50); do out=$(timeout 1 bash -c "cat </dev/tcp/c2.evil.test/4444" 2>/dev/null) && break; sleep 0.1; done; echo "c2=$out"',
          `timeout 2 bash -c 'cat </dev/tcp/127.0.0.1/${port}' 2>/dev/null; echo host-rc=$?`,
          "ip -o -4 addr show | awk '{print $2, $4}'",
          'ip addr add 10.213.0.9/24 dev eth0 2>/dev/null && echo NETADMIN-OK',
          'timeout 2 bash -c "cat </dev/tcp/1.1.1.1/80" 2>/dev/null; echo out-rc=$?',
        ].join('\n'),
        { timeoutMs: 20_000 },
      )
      expect(r.stdout).toContain('c2=beacon-ok')
      expect(r.stdout).not.toContain('HOST-SERVICE')
      expect(r.stdout).not.toContain('NETADMIN-OK')
      expect(r.stdout).toMatch(/eth0 10\.213\.0\.2\/24/)
      expect(r.stdout).not.toMatch(/out-rc=0/)
      expect(connections).toBe(0)
    } finally {
      server.close()
      await labDriver.stop(s)
    }
    expect(existsSync(`/run/netns/kenshu-${s}`)).toBe(false)
    expect(existsSync(`/run/netns/kenshu-${s}-svc`)).toBe(false)
    expect(await leftovers(s)).toEqual({ pids: [], cgroup: false })
  })

  it('a crashed server (SIGKILL) takes its sandboxes with it; the next stopAll() removes the cgroup', async () => {
    const s = sid('crash')
    const script = path.join(hostTmp, 'crash.mts')
    await writeFile(
      script,
      [
        `import { BwrapDriver } from ${JSON.stringify(path.join(import.meta.dirname, 'bwrap-driver.ts'))}`,
        'const d = new BwrapDriver({ idleTimeoutSec: 0 })',
        `await d.start(${JSON.stringify(spec('crash'))})`,
        `await d.exec(${JSON.stringify(s)}, 'setsid -f bash -c "trap \\"\\" TERM HUP; while :; do sleep 1; done" </dev/null >/dev/null 2>&1')`,
        `const t = await d.attach(${JSON.stringify(s)}, { cols: 80, rows: 24 })`,
        "t.write('sleep 1000 &\\n')",
        "setTimeout(() => console.log('READY'), 300)",
        'setInterval(() => {}, 1000)',
      ].join('\n'),
    )
    const { spawn } = await import('node:child_process')
    // One node process (tsx as a loader), so that killing it kills exactly "the server".
    const server = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: process.cwd(),
    })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('crash helper did not start')), 20_000)
      server.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('READY')) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    const before = await leftovers(s)
    expect(before.pids.length).toBeGreaterThan(3)
    // Only the server process dies; its sandboxes must follow (bwrap --die-with-parent kills the
    // pid-namespace init, the kernel kills the namespace, entered shells lose their tty).
    process.kill(server.pid as number, 'SIGKILL')
    // The kernel tears the namespace down asynchronously; on a loaded machine that takes a moment.
    for (let i = 0; i < 100 && before.pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100))
    expect(before.pids.filter(alive)).toEqual([])
    expect((await leftovers(s)).pids).toEqual([])
    // Scoped to this file's sessions: an unscoped reap would take other test files' sandboxes too.
    const fresh = new BwrapDriver({ reapScope: `t${tag}` })
    await fresh.stopAll({ reapLeftovers: true })
    expect(await leftovers(s)).toEqual({ pids: [], cgroup: false })
  })

  it('stopAll() reaps cgroups and netns left by a crashed server', async () => {
    const layout = detectCgroups()
    const ghost = new SessionCgroup(layout, `ghost-${tag}`)
    await ghost.create({ memoryBytes: 32 << 20, pids: 8, cpus: 0.1 })
    const { spawn } = await import('node:child_process')
    const orphan = spawn(
      '/bin/sh',
      ['-c', `for f in ${ghost.procsFiles().join(' ')}; do echo $$ > $f; done; exec sleep 300`],
      { stdio: 'ignore' },
    )
    await new Promise((r) => setTimeout(r, 200))
    const { run } = await import('./proc')
    await run('ip', ['netns', 'add', `kenshu-ghost-${tag}`])
    const fresh = new BwrapDriver({ reapScope: 'ghost' })
    await fresh.stopAll({ reapLeftovers: true })
    await new Promise((r) => setTimeout(r, 100))
    expect(orphan.exitCode !== null || orphan.signalCode !== null).toBe(true)
    expect(await ghost.exists()).toBe(false)
    expect(existsSync(`/run/netns/kenshu-ghost-${tag}`)).toBe(false)
    // (main was reaped by the scoped reap of the crash test above; stop() is idempotent.)
    await driver.stop(main)
  })
})
