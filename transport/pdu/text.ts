// Text Request (0x04) and Text Response (0x24), RFC 7143 §11.10–§11.11.
import { newHeader, type SequenceNumbers, writeSequenceNumbers } from './bhs.js';
import { TargetOpcode } from './opcodes.js';

export interface TextRequestPdu {
  readonly immediate: boolean;
  readonly final: boolean;
  readonly continued: boolean;
  readonly itt: number;
  readonly ttt: number;
  readonly cmdSN: number;
  readonly expStatSN: number;
}

export function decodeTextRequest(bhs: Buffer): TextRequestPdu {
  const flags = bhs.readUInt8(1);
  return {
    immediate: (bhs.readUInt8(0) & 0x40) !== 0,
    final: (flags & 0x80) !== 0,
    continued: (flags & 0x40) !== 0,
    itt: bhs.readUInt32BE(16),
    ttt: bhs.readUInt32BE(20),
    cmdSN: bhs.readUInt32BE(24),
    expStatSN: bhs.readUInt32BE(28),
  };
}

export interface TextResponseFields extends SequenceNumbers {
  readonly final: boolean;
  /** More text follows in the next response (RFC 7143 §11.11.2); never with `final`. */
  readonly continued?: boolean;
  readonly itt: number;
  readonly ttt: number;
  readonly dataSegmentLength: number;
}

/** C only for a long answer: libiscsi 1.19 accepts only byte 1 = 0x80 (docs/initiators.md). */
export function encodeTextResponse(f: TextResponseFields): Buffer {
  const flags = (f.final ? 0x80 : 0) | (f.continued ? 0x40 : 0);
  const h = newHeader(TargetOpcode.TEXT_RESPONSE, flags, f.dataSegmentLength, f.itt);
  h.writeUInt32BE(f.ttt >>> 0, 20);
  writeSequenceNumbers(h, f);
  return h;
}
