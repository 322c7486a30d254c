/**
 * Kenshu lab runner entry point (issue #8, decision 010): the sandbox driver and its session registry
 * as a process of their own, reached by the web tier over signed HTTP + WebSocket
 * (lib/labs/runner/). It never opens the database and refuses to start if it is given its address.
 * Bundled by esbuild to dist/runner.js (scripts/build-server.mjs).
 *
 *   KENSHU_RUNNER_SECRET=… KENSHU_RUNNER_ID=r1 KENSHU_RUNNER_PORT=4101 node dist/runner.js
 */
import { BwrapDriver } from './lib/labs/sandbox/bwrap-driver'
import type { SandboxDriver } from './lib/labs/sandbox/types'
import { assertSecret } from './lib/labs/runner/auth'
import { createRunnerServer, RunnerService, RUNNER_ID } from './lib/labs/runner/server'
import { labsDir } from './lib/paths'

async function main() {
  const env = process.env
  if (env.DATABASE_URL)
    throw new Error('the lab runner must not be given DATABASE_URL: it never uses the database (unset it in its environment)')
  const secret = assertSecret(env.KENSHU_RUNNER_SECRET)
  const runnerId = env.KENSHU_RUNNER_ID ?? 'r1'
  if (!RUNNER_ID.test(runnerId)) throw new Error(`KENSHU_RUNNER_ID must match ${RUNNER_ID}`)
  const port = Number(env.KENSHU_RUNNER_PORT ?? 4100)
  const host = env.KENSHU_RUNNER_HOST ?? '127.0.0.1'
  const maxSessions = Number(env.KENSHU_MAX_SESSIONS ?? 250)

  const ref: { service?: RunnerService } = {}
  const onStopped = (id: string, reason: string) => ref.service?.onStopped(id, reason)
  const common = {
    maxConcurrentStarts: Number(env.KENSHU_START_CONCURRENCY ?? 2),
    idleTimeoutSec: Number(env.KENSHU_IDLE_TIMEOUT_SEC ?? 1800),
    onStopped,
  }
  const kind = env.KENSHU_SANDBOX_DRIVER ?? 'bwrap'
  let driver: SandboxDriver
  if (kind === 'kubernetes') {
    // One pod per session (decision 007, deploy/k8s); the runner's id labels every pod it owns.
    const { createKubernetesDriver } = await import('./lib/labs/sandbox/k8s/driver')
    driver = createKubernetesDriver({ ...env, KENSHU_RUNNER_ID: runnerId }, common)
  } else if (kind === 'bwrap') driver = new BwrapDriver({ ...common, reapScope: runnerId })
  else throw new Error(`KENSHU_SANDBOX_DRIVER must be bwrap or kubernetes, not ${kind}`)
  const service = (ref.service = new RunnerService({ driver, secret, runnerId, labsRoot: labsDir(), maxSessions }))
  // What a crashed predecessor with this runner id left behind (its sandboxes are lost anyway).
  await driver.stopAll({ reapLeftovers: true }).catch((err: unknown) => console.error('runner: reaping leftovers failed', err))
  const availability = await driver.availability()
  if (!availability.available) console.error(`runner: sandboxes unavailable: ${availability.reason}`)

  const server = createRunnerServer(service, driver)
  server.listen(port, host, () =>
    console.log(`Kenshu lab runner ${runnerId} (${driver.name}, max ${maxSessions}) on http://${host}:${port} as uid ${process.getuid?.()}`),
  )
  const shutdown = (signal: string) => {
    console.log(`${signal}: runner ${runnerId} stopping its sandboxes`)
    server.close()
    void driver.stopAll().finally(() => process.exit(0))
    setTimeout(() => process.exit(0), 10_000).unref()
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

main().catch((err: unknown) => {
  console.error(`runner: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
