// Sense data encoders, SPC-4 4.5: fixed format (70h, table 48) and descriptor format (72h,
// table 27) with the information (00h) and sense key specific (02h) descriptors.
import type { SenseCode } from '../sense-tables/index.js';
import type { AtaStatusReturn, FieldPointer, SenseDetails } from './command-result.js';

export const FIXED_SENSE_LENGTH = 18;

/** SPC-4 4.5.2.4.2 (table 33): SKSV, C/D, BPV, BIT POINTER, FIELD POINTER. */
export function writeFieldPointer(out: Buffer, at: number, field: FieldPointer): void {
  let b0 = 0x80; // SKSV
  if (field.in === 'cdb') b0 |= 0x40; // C/D
  if (field.bit !== undefined) b0 |= 0x08 | (field.bit & 0x07); // BPV + BIT POINTER
  out[at] = b0;
  out.writeUInt16BE(field.byte & 0xffff, at + 1);
}

function writeU64(out: Buffer, at: number, v: number | bigint): void {
  if (typeof v === 'bigint') {
    out.writeBigUInt64BE(BigInt.asUintN(64, v), at);
  } else {
    out.writeUInt32BE(Math.floor(v / 2 ** 32) >>> 0, at);
    out.writeUInt32BE(v >>> 0, at + 4);
  }
}

/**
 * Fixed format: INFORMATION is 4 bytes, so VALID is set only when the value fits (SPC-4 4.5.3).
 * ATA PASS-THROUGH replies put the ATA registers in INFORMATION and COMMAND-SPECIFIC
 * INFORMATION instead (SAT-4 12.2.2.8).
 */
export function encodeFixedSense(code: SenseCode, details?: SenseDetails): Buffer {
  const out = Buffer.alloc(FIXED_SENSE_LENGTH);
  out[0] = 0x70;
  out[2] = code.key & 0x0f;
  const info = details?.information;
  if (details?.ata !== undefined) {
    writeFixedAtaFields(out, details.ata);
  } else if (info !== undefined && info >= 0 && info <= 0xffffffff) {
    out[0] = 0xf0;
    out.writeUInt32BE(Number(info), 3);
  }
  out[7] = FIXED_SENSE_LENGTH - 8; // ADDITIONAL SENSE LENGTH
  out[12] = code.asc;
  out[13] = code.ascq;
  if (details?.field !== undefined) writeFieldPointer(out, 15, details.field);
  return out;
}

/** SAT-4 12.2.2.8: ERROR, STATUS, DEVICE, COUNT(7:0) in INFORMATION; flags and LBA(23:0). */
function writeFixedAtaFields(out: Buffer, ata: AtaStatusReturn): void {
  out[3] = ata.error;
  out[4] = ata.status;
  out[5] = ata.device;
  out[6] = ata.count & 0xff;
  const upperLba = Math.floor(ata.lba / 0x100_0000) !== 0;
  // EXTEND, COUNT UPPER NONZERO, LBA UPPER NONZERO; LOG INDEX 0.
  out[8] = (ata.extend ? 0x80 : 0) | (ata.count > 0xff ? 0x40 : 0) | (upperLba ? 0x20 : 0);
  out[9] = ata.lba & 0xff;
  out[10] = (ata.lba >>> 8) & 0xff;
  out[11] = (ata.lba >>> 16) & 0xff;
}

/** ATA Status Return descriptor (09h, SAT-4 12.2.2.7), 14 bytes. */
const ATA_DESCRIPTOR_LENGTH = 14;

function writeAtaDescriptor(out: Buffer, at: number, ata: AtaStatusReturn): void {
  const high = Math.floor(ata.lba / 0x1_0000_0000);
  out[at] = 0x09;
  out[at + 1] = 0x0c;
  out[at + 2] = ata.extend ? 0x01 : 0x00;
  out[at + 3] = ata.error;
  out[at + 4] = (ata.count >>> 8) & 0xff;
  out[at + 5] = ata.count & 0xff;
  out[at + 6] = (ata.lba >>> 24) & 0xff;
  out[at + 7] = ata.lba & 0xff;
  out[at + 8] = high & 0xff;
  out[at + 9] = (ata.lba >>> 8) & 0xff;
  out[at + 10] = (high >>> 8) & 0xff;
  out[at + 11] = (ata.lba >>> 16) & 0xff;
  out[at + 12] = ata.device;
  out[at + 13] = ata.status;
}

/**
 * Descriptor format: the ATA Status Return descriptor (09h) first (libzbc and hdparm read it at
 * byte 8), then an information descriptor (00h) and a field pointer descriptor (02h).
 */
export function encodeDescriptorSense(code: SenseCode, details?: SenseDetails): Buffer {
  const info = details?.information;
  const field = details?.field;
  const ata = details?.ata;
  const length =
    8 +
    (ata !== undefined ? ATA_DESCRIPTOR_LENGTH : 0) +
    (info !== undefined ? 12 : 0) +
    (field !== undefined ? 8 : 0);
  const out = Buffer.alloc(length);
  out[0] = 0x72;
  out[1] = code.key & 0x0f;
  out[2] = code.asc;
  out[3] = code.ascq;
  out[7] = length - 8;
  let at = 8;
  if (ata !== undefined) {
    writeAtaDescriptor(out, at, ata);
    at += ATA_DESCRIPTOR_LENGTH;
  }
  if (info !== undefined) {
    out[at] = 0x00; // INFORMATION descriptor, SPC-4 4.5.2.2
    out[at + 1] = 0x0a;
    out[at + 2] = 0x80; // VALID
    writeU64(out, at + 4, info);
    at += 12;
  }
  if (field !== undefined) {
    out[at] = 0x02; // SENSE KEY SPECIFIC descriptor, SPC-4 4.5.2.4
    out[at + 1] = 0x06;
    writeFieldPointer(out, at + 4, field);
  }
  return out;
}

export function encodeSense(
  code: SenseCode,
  details: SenseDetails | undefined,
  descriptor: boolean,
): Buffer {
  return descriptor ? encodeDescriptorSense(code, details) : encodeFixedSense(code, details);
}
