// Starts the production server for the e2e suite on a fresh data directory with the demo seed.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startIdp } from './oidc-idp.mjs'

const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'kenshu-e2e-'))
// A fixed data dir (set by playwright.config.ts, inside test-results/) starts empty every run.
if (process.env.E2E_DATA_DIR && path.resolve(dataDir).includes(`${path.sep}test-results${path.sep}`)) {
  rmSync(dataDir, { recursive: true, force: true })
  mkdirSync(dataDir, { recursive: true })
}
const env = {
  ...process.env,
  NODE_ENV: 'production',
  NEXT_TELEMETRY_DISABLED: '1',
  KENSHU_DATA_DIR: dataDir,
  PORT: process.env.E2E_PORT ?? '3210',
  NEXTAUTH_URL: `http://localhost:${process.env.E2E_PORT ?? '3210'}`,
  KENSHU_STRICT_I18N: '1',
  // Pools fill on first use during the suite; filling six labs at boot would only add noise to timings.
  KENSHU_WARM_ON_BOOT: '0',
}
delete env.DATABASE_URL
// Single sign-on against a real OIDC provider on loopback, configured purely from env as in production.
const idpPort = Number(env.PORT) + 1
const idp = await startIdp({ port: idpPort, redirectUri: `${env.NEXTAUTH_URL}/api/auth/callback/oidc` })
Object.assign(env, {
  OIDC_ISSUER: idp.issuer,
  OIDC_CLIENT_ID: idp.clientId,
  OIDC_CLIENT_SECRET: idp.clientSecret,
  OIDC_NAME: 'Demo IdP',
  OIDC_DEFAULT_ORG: 'demo',
})
const seed = spawnSync(process.execPath, ['dist/seed.js', '--quiet'], { env, stdio: 'inherit' })
if (seed.status !== 0) process.exit(seed.status ?? 1)
const child = spawn(process.execPath, ['--enable-source-maps', 'dist/server.js'], { env, stdio: 'inherit' })
const stop = () => {
  child.kill('SIGTERM')
  void idp.close()
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
child.on('exit', (code) => {
  if (!process.env.E2E_DATA_DIR) rmSync(dataDir, { recursive: true, force: true })
  process.exit(code ?? 0)
})
