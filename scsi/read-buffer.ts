// Buffers for READ data. Small ones are cut from slabs: Buffer.allocUnsafe makes a new
// ArrayBuffer for every size of 4 KiB or more (Node pools only smaller ones), about 1 µs of
// allocation per 4 KiB READ plus its finalisation in the garbage collector, the largest JavaScript
// cost of a small READ in a CPU profile. A slab is never written again once cut: when full it is
// replaced, and freed when the last view of it is, so no READ's data can be overwritten by a later
// one.
//
// Large ones come from a free list by power-of-two size, refilled by releaseReadBuffer once the
// transport has handed a READ's data to the kernel. A fresh 1 MiB buffer is fresh memory: the
// pread into it faults and zeroes every page, and freeing it shrinks the heap again (brk), about
// a quarter of the time of a 1 MiB sequential read (docs/bench.md). A buffer nobody releases is
// simply collected, so only the transport's Data-In path, whose socket write is the last use of
// the data, gives buffers back.

const SLAB_BYTES = 1 << 20;
/** Larger reads take their own buffer: a slab holds at least 16 of these. */
const MAX_SLAB_READ = 64 * 1024;

/** Reads up to this size take a pooled buffer; larger ones their own. */
const MAX_POOLED_READ = 16 << 20;
/** Free pooled bytes kept at most; a buffer released beyond this is left to the collector. */
const MAX_FREE_BYTES = 64 << 20;

let slab = Buffer.allocUnsafeSlow(0);
let used = 0;

/** Free pooled buffers by size; which ArrayBuffers are pooled, and which of them are free now. */
const free = new Map<number, ArrayBuffer[]>();
const pooled = new WeakSet<ArrayBuffer>();
const idle = new WeakSet<ArrayBuffer>();
let freeBytes = 0;

/** An uninitialised buffer of `bytes` for one READ's data. */
export function readBuffer(bytes: number): Buffer {
  if (bytes > MAX_SLAB_READ) return pooledBuffer(bytes);
  if (used + bytes > slab.length) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    used = 0;
  }
  const out = slab.subarray(used, used + bytes);
  used += (bytes + 7) & ~7; // keep views 8-byte aligned
  return out;
}

function pooledBuffer(bytes: number): Buffer {
  if (bytes > MAX_POOLED_READ) return Buffer.allocUnsafe(bytes);
  const size = 2 ** Math.ceil(Math.log2(bytes));
  let ab = free.get(size)?.pop();
  if (ab !== undefined) {
    idle.delete(ab);
    freeBytes -= size;
  } else {
    ab = Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer;
    pooled.add(ab);
  }
  return Buffer.from(ab, 0, bytes);
}

/**
 * A READ's data (or any view of it) has been handed to the kernel and is used no more: its
 * buffer, if pooled, may serve a later READ. Anything else, and a second release, is ignored.
 */
export function releaseReadBuffer(data: Buffer): void {
  const ab = data.buffer as ArrayBuffer;
  if (!pooled.has(ab) || idle.has(ab) || freeBytes + ab.byteLength > MAX_FREE_BYTES) return;
  idle.add(ab);
  freeBytes += ab.byteLength;
  const list = free.get(ab.byteLength);
  if (list === undefined) free.set(ab.byteLength, [ab]);
  else list.push(ab);
}

/** How to give `data`'s buffer back once it is written, or undefined when it is not pooled. */
export function releaserOf(data: Buffer): (() => void) | undefined {
  return pooled.has(data.buffer as ArrayBuffer) ? () => releaseReadBuffer(data) : undefined;
}
