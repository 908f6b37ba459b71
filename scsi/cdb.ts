// CDB field readers and the READ/WRITE-family decoders (SBC-4 5.x). Decoders read fields only;
// handlers validate them.
import type { FieldPointer } from './command-result.js';

export function readU16(buf: Buffer, at: number): number {
  return buf.readUInt16BE(at);
}

export function readU24(buf: Buffer, at: number): number {
  return buf.readUIntBE(at, 3);
}

export function readU32(buf: Buffer, at: number): number {
  return buf.readUInt32BE(at);
}

/** 64-bit big-endian field: a number below 2^53, else the exact bigint (always out of range). */
export function readU64(buf: Buffer, at: number): number | bigint {
  const hi = buf.readUInt32BE(at);
  return hi < 0x20_0000 ? hi * 0x1_0000_0000 + buf.readUInt32BE(at + 4) : buf.readBigUInt64BE(at);
}

/** Writes a number below 2^53 as a 64-bit big-endian field without BigInt. */
export function writeU64(out: Buffer, at: number, v: number): void {
  out.writeUInt32BE(Math.floor(v / 0x1_0000_0000) >>> 0, at);
  out.writeUInt32BE(v >>> 0, at + 4);
}

/** The fields every block-access CDB shares (READ/WRITE/VERIFY/WRITE AND VERIFY/PRE-FETCH...). */
export interface BlockAccessCdb {
  readonly lba: number | bigint;
  readonly blocks: number;
  /** Byte 1 bit 3 (FUA) — 0 for 6-byte CDBs. */
  readonly fua: boolean;
  /** Byte 1 bit 4 (DPO). */
  readonly dpo: boolean;
  /** Byte 1 bits 7:5 (RDPROTECT/WRPROTECT/VRPROTECT): non-zero needs protection information. */
  readonly protect: number;
  /** Where the LBA and TRANSFER LENGTH fields sit, for field pointers. */
  readonly lbaField: FieldPointer;
  readonly lengthField: FieldPointer;
}

export type BlockAccessDecoder = (cdb: Buffer) => BlockAccessCdb;

// Field pointers are shared constants and the flags are read inline: a decode runs once per
// READ/WRITE, so it builds exactly one object (no spread, no nested literals).
const FIELD_6_LBA: FieldPointer = Object.freeze({ in: 'cdb', byte: 1, bit: 4 });
const FIELD_6_LENGTH: FieldPointer = Object.freeze({ in: 'cdb', byte: 4 });
const FIELD_LBA: FieldPointer = Object.freeze({ in: 'cdb', byte: 2 });
const FIELD_10_LENGTH: FieldPointer = Object.freeze({ in: 'cdb', byte: 7 });
const FIELD_12_LENGTH: FieldPointer = Object.freeze({ in: 'cdb', byte: 6 });
const FIELD_16_LENGTH: FieldPointer = Object.freeze({ in: 'cdb', byte: 10 });

/** Byte 1 of the 10/12/16-byte forms: FUA bit 3, DPO bit 4, xPROTECT bits 7:5. */
function withFlags(
  cdb: Buffer,
  lba: number | bigint,
  blocks: number,
  lengthField: FieldPointer,
): BlockAccessCdb {
  const b1 = cdb[1] ?? 0;
  return {
    lba,
    blocks,
    fua: (b1 & 0x08) !== 0,
    dpo: (b1 & 0x10) !== 0,
    protect: b1 >> 5,
    lbaField: FIELD_LBA,
    lengthField,
  };
}

/** READ(6)/WRITE(6), SBC-4 5.15 / 5.36: 21-bit LBA; TRANSFER LENGTH 0 means 256 blocks. */
export const decodeRw6: BlockAccessDecoder = (cdb) => ({
  lba: readU24(cdb, 1) & 0x1f_ffff,
  blocks: cdb[4] === 0 ? 256 : (cdb[4] ?? 0),
  fua: false,
  dpo: false,
  protect: 0,
  lbaField: FIELD_6_LBA,
  lengthField: FIELD_6_LENGTH,
});

/** 10-byte form: LBA bytes 2-5, TRANSFER LENGTH bytes 7-8. */
export const decodeRw10: BlockAccessDecoder = (cdb) =>
  withFlags(cdb, readU32(cdb, 2), readU16(cdb, 7), FIELD_10_LENGTH);

/** 12-byte form: LBA bytes 2-5, TRANSFER LENGTH bytes 6-9. */
export const decodeRw12: BlockAccessDecoder = (cdb) =>
  withFlags(cdb, readU32(cdb, 2), readU32(cdb, 6), FIELD_12_LENGTH);

/** 16-byte form: LBA bytes 2-9, TRANSFER LENGTH bytes 10-13. */
export const decodeRw16: BlockAccessDecoder = (cdb) =>
  withFlags(cdb, readU64(cdb, 2), readU32(cdb, 10), FIELD_16_LENGTH);

/** ALLOCATION LENGTH / PARAMETER LIST LENGTH helpers by position. */
export const allocationLength = {
  u8: (cdb: Buffer, at: number) => cdb[at] ?? 0,
  u16: readU16,
  u32: readU32,
} as const;
