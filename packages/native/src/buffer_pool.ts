// Recycles the Float32Arrays of disposed tensors for the outputs of native kernels.
//
// Why: a fresh large Float32Array is zero pages; the first write faults every 4 KiB page in, and
// on the VMs we measured that costs ~16 us a page (130 ms for one 32 MiB activation, 30x the
// convolution that fills it). V8 frees ArrayBuffers only at garbage collection, so the allocator
// rarely gets to reuse them in a tight training loop. tfjs tells the backend exactly when a tensor
// dies (disposeData), so we reuse its array on the spot.
//
// Safety: an array is recycled only if (1) the pool allocated it, (2) no live tensor references
// its ArrayBuffer (views created by cpu kernels, e.g. Slice's subarray, and tensors sharing the
// array are counted through write/move), and (3) it never escaped to user code (readSync/read
// hand the backend's own array to dataSync()/data()). Recycled arrays are not zeroed: only native
// kernels, which overwrite every element of their output, take arrays from the pool.

/** Arrays below this many elements come from V8's allocator as usual (cheap, no page faults). */
const MIN_POOLED = 1 << 14;

export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  private readonly owned = new WeakSet<ArrayBufferLike>();
  private readonly escaped = new WeakSet<ArrayBufferLike>();
  /** Live references to owned buffers (tensors whose values are the array or a view of it). */
  private readonly refs = new Map<ArrayBufferLike, number>();
  private pooledBytes = 0;
  private hits = 0;
  private misses = 0;
  private missBytes = 0;

  constructor(private readonly capBytes: number) {}

  /**
   * An array of n elements with arbitrary contents: the caller must write every element. Served by a pooled array of
   * exactly n elements, else by the front of the smallest pooled one of up to 2n (a view: the whole buffer returns
   * to the pool when it is released). Without that second choice the pool would hold, for every size, as many
   * arrays as were ever live at once, even at different moments: a DCGAN step's activations come in a few sizes, each
   * twice the next, and peak at different sizes in D's and G's backward passes (64x64x3, batch 128: 609 -> 545 MB allocated).
   */
  alloc(n: number): Float32Array {
    if (n < MIN_POOLED) return new Float32Array(n);
    const length = this.free.get(n)?.length ? n : this.smallestFreeLength(n, 2 * n);
    const reused = length === undefined ? undefined : this.free.get(length)!.pop();
    if (reused !== undefined) {
      this.pooledBytes -= reused.byteLength;
      this.hits++;
      return length === n ? reused : reused.subarray(0, n);
    }
    this.misses++;
    this.missBytes += n * 4;
    const a = new Float32Array(n);
    this.owned.add(a.buffer);
    return a;
  }

  /** A tensor now references `values` (write, move). */
  retain(values: unknown): void {
    const buf = bufferOf(values);
    if (buf !== null && this.owned.has(buf)) this.refs.set(buf, (this.refs.get(buf) ?? 0) + 1);
  }

  /** `values` left user control (readSync/read): never recycle its buffer. */
  escape(values: unknown): void {
    const buf = bufferOf(values);
    if (buf !== null && this.owned.has(buf)) this.escaped.add(buf);
  }

  /** A tensor referencing `values` was disposed; recycle the array if nothing else can see it. */
  release(values: unknown): void {
    const buf = bufferOf(values);
    if (buf === null || !this.owned.has(buf)) return;
    const n = (this.refs.get(buf) ?? 1) - 1;
    if (n > 0) {
      this.refs.set(buf, n);
      return;
    }
    this.refs.delete(buf);
    if (this.escaped.has(buf) || this.pooledBytes + buf.byteLength > this.capBytes) return;
    const whole = new Float32Array(buf as ArrayBuffer);
    let list = this.free.get(whole.length);
    if (list === undefined) {
      list = [];
      this.free.set(whole.length, list);
    }
    list.push(whole);
    this.pooledBytes += buf.byteLength;
  }

  private smallestFreeLength(min: number, max: number): number | undefined {
    let best: number | undefined;
    for (const [length, list] of this.free) {
      if (list.length > 0 && length >= min && length <= max && (best === undefined || length < best)) best = length;
    }
    return best;
  }

  /** Bytes held for reuse. */
  get bytes(): number {
    return this.pooledBytes;
  }

  /** Pool-sized allocations served from the pool (hits) or freshly (misses), since the last reset. */
  stats(reset = false): { pooledBytes: number; hits: number; misses: number; missBytes: number } {
    const s = { pooledBytes: this.pooledBytes, hits: this.hits, misses: this.misses, missBytes: this.missBytes };
    if (reset) this.hits = this.misses = this.missBytes = 0;
    return s;
  }

  clear(): void {
    this.free.clear();
    this.pooledBytes = 0;
  }
}

function bufferOf(values: unknown): ArrayBufferLike | null {
  return values instanceof Float32Array ? values.buffer : null;
}
