// The zone domains and zone realms fields of the Zoned Device Information page (log 30h page
// 09h, ZAC-2), at the offsets libzbc v6.2.0's ATA backend reads them: the capabilities and
// MAXIMUM ACTIVATION (qword 56), FSNOZ (qword 64) and the supported zone types (qword 72).
import { ZoneType, type ZoneLayoutConfig } from '../types.js';
import type { AtaDevice } from './device.js';
import { setQword, VALID } from './words.js';

/** Qword 56 bits 6:0 (ZAC-2 ZONED DEVICE CAPABILITIES for domains and realms). */
export const DomainCapability = {
  ZONE_DOMAINS: 1 << 0,
  ZONE_REALMS: 1 << 1,
  /** URSWRZ can be changed with SET FEATURES 47h. */
  URSWRZ_SETTABLE: 1 << 2,
  /** Zone activation control: FSNOZ can be set with SET FEATURES 46h. */
  ZONE_ACTIVATION_CONTROL: 1 << 3,
  /** ZONE ACTIVATE EXT may carry its own number of zones (NOZSRC). */
  NOZSRC: 1 << 4,
  REPORT_REALMS: 1 << 5,
  /** MAXIMUM ACTIVATION can be set with SET FEATURES 48h. */
  MAX_ACTIVATION_SETTABLE: 1 << 6,
} as const;

/**
 * What this device claims: everything but NOZSRC (the count is always FSNOZ; libzbc's ATA
 * backend cannot send one either).
 */
const CAPABILITIES =
  DomainCapability.ZONE_DOMAINS |
  DomainCapability.ZONE_REALMS |
  DomainCapability.URSWRZ_SETTABLE |
  DomainCapability.ZONE_ACTIVATION_CONTROL |
  DomainCapability.REPORT_REALMS |
  DomainCapability.MAX_ACTIVATION_SETTABLE;

/** Qword 72: zone types the device supports, one bit each. */
const TYPE_BITS: ReadonlyMap<ZoneType, number> = new Map<ZoneType, number>([
  [ZoneType.CONVENTIONAL, 1 << 0],
  [ZoneType.SEQUENTIAL_WRITE_PREFERRED, 1 << 1],
  [ZoneType.SEQUENTIAL_WRITE_REQUIRED, 1 << 2],
  [ZoneType.SEQUENTIAL_OR_BEFORE_REQUIRED, 1 << 3],
  [ZoneType.GAP, 1 << 4],
]);

/** FSNOZ occupies bits 27:0 of qword 64; SET FEATURES 46h carries it in a 28-bit LBA. */
export const FSNOZ_MAX = 0x0fff_ffff;
/** MAXIMUM ACTIVATION occupies bits 47:32 of qword 56. */
export const MAX_ACTIVATION_MAX = 0xffff;

function supportedZoneTypes(layout: ZoneLayoutConfig): number {
  const d = layout.domains;
  if (d === undefined) return 0;
  const types = d.domains.map((x) => x.type);
  if (d.gapZones > 0) types.push(ZoneType.GAP);
  return types.reduce((bits, t) => bits | (TYPE_BITS.get(t) ?? 0), 0);
}

/** Writes qwords 56, 64 and 72 of page 09h; nothing for a device without zone domains. */
export function encodeZoneDomainsInfo(dev: AtaDevice, v: DataView): void {
  const a = dev.activation;
  if (dev.layout.domains === undefined || a === undefined) return;
  setQword(v, 56, a.maxActivation * 0x1_0000_0000 + CAPABILITIES, VALID);
  setQword(v, 64, a.fsnoz, VALID);
  setQword(v, 72, supportedZoneTypes(dev.layout), VALID);
}
