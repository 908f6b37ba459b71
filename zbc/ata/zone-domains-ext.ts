// ZAC-2 zone domains commands: ZAC MANAGEMENT IN (4Ah) REPORT REALMS (06h), REPORT ZONE DOMAINS
// (07h), ZONE ACTIVATE (08h) and ZONE QUERY (09h), and the SET FEATURES activation controls.
// The replies are the ZBC-2 ones in ZAC byte order, at the offsets libzbc v6.2.0's ATA backend
// reads: the final ZAC-2 text was not available, libzbc is the reference here.
import {
  DOMAIN_DESCRIPTOR_BYTES,
  DOMAINS_HEADER_BYTES,
  REALMS_HEADER_BYTES,
} from '../domains/domain-reports.js';
import type { ActivationOutcome } from '../domains/activation.js';
import { writeActivationDescriptors } from '../domains/activation-descriptors.js';
import { toLittleEndian } from './zac-byte-order.js';
import { setQword, viewOf } from './words.js';

/** ZAC MANAGEMENT IN actions, FEATURE(7:0) bits 4:0. */
export const ZacInAction = {
  REPORT_REALMS: 0x06,
  REPORT_ZONE_DOMAINS: 0x07,
  ZONE_ACTIVATE: 0x08,
  ZONE_QUERY: 0x09,
} as const;

/** ZONE ACTIVATE / QUERY: FEATURE(7:0) bit 7 ALL; bit 5 NOZSRC (not supported here). */
export const ACTIVATE_ALL = 0x80;
export const ACTIVATE_NOZSRC = 0x20;

/** SET FEATURES subcommands of the zone activation controls (FEATURE(7:0)). */
export const ActivationFeature = {
  /** LBA(27:0) = FSNOZ. */
  ZONE_ACTIVATION_CONTROL: 0x46,
  /** COUNT bit 0 = URSWRZ. */
  UPDATE_URSWRZ: 0x47,
  /** LBA = MAXIMUM ACTIVATION (libzbc calls the code ad hoc). */
  MAX_ACTIVATION: 0x48,
} as const;

/**
 * REPORT ZONE DOMAINS: the ZBC-2 reply (zbc/domains/domain-reports.ts) with its fields reversed.
 * The descriptor flags (VZDZT, SRB) are the low byte of the dword at 42, as libzbc reads them.
 */
export function zoneDomainsToZac(out: Uint8Array): void {
  toLittleEndian(
    out,
    {
      bytes: DOMAINS_HEADER_BYTES,
      fields: [
        [0, 4], // ZONE DOMAINS LIST LENGTH
        [4, 4], // ZONE DOMAINS RETURNED LIST LENGTH
        [16, 8], // ZONE DOMAIN LOCATOR
      ],
    },
    {
      bytes: DOMAIN_DESCRIPTOR_BYTES,
      fields: [
        [16, 8], // ZONE COUNT
        [24, 8], // STARTING LBA
        [32, 8], // ENDING LBA
      ],
    },
  );
}

/**
 * REPORT REALMS: the ZAC-2 header holds REALMS COUNT in dword 0, REALM DESCRIPTOR LENGTH in
 * dword 4 and NEXT REALM LOCATOR in qword 8, where the ZBC-2 one has them at 4, 8 and 12 after
 * the descriptors' byte count. `out` holds the ZBC-2 reply (zeroed past it); the descriptors
 * keep their offsets, fields reversed.
 */
export function realmsToZac(out: Uint8Array, descriptorBytes: number): void {
  if (out.length < REALMS_HEADER_BYTES) return;
  const be = viewOf(out);
  const count = be.getUint32(4);
  const length = be.getUint32(8);
  const next = be.getBigUint64(12);
  out.fill(0, 0, 20);
  be.setUint32(0, count, true);
  be.setUint32(4, length, true);
  be.setBigUint64(8, next, true);
  const fields: [number, number][] = [
    [0, 4], // REALM ID
    [4, 2], // REALM RESTRICTIONS
  ];
  for (let at = 16; at + 16 <= descriptorBytes; at += 16) fields.push([at, 8], [at + 8, 8]);
  toLittleEndian(
    out,
    { bytes: REALMS_HEADER_BYTES, fields: [] },
    { bytes: descriptorBytes, fields },
  );
}

export const ACTIVATION_HEADER_BYTES = 64;
/** ZAC-2 zone activation descriptors are 32 bytes (libzbc ZBC_ACTV_RES_RECORD_SIZE). */
export const ACTIVATION_DESCRIPTOR_BYTES = 32;

/** Bytes of the full results for an outcome. */
export function activationResultsBytes(o: ActivationOutcome): number {
  return ACTIVATION_HEADER_BYTES + o.ranges.length * ACTIVATION_DESCRIPTOR_BYTES;
}

/**
 * The zone activation results of ZONE ACTIVATE / ZONE QUERY EXT into `out` (zeroed, sized to
 * the return buffer): the ZBC-2 draft header libzbc reads, little-endian, then one 32-byte
 * descriptor per zone range that changed, as many as fit.
 */
export function encodeActivationResults(out: Uint8Array, o: ActivationOutcome, all: boolean): void {
  if (out.length < ACTIVATION_HEADER_BYTES) return;
  const v = viewOf(out);
  const size = ACTIVATION_DESCRIPTOR_BYTES;
  const every = o.ranges.length * size;
  const fit = Math.floor((out.length - ACTIVATION_HEADER_BYTES) / size) * size;
  v.setUint32(0, every, true); // bytes of every descriptor
  v.setUint32(4, Math.min(every, fit), true); // bytes returned
  // NZP VALID, ZIWUP VALID, ACTIVATED; then the unmet prerequisite bits.
  out[8] = 0x80 | (o.ziwup !== null ? 0x40 : 0) | (o.activated ? 0x01 : 0);
  out[9] = o.unmet;
  out[10] = o.domainId;
  out[12] = all ? 0x01 : 0;
  v.setUint32(16, o.zoneCount, true); // NUMBER OF ZONES
  if (o.ziwup !== null) setQword(v, 24, o.ziwup); // ZONE ID WITH UNMET PREREQUISITES
  writeActivationDescriptors(v, ACTIVATION_HEADER_BYTES, size, o.ranges, true);
}
