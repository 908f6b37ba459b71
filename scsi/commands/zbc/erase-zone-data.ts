// Host-aware RESET WRITE POINTER: the old data of a reset zone must never read back. On a
// host-aware LU a later non-sequential write moves the zone's data end past blocks written before
// the reset (zbc/zone-actions.ts `discard`), so those blocks are erased in the store: released
// where the store can punch holes, overwritten with zeros otherwise.
import type { LogicalUnit } from '../../logical-unit.js';

/** Zeros written per positional writev: CHUNK_SEGMENTS views of one shared zero buffer. */
const ZERO_BYTES = 1 << 20;
const CHUNK_SEGMENTS = 16;
let zeros: Buffer | undefined;

async function writeZeros(lu: LogicalUnit, byteOffset: number, byteLength: number): Promise<void> {
  zeros ??= Buffer.alloc(ZERO_BYTES);
  const zero = zeros;
  for (let done = 0; done < byteLength; ) {
    const segments: Buffer[] = [];
    let chunk = 0;
    while (segments.length < CHUNK_SEGMENTS && done + chunk < byteLength) {
      const n = Math.min(ZERO_BYTES, byteLength - done - chunk);
      segments.push(zero.subarray(0, n));
      chunk += n;
    }
    await lu.store.writev(segments, byteOffset + done);
    done += chunk;
  }
}

/** Erases each range (in blocks) of the LU's store. Durability is the caller's (a data flush). */
export async function eraseZoneData(
  lu: LogicalUnit,
  ranges: readonly { readonly lba: number; readonly blocks: number }[],
): Promise<void> {
  const bs = lu.blockSize;
  for (const r of ranges) {
    if (lu.store.discard !== undefined) await lu.store.discard(r.lba * bs, r.blocks * bs);
    else await writeZeros(lu, r.lba * bs, r.blocks * bs);
  }
}
