// REPORT ZONE DOMAINS (ZBC IN 95h/07h) and REPORT REALMS (95h/06h), ZBC-2 5.x: selection and the
// parameter data, written into the caller's zeroed buffer (the report's size is the full reply;
// the SCSI layer cuts it to the allocation length). Layouts as libzbc v6.2.0 and sg3_utils 1.48
// (zbc2r12) both read them.
import { putU64, viewOf } from '../fields.js';
import type { ZoneTable } from '../zone-table.js';
import { ok, refused } from '../result.js';
import { ZoneType, type ZoneFault, type ZoneResult } from '../types.js';
import { NO_DOMAIN, type DomainExtent, type DomainMap } from './domain-map.js';

export const DOMAINS_HEADER_BYTES = 64;
export const DOMAIN_DESCRIPTOR_BYTES = 96;
export const REALMS_HEADER_BYTES = 64;

export interface DomainsReportRequest {
  readonly locator: number | bigint;
  readonly option: number;
  readonly allocationLength: number;
}

export interface DomainsReport {
  /** Bytes of the full reply (header and every matching descriptor). */
  readonly size: number;
  encode(out: Uint8Array): void;
}

/** How many zones of a domain are active (not INACTIVE, counted from the realm table). */
function activeZones(map: DomainMap, active: Uint8Array, d: DomainExtent): number {
  let realms = 0;
  for (let r = 0; r < map.realms; r++) if (active[r] === d.id) realms++;
  return realms * d.zonesPerRealm;
}

type DomainMatch = (active: number, d: DomainExtent) => boolean;

/** REPORTING OPTIONS of REPORT ZONE DOMAINS (ZBC-2; sg_rep_zones --help lists the same). */
const DOMAIN_OPTIONS: ReadonlyMap<number, DomainMatch> = new Map<number, DomainMatch>([
  [0x00, () => true],
  [0x01, (n, d) => n === d.zoneCount], // every zone active
  [0x02, (n) => n > 0], // some zone active
  [0x03, (n) => n === 0], // no zone active
]);

/** REPORTING OPTIONS of REPORT REALMS: realms whose active domain has this zone type. */
const REALM_OPTIONS: ReadonlyMap<number, ZoneType | null> = new Map<number, ZoneType | null>([
  [0x00, null],
  [0x01, ZoneType.SEQUENTIAL_OR_BEFORE_REQUIRED],
  [0x02, ZoneType.SEQUENTIAL_WRITE_REQUIRED],
  [0x03, ZoneType.SEQUENTIAL_WRITE_PREFERRED],
]);

/** The locator's zone; above MAXIMUM LBA, LOGICAL BLOCK ADDRESS OUT OF RANGE (ZBC-2). */
function locatorZone(s: ZoneTable, locator: number | bigint): number | ZoneFault {
  if (typeof locator === 'bigint' || locator >= s.geometry.capacity)
    return { kind: 'zone-id-out-of-range' };
  return s.geometry.indexOf(locator);
}

export function reportZoneDomains(
  map: DomainMap,
  s: ZoneTable,
  active: Uint8Array,
  req: DomainsReportRequest,
): ZoneResult<DomainsReport> {
  const match = DOMAIN_OPTIONS.get(req.option);
  if (match === undefined) return refused({ kind: 'invalid-reporting-option' });
  const zone = locatorZone(s, req.locator);
  if (typeof zone !== 'number') return refused(zone);
  // The first domain reported is the one holding the locator, or the next one after a GAP zone.
  const listed = map.domains.filter(
    (d) => d.firstZone + d.zoneCount > zone && match(activeZones(map, active, d), d),
  );
  const size = DOMAINS_HEADER_BYTES + listed.length * DOMAIN_DESCRIPTOR_BYTES;
  const returned = Math.max(0, Math.min(size, req.allocationLength) - DOMAINS_HEADER_BYTES);
  return ok({
    size,
    encode(out) {
      const view = viewOf(out);
      view.setUint32(0, listed.length * DOMAIN_DESCRIPTOR_BYTES); // ZONE DOMAINS LIST LENGTH
      // ZONE DOMAINS RETURNED LIST LENGTH: the header and the whole descriptors within the
      // allocation length. libzbc (SCSI and ATA) reads it so, taking (this - 64) / 96
      // descriptors, as WDC's zone-domains emulator wrote it; without the header a two-domain
      // LU shows libzbc its first domain only (sg3_utils does not use the field).
      const whole = Math.floor(returned / DOMAIN_DESCRIPTOR_BYTES) * DOMAIN_DESCRIPTOR_BYTES;
      view.setUint32(4, DOMAINS_HEADER_BYTES + whole);
      out[8] = map.domains.length; // NUMBER OF ZONE DOMAINS SUPPORTED
      out[9] = listed.length; // NUMBER OF ZONE DOMAINS REPORTED
      out[10] = req.option;
      putU64(view, 16, s.start(zone)); // ZONE DOMAIN LOCATOR echo, as a zone start
      let at = DOMAINS_HEADER_BYTES;
      for (const d of listed) {
        out[at] = d.id;
        putU64(view, at + 16, d.zoneCount);
        putU64(view, at + 24, s.start(d.firstZone));
        putU64(view, at + 32, s.end(d.firstZone + d.zoneCount - 1) - 1);
        out[at + 40] = d.type;
        out[at + 42] = 0x02; // VZDZT = 1; SRB = 0: realm boundaries never shift here
        at += DOMAIN_DESCRIPTOR_BYTES;
      }
    },
  });
}

export function realmDescriptorBytes(map: DomainMap): number {
  return 16 + 16 * map.domains.length;
}

export function reportRealms(
  map: DomainMap,
  s: ZoneTable,
  active: Uint8Array,
  req: DomainsReportRequest,
): ZoneResult<DomainsReport> {
  if (!REALM_OPTIONS.has(req.option)) return refused({ kind: 'invalid-reporting-option' });
  const type = REALM_OPTIONS.get(req.option) ?? null;
  const zone = locatorZone(s, req.locator);
  if (typeof zone !== 'number') return refused(zone);
  const domainId = map.domainOf(zone);
  // A locator in a GAP zone names no realm (the WDC emulator answers the same).
  if (domainId === NO_DOMAIN) return refused({ kind: 'gap-zone-access', lba: Number(req.locator) });
  const realms: number[] = [];
  for (let r = map.realmOf(zone, domainId); r < map.realms; r++) {
    if (type === null || map.domain(active[r] as number).type === type) realms.push(r);
  }
  const descriptor = realmDescriptorBytes(map);
  const size = REALMS_HEADER_BYTES + realms.length * descriptor;
  const fits = Math.max(
    0,
    Math.floor((Math.min(size, req.allocationLength) - REALMS_HEADER_BYTES) / descriptor),
  );
  return ok({
    size,
    encode(out) {
      const view = viewOf(out);
      // Bytes of every matching descriptor: sg_rep_zones sizes its decode from bytes 0-3 as it
      // does for the other ZBC IN reports (libzbc does not read them).
      view.setUint32(0, realms.length * descriptor);
      view.setUint32(4, realms.length); // REALMS COUNT: every matching realm
      view.setUint32(8, descriptor); // REALM DESCRIPTOR LENGTH
      // NEXT REALM LOCATOR: 0 when every matching realm fits (libzbc requires it then).
      const next = realms[fits];
      if (next !== undefined)
        putU64(view, 12, s.start(map.realmStart(next, active[next] as number)));
      let at = REALMS_HEADER_BYTES;
      for (const r of realms) {
        view.setUint32(at, r);
        view.setUint16(at + 4, map.isRestricted(r) ? 0x0001 : 0); // REALM RESTRICTIONS
        out[at + 7] = active[r] as number;
        for (const d of map.domains) {
          const first = map.realmStart(r, d.id);
          const start = at + 16 + 16 * d.id;
          putU64(view, start, s.start(first));
          putU64(view, start + 8, s.end(first + d.zonesPerRealm - 1) - 1);
        }
        at += descriptor;
      }
    },
  });
}
