// The multi-process topology on one host (issue #8, docs/deploy/scale-out.md): PostgreSQL, R lab
// runners (`dist/runner.js`, no database credentials), W web instances (`dist/server.js`, as an
// unprivileged user when started as root) and nginx in front, all on loopback. Used by the topology
// test (run.mjs) and the scale-out benchmark (bench/topology.mjs).
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'

const ADMIN_PG = process.env.KENSHU_TEST_PG ?? 'postgresql://postgres@127.0.0.1:5432/postgres'
export const WEB_USER = 'kenshu-web'
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

export function requireTopologyBuild() {
  for (const f of ['dist/server.js', 'dist/runner.js', 'dist/seed.js', '.next/BUILD_ID'])
    if (!existsSync(f)) {
      console.error(`build first (missing ${f}): npm run build`)
      process.exit(2)
    }
  if (!existsSync('/usr/sbin/nginx')) {
    console.error('nginx is missing: apt-get install -y nginx')
    process.exit(2)
  }
}

/** The unprivileged account the web tier runs as (created when missing; root only). */
function webAccount() {
  if (process.getuid?.() !== 0) return undefined
  if (spawnSync('id', ['-u', WEB_USER]).status !== 0)
    spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', WEB_USER], { stdio: 'inherit' })
  const uid = Number(spawnSync('id', ['-u', WEB_USER], { encoding: 'utf8' }).stdout.trim())
  const gid = Number(spawnSync('id', ['-g', WEB_USER], { encoding: 'utf8' }).stdout.trim())
  if (!Number.isInteger(uid) || uid <= 0) return undefined
  // The checkout must be readable by that user (a clone under a 0700 home is not): else run as the caller.
  const readable = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', 'test', '-r', path.resolve('.next/BUILD_ID')])
  if (readable.status !== 0) {
    console.error(`topology: ${WEB_USER} cannot read ${process.cwd()}; web instances run as the caller`)
    return undefined
  }
  return { uid, gid }
}

/** nginx in front of the web instances: least connections, WebSocket upgrade for terminals. */
export function nginxConfig({ prefix, port, upstreams }) {
  return `worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
daemon off;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  upstream kenshu {
    least_conn;
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`).join('\n')}
    keepalive 64;
  }
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 8m;
    proxy_http_version 1.1;
    # A refused connection (an instance that died) is retried on the next one; a request already
    # sent is not (POSTs are never replayed).
    proxy_next_upstream error timeout http_502 http_503;
    # proxy_set_header is not inherited by a location that sets any header itself: all are repeated.
    location /ws/ {
      proxy_pass http://kenshu;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
    }
    location / {
      proxy_pass http://kenshu;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header Connection '';
    }
  }
}
`
}

async function waitHttp(url, ms = 60_000, ok = (r) => r.ok) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    try {
      if (ok(await fetch(url))) return
    } catch {}
    await sleep(100)
  }
  throw new Error(`${url} did not answer in ${ms} ms`)
}

/**
 * Starts the topology. Returns handles to kill parts of it and `stop()` that removes everything
 * (processes, database, temporary files).
 */
export async function startTopology({ webs = 3, runners = 2, basePort = 3600, maxPerRunner = 250, env: extraEnv = {} } = {}) {
  const tmp = mkdtempSync(path.join(tmpdir(), 'kenshu-topology-'))
  chmodSync(tmp, 0o755)
  const dbName = `kenshu_topo_${process.pid}_${randomBytes(3).toString('hex')}`
  const admin = new pg.Client({ connectionString: ADMIN_PG })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${dbName}`)
  await admin.end()
  const databaseUrl = ADMIN_PG.replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`)
  const secret = randomBytes(32).toString('hex')
  const nextauthSecret = randomBytes(32).toString('hex')
  const nginxPort = basePort
  const base = `http://localhost:${nginxPort}`
  const dataDir = path.join(tmp, 'data')
  mkdirSync(dataDir, { mode: 0o750 })
  const account = webAccount()
  if (account) chownSync(dataDir, account.uid, account.gid)
  const procs = []
  const logs = path.join(tmp, 'logs')
  mkdirSync(logs)
  chmodSync(logs, 0o777)

  const common = { PATH: process.env.PATH, HOME: tmp, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', LANG: 'C.UTF-8' }
  const run = (name, args, env, opts = {}) => {
    const p = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], ...opts })
    const out = []
    p.stdout.on('data', (d) => out.push(d))
    p.stderr.on('data', (d) => out.push(d))
    p.on('exit', () => writeFileSync(path.join(logs, `${name}.log`), Buffer.concat(out)))
    const h = { name, proc: p, log: () => Buffer.concat(out).toString('utf8') }
    procs.push(h)
    return h
  }

  // Runners: their own environment — no DATABASE_URL, no NEXTAUTH_SECRET.
  const runnerHandles = []
  for (let i = 1; i <= runners; i++) {
    const port = basePort + 100 + i
    const h = run(`runner-${i}`, ['dist/runner.js'], {
      ...common,
      KENSHU_RUNNER_SECRET: secret,
      KENSHU_RUNNER_ID: `topo${i}`,
      KENSHU_RUNNER_PORT: String(port),
      KENSHU_MAX_SESSIONS: String(maxPerRunner),
      KENSHU_IDLE_TIMEOUT_SEC: '3600',
    })
    h.url = `http://127.0.0.1:${port}`
    h.port = port
    runnerHandles.push(h)
  }
  const webEnv = (port) => ({
    ...common,
    PORT: String(port),
    KENSHU_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    NEXTAUTH_SECRET: nextauthSecret,
    NEXTAUTH_URL: base,
    KENSHU_TRUST_PROXY: '1',
    KENSHU_RUNNERS: runnerHandles.map((r) => r.url).join(','),
    KENSHU_RUNNER_SECRET: secret,
    KENSHU_WARM_ON_BOOT: '0',
    KENSHU_WARM_POOL: '0',
    KENSHU_MAX_SESSIONS: String(maxPerRunner * runners),
    KENSHU_MAX_SESSIONS_PER_USER: '3',
    ...extraEnv,
  })
  // Schema and demo data once, then the instances (which would also migrate safely at once: advisory lock).
  const seeded = spawnSync(process.execPath, ['dist/seed.js', '--quiet'], { env: webEnv(basePort + 1), stdio: 'inherit' })
  if (seeded.status !== 0) throw new Error('seed failed')
  const webHandles = []
  for (let i = 1; i <= webs; i++) {
    const port = basePort + i
    const h = run(`web-${i}`, ['dist/server.js'], webEnv(port), account ? { uid: account.uid, gid: account.gid } : {})
    h.port = port
    webHandles.push(h)
  }
  const prefix = path.join(tmp, 'nginx')
  mkdirSync(prefix)
  writeFileSync(path.join(prefix, 'nginx.conf'), nginxConfig({ prefix, port: nginxPort, upstreams: webHandles.map((w) => w.port) }))
  const nginx = spawn('/usr/sbin/nginx', ['-p', prefix, '-c', path.join(prefix, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] })
  nginx.stderr.on('data', (d) => process.stderr.write(`nginx: ${d}`))
  try {
    await Promise.all([
      ...webHandles.map((w) => waitHttp(`http://127.0.0.1:${w.port}/signin`, 120_000)),
      ...runnerHandles.map((r) => waitHttp(`${r.url}/v1/poll`, 30_000, (res) => res.status === 401)),
    ])
    await waitHttp(`${base}/signin`, 10_000)
  } catch (err) {
    for (const h of procs) if (h.proc.exitCode !== null) console.error(`${h.name} exited:\n${h.log().slice(-2000)}`)
    throw err
  }

  const kill9 = (h) =>
    new Promise((resolve) => {
      if (h.proc.exitCode !== null || h.proc.signalCode !== null) return resolve()
      h.proc.once('exit', () => resolve())
      h.proc.kill('SIGKILL')
    })
  return {
    base,
    databaseUrl,
    secret,
    webs: webHandles,
    runners: runnerHandles,
    account,
    tmp,
    kill9,
    async stop({ keep = false } = {}) {
      nginx.kill('SIGQUIT')
      await Promise.all(
        procs.map(
          (h) =>
            new Promise((resolve) => {
              if (h.proc.exitCode !== null || h.proc.signalCode !== null) return resolve()
              h.proc.once('exit', () => resolve())
              h.proc.kill('SIGTERM')
              setTimeout(() => h.proc.kill('SIGKILL'), 15_000).unref()
            }),
        ),
      )
      const a = new pg.Client({ connectionString: ADMIN_PG })
      await a.connect()
      await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
      await a.end()
      if (!keep) rmSync(tmp, { recursive: true, force: true })
    },
  }
}

/** cgroups (v1 pids hierarchy or v2) and netns left by runners named `topo*`. */
export function leftovers() {
  const dirs = ['/sys/fs/cgroup/pids/kenshu', '/sys/fs/cgroup/kenshu']
  const cg = dirs.flatMap((d) => {
    try {
      return readdirSync(d).filter((n) => n.startsWith('kenshu-topo'))
    } catch {
      return []
    }
  })
  let ns = []
  try {
    ns = readdirSync('/run/netns').filter((n) => n.startsWith('kenshu-topo'))
  } catch {}
  return [...cg, ...ns]
}
