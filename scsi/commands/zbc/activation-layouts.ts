// The ZONE ACTIVATE / ZONE QUERY CDB and results layouts in circulation (ZBC-2 drafts):
//  - 'libzbc': the draft libzbc v6.2.0 speaks (and the 2018 WDC emulator), 16- and 32-byte CDBs;
//  - 'zbc2r12': ZBC-2 revision 12 as sg3_utils 1.48's sg_z_act_query speaks it, 16-byte only.
// Byte 1 of the 16-byte CDB is 08h/09h in both (ALL = 0), so the layout is an LU setting.
import { readU16, readU32, readU64, writeU64 } from '../../cdb.js';
import type { FieldPointer } from '../../command-result.js';
import type { ActivationOutcome } from '../../../zbc/domains/activation.js';
import { writeActivationDescriptors } from '../../../zbc/domains/activation-descriptors.js';
import { viewOf } from '../../../zbc/fields.js';

/** A decoded CDB; zoneCount null = the CDB carries none (use FSNOZ). */
export interface ActivationCdb {
  readonly all: boolean;
  readonly zoneId: number | bigint;
  readonly zoneCount: number | null;
  readonly domainId: number | null;
  readonly allocationLength: number;
  /** Echoed in the results header (libzbc: ZSRC, "number of zones in the CDB"). */
  readonly zsrc: boolean;
}

type Field = 'domain-id' | 'zone-id' | 'zone-count';

export interface ActivationLayout {
  decode(cdb: Buffer): ActivationCdb;
  readonly fields: Readonly<Record<Field, FieldPointer>>;
  /** Bytes per zone activation descriptor. */
  readonly descriptorBytes: number;
  /** Header bytes 10-31, past the common bytes 0-9. */
  encodeHeader(out: Buffer, outcome: ActivationOutcome, cdb: ActivationCdb): void;
}

const cdbField = (byte: number, bit?: number): FieldPointer =>
  bit === undefined ? { in: 'cdb', byte } : { in: 'cdb', byte, bit };

const u48 = (cdb: Buffer, at: number): number => cdb.readUIntBE(at, 6);

/** libzbc's draft header: byte 10 domain ID echo, byte 12 NOZSRC/ALL echo, 48-bit ZIWUP at 24. */
function draftHeader(out: Buffer, o: ActivationOutcome, c: ActivationCdb): void {
  out[10] = o.domainId;
  out[12] = (c.zsrc ? 0x02 : 0) | (c.all ? 0x01 : 0);
  if (o.ziwup !== null) out.writeUIntBE(o.ziwup, 24, 6);
}

/** libzbc ZONE ACTIVATE(16)/QUERY(16): byte 2 ALL, ZSRC, DOMAIN ID; 48-bit ZONE ID at 3. */
export const LIBZBC_16: ActivationLayout = {
  decode(cdb) {
    const b2 = cdb[2] ?? 0;
    const zsrc = (b2 & 0x40) !== 0;
    return {
      all: (b2 & 0x80) !== 0,
      zsrc,
      domainId: b2 & 0x3f,
      zoneId: u48(cdb, 3),
      allocationLength: readU32(cdb, 9),
      zoneCount: zsrc ? readU16(cdb, 13) : null,
    };
  },
  fields: { 'domain-id': cdbField(2, 5), 'zone-id': cdbField(3), 'zone-count': cdbField(13) },
  descriptorBytes: 24,
  encodeHeader: draftHeader,
};

/** libzbc ZONE ACTIVATE(32)/QUERY(32) (7Fh, SA F800h/F801h). */
export const LIBZBC_32: ActivationLayout = {
  decode(cdb) {
    const b10 = cdb[10] ?? 0;
    const zsrc = (b10 & 0x40) !== 0;
    return {
      all: (b10 & 0x80) !== 0,
      zsrc,
      domainId: cdb[11] ?? 0,
      zoneId: readU64(cdb, 12),
      allocationLength: readU32(cdb, 28),
      zoneCount: zsrc ? readU32(cdb, 20) : null,
    };
  },
  fields: { 'domain-id': cdbField(11), 'zone-id': cdbField(12), 'zone-count': cdbField(20) },
  descriptorBytes: 24,
  encodeHeader: draftHeader,
};

/** zbc2r12: byte 1 bit 7 ALL; ZONE ID 2-9; NUMBER OF ZONES 10-11; ALLOCATION LENGTH 12-13. */
export const ZBC2R12_16: ActivationLayout = {
  decode(cdb) {
    return {
      all: ((cdb[1] ?? 0) & 0x80) !== 0,
      zsrc: true,
      // The ZONE ID names the target domain; OTHER ZONE DOMAIN ID (byte 14) matters only with
      // more than two domains per realm, which no profile here has: it is not checked.
      domainId: null,
      zoneId: readU64(cdb, 2),
      zoneCount: readU16(cdb, 10),
      allocationLength: readU16(cdb, 12),
    };
  },
  fields: { 'domain-id': cdbField(14), 'zone-id': cdbField(2), 'zone-count': cdbField(10) },
  // sg_z_act_query decodes 32-byte descriptors (Z_ACT_DESC_LEN).
  descriptorBytes: 32,
  encodeHeader(out, o, c) {
    out[10] = o.otherDomainId; // OTHER ZONE DOMAIN ID
    out[11] = c.all ? 0x01 : 0;
    if (o.ziwup !== null) writeU64(out, 24, o.ziwup);
  },
};

export const RESULTS_HEADER_BYTES = 64;

/** The zone activation results (ZBC-2): header, then one descriptor per changed zone range. */
export function encodeResults(
  out: Buffer,
  o: ActivationOutcome,
  c: ActivationCdb,
  layout: ActivationLayout,
): void {
  const size = layout.descriptorBytes;
  const all = o.ranges.length * size;
  const room = Math.max(0, Math.min(out.length, c.allocationLength) - RESULTS_HEADER_BYTES);
  out.writeUInt32BE(all, 0); // bytes of every descriptor
  out.writeUInt32BE(Math.min(all, Math.floor(room / size) * size), 4); // bytes returned
  out[8] = 0x80 | (o.ziwup !== null ? 0x40 : 0) | (o.activated ? 0x01 : 0); // NZ VALID, ZIWUP VALID
  out[9] = o.unmet;
  out.writeUInt32BE(o.zoneCount, 16); // NUMBER OF ZONES
  layout.encodeHeader(out, o, c);
  writeActivationDescriptors(viewOf(out), RESULTS_HEADER_BYTES, size, o.ranges, false);
}
