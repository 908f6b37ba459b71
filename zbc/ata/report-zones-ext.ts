// REPORT ZONES EXT (ZAC MANAGEMENT IN 4Ah/00h, ZAC 7.x) carries the ZBC REPORT ZONES reply with
// every multi-byte field little-endian. The zone model encodes the ZBC (big-endian) layout; this
// turns it into the ZAC one in place: same offsets, bytes reversed field by field.
import { DESCRIPTOR_BYTES, HEADER_BYTES } from '../report-zones.js';

/** ZONE LIST LENGTH (4 bytes), MAXIMUM LBA and ZONE STARTING LBA GRANULARITY (8 each). */
const HEADER_FIELDS: readonly (readonly [number, number])[] = [
  [0, 4],
  [8, 8],
  [16, 8],
];
/** ZONE LENGTH, ZONE START LBA, WRITE POINTER LBA. */
const DESCRIPTOR_FIELDS: readonly (readonly [number, number])[] = [
  [8, 8],
  [16, 8],
  [24, 8],
];

function reverse(out: Uint8Array, at: number, length: number): void {
  if (at + length <= out.length) out.subarray(at, at + length).reverse();
}

/** Converts a ZBC REPORT ZONES reply (header and whole descriptors in `out`) to ZAC byte order. */
export function toZacByteOrder(out: Uint8Array): void {
  if (out.length < HEADER_BYTES) return;
  for (const [at, length] of HEADER_FIELDS) reverse(out, at, length);
  for (let d = HEADER_BYTES; d + DESCRIPTOR_BYTES <= out.length; d += DESCRIPTOR_BYTES) {
    for (const [at, length] of DESCRIPTOR_FIELDS) reverse(out, d + at, length);
  }
}
