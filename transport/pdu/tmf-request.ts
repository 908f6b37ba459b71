// Task Management Function Request (opcode 0x02), RFC 7143 §11.5.
import { decodeLun } from './bhs.js';

export interface TmfRequestPdu {
  readonly immediate: boolean;
  /** Function code, byte 1 bits 6..0. */
  readonly fn: number;
  readonly lun: number;
  readonly itt: number;
  readonly referencedTaskTag: number;
  readonly cmdSN: number;
  readonly expStatSN: number;
  readonly refCmdSN: number;
  readonly expDataSN: number;
}

export function decodeTmfRequest(bhs: Buffer): TmfRequestPdu {
  return {
    immediate: (bhs.readUInt8(0) & 0x40) !== 0,
    fn: bhs.readUInt8(1) & 0x7f,
    lun: decodeLun(bhs),
    itt: bhs.readUInt32BE(16),
    referencedTaskTag: bhs.readUInt32BE(20),
    cmdSN: bhs.readUInt32BE(24),
    expStatSN: bhs.readUInt32BE(28),
    refCmdSN: bhs.readUInt32BE(32),
    expDataSN: bhs.readUInt32BE(36),
  };
}
