// ATA PASS-THROUGH (16) 85h, (12) A1h and (32) 7Fh/1FF0h (SAT-4 12.2.2, 12.2.3, 12.2.4) decoded
// into an ATA task file. The (16) form interleaves the registers: "high" (15:8, 31:24...) bytes
// at odd offsets; the (32) form holds them big-endian, LBA(47:0) in bytes 14-19.

export interface AtaTaskFile {
  /** 12, 16 or 32: which CDB carried it (field pointers differ). */
  readonly form: TaskFileForm;
  /** PROTOCOL, byte 1 bits 4:1 (SAT-4 table 131). */
  readonly protocol: number;
  /** MULTIPLE_COUNT, byte 1 bits 7:5. */
  readonly multipleCount: number;
  /** EXTEND, byte 1 bit 0 of the (16) form: 48-bit registers. */
  readonly extend: boolean;
  /** Byte 2: OFF_LINE 7:6, CK_COND 5, T_TYPE 4, T_DIR 3, BYTE_BLOCK 2, T_LENGTH 1:0. */
  readonly ckCond: boolean;
  readonly tType: boolean;
  /** T_DIR: 1 = from the device. */
  readonly toHost: boolean;
  readonly byteBlock: boolean;
  readonly tLength: number;
  readonly features: number;
  readonly count: number;
  /** LBA(47:0), or LBA(27:0) with DEVICE bits 3:0 as LBA(27:24) for 28-bit commands. */
  readonly lba: number;
  readonly device: number;
  readonly command: number;
  /** ICC and AUXILIARY(31:0) of the (32) form (NCQ priority, command specific); 0 otherwise. */
  readonly icc: number;
  readonly auxiliary: number;
}

/** COUNT of 512-byte pages (logs, zone reports, ZAC MANAGEMENT IN); 0 is not a length here. */
export const pageBytes = (tf: { readonly count: number }): number => tf.count * 512;

export type TaskFileForm = 12 | 16 | 32;

/** Protocol values (SAT-4 table 131). */
export const Protocol = {
  NON_DATA: 3,
  PIO_DATA_IN: 4,
  PIO_DATA_OUT: 5,
  DMA: 6,
  EXECUTE_DEVICE_DIAGNOSTIC: 8,
  UDMA_DATA_IN: 10,
  UDMA_DATA_OUT: 11,
  FPDMA: 12,
} as const;

/**
 * Where the fields sit in each form, for field pointers: PROTOCOL (with MULTIPLE_COUNT and
 * EXTEND), the T_LENGTH/T_DIR flags byte, FEATURES(7:0), COUNT(7:0), COMMAND.
 */
export const FIELD_BYTES: Record<
  TaskFileForm,
  { protocol: number; flags: number; features: number; count: number; command: number }
> = {
  12: { protocol: 1, flags: 2, features: 3, count: 4, command: 9 },
  16: { protocol: 1, flags: 2, features: 4, count: 6, command: 14 },
  32: { protocol: 10, flags: 11, features: 21, count: 23, command: 25 },
};

/** The protocol and flags bytes (byte 1 and 2 of the 12/16-byte forms, 10 and 11 of the 32). */
function flagsOf(b1: number, b2: number) {
  return {
    protocol: (b1 >> 1) & 0x0f,
    multipleCount: b1 >> 5,
    ckCond: (b2 & 0x20) !== 0,
    tType: (b2 & 0x10) !== 0,
    toHost: (b2 & 0x08) !== 0,
    byteBlock: (b2 & 0x04) !== 0,
    tLength: b2 & 0x03,
  };
}

const NO_AUXILIARY = { icc: 0, auxiliary: 0 } as const;

/** 48-bit registers with EXTEND; else LBA(27:24) is DEVICE bits 3:0 (a 28-bit command). */
function lbaOf(extend: boolean, low24: number, high24: number, device: number): number {
  return low24 + (extend ? high24 * 0x100_0000 : (device & 0x0f) * 0x100_0000);
}

function decode32(cdb: Buffer): AtaTaskFile {
  const at = (i: number): number => cdb[i] ?? 0;
  const extend = (at(10) & 0x01) !== 0;
  const device = at(24);
  return {
    form: 32,
    ...flagsOf(at(10), at(11)),
    extend,
    features: extend ? (at(20) << 8) | at(21) : at(21),
    count: extend ? (at(22) << 8) | at(23) : at(23),
    lba: lbaOf(extend, cdb.readUIntBE(17, 3), cdb.readUIntBE(14, 3), device),
    device,
    command: at(25),
    icc: at(27),
    auxiliary: cdb.readUInt32BE(28),
  };
}

export function decodeTaskFile(cdb: Buffer): AtaTaskFile {
  const at = (i: number): number => cdb[i] ?? 0;
  if (at(0) === 0x7f) return decode32(cdb);
  const flags = flagsOf(at(1), at(2));
  const b1 = at(1);
  if (at(0) === 0x85) {
    const extend = (b1 & 0x01) !== 0;
    const low24 = at(8) | (at(10) << 8) | (at(12) << 16);
    const device = at(13);
    const lba = lbaOf(extend, low24, at(7) | (at(9) << 8) | (at(11) << 16), device);
    return {
      form: 16,
      ...flags,
      extend,
      features: extend ? (at(3) << 8) | at(4) : at(4),
      count: extend ? (at(5) << 8) | at(6) : at(6),
      lba,
      device,
      command: at(14),
      ...NO_AUXILIARY,
    };
  }
  const device = at(8);
  return {
    form: 12,
    ...flags,
    extend: false,
    features: at(3),
    count: at(4),
    lba: lbaOf(false, at(5) | (at(6) << 8) | (at(7) << 16), 0, device),
    device,
    command: at(9),
    ...NO_AUXILIARY,
  };
}
