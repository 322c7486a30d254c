// Shared by the fault scripts: a production server on a given data dir / database, server actions over
// HTTP as the browser sends them, and a check list that ends in `N passed, N failed`.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'

export function requireBuild() {
  if (!existsSync('dist/server.js') || !existsSync('.next/BUILD_ID')) {
    console.error('build first: npm run build')
    process.exit(2)
  }
}

export function serverEnv(port, dataDir, extra = {}) {
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    KENSHU_DATA_DIR: dataDir,
    PORT: String(port),
    NEXTAUTH_URL: `http://localhost:${port}`,
    KENSHU_WARM_ON_BOOT: '0',
    KENSHU_WARM_POOL: '0',
    ...extra,
  }
  if (!extra.DATABASE_URL) delete env.DATABASE_URL
  return env
}

export function seed(env) {
  const r = spawnSync(process.execPath, ['dist/seed.js', '--quiet'], { env, stdio: 'inherit' })
  if (r.status !== 0) throw new Error('seed failed')
}

export async function boot(env) {
  const base = env.NEXTAUTH_URL
  const server = spawn(process.execPath, ['dist/server.js'], { env, stdio: ['ignore', 'ignore', 'pipe'] })
  server.stderr.on('data', () => {})
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/signin`)).ok) return server
    } catch {}
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('server did not start')
}

const manifest = () => JSON.parse(readFileSync('.next/server/server-reference-manifest.json', 'utf8')).node
export async function action(base, page, cookie, name, fields) {
  const id = Object.entries(manifest()).find(([, e]) => e.exportedName === name)?.[0]
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.append(`_1_${k}`, v)
  form.append('0', '["$K1"]')
  const r = await fetch(`${base}${page}`, {
    method: 'POST',
    headers: { 'Next-Action': id, Origin: base, Accept: 'text/x-component', cookie },
    body: form,
  })
  return { status: r.status, body: await r.text() }
}

/**
 * Creates `count` learner accounts `<prefix><i>@demo.kenshu.local` (password kenshu-demo-2026) through
 * the admin page's own action, as the administrator `adminCookie`.
 */
export async function createLearners(base, adminCookie, prefix, count, name = (i) => `Learner ${i}`) {
  for (let i = 0; i < count; i++) {
    const r = await action(base, '/admin/users', adminCookie, 'createUserAction', {
      email: `${prefix}${i}@demo.kenshu.local`,
      name: name(i),
      role: 'learner',
      password: 'kenshu-demo-2026',
    })
    if (!/"ok":true/.test(r.body)) throw new Error(`create user ${prefix}${i}: ${r.body.slice(-200)}`)
  }
}

export function checklist(title) {
  const checks = []
  return {
    check(name, ok, detail) {
      checks.push({ name, ok: Boolean(ok), ...(detail === undefined ? {} : { detail }) })
      console.error(`${ok ? '✓' : '✗'} ${name}${detail === undefined ? '' : ` — ${JSON.stringify(detail)}`}`)
    },
    finish() {
      const passed = checks.filter((c) => c.ok).length
      console.log(JSON.stringify({ fault: title, checks }, null, 2))
      console.log(`${passed} passed, ${checks.length - passed} failed`)
      process.exit(checks.length === passed ? 0 : 1)
    },
  }
}
