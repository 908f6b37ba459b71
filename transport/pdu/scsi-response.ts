// SCSI Response PDU (opcode 0x21), RFC 7143 §11.4; residual flags per §11.4.5.
import { newHeader, type SequenceNumbers, writeSequenceNumbers } from './bhs.js';
import { TargetOpcode } from './opcodes.js';

export const ResidualFlag = { OVERFLOW: 0x04, UNDERFLOW: 0x02 } as const;

export interface Residual {
  /** ResidualFlag.OVERFLOW, ResidualFlag.UNDERFLOW or 0. */
  readonly flag: number;
  readonly count: number;
}

export const NO_RESIDUAL: Residual = Object.freeze({ flag: 0, count: 0 });

/** EDTL vs SPDTL, RFC 7143 §11.4.5.1. */
export function residualOf(expected: number, actual: number): Residual {
  if (expected > actual) return { flag: ResidualFlag.UNDERFLOW, count: expected - actual };
  if (expected < actual) return { flag: ResidualFlag.OVERFLOW, count: actual - expected };
  return NO_RESIDUAL;
}

export const ISCSI_RESPONSE_COMPLETED = 0x00;
export const ISCSI_RESPONSE_TARGET_FAILURE = 0x01;

export interface ScsiResponseFields extends SequenceNumbers {
  readonly itt: number;
  readonly response: number;
  readonly status: number;
  readonly residual: Residual;
  /** Data-In PDUs sent for this task. */
  readonly expDataSN: number;
  readonly dataSegmentLength: number;
}

export function encodeScsiResponse(f: ScsiResponseFields): Buffer {
  const h = newHeader(
    TargetOpcode.SCSI_RESPONSE,
    0x80 | f.residual.flag,
    f.dataSegmentLength,
    f.itt,
  );
  h.writeUInt8(f.response, 2);
  h.writeUInt8(f.status, 3);
  writeSequenceNumbers(h, f);
  h.writeUInt32BE(f.expDataSN >>> 0, 36);
  h.writeUInt32BE(f.residual.count >>> 0, 44);
  return h;
}

/** The data segment of a CHECK CONDITION: 2-byte SenseLength then the sense (RFC 7143 §11.4.7.2). */
export function senseSegment(sense: Buffer): Buffer[] {
  const length = Buffer.allocUnsafe(2);
  length.writeUInt16BE(sense.length, 0);
  return [length, sense];
}
