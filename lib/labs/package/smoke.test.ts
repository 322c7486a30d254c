import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { runSmoke } from './dev/smoke-bwrap'

// Opt-in: needs bubblewrap and host root (see dev/smoke-bwrap.ts). KENSHU_LAB_SMOKE=1 npx vitest run lib/labs/package
describe.runIf(process.env.KENSHU_LAB_SMOKE === '1')('lab scripts in a bwrap sandbox', () => {
  test.each(['iot-botnet-telnet'])('%s: setup → checks fail → solve → checks pass', async (id) => {
    const r = await runSmoke(fileURLToPath(new URL(`../../../labs/${id}`, import.meta.url)), { seed: 1 })
    expect(r.lines.filter((l) => l.startsWith('BAD'))).toEqual([])
    expect(r.ok).toBe(true)
  }, 120_000)
})
