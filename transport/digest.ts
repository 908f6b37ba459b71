// CRC32C (Castagnoli) header and data digests, RFC 7143 §11.1 / §13.1, computed natively and
// written least-significant byte first as libiscsi and Linux read them (docs/initiators.md).
import { crc32c } from '@node-rs/crc32';

/** CRC32C over a list of views, chained without concatenating them. */
export function crc32cOf(parts: readonly Uint8Array[]): number {
  let crc = 0;
  for (const part of parts) if (part.length > 0) crc = crc32c(part, crc);
  return crc >>> 0;
}

/** The 4 digest bytes as sent on the wire (little-endian). */
export function digestBytes(parts: readonly Uint8Array[]): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32LE(crc32cOf(parts), 0);
  return out;
}

/** Checks a received digest (4 wire bytes at `at`) against the parts it covers. */
export function digestMatches(parts: readonly Uint8Array[], wire: Buffer, at = 0): boolean {
  return wire.readUInt32LE(at) === crc32cOf(parts);
}
