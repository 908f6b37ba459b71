// Multi-byte fields of the zoned data structures: ZBC (SCSI) big-endian, ZAC (ATA) little-endian.

export function viewOf(out: Uint8Array): DataView {
  return new DataView(out.buffer, out.byteOffset, out.byteLength);
}

/** Writes a number below 2^53 as a 64-bit field without BigInt. */
export function putU64(view: DataView, at: number, value: number, littleEndian = false): void {
  const high = Math.floor(value / 0x1_0000_0000);
  view.setUint32(littleEndian ? at + 4 : at, high, littleEndian);
  view.setUint32(littleEndian ? at : at + 4, value >>> 0, littleEndian);
}
