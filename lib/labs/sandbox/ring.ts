/**
 * The last `size` bytes of a terminal's output, for redrawing the screen on re-attach, in one
 * circular buffer. Not a list of the chunks the pty delivered: a shell writes a few dozen bytes per
 * read, so 64 KiB of output was a list of thousands of Buffers, each with its own backing store (about
 * 1 KiB of memory for 60 bytes of output), and the list kept growing until the byte count, not the
 * memory, reached the cap: ~1 MiB per busy shell, 200+ MiB with 200 learners (issue #7,
 * docs/soak-memory.md). The buffer grows by doubling up to `size`, so a quiet shell stays small.
 */
export class Ring {
  private buf: Buffer = Buffer.alloc(0)
  /** Index of the oldest kept byte in `buf`, and how many bytes are kept. */
  private start = 0
  private length = 0
  constructor(private readonly size: number) {}

  /** Appends a chunk (copied; the caller's buffer is not retained). */
  push(b: Uint8Array): void {
    if (b.byteLength === 0 || this.size <= 0) return
    if (b.byteLength >= this.size) {
      this.grow(this.size)
      this.buf.set(b.subarray(b.byteLength - this.size))
      this.start = 0
      this.length = this.size
      return
    }
    if (this.length + b.byteLength > this.buf.length && this.buf.length < this.size)
      this.grow(Math.min(this.size, Math.max(4096, 2 * this.buf.length, this.length + b.byteLength)))
    const cap = this.buf.length
    // Write after the newest byte, wrapping; past capacity the oldest bytes are overwritten.
    const end = (this.start + this.length) % cap
    const first = Math.min(b.byteLength, cap - end)
    this.buf.set(b.subarray(0, first), end)
    if (first < b.byteLength) this.buf.set(b.subarray(first), 0)
    const overflow = Math.max(0, this.length + b.byteLength - cap)
    this.start = (this.start + overflow) % cap
    this.length = Math.min(cap, this.length + b.byteLength)
  }

  /** The kept bytes, oldest first (a copy). */
  snapshot(): Buffer {
    const out = Buffer.allocUnsafe(this.length)
    const first = Math.min(this.length, this.buf.length - this.start)
    this.buf.copy(out, 0, this.start, this.start + first)
    if (first < this.length) this.buf.copy(out, first, 0, this.length - first)
    return out
  }

  /** Bytes kept and bytes allocated (for tests and memory probes). */
  get stats(): { kept: number; capacity: number } {
    return { kept: this.length, capacity: this.buf.length }
  }

  /** Reallocates to `cap` bytes, oldest byte first. Unpooled: the buffer lives as long as the shell. */
  private grow(cap: number): void {
    if (cap <= this.buf.length) return
    const kept = this.snapshot()
    this.buf = Buffer.allocUnsafeSlow(cap)
    kept.copy(this.buf, 0)
    this.start = 0
  }
}
