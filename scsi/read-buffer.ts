// Buffers for READ data, cut from slabs. Buffer.allocUnsafe makes a new ArrayBuffer for every
// size of 4 KiB or more (Node pools only smaller ones): about 1 µs of allocation per 4 KiB READ
// plus its finalisation in the garbage collector, the largest JavaScript cost of a small READ in a
// CPU profile. A slab is never written again once cut: when full it is replaced, and freed when
// the last view of it is, so no READ's data can be overwritten by a later one.

const SLAB_BYTES = 1 << 20;
/** Larger reads take their own buffer: a slab holds at least 16 of these. */
const MAX_SLAB_READ = 64 * 1024;

let slab = Buffer.allocUnsafeSlow(0);
let used = 0;

/** An uninitialised buffer of `bytes` for one READ's data. */
export function readBuffer(bytes: number): Buffer {
  if (bytes > MAX_SLAB_READ) return Buffer.allocUnsafe(bytes);
  if (used + bytes > slab.length) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    used = 0;
  }
  const out = slab.subarray(used, used + bytes);
  used += (bytes + 7) & ~7; // keep views 8-byte aligned
  return out;
}
