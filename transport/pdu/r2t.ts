// Ready To Transfer PDU (opcode 0x31), RFC 7143 §11.8.
import { encodeLun, newHeader, type SequenceNumbers, writeSequenceNumbers } from './bhs.js';
import { FINAL_BIT, TargetOpcode } from './opcodes.js';

export interface R2tFields extends SequenceNumbers {
  readonly itt: number;
  readonly lun: number;
  readonly ttt: number;
  readonly r2tSN: number;
  readonly bufferOffset: number;
  readonly desiredLength: number;
}

export function encodeR2t(f: R2tFields): Buffer {
  const h = newHeader(TargetOpcode.R2T, FINAL_BIT, 0, f.itt);
  encodeLun(h, f.lun);
  h.writeUInt32BE(f.ttt >>> 0, 20);
  writeSequenceNumbers(h, f);
  h.writeUInt32BE(f.r2tSN >>> 0, 36);
  h.writeUInt32BE(f.bufferOffset >>> 0, 40);
  h.writeUInt32BE(f.desiredLength >>> 0, 44);
  return h;
}
