// Starts the production server for the e2e suite on a fresh data directory with the demo seed.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'kenshu-e2e-'))
const env = {
  ...process.env,
  NODE_ENV: 'production',
  NEXT_TELEMETRY_DISABLED: '1',
  KENSHU_DATA_DIR: dataDir,
  PORT: process.env.E2E_PORT ?? '3210',
  NEXTAUTH_URL: `http://localhost:${process.env.E2E_PORT ?? '3210'}`,
  KENSHU_STRICT_I18N: '1',
}
delete env.DATABASE_URL
const seed = spawnSync(process.execPath, ['dist/seed.js', '--quiet'], { env, stdio: 'inherit' })
if (seed.status !== 0) process.exit(seed.status ?? 1)
const child = spawn(process.execPath, ['--enable-source-maps', 'dist/server.js'], { env, stdio: 'inherit' })
const stop = () => {
  child.kill('SIGTERM')
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
child.on('exit', (code) => {
  if (!process.env.E2E_DATA_DIR) rmSync(dataDir, { recursive: true, force: true })
  process.exit(code ?? 0)
})
