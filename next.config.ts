import type { NextConfig } from 'next'
import createNextIntlPlugin from 'next-intl/plugin'
import { API_CONTENT_SECURITY_POLICY, securityHeaders } from './lib/http/security-headers'

const withNextIntl = createNextIntlPlugin('./i18n/request.ts')

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Type checking is its own step (`npm run typecheck`, part of `npm test` and CI) over the whole
  // project, scripts and tests included; doing it again inside `next build` only adds time.
  typescript: { ignoreBuildErrors: true },
  // The custom server (server.ts) serves Next; `output` stays the default.
  serverExternalPackages: ['better-sqlite3', 'node-pty', '@prisma/adapter-better-sqlite3', '@prisma/adapter-pg', 'pg'],
  experimental: {
    // forbidden() renders app/forbidden.tsx with HTTP 403.
    authInterrupts: true,
    serverActions: { bodySizeLimit: '256kb' },
  },
  async headers() {
    return [
      { source: '/:path*', headers: securityHeaders() },
      // Pages get a per-request nonce CSP from proxy.ts; route handlers this fixed, closed one.
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: API_CONTENT_SECURITY_POLICY }] },
    ]
  },
}

export default withNextIntl(config)
