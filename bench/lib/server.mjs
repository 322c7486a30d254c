// Shared by the web benchmarks: a production server on a throwaway data directory with the demo seed,
// signed-in sessions, and percentiles.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}
export const summary = (xs) => ({
  n: xs.length,
  p50: +pct(xs, 50).toFixed(1),
  p95: +pct(xs, 95).toFixed(1),
  p99: +pct(xs, 99).toFixed(1),
})
export const rss = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024

/** Seeds a fresh data directory and starts `dist/server.js`; resolves once /signin answers. */
export async function startServer(port) {
  const base = `http://localhost:${port}`
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kenshu-bench-'))
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    KENSHU_DATA_DIR: dataDir,
    PORT: String(port),
    NEXTAUTH_URL: base,
    KENSHU_WARM_ON_BOOT: '0',
  }
  delete env.DATABASE_URL
  spawnSync(process.execPath, ['dist/seed.js', '--quiet'], { env, stdio: 'inherit' })
  const t0 = performance.now()
  const server = spawn(process.execPath, ['dist/server.js'], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  let firstPageMs
  for (;;) {
    try {
      const r = await fetch(`${base}/signin`)
      if (r.ok) {
        await r.text()
        firstPageMs = performance.now() - t0
        break
      }
    } catch {}
    await new Promise((r) => setTimeout(r, 20))
  }
  return {
    base,
    server,
    firstPageMs,
    stop() {
      server.kill('SIGTERM')
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Signs in through next-auth's endpoints and returns the Cookie header of that session. */
export async function signIn(base, email) {
  const jar = new Map()
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const keep = (r) => {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const i = pair.indexOf('=')
      jar.set(pair.slice(0, i), pair.slice(i + 1))
    }
  }
  let r = await fetch(`${base}/api/auth/csrf`)
  keep(r)
  const { csrfToken } = await r.json()
  r = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header() },
    body: new URLSearchParams({ csrfToken, email, password: 'kenshu-demo-2026', json: 'true' }),
  })
  keep(r)
  return header()
}
