// SCSI Data-Out PDU (opcode 0x05), RFC 7143 §11.7.
import { decodeLun } from './bhs.js';

export interface DataOutPdu {
  readonly final: boolean;
  readonly lun: number;
  readonly itt: number;
  readonly ttt: number;
  readonly expStatSN: number;
  readonly dataSN: number;
  readonly bufferOffset: number;
}

export function decodeDataOut(bhs: Buffer): DataOutPdu {
  return {
    final: (bhs.readUInt8(1) & 0x80) !== 0,
    lun: decodeLun(bhs),
    itt: bhs.readUInt32BE(16),
    ttt: bhs.readUInt32BE(20),
    expStatSN: bhs.readUInt32BE(28),
    dataSN: bhs.readUInt32BE(36),
    bufferOffset: bhs.readUInt32BE(40),
  };
}
