#!/usr/bin/env node
// Bundles the custom server and server-side CLIs with esbuild (tsx costs ~110 MB RSS and ~1.3 s at
// start). node_modules stay external; `server-only` becomes an empty module (it only guards bundles
// that React builds for the browser, which these never are).
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const serverOnlyStub = {
  name: 'server-only-stub',
  setup(b) {
    b.onResolve({ filter: /^server-only$/ }, () => ({ path: 'server-only', namespace: 'stub' }))
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export {}', loader: 'js' }))
  },
}

await build({
  absWorkingDir: root,
  entryPoints: { server: 'server.ts', runner: 'runner.ts', seed: 'scripts/seed.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'linked',
  alias: { '@': root },
  plugins: [serverOnlyStub],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
})
console.log('built dist/server.js, dist/runner.js, dist/seed.js')
