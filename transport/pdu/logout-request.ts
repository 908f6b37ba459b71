// Logout Request (opcode 0x06), RFC 7143 §11.14.

export const LogoutReason = {
  CLOSE_SESSION: 0,
  CLOSE_CONNECTION: 1,
  REMOVE_FOR_RECOVERY: 2,
} as const;

export interface LogoutRequestPdu {
  readonly immediate: boolean;
  readonly reason: number;
  readonly itt: number;
  readonly cid: number;
  readonly cmdSN: number;
  readonly expStatSN: number;
}

export function decodeLogoutRequest(bhs: Buffer): LogoutRequestPdu {
  return {
    immediate: (bhs.readUInt8(0) & 0x40) !== 0,
    reason: bhs.readUInt8(1) & 0x7f,
    itt: bhs.readUInt32BE(16),
    cid: bhs.readUInt16BE(20),
    cmdSN: bhs.readUInt32BE(24),
    expStatSN: bhs.readUInt32BE(28),
  };
}
