// CRC32C (Castagnoli) header and data digests, RFC 7143 §11.1 / §13.1, computed natively and
// written least-significant byte first as libiscsi and Linux read them (docs/initiators.md).
import { crc32c } from '@node-rs/crc32';

const NO_PADDING: readonly Uint8Array[] = Object.freeze([]);

/** CRC32C over a list of views, chained from `seed` (an earlier result) without concatenating. */
export function crc32cOf(parts: readonly Uint8Array[], seed = 0): number {
  let crc = seed;
  for (const part of parts) if (part.length > 0) crc = crc32c(part, crc);
  return crc >>> 0;
}

/** The 4 digest bytes as sent on the wire (little-endian). */
export function digestBytes(parts: readonly Uint8Array[], padding?: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4);
  const crc = crc32cOf(parts);
  // The pad bytes chained on, not appended to a copy of the list (every Data-In PDU).
  out.writeUInt32LE(padding === undefined ? crc : crc32c(padding, crc) >>> 0, 0);
  return out;
}

/** Checks a received digest (its 4 wire bytes) against the data and pad bytes it covers. */
export function digestMatches(
  parts: readonly Uint8Array[],
  wire: Buffer,
  padding: readonly Uint8Array[] = NO_PADDING,
): boolean {
  return wire.readUInt32LE(0) === crc32cOf(padding, crc32cOf(parts));
}
