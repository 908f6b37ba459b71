// NOP-In PDU (opcode 0x20), RFC 7143 §11.19.
import { newHeader, type SequenceNumbers, writeSequenceNumbers } from './bhs.js';
import { FINAL_BIT, TargetOpcode } from './opcodes.js';

export interface NopInFields extends SequenceNumbers {
  /** 8 raw LUN bytes (echo of the ping's, or zero). */
  readonly lunBytes?: Buffer;
  readonly itt: number;
  readonly ttt: number;
  readonly dataSegmentLength: number;
}

export function encodeNopIn(f: NopInFields): Buffer {
  const h = newHeader(TargetOpcode.NOP_IN, FINAL_BIT, f.dataSegmentLength, f.itt);
  if (f.lunBytes) f.lunBytes.copy(h, 8, 0, 8);
  h.writeUInt32BE(f.ttt >>> 0, 20);
  writeSequenceNumbers(h, f);
  return h;
}
