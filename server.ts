/**
 * Kenshu's process entry point: serves Next.js and owns the WebSocket upgrade path for terminals.
 * Route handlers cannot upgrade to WebSocket, so `/ws/terminal` is handled here (docs/ARCHITECTURE.md).
 * In production this file is bundled by esbuild into dist/server.js (scripts/build-server.mjs).
 */
import { createServer, type IncomingMessage } from 'node:http'
import { parse } from 'node:url'
import next from 'next'
import { prepareRuntime } from './server/prepare'
import { attachTerminalGateway } from './server/terminal-gateway'
import { CLIENT_ADDRESS_HEADER } from './server/constants'
import { labSessions } from './lib/labs/sessions/manager'
import { exerciseRuntime } from './lib/exercises/runtime'
import { lrsConfig } from './lib/xapi/config'
import { startXapiForwarder } from './lib/xapi/outbox'
import { warmReadiness } from './lib/progress/cache'
import { clientAddress } from './lib/http/client-address'
import { strictTransportSecurity } from './lib/http/security-headers'

const dev = process.argv.includes('--dev') || process.env.NODE_ENV === 'development'
const port = Number(process.env.PORT ?? 3000)
const hostname = process.env.HOST ?? '127.0.0.1'

async function main() {
  const t0 = performance.now()
  const runtime = await prepareRuntime()
  // Lab sessions: reap sandboxes a crashed server left behind before accepting anyone.
  const labs = labSessions()
  await labs.boot()
  // Exercise days: team networks of a crashed server go; running exercises get their environments back.
  await exerciseRuntime().boot()
  const app = next({ dev, hostname, port, turbopack: dev })
  const handle = app.getRequestHandler()
  await app.prepare()

  const server = createServer((req, res) => {
    stampClientAddress(req)
    // HSTS on every response behind TLS, route handlers and static files included (proxy.ts only
    // sees pages).
    const hsts = strictTransportSecurity(req.headers['x-forwarded-proto'])
    if (hsts) res.setHeader('Strict-Transport-Security', hsts)
    handle(req, res, parse(req.url ?? '/', true)).catch((err: unknown) => {
      console.error('request failed', err)
      if (!res.headersSent) res.statusCode = 500
      res.end()
    })
  })
  server.headersTimeout = 30_000
  server.requestTimeout = 60_000
  const nextUpgrade = dev ? app.getUpgradeHandler() : undefined
  const gateway = attachTerminalGateway(server, {
    upgradeNext: nextUpgrade ? (req, socket, head) => void nextUpgrade(req, socket, head) : undefined,
    backend: labs,
  })

  // Warm pools fill in the background once the server answers (KENSHU_WARM_ON_BOOT=0 to skip).
  if (process.env.KENSHU_WARM_ON_BOOT !== '0' && labs.options.warmPerLab > 0)
    setTimeout(() => void labs.warmAll().catch((err: unknown) => console.error('labs: warming failed', err)), 2000).unref()

  // Readiness is precomputed in the background so the first HR overview reads the cache
  // (KENSHU_WARM_READINESS=0 to skip; lib/progress/cache.ts).
  if (process.env.KENSHU_WARM_READINESS !== '0')
    setTimeout(
      () =>
        void warmReadiness()
          .then((r) => console.log(`readiness: cache warm for ${r.organisations} organisation(s) in ${r.ms} ms`))
          .catch((err: unknown) => console.error('readiness: warming failed', err)),
      3000,
    ).unref()

  // xAPI statements are forwarded to an external LRS when XAPI_LRS_ENDPOINT is set (docs/xapi.md).
  const stopXapi = lrsConfig() ? startXapiForwarder({ intervalMs: 15_000 }) : undefined

  server.listen(port, hostname, () => {
    const ms = Math.round(performance.now() - t0)
    console.log(`Kenshu ready on http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${port} (${dev ? 'dev' : 'production'}, ${runtime.dbKind}, ${ms} ms)`)
  })

  const shutdown = (signal: string) => {
    console.log(`${signal}: shutting down`)
    server.close()
    void gateway
      .close()
      .then(() => labs.drainPool())
      .then(() => labs.driver.stopAll())
      .then(() => labs.settle())
      .then(() => stopXapi?.())
      .finally(() => process.exit(0))
    setTimeout(() => process.exit(0), 5000).unref()
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

/** The socket's address, for sign-in throttling. A client-sent value is discarded (spoofing). */
function stampClientAddress(req: IncomingMessage) {
  req.headers[CLIENT_ADDRESS_HEADER] = clientAddress(
    req.headers['x-forwarded-for'],
    req.socket.remoteAddress,
    process.env.KENSHU_TRUST_PROXY === '1',
  )
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
