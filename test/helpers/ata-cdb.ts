// Builds ATA PASS-THROUGH (16)/(12) CDBs field by field (SAT-4 12.2.2/12.2.3), independently of
// scsi/commands/sat/task-file.ts, and decodes the ATA Status Return descriptor.
import { cdb } from './cdb.js';

export interface AtaCdbFields {
  protocol: number;
  extend?: boolean;
  ckCond?: boolean;
  /** T_DIR 1: from the device. */
  toHost?: boolean;
  byteBlock?: boolean;
  tLength?: number;
  multiple?: number;
  features?: number;
  count?: number;
  lba?: number;
  device?: number;
  command: number;
}

function byte2(f: AtaCdbFields): number {
  return (
    (f.ckCond ? 0x20 : 0) |
    (f.toHost ? 0x08 : 0) |
    ((f.byteBlock ?? true) ? 0x04 : 0) |
    (f.tLength ?? 0)
  );
}

export function ata16(f: AtaCdbFields): Buffer {
  const lba = f.lba ?? 0;
  const b = [
    0x85,
    ((f.multiple ?? 0) << 5) | (f.protocol << 1) | ((f.extend ?? true) ? 1 : 0),
    byte2(f),
  ];
  const features = f.features ?? 0;
  const count = f.count ?? 0;
  b[3] = features >> 8;
  b[4] = features & 0xff;
  b[5] = count >> 8;
  b[6] = count & 0xff;
  b[7] = Math.floor(lba / 2 ** 24) & 0xff;
  b[8] = lba & 0xff;
  b[9] = Math.floor(lba / 2 ** 32) & 0xff;
  b[10] = Math.floor(lba / 2 ** 8) & 0xff;
  b[11] = Math.floor(lba / 2 ** 40) & 0xff;
  b[12] = Math.floor(lba / 2 ** 16) & 0xff;
  b[13] = f.device ?? 0x40;
  b[14] = f.command;
  b[15] = 0;
  return cdb(b);
}

export function ata12(f: AtaCdbFields): Buffer {
  const lba = f.lba ?? 0;
  return cdb([
    0xa1,
    ((f.multiple ?? 0) << 5) | (f.protocol << 1),
    byte2(f),
    f.features ?? 0,
    f.count ?? 0,
    lba & 0xff,
    (lba >> 8) & 0xff,
    (lba >> 16) & 0xff,
    f.device ?? 0x40,
    f.command,
    0,
    0,
  ]);
}

/** Fields only the (32) form has, and its header for malformed-CDB cases. */
export interface Ata32Fields extends AtaCdbFields {
  icc?: number;
  auxiliary?: number;
  /** ADDITIONAL CDB LENGTH (byte 7), 18h unless given. */
  additionalLength?: number;
  /** SERVICE ACTION (bytes 8-9), 1FF0h unless given. */
  serviceAction?: number;
  control?: number;
}

/** ATA PASS-THROUGH (32): 7Fh, registers big-endian from byte 10 (SAT-4 12.2.4). */
export function ata32(f: Ata32Fields): Buffer {
  const b = Buffer.alloc(32);
  const lba = f.lba ?? 0;
  b[0] = 0x7f;
  b[1] = f.control ?? 0;
  b[7] = f.additionalLength ?? 0x18;
  b.writeUInt16BE(f.serviceAction ?? 0x1ff0, 8);
  b[10] = ((f.multiple ?? 0) << 5) | (f.protocol << 1) | ((f.extend ?? true) ? 1 : 0);
  b[11] = byte2(f);
  b.writeUIntBE(Math.floor(lba / 2 ** 24), 14, 3);
  b.writeUIntBE(lba % 2 ** 24, 17, 3);
  b.writeUInt16BE(f.features ?? 0, 20);
  b.writeUInt16BE(f.count ?? 0, 22);
  b[24] = f.device ?? 0x40;
  b[25] = f.command;
  b[27] = f.icc ?? 0;
  b.writeUInt32BE(f.auxiliary ?? 0, 28);
  return b;
}

export interface AtaReturn {
  extend: boolean;
  error: number;
  count: number;
  lba: number;
  device: number;
  status: number;
}

/** The ATA Status Return descriptor (09h) of descriptor-format sense, wherever it sits. */
export function ataDescriptor(sense: Buffer): AtaReturn {
  if (sense[0] !== 0x72) throw new Error(`not descriptor sense: ${sense[0]?.toString(16)}`);
  const end = 8 + (sense[7] ?? 0);
  for (let at = 8; at < end; at += 2 + (sense[at + 1] ?? 0)) {
    if (sense[at] !== 0x09) continue;
    const d = sense.subarray(at, at + 14);
    const lba =
      (d[7] as number) +
      (d[9] as number) * 2 ** 8 +
      (d[11] as number) * 2 ** 16 +
      (d[6] as number) * 2 ** 24 +
      (d[8] as number) * 2 ** 32 +
      (d[10] as number) * 2 ** 40;
    return {
      extend: ((d[2] as number) & 1) === 1,
      error: d[3] as number,
      count: ((d[4] as number) << 8) | (d[5] as number),
      lba,
      device: d[12] as number,
      status: d[13] as number,
    };
  }
  throw new Error('no ATA Status Return descriptor');
}
