// ATA PASS-THROUGH (16) 85h and (12) A1h (SAT-4 12.2.2, 12.2.3) decoded into an ATA task file.
// The (16) form interleaves the registers: "high" (15:8, 31:24...) bytes at odd offsets.

export interface AtaTaskFile {
  /** 12 or 16: which CDB carried it (field pointers differ). */
  readonly form: 12 | 16;
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
}

/** COUNT of 512-byte pages (logs, zone reports, ZAC MANAGEMENT IN); 0 is not a length here. */
export const pageBytes = (tf: { readonly count: number }): number => tf.count * 512;

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

/** Where the fields sit in each form, for field pointers. */
export const FIELD_BYTES = {
  12: { features: 3, count: 4, command: 9 },
  16: { features: 4, count: 6, command: 14 },
} as const;

export function decodeTaskFile(cdb: Buffer): AtaTaskFile {
  const b1 = cdb[1] ?? 0;
  const b2 = cdb[2] ?? 0;
  const flags = {
    protocol: (b1 >> 1) & 0x0f,
    multipleCount: b1 >> 5,
    ckCond: (b2 & 0x20) !== 0,
    tType: (b2 & 0x10) !== 0,
    toHost: (b2 & 0x08) !== 0,
    byteBlock: (b2 & 0x04) !== 0,
    tLength: b2 & 0x03,
  };
  const at = (i: number): number => cdb[i] ?? 0;
  if (at(0) === 0x85) {
    const extend = (b1 & 0x01) !== 0;
    const low24 = at(8) | (at(10) << 8) | (at(12) << 16);
    const device = at(13);
    const lba = extend
      ? low24 + at(7) * 0x100_0000 + at(9) * 0x1_0000_0000 + at(11) * 0x100_0000_0000
      : low24 + (device & 0x0f) * 0x100_0000;
    return {
      form: 16,
      ...flags,
      extend,
      features: extend ? (at(3) << 8) | at(4) : at(4),
      count: extend ? (at(5) << 8) | at(6) : at(6),
      lba,
      device,
      command: at(14),
    };
  }
  const device = at(8);
  return {
    form: 12,
    ...flags,
    extend: false,
    features: at(3),
    count: at(4),
    lba: (at(5) | (at(6) << 8) | (at(7) << 16)) + (device & 0x0f) * 0x100_0000,
    device,
    command: at(9),
  };
}
