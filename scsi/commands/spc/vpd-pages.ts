// Vital product data pages (SPC-4 7.8, SBC-4 6.6, ZBC-2 6.5). Page 00h lists exactly the pages
// `servedPages` returns, so the list and the answers cannot disagree.
import { encodeZonedVpdPage, zonedField } from '../../../zbc/vpd.js';
import type { LogicalUnit } from '../../logical-unit.js';
import {
  ATA_INFORMATION_LENGTH,
  ATA_INFORMATION_PAGE,
  encodeAtaInformation,
} from '../sat/ata-information-vpd.js';

export interface VpdPage {
  readonly code: number;
  readonly name: string;
  /** PAGE LENGTH (bytes after the 4-byte header). */
  length(lu: LogicalUnit): number;
  /** Writes the page body (bytes from 4 on) into `out`, which holds header + body, zeroed. */
  encode(out: Buffer, lu: LogicalUnit): void;
  served?(lu: LogicalUnit): boolean;
}

const SUPPORTED_PAGES: VpdPage = {
  code: 0x00,
  name: 'Supported VPD Pages',
  length: (lu) => servedPages(lu).length,
  encode(out, lu) {
    servedPages(lu).forEach((p, i) => {
      out[4 + i] = p.code;
    });
  },
};

/** Unit Serial Number, SPC-4 7.8.16: ASCII from byte 4. */
const UNIT_SERIAL: VpdPage = {
  code: 0x80,
  name: 'Unit Serial Number',
  length: (lu) => Buffer.byteLength(lu.serial, 'latin1'),
  encode(out, lu) {
    out.write(lu.serial, 4, 'latin1');
  },
};

/** SPC-4 7.8.6.1 designator header: PROTOCOL IDENTIFIER 5h = iSCSI (SPC-4 table 444). */
const ISCSI_PROTOCOL = 0x5;
const CODE_SET_BINARY = 0x1;
const CODE_SET_UTF8 = 0x3;
const ASSOC_LU = 0;
const ASSOC_TARGET_PORT = 1;
const ASSOC_TARGET_DEVICE = 2;
const CODE_SET_ASCII = 0x2;
const TYPE_T10_VENDOR = 0x1;
const TYPE_NAA = 0x3;
const TYPE_RELATIVE_PORT = 0x4;
const TYPE_SCSI_NAME = 0x8;

/** A fixed IEEE company ID (CID form, X bit set) for the NAA 6h designators of this project. */
const COMPANY_ID = 0x5a4254;

/** 64-bit FNV-1a of a string, as two 32-bit halves (no BigInt, stable across runs). */
function fnv1a64(text: string): [number, number] {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (const byte of Buffer.from(text, 'utf8')) {
    lo = (lo ^ byte) >>> 0;
    // multiply (hi:lo) by the FNV prime 0x100000001B3 modulo 2^64
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / 0x1_0000_0000);
    hi = (hi * 0x1b3 + lo * 0x100 + carry) >>> 0;
    lo = loMul >>> 0;
  }
  return [hi >>> 0, lo >>> 0];
}

/**
 * NAA IEEE Registered Extended designator (NAA 6h, SPC-4 7.8.6.6.5): 4-bit NAA, 24-bit company ID,
 * 36-bit vendor specific identifier and 64-bit extension, both derived from the serial.
 */
export function naaDesignator(serial: string): Buffer {
  const [h1, l1] = fnv1a64(`naa:${serial}`);
  const [h2, l2] = fnv1a64(`ext:${serial}`);
  const id = Buffer.alloc(16);
  id[0] = 0x60 | (COMPANY_ID >> 20);
  id.writeUIntBE((COMPANY_ID & 0x0f_ffff) * 16 + (h1 >>> 28), 1, 3);
  id.writeUInt32BE(((h1 << 4) | (l1 >>> 28)) >>> 0, 4);
  id.writeUInt32BE(h2, 8);
  id.writeUInt32BE(l2, 12);
  return id;
}

/** SCSI name string: UTF-8, NUL-terminated, padded to a multiple of 4 (SPC-4 7.8.6.11). */
function scsiName(text: string): Buffer {
  const bytes = Buffer.byteLength(text, 'utf8') + 1;
  const out = Buffer.alloc((bytes + 3) & ~3);
  out.write(text, 0, 'utf8');
  return out;
}

interface Designator {
  readonly codeSet: number;
  readonly piv: boolean;
  readonly association: number;
  readonly type: number;
  readonly value: Buffer;
}

function designators(lu: LogicalUnit): Designator[] {
  const port = Buffer.alloc(4);
  port.writeUInt32BE(lu.target.relativePort);
  const tpgt = `0x${lu.target.relativePort.toString(16).padStart(4, '0')}`;
  return [
    ...sataDesignators(lu),
    {
      codeSet: CODE_SET_BINARY,
      piv: false,
      association: ASSOC_LU,
      type: TYPE_NAA,
      value: naaDesignator(lu.serial),
    },
    {
      codeSet: CODE_SET_BINARY,
      piv: true,
      association: ASSOC_TARGET_PORT,
      type: TYPE_RELATIVE_PORT,
      value: port,
    },
    // iSCSI names a target port "<iqn>,t,0x<tpgt>" and the target device by its IQN
    // (SPC-4 7.8.6.11), as LIO does.
    {
      codeSet: CODE_SET_UTF8,
      piv: true,
      association: ASSOC_TARGET_PORT,
      type: TYPE_SCSI_NAME,
      value: scsiName(`${lu.target.name},t,${tpgt}`),
    },
    {
      codeSet: CODE_SET_UTF8,
      piv: true,
      association: ASSOC_TARGET_DEVICE,
      type: TYPE_SCSI_NAME,
      value: scsiName(lu.target.name),
    },
  ];
}

/**
 * A SATL's T10 vendor ID designator (SAT-4 10.5.4): "ATA", the 40-character model and the
 * 20-character serial number from IDENTIFY DEVICE.
 */
function sataDesignators(lu: LogicalUnit): Designator[] {
  if (lu.sata === undefined) return [];
  const { model, serial } = lu.sata.identity;
  const value = Buffer.from(`ATA     ${model.padEnd(40)}${serial.padEnd(20)}`, 'latin1');
  return [
    { codeSet: CODE_SET_ASCII, piv: false, association: ASSOC_LU, type: TYPE_T10_VENDOR, value },
  ];
}

/** Device Identification, SPC-4 7.8.6. */
const DEVICE_IDENTIFICATION: VpdPage = {
  code: 0x83,
  name: 'Device Identification',
  length: (lu) => designators(lu).reduce((n, d) => n + 4 + d.value.length, 0),
  encode(out, lu) {
    let at = 4;
    for (const d of designators(lu)) {
      out[at] = (d.piv ? ISCSI_PROTOCOL << 4 : 0) | d.codeSet;
      out[at + 1] = (d.piv ? 0x80 : 0) | (d.association << 4) | d.type;
      out[at + 3] = d.value.length;
      d.value.copy(out, at + 4);
      at += 4 + d.value.length;
    }
  },
};

/** ATA Information, SAT-4 12.4.2: SATA LUs only (libzbc then treats the LU as behind a SATL). */
const ATA_INFORMATION: VpdPage = {
  code: ATA_INFORMATION_PAGE,
  name: 'ATA Information',
  length: () => ATA_INFORMATION_LENGTH,
  served: (lu) => lu.sata !== undefined,
  encode: encodeAtaInformation,
};

/** Block Limits, SBC-4 6.6.4 (table 209): page length 3Ch. */
const BLOCK_LIMITS: VpdPage = {
  code: 0xb0,
  name: 'Block Limits',
  length: () => 0x3c,
  encode(out, lu) {
    out[4] = 0x01; // WSNZ: WRITE SAME with NUMBER OF LOGICAL BLOCKS 0 is refused
    out[5] = lu.maxCompareAndWriteBlocks; // MAXIMUM COMPARE AND WRITE LENGTH
    // OPTIMAL TRANSFER LENGTH GRANULARITY: logical blocks per physical block
    out.writeUInt16BE(Math.min(0xffff, lu.physicalBlockSize / lu.blockSize), 6);
    out.writeUInt32BE(lu.maxTransferBlocks, 8); // MAXIMUM TRANSFER LENGTH
    out.writeUInt32BE(lu.maxTransferBlocks, 12); // OPTIMAL TRANSFER LENGTH
    out.writeUInt32BE(lu.maxTransferBlocks, 16); // MAXIMUM PREFETCH LENGTH
    if (lu.zones === undefined) {
      // UNMAP is served only on non-zoned LUs (ZBC-2: LBPME 0 on zoned LUs).
      out.writeUInt32BE(0xffffffff, 20); // MAXIMUM UNMAP LBA COUNT: no limit
      out.writeUInt32BE(MAX_UNMAP_DESCRIPTORS, 24); // MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT
      // OPTIMAL UNMAP GRANULARITY
      out.writeUInt32BE(Math.max(1, lu.physicalBlockSize / lu.blockSize), 28);
    }
    out.writeUInt32BE(0, 36); // MAXIMUM WRITE SAME LENGTH (8 bytes)
    out.writeUInt32BE(lu.maxTransferBlocks, 40);
  },
};

/** UNMAP parameter list bound (B0h bytes 24-27); unmap.ts checks it. */
export const MAX_UNMAP_DESCRIPTORS = 256;

/** Block Device Characteristics, SBC-4 6.6.2 (table 205): page length exactly 3Ch (libzbc). */
const BLOCK_DEVICE_CHARACTERISTICS: VpdPage = {
  code: 0xb1,
  name: 'Block Device Characteristics',
  length: () => 0x3c,
  encode(out, lu) {
    out.writeUInt16BE(lu.rotationRate, 4); // MEDIUM ROTATION RATE
    out[8] = zonedField(lu.zones?.model ?? 'none') << 4; // ZONED
  },
};

/** Logical Block Provisioning, SBC-4 6.6.6 (non-zoned only: LBPME 1 in READ CAPACITY(16)). */
const LOGICAL_BLOCK_PROVISIONING: VpdPage = {
  code: 0xb2,
  name: 'Logical Block Provisioning',
  length: () => 4,
  served: (lu) => lu.zones === undefined,
  encode(out, lu) {
    // LBPU, LBPWS, LBPWS10; LBPRZ 001b only when deallocated LBAs stay zero across a restart
    // (the store discards). ANC_SUP 0, DP 0 (no provisioning group descriptor).
    out[5] = 0xe0 | (lu.deallocatedReadsZero ? 0x04 : 0);
    out[6] = 0x02; // PROVISIONING TYPE 010b: thin provisioned (SBC-4 table 217; LBPME 1)
  },
};

/** Zoned Block Device Characteristics, ZBC-2 6.5.2: encoded by zbc/vpd.ts. */
const ZONED_CHARACTERISTICS: VpdPage = {
  code: 0xb6,
  name: 'Zoned Block Device Characteristics',
  length: () => 0x3c,
  served: (lu) => lu.zones !== undefined,
  encode(out, lu) {
    // URSWRZ as it is now (a domains drive's SET FEATURES 47h changes it).
    const z = lu.zones;
    if (z !== undefined) encodeZonedVpdPage({ ...z.layout, urswrz: z.urswrz }, out);
  },
};

/** Ascending page codes (SPC-4 7.8.13). 89h only on SATA LUs: libzbc then sees a SATL. */
const VPD_PAGES: readonly VpdPage[] = [
  SUPPORTED_PAGES,
  UNIT_SERIAL,
  DEVICE_IDENTIFICATION,
  ATA_INFORMATION,
  BLOCK_LIMITS,
  BLOCK_DEVICE_CHARACTERISTICS,
  LOGICAL_BLOCK_PROVISIONING,
  ZONED_CHARACTERISTICS,
];

export function servedPages(lu: LogicalUnit): VpdPage[] {
  return VPD_PAGES.filter((p) => p.served?.(lu) ?? true);
}

export function findVpdPage(lu: LogicalUnit, code: number): VpdPage | undefined {
  return servedPages(lu).find((p) => p.code === code);
}
