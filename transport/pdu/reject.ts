// Reject PDU (opcode 0x3f), RFC 7143 §11.17. Its data segment is the rejected 48-byte BHS.
import { newHeader, type SequenceNumbers, writeSequenceNumbers } from './bhs.js';
import { BHS_LENGTH, FINAL_BIT, RESERVED_TAG, type RejectReason, TargetOpcode } from './opcodes.js';

export interface RejectFields extends SequenceNumbers {
  readonly reason: RejectReason;
  /** DataSN/R2TSN for data SNACK rejects; 0 otherwise. */
  readonly dataSN?: number;
}

export function encodeReject(f: RejectFields): Buffer {
  const h = newHeader(TargetOpcode.REJECT, FINAL_BIT, BHS_LENGTH, RESERVED_TAG);
  h.writeUInt8(f.reason, 2);
  writeSequenceNumbers(h, f);
  h.writeUInt32BE((f.dataSN ?? 0) >>> 0, 36);
  return h;
}
