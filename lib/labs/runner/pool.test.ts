import { createServer } from 'node:net'
import { expect, test } from 'vitest'
import { refusedConnection } from './pool'
import { RunnerRequestError } from './client'

test('refusedConnection: only a request that never reached the runner may go to the next one', async () => {
  // A port that was just free: nothing listens, the connection is refused.
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port
      s.close(() => resolve(p))
    })
  })
  const refused = await fetch(`http://127.0.0.1:${port}/v1/sandboxes`, { method: 'POST' }).catch((e: unknown) => e)
  expect(refusedConnection(refused)).toBe(true)
  // An answer from the runner (full, or a lab error) and other failures are not.
  expect(refusedConnection(new RunnerRequestError(503, 'full'))).toBe(false)
  expect(refusedConnection(new Error('timeout'))).toBe(false)
  expect(refusedConnection(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }))).toBe(false)
  expect(refusedConnection(null)).toBe(false)
})
