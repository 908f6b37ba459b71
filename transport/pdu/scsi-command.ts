// SCSI Command PDU (opcode 0x01), RFC 7143 §11.3, with the Extended CDB AHS of §11.2.2.3.
import { MAX_CDB_BYTES } from '../limits.js';
import { decodeLun } from './bhs.js';

export interface ScsiCommandPdu {
  readonly immediate: boolean;
  readonly final: boolean;
  readonly read: boolean;
  readonly write: boolean;
  /** Task attribute, byte 1 bits 2..0 (0 untagged, 1 simple, 2 ordered, 3 head of queue, 4 ACA). */
  readonly attr: number;
  readonly lun: number;
  readonly itt: number;
  readonly expectedDataLength: number;
  readonly cmdSN: number;
  readonly expStatSN: number;
  /** CDB: a view of BHS bytes 32..47, or a copy joined with the Extended CDB AHS. */
  readonly cdb: Buffer;
  /** Set when the AHS is malformed or asks for something we do not do (bidirectional). */
  readonly ahsProblem: string | undefined;
}

const AHS_EXTENDED_CDB = 1;
const AHS_BIDI_READ_LENGTH = 2;

export function decodeScsiCommand(bhs: Buffer, ahs: Buffer | undefined): ScsiCommandPdu {
  const flags = bhs.readUInt8(1);
  const base = bhs.subarray(32, 48);
  let cdb = base;
  let ahsProblem: string | undefined;
  if (ahs) {
    const parsed = parseAhs(ahs, base);
    if (typeof parsed === 'string') ahsProblem = parsed;
    else cdb = parsed;
  }
  return {
    immediate: (bhs.readUInt8(0) & 0x40) !== 0,
    final: (flags & 0x80) !== 0,
    read: (flags & 0x40) !== 0,
    write: (flags & 0x20) !== 0,
    attr: flags & 0x07,
    lun: decodeLun(bhs),
    itt: bhs.readUInt32BE(16),
    expectedDataLength: bhs.readUInt32BE(20),
    cmdSN: bhs.readUInt32BE(24),
    expStatSN: bhs.readUInt32BE(28),
    cdb,
    ahsProblem,
  };
}

/** Walks the AHS strictly within its length (RFC 7143 §11.2.2): the joined CDB or a problem. */
function parseAhs(ahs: Buffer, base: Buffer): Buffer | string {
  let at = 0;
  let cdb = base;
  while (at < ahs.length) {
    if (at + 4 > ahs.length) return 'truncated AHS header';
    const length = ahs.readUInt16BE(at);
    const type = ahs.readUInt8(at + 2);
    const padded = (length + 3 + 3) & ~3;
    if (at + padded > ahs.length || length === 0) return 'AHS length outside TotalAHSLength';
    if (type === AHS_EXTENDED_CDB) {
      // AHSLength = CDB length - 15: one reserved byte, then CDB bytes 16..N-1.
      const extra = length - 1;
      if (16 + extra > MAX_CDB_BYTES) return `CDB longer than ${MAX_CDB_BYTES} bytes`;
      if (cdb !== base) return 'repeated extended CDB AHS';
      cdb = Buffer.concat([base, ahs.subarray(at + 4, at + 4 + extra)]);
    } else if (type === AHS_BIDI_READ_LENGTH) {
      return 'bidirectional commands are not supported';
    } else {
      return `unknown AHS type ${type}`;
    }
    at += padded;
  }
  return cdb;
}
