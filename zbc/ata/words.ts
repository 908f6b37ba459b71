// Little-endian words and qwords of ATA data structures (ACS-4 3.4: all multi-byte fields LE).

export { viewOf } from '../fields.js';

/** Writes word `n` (16-bit, LE) of an ATA data structure. */
export function setWord(view: DataView, n: number, value: number): void {
  view.setUint16(n * 2, value & 0xffff, true);
}

/** Writes a 64-bit LE field from a number below 2^53 plus flag bits 63:48 (e.g. bit 63 valid). */
export function setQword(view: DataView, at: number, value: number, flagsHigh = 0): void {
  view.setUint32(at, value >>> 0, true);
  const high = (Math.floor(value / 0x1_0000_0000) & 0xffff) | (flagsHigh << 16);
  view.setUint32(at + 4, high >>> 0, true);
}

/** Bit 63 of a log qword: the field is valid (ACS-4 9.10: "supported/valid"). */
export const VALID = 0x8000;

/** Makes the last byte the checksum: all bytes sum to 0 mod 256 (ACS-4 7.12.7.2 word 255). */
export function sealChecksum(out: Uint8Array, signature?: number): void {
  const last = out.length - 1;
  if (signature !== undefined) out[last - 1] = signature;
  let sum = 0;
  for (let i = 0; i < last; i++) sum += out[i] as number;
  out[last] = (256 - (sum & 0xff)) & 0xff;
}
