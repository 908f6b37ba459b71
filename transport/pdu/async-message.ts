// Asynchronous Message (opcode 0x32), RFC 7143 §11.9. Only events 0..4 (docs/initiators.md).
import { encodeLun, newHeader, type SequenceNumbers, writeSequenceNumbers } from './bhs.js';
import { FINAL_BIT, RESERVED_TAG, TargetOpcode } from './opcodes.js';

export const AsyncEvent = {
  SCSI_EVENT: 0,
  LOGOUT_REQUESTED: 1,
  CONNECTION_WILL_DROP: 2,
  SESSION_WILL_DROP: 3,
  RENEGOTIATION_REQUESTED: 4,
} as const;
export type AsyncEvent = (typeof AsyncEvent)[keyof typeof AsyncEvent];

export interface AsyncMessageFields extends SequenceNumbers {
  readonly event: AsyncEvent;
  readonly lun?: number;
  readonly parameter1?: number;
  readonly parameter2?: number;
  readonly parameter3?: number;
  readonly dataSegmentLength?: number;
}

export function encodeAsyncMessage(f: AsyncMessageFields): Buffer {
  const h = newHeader(
    TargetOpcode.ASYNC_MESSAGE,
    FINAL_BIT,
    f.dataSegmentLength ?? 0,
    RESERVED_TAG,
  );
  if (f.lun !== undefined) encodeLun(h, f.lun);
  writeSequenceNumbers(h, f);
  h.writeUInt8(f.event, 36);
  h.writeUInt16BE(f.parameter1 ?? 0, 38);
  h.writeUInt16BE(f.parameter2 ?? 0, 40);
  h.writeUInt16BE(f.parameter3 ?? 0, 42);
  return h;
}
