// Basic Header Segment fields common to every PDU, RFC 7143 §11.2.1, and the LUN field (SAM-5
// single-level addressing, docs/initiators.md).
import { BHS_LENGTH } from './opcodes.js';

export function readDataSegmentLength(bhs: Buffer): number {
  return bhs.readUIntBE(5, 3);
}

/**
 * A zeroed 48-byte header with opcode, flags byte, DSL and ITT set (target PDUs carry no AHS).
 * Taken from Node's shared pool and zeroed by hand: Buffer.alloc(48) makes an on-heap array that
 * V8 must move off-heap when the socket writes it, which costs more than the header itself.
 */
export function newHeader(
  opcode: number,
  flags: number,
  dataSegmentLength: number,
  itt: number,
): Buffer {
  const h = Buffer.allocUnsafe(BHS_LENGTH).fill(0);
  h.writeUInt8(opcode, 0);
  h.writeUInt8(flags, 1);
  h.writeUIntBE(dataSegmentLength, 5, 3);
  h.writeUInt32BE(itt >>> 0, 16);
  return h;
}

/** Fields every target-to-initiator response carries at bytes 24..35. */
export interface SequenceNumbers {
  readonly statSN: number;
  readonly expCmdSN: number;
  readonly maxCmdSN: number;
}

export function writeSequenceNumbers(h: Buffer, sn: SequenceNumbers): void {
  h.writeUInt32BE(sn.statSN >>> 0, 24);
  h.writeUInt32BE(sn.expCmdSN >>> 0, 28);
  h.writeUInt32BE(sn.maxCmdSN >>> 0, 32);
}

/** A LUN we do not map: "00 nn" with nn <= 255 is the only form we serve (docs/initiators.md). */
export const UNMAPPED_LUN = -1;

/**
 * Decodes bytes 8..15. Single-level peripheral addressing `00 nn 00 00 00 00 00 00` gives nn;
 * anything else (flat, multi-level, extended) gives UNMAPPED_LUN, which the ScsiTarget answers as
 * a missing LUN (INQUIRY qualifier 011b, others 05/25/00).
 */
export function decodeLun(bhs: Buffer, at = 8): number {
  if (bhs.readUInt8(at) !== 0) return UNMAPPED_LUN;
  for (let i = at + 2; i < at + 8; i++) if (bhs.readUInt8(i) !== 0) return UNMAPPED_LUN;
  return bhs.readUInt8(at + 1);
}

/** Encodes a LUN 0..255 as single-level `00 nn`; other values (incl. UNMAPPED_LUN) stay zero. */
export function encodeLun(h: Buffer, lun: number, at = 8): void {
  if (lun >= 0 && lun <= 255) h.writeUInt8(lun, at + 1);
}
