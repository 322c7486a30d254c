import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { SSE_HEADERS, sseSnapshots } from './sse'

type Snap = { version: string; n: number }

/** Reads the stream in the background; `text()` is everything received so far. */
function collect(res: Response) {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  let done = false
  const loop = (async () => {
    for (;;) {
      const r = await reader.read()
      if (r.done) break
      text += decoder.decode(r.value, { stream: true })
    }
    done = true
  })()
  return { text: () => text, done: () => done, loop, reader }
}

const dataLines = (text: string) =>
  text
    .split('\n\n')
    .filter((b) => b.startsWith('data: '))
    .map((b) => JSON.parse(b.slice(6)) as Snap)

describe('sseSnapshots', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  test('sends the first snapshot at once, with the event-stream headers', async () => {
    const ac = new AbortController()
    const load = vi.fn(async (): Promise<Snap> => ({ version: 'a', n: 1 }))
    const res = await sseSnapshots(new Request('http://x/', { signal: ac.signal }), load)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(res.headers.get('cache-control')).toMatch(/^no-store\b/)
    expect(res.headers.get('cache-control')).toContain('no-transform')
    expect(res.headers.get('x-accel-buffering')).toBe('no')
    expect(SSE_HEADERS['X-Accel-Buffering']).toBe('no')
    const s = collect(res)
    await vi.advanceTimersByTimeAsync(0)
    expect(s.text()).toContain('retry: ')
    expect(dataLines(s.text())).toEqual([{ version: 'a', n: 1 }])
    expect(load).toHaveBeenCalledTimes(1)
    ac.abort()
    await s.loop
  })

  test('the first load’s error reaches the caller (for a 404)', async () => {
    await expect(
      sseSnapshots(new Request('http://x/'), () => Promise.reject(new Error('NOT_FOUND'))),
    ).rejects.toThrow('NOT_FOUND')
  })

  test('uses a given initial snapshot without loading up front', async () => {
    const ac = new AbortController()
    const load = vi.fn(async (): Promise<Snap> => ({ version: 'a', n: 1 }))
    const res = await sseSnapshots(new Request('http://x/', { signal: ac.signal }), load, {
      initial: { version: 'a', n: 0 },
    })
    const s = collect(res)
    await vi.advanceTimersByTimeAsync(0)
    expect(load).not.toHaveBeenCalled()
    expect(dataLines(s.text())).toEqual([{ version: 'a', n: 0 }])
    ac.abort()
    await s.loop
  })

  test('sends again only when the version changed', async () => {
    const ac = new AbortController()
    const versions = ['a', 'a', 'a', 'b', 'b', 'c', 'c']
    let i = 0
    const load = vi.fn(async (): Promise<Snap> => {
      const v = versions[Math.min(i, versions.length - 1)]!
      return { version: v, n: i++ }
    })
    const res = await sseSnapshots(new Request('http://x/', { signal: ac.signal }), load, {
      intervalMs: 1000,
    })
    const s = collect(res)
    await vi.advanceTimersByTimeAsync(6500)
    expect(load).toHaveBeenCalledTimes(7)
    expect(dataLines(s.text()).map((d) => d.version)).toEqual(['a', 'b', 'c'])
    expect(dataLines(s.text()).map((d) => d.n)).toEqual([0, 3, 5])
    ac.abort()
    await s.loop
  })

  test('pings while nothing changes', async () => {
    const ac = new AbortController()
    const res = await sseSnapshots(
      new Request('http://x/', { signal: ac.signal }),
      async () => ({ version: 'a' }),
      {
        intervalMs: 1000,
        pingMs: 15_000,
      },
    )
    const s = collect(res)
    await vi.advanceTimersByTimeAsync(14_000)
    expect(s.text()).not.toContain(': ping')
    await vi.advanceTimersByTimeAsync(16_100)
    expect(s.text().match(/^: ping$/gm)).toHaveLength(2)
    expect(dataLines(s.text())).toHaveLength(1)
    ac.abort()
    await s.loop
  })

  test('stops on abort: the stream ends and the loader is not called again', async () => {
    const ac = new AbortController()
    const load = vi.fn(async () => ({ version: String(Math.random()) }))
    const res = await sseSnapshots(new Request('http://x/', { signal: ac.signal }), load, {
      intervalMs: 1000,
    })
    const s = collect(res)
    await vi.advanceTimersByTimeAsync(2500)
    const calls = load.mock.calls.length
    ac.abort()
    await vi.advanceTimersByTimeAsync(0)
    await s.loop
    expect(s.done()).toBe(true)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(load.mock.calls.length).toBe(calls)
    expect(vi.getTimerCount()).toBe(0)
  })

  test('a request already aborted gets an ended stream', async () => {
    const ac = new AbortController()
    ac.abort()
    const res = await sseSnapshots(new Request('http://x/', { signal: ac.signal }), async () => ({
      version: 'a',
    }))
    const s = collect(res)
    await s.loop
    expect(s.text()).toBe('')
    expect(vi.getTimerCount()).toBe(0)
  })

  test('ends after maxMs (the browser reconnects)', async () => {
    const load = vi.fn(async () => ({ version: 'a' }))
    const res = await sseSnapshots(new Request('http://x/'), load, { intervalMs: 1000, maxMs: 5000 })
    const s = collect(res)
    await vi.advanceTimersByTimeAsync(5001)
    await s.loop
    expect(s.done()).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  test('ends when a later load fails, reporting the error', async () => {
    let n = 0
    const onError = vi.fn()
    const res = await sseSnapshots(
      new Request('http://x/'),
      async () => {
        if (n++ > 1) throw new Error('gone')
        return { version: 'a' }
      },
      { intervalMs: 1000, onError },
    )
    const s = collect(res)
    await vi.advanceTimersByTimeAsync(3000)
    await s.loop
    expect(s.done()).toBe(true)
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'gone' }))
  })

  test('the client cancelling the body stops the loop', async () => {
    const load = vi.fn(async () => ({ version: 'a' }))
    const res = await sseSnapshots(new Request('http://x/'), load, { intervalMs: 1000 })
    const s = collect(res)
    await vi.advanceTimersByTimeAsync(1500)
    await s.reader.cancel()
    await s.loop
    const calls = load.mock.calls.length
    await vi.advanceTimersByTimeAsync(5000)
    expect(load.mock.calls.length).toBe(calls)
    expect(vi.getTimerCount()).toBe(0)
  })
  test('with a probe, loads only when the probe changes or after refreshMs', async () => {
    const ac = new AbortController()
    let probeValue = 'p1'
    let n = 0
    const load = vi.fn(async (): Promise<Snap> => ({ version: `v${++n}`, n }))
    const probe = vi.fn(async () => probeValue)
    const res = await sseSnapshots(new Request('http://x/', { signal: ac.signal }), load, { probe, intervalMs: 1000, refreshMs: 10_000 })
    const s = collect(res)
    await vi.advanceTimersByTimeAsync(5000)
    expect(load).toHaveBeenCalledTimes(1)
    expect(probe.mock.calls.length).toBeGreaterThanOrEqual(5)
    probeValue = 'p2'
    await vi.advanceTimersByTimeAsync(1000)
    expect(load).toHaveBeenCalledTimes(2)
    expect(dataLines(s.text()).map((d) => d.n)).toEqual([1, 2])
    // Unchanged probe: a full load again only once refreshMs has passed since the last one.
    await vi.advanceTimersByTimeAsync(8000)
    expect(load).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(3000)
    expect(load).toHaveBeenCalledTimes(3)
    ac.abort()
    await s.loop
  })
})
