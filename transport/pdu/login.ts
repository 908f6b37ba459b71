// Login Request (0x03) and Login Response (0x23), RFC 7143 §11.12–§11.13.
import { newHeader, type SequenceNumbers, writeSequenceNumbers } from './bhs.js';
import { TargetOpcode } from './opcodes.js';

export const LoginStage = { SECURITY: 0, OPERATIONAL: 1, FULL_FEATURE: 3 } as const;

export interface LoginRequestPdu {
  readonly immediate: boolean;
  readonly transit: boolean;
  readonly continued: boolean;
  readonly csg: number;
  readonly nsg: number;
  readonly versionMax: number;
  readonly versionMin: number;
  /** ISID as 12 lowercase hex digits. */
  readonly isid: string;
  readonly tsih: number;
  readonly itt: number;
  readonly cid: number;
  readonly cmdSN: number;
  readonly expStatSN: number;
}

export function decodeLoginRequest(bhs: Buffer): LoginRequestPdu {
  const flags = bhs.readUInt8(1);
  return {
    immediate: (bhs.readUInt8(0) & 0x40) !== 0,
    transit: (flags & 0x80) !== 0,
    continued: (flags & 0x40) !== 0,
    csg: (flags >> 2) & 0x03,
    nsg: flags & 0x03,
    versionMax: bhs.readUInt8(2),
    versionMin: bhs.readUInt8(3),
    isid: bhs.toString('hex', 8, 14),
    tsih: bhs.readUInt16BE(14),
    itt: bhs.readUInt32BE(16),
    cid: bhs.readUInt16BE(20),
    cmdSN: bhs.readUInt32BE(24),
    expStatSN: bhs.readUInt32BE(28),
  };
}

export interface LoginResponseFields extends SequenceNumbers {
  readonly transit: boolean;
  readonly csg: number;
  readonly nsg: number;
  readonly isid: string;
  readonly tsih: number;
  readonly itt: number;
  /** Status-Class << 8 | Status-Detail (RFC 7143 §11.13.5). */
  readonly status: number;
  /** More text follows (RFC 7143 §11.13.2); only with transit false. */
  readonly continued?: boolean;
  readonly dataSegmentLength: number;
}

/** Version-max = Version-active = 0 (open-iscsi rejects others). */
export function encodeLoginResponse(f: LoginResponseFields): Buffer {
  const stages = (f.csg << 2) | (f.transit ? f.nsg : 0);
  const flags = (f.transit ? 0x80 : 0) | (f.continued ? 0x40 : 0) | stages;
  const h = newHeader(TargetOpcode.LOGIN_RESPONSE, flags, f.dataSegmentLength, f.itt);
  Buffer.from(f.isid, 'hex').copy(h, 8, 0, 6);
  h.writeUInt16BE(f.tsih, 14);
  writeSequenceNumbers(h, f);
  h.writeUInt16BE(f.status, 36);
  return h;
}
