// Logout Response (opcode 0x26), RFC 7143 §11.15.
import { newHeader, type SequenceNumbers, writeSequenceNumbers } from './bhs.js';
import { FINAL_BIT, TargetOpcode } from './opcodes.js';

export const LogoutResponse = {
  SUCCESS: 0,
  CID_NOT_FOUND: 1,
  RECOVERY_NOT_SUPPORTED: 2,
  CLEANUP_FAILED: 3,
} as const;
export type LogoutResponse = (typeof LogoutResponse)[keyof typeof LogoutResponse];

export interface LogoutResponseFields extends SequenceNumbers {
  readonly itt: number;
  readonly response: LogoutResponse;
  /** ERL 0: both zero (RFC 7143 §11.15). */
  readonly time2Wait: number;
  readonly time2Retain: number;
}

export function encodeLogoutResponse(f: LogoutResponseFields): Buffer {
  const h = newHeader(TargetOpcode.LOGOUT_RESPONSE, FINAL_BIT, 0, f.itt);
  h.writeUInt8(f.response, 2);
  writeSequenceNumbers(h, f);
  h.writeUInt16BE(f.time2Wait, 40);
  h.writeUInt16BE(f.time2Retain, 42);
  return h;
}
