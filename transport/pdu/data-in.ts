// SCSI Data-In PDU (opcode 0x25), RFC 7143 §11.7. Never sets A (libiscsi fails on it).
import { encodeLun, newHeader } from './bhs.js';
import { RESERVED_TAG, TargetOpcode } from './opcodes.js';
import type { Residual } from './scsi-response.js';

export interface DataInFields {
  readonly itt: number;
  readonly lun: number;
  /** Closes a sequence (burst). */
  readonly final: boolean;
  readonly dataSN: number;
  readonly bufferOffset: number;
  readonly dataSegmentLength: number;
  readonly expCmdSN: number;
  readonly maxCmdSN: number;
  /** StatSN to carry: advanced only with `status`, otherwise the next StatSN unadvanced. */
  readonly statSN: number;
  /** Phase-collapsed status (S bit): only GOOD / CONDITION MET. */
  readonly status?: DataInStatus | undefined;
}

export interface DataInStatus {
  readonly code: number;
  readonly residual: Residual;
}

export function encodeDataIn(f: DataInFields): Buffer {
  let flags = f.final ? 0x80 : 0;
  if (f.status) flags |= 0x80 | 0x01 | f.status.residual.flag;
  const h = newHeader(TargetOpcode.SCSI_DATA_IN, flags, f.dataSegmentLength, f.itt);
  encodeLun(h, f.lun);
  h.writeUInt32BE(RESERVED_TAG, 20);
  h.writeUInt32BE(f.status ? f.statSN >>> 0 : 0, 24);
  h.writeUInt32BE(f.expCmdSN >>> 0, 28);
  h.writeUInt32BE(f.maxCmdSN >>> 0, 32);
  h.writeUInt32BE(f.dataSN >>> 0, 36);
  h.writeUInt32BE(f.bufferOffset >>> 0, 40);
  if (f.status) {
    h.writeUInt8(f.status.code, 3);
    h.writeUInt32BE(f.status.residual.count >>> 0, 44);
  }
  return h;
}
