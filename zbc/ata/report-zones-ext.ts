// REPORT ZONES EXT (ZAC MANAGEMENT IN 4Ah/00h, ZAC 7.x) carries the ZBC REPORT ZONES reply with
// every multi-byte field little-endian: same offsets, bytes reversed field by field.
import { DESCRIPTOR_BYTES, HEADER_BYTES } from '../report-zones.js';
import { toLittleEndian } from './zac-byte-order.js';

/** ZONE LIST LENGTH (4 bytes), MAXIMUM LBA and ZONE STARTING LBA GRANULARITY (8 each). */
const HEADER = {
  bytes: HEADER_BYTES,
  fields: [
    [0, 4],
    [8, 8],
    [16, 8],
  ],
} as const;
/** ZONE LENGTH, ZONE START LBA, WRITE POINTER LBA. */
const DESCRIPTOR = {
  bytes: DESCRIPTOR_BYTES,
  fields: [
    [8, 8],
    [16, 8],
    [24, 8],
  ],
} as const;

/** Converts a ZBC REPORT ZONES reply (header and whole descriptors in `out`) to ZAC byte order. */
export function toZacByteOrder(out: Uint8Array): void {
  toLittleEndian(out, HEADER, DESCRIPTOR);
}
