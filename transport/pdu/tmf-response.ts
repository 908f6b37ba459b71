// Task Management Function Response (opcode 0x22), RFC 7143 §11.6.
import { newHeader, type SequenceNumbers, writeSequenceNumbers } from './bhs.js';
import { FINAL_BIT, TargetOpcode } from './opcodes.js';

/** RFC 7143 §11.6.1. */
export const TmfResponse = {
  COMPLETE: 0,
  TASK_DOES_NOT_EXIST: 1,
  LUN_DOES_NOT_EXIST: 2,
  TASK_STILL_ALLEGIANT: 3,
  REASSIGNMENT_NOT_SUPPORTED: 4,
  NOT_SUPPORTED: 5,
  AUTHORIZATION_FAILED: 6,
  REJECTED: 255,
} as const;
export type TmfResponse = (typeof TmfResponse)[keyof typeof TmfResponse];

export interface TmfResponseFields extends SequenceNumbers {
  readonly itt: number;
  readonly response: TmfResponse;
}

export function encodeTmfResponse(f: TmfResponseFields): Buffer {
  const h = newHeader(TargetOpcode.TASK_MANAGEMENT_RESPONSE, FINAL_BIT, 0, f.itt);
  h.writeUInt8(f.response, 2);
  writeSequenceNumbers(h, f);
  return h;
}
