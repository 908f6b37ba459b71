// NOP-Out PDU (opcode 0x00), RFC 7143 §11.18.

export interface NopOutPdu {
  readonly immediate: boolean;
  readonly final: boolean;
  /** The raw 8 LUN bytes, echoed in the NOP-In. */
  readonly lunBytes: Buffer;
  readonly itt: number;
  readonly ttt: number;
  readonly cmdSN: number;
  readonly expStatSN: number;
}

export function decodeNopOut(bhs: Buffer): NopOutPdu {
  return {
    immediate: (bhs.readUInt8(0) & 0x40) !== 0,
    final: (bhs.readUInt8(1) & 0x80) !== 0,
    lunBytes: Buffer.from(bhs.subarray(8, 16)),
    itt: bhs.readUInt32BE(16),
    ttt: bhs.readUInt32BE(20),
    cmdSN: bhs.readUInt32BE(24),
    expStatSN: bhs.readUInt32BE(28),
  };
}
