import { describe, expect, it } from 'vitest'
import { Ring } from './ring'

describe('Ring (terminal replay buffer)', () => {
  it('keeps exactly the last `size` bytes of everything pushed, for any chunking', () => {
    for (let trial = 0; trial < 300; trial++) {
      const size = trial % 2 ? 1 + (trial % 97) : 5000
      const r = new Ring(size)
      let all = Buffer.alloc(0)
      for (let i = 0; i < 400; i++) {
        const len = i % 37 === 0 ? (i * 131) % (2 * size) : i % 61
        const b = Buffer.alloc(len, i % 251)
        r.push(b)
        all = Buffer.concat([all, b])
        expect(r.snapshot().equals(all.subarray(Math.max(0, all.length - size)))).toBe(true)
      }
    }
  })

  it('copies its input, and memory stays one buffer of at most `size` bytes', () => {
    const r = new Ring(64 * 1024)
    const b = Buffer.from('abc')
    r.push(b)
    b.fill(0)
    expect(r.snapshot().toString()).toBe('abc')
    for (let i = 0; i < 100_000; i++) r.push(Buffer.from(`line ${i}\r\n`))
    expect(r.stats).toEqual({ kept: 64 * 1024, capacity: 64 * 1024 })
    expect(r.snapshot().toString().endsWith('line 99999\r\n')).toBe(true)
  })

  it('stays small for a quiet shell', () => {
    const r = new Ring(64 * 1024)
    expect(r.snapshot().length).toBe(0)
    r.push(Buffer.from('$ '))
    expect(r.stats.capacity).toBe(4096)
  })
})
