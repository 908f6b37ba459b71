// ZONE ACTIVATE and ZONE QUERY (ZBC-2 5.x): which realms a request names, the prerequisites
// each must meet, and the zone ranges that change. An unmet prerequisite is not an error: the
// command completes with GOOD and the results header carries the unmet bits and the ZONE ID WITH
// UNMET PREREQUISITES (ZIWUP). Only CDB errors are faults. ZONE QUERY never changes anything.
//
// Decisions where the drafts we could read (libzbc v6.2.0, sg3_utils' zbc2r12, WDC's 2018
// emulator) are silent, taken from ZBC-2's model of realms:
//  - a range not inside the target domain reports MULTIPLE DOMAINS | MULTIPLE ZONE TYPES, and
//    nothing else (libzbc 05/409 expects exactly 28h), with ZIWUP = the first zone past the domain
//    its first zone is in, or that first zone when the range stays in another domain (05/409
//    names a CMR realm for SMR activation and expects the LBA after the CMR domain);
//  - realm alignment is checked next (AAORB = 1), ZIWUP = the misaligned ZONE ID, or the start of
//    the realm the range ends inside; then per realm: restricted, not inactive, not empty;
//  - ALL takes every realm not yet active in the target and not restricted;
//  - ZONE QUERY leaves ACTIVATED 0: nothing was activated.
import type { ZoneTable } from '../zone-table.js';
import { captureZones } from '../zone-capture.js';
import { ZoneCondition as C, ZoneType, type ZoneCapture, type ZoneCondition } from '../types.js';
import { NO_DOMAIN, type DomainMap } from './domain-map.js';

/** Unmet prerequisite bits, results header byte 9 (ZBC-2; the same bits in both CDB layouts). */
export const Unmet = {
  NOT_INACTIVE: 0x01,
  NOT_EMPTY: 0x02,
  REALM_ALIGNMENT: 0x04,
  MULTIPLE_ZONE_TYPES: 0x08,
  /** Draft (libzbc): activation type unsupported; zbc2r12: realm restricted. */
  REALM_RESTRICTED: 0x10,
  MULTIPLE_DOMAINS: 0x20,
} as const;

export interface ActivationRequest {
  readonly query: boolean;
  readonly all: boolean;
  /** ZONE ID; a bigint only above 2^53 (always out of range). Ignored with ALL. */
  readonly zoneId: number | bigint;
  /** NUMBER OF ZONES, counted in the target domain (the caller resolves FSNOZ). */
  readonly zoneCount: number;
  /** Target zone domain ID, or null when the domain holding ZONE ID is the target (zbc2r12). */
  readonly domainId: number | null;
  /** MAXIMUM ACTIVATION in realms (Zone Domains mode page); 0 = unlimited. */
  readonly maxActivation: number;
}

/** A CDB field the request got wrong: 5/24/00 (or 5/21/00 for a ZONE ID past the last LBA). */
export type ActivationFault =
  | { readonly kind: 'activation-field'; readonly field: 'domain-id' | 'zone-id' | 'zone-count' }
  | { readonly kind: 'activation-lba-out-of-range' };

/** A zone range whose state changed (or would change): one results descriptor. */
export interface ActivationRange {
  readonly type: ZoneType;
  /** Condition after the operation: INACTIVE, EMPTY or NOT WRITE POINTER. */
  readonly condition: ZoneCondition;
  readonly domainId: number;
  readonly zones: number;
  readonly startLba: number;
}

export interface ActivationOutcome {
  readonly activated: boolean;
  readonly unmet: number;
  /** LBA of the first zone with an unmet prerequisite, or null. */
  readonly ziwup: number | null;
  readonly domainId: number;
  /** The domain the realms leave (the first one, when several), else the target. */
  readonly otherDomainId: number;
  /** NUMBER OF ZONES processed in the target domain. */
  readonly zoneCount: number;
  readonly ranges: readonly ActivationRange[];
  /** ZONE ACTIVATE that changed state: the zone records and realm table to persist. */
  readonly capture?: ZoneCapture;
}

interface Selection {
  readonly domainId: number;
  readonly realms: readonly number[];
  readonly zoneCount: number;
  readonly unmet: number;
  readonly ziwup: number | null;
}

const fault = (field: 'domain-id' | 'zone-id' | 'zone-count'): ActivationFault => ({
  kind: 'activation-field',
  field,
});

export function isActivationFault(v: ActivationFault | ActivationOutcome): v is ActivationFault {
  return 'kind' in v;
}

/** Runs one request against the realm table `active` (one domain ID per realm). */
export function activate(
  map: DomainMap,
  s: ZoneTable,
  active: Uint8Array,
  req: ActivationRequest,
): ActivationFault | ActivationOutcome {
  const selected = req.all ? selectAll(map, s, active, req) : selectRange(map, s, req);
  if ('kind' in selected) return selected;
  let { unmet, ziwup } = selected;
  if (unmet === 0) ({ unmet, ziwup } = checkRealms(map, s, active, selected));
  const { domainId, realms } = selected;
  const leaving = realms.map((r) => active[r] as number).find((o) => o !== domainId);
  const base = { domainId, otherDomainId: leaving ?? domainId, zoneCount: selected.zoneCount };
  if (unmet !== 0) return { ...base, activated: false, unmet, ziwup, ranges: [] };
  const ranges = changedRanges(map, s, active, domainId, realms);
  if (req.query) return { ...base, activated: false, unmet: 0, ziwup: null, ranges };
  return {
    ...base,
    activated: true,
    unmet: 0,
    ziwup: null,
    ranges,
    capture: apply(map, s, active, domainId, realms),
  };
}

/** ALL: every realm not yet active in the target domain and not restricted. */
function selectAll(
  map: DomainMap,
  s: ZoneTable,
  active: Uint8Array,
  req: ActivationRequest,
): ActivationFault | Selection {
  // zbc2r12 names the domain by a ZONE ID in it, also with ALL.
  const { zoneId } = req;
  const inRange = typeof zoneId === 'number' && zoneId < s.geometry.capacity;
  const domainId = req.domainId ?? (inRange ? map.domainOf(s.geometry.indexOf(zoneId)) : NO_DOMAIN);
  if (domainId < 0 || domainId >= map.domains.length) {
    return req.domainId === null ? fault('zone-id') : fault('domain-id');
  }
  const realms: number[] = [];
  for (let r = 0; r < map.realms; r++)
    if (active[r] !== domainId && !map.isRestricted(r)) realms.push(r);
  if (req.maxActivation !== 0 && realms.length > req.maxActivation) return fault('zone-count');
  const perRealm = map.domain(domainId).zonesPerRealm;
  return { domainId, realms, zoneCount: realms.length * perRealm, unmet: 0, ziwup: null };
}

/** ZIWUP of a range not inside the target domain (see the top), or -1 when it is inside. */
function firstOutside(map: DomainMap, first: number, last: number, target: number): number {
  const homeId = map.domainOf(first);
  if (homeId === NO_DOMAIN) return first;
  const home = map.domain(homeId);
  const end = home.firstZone + home.zoneCount;
  if (last >= end) return end;
  return homeId === target ? -1 : first;
}

/** ZONE ID + NUMBER OF ZONES: CDB checks, then domain crossing and realm alignment. */
function selectRange(
  map: DomainMap,
  s: ZoneTable,
  req: ActivationRequest,
): ActivationFault | Selection {
  const g = s.geometry;
  if (req.domainId !== null && req.domainId >= map.domains.length) return fault('domain-id');
  if (typeof req.zoneId === 'bigint' || req.zoneId >= g.capacity)
    return { kind: 'activation-lba-out-of-range' };
  const first = g.indexOf(req.zoneId);
  if (s.start(first) !== req.zoneId) return fault('zone-id');
  if (req.zoneCount === 0 || first + req.zoneCount > s.zoneCount) return fault('zone-count');
  const domainId = req.domainId ?? map.domainOf(first);
  if (domainId === NO_DOMAIN) return fault('zone-id'); // zbc2r12: a gap zone names no domain
  const d = map.domain(domainId);
  const last = first + req.zoneCount - 1;
  // Realms touched inside the target domain (for MAXIMUM ACTIVATION, a CDB-level limit).
  const lo = Math.max(first, d.firstZone);
  const hi = Math.min(last, d.firstZone + d.zoneCount - 1);
  const realms: number[] = [];
  for (
    let r = lo <= hi ? map.realmOf(lo, domainId) : 0;
    lo <= hi && r <= map.realmOf(hi, domainId);
    r++
  ) {
    realms.push(r);
  }
  if (req.maxActivation !== 0 && realms.length > req.maxActivation) return fault('zone-count');
  const base = { domainId, realms, zoneCount: req.zoneCount };
  // The range must stay inside the target domain (ZBC-2: multiple domains and zone types).
  const outside = firstOutside(map, first, last, domainId);
  if (outside >= 0) {
    const bits = Unmet.MULTIPLE_DOMAINS | Unmet.MULTIPLE_ZONE_TYPES;
    return { ...base, unmet: bits, ziwup: s.start(outside) };
  }
  // Whole realms only (AAORB = 1 in VPD B6h).
  const offset = (z: number): number => (z - d.firstZone) % d.zonesPerRealm;
  if (offset(first) !== 0) return { ...base, unmet: Unmet.REALM_ALIGNMENT, ziwup: s.start(first) };
  if (offset(last) !== d.zonesPerRealm - 1) {
    return { ...base, unmet: Unmet.REALM_ALIGNMENT, ziwup: s.start(last - offset(last)) };
  }
  return { ...base, unmet: 0, ziwup: null };
}

/** Per realm, in order: restricted, already active in the target, zones to deactivate not EMPTY. */
function checkRealms(
  map: DomainMap,
  s: ZoneTable,
  active: Uint8Array,
  sel: Selection,
): { unmet: number; ziwup: number | null } {
  let unmet = 0;
  let ziwup: number | null = null;
  const note = (bit: number, zone: number): void => {
    unmet |= bit;
    ziwup ??= s.start(zone);
  };
  for (const r of sel.realms) {
    const target = map.realmStart(r, sel.domainId);
    if (map.isRestricted(r)) note(Unmet.REALM_RESTRICTED, target);
    const from = active[r] as number;
    if (from === sel.domainId) {
      note(Unmet.NOT_INACTIVE, target);
      continue;
    }
    const first = map.realmStart(r, from);
    const n = map.domain(from).zonesPerRealm;
    for (let z = first; z < first + n; z++) {
      const c = s.condition[z];
      // A written conventional zone may be deactivated (libzbc 03/107); a WP zone must be EMPTY.
      if (c !== C.EMPTY && c !== C.NOT_WRITE_POINTER) {
        note(Unmet.NOT_EMPTY, z);
        break;
      }
    }
  }
  return { unmet, ziwup };
}

/** Active condition of a zone of a domain: EMPTY with a write pointer, else NOT WRITE POINTER. */
function activeCondition(type: ZoneType): ZoneCondition {
  return type === ZoneType.CONVENTIONAL ? C.NOT_WRITE_POINTER : C.EMPTY;
}

/** Descriptors for the realms' old and new ranges, adjacent realms merged, by starting LBA. */
function changedRanges(
  map: DomainMap,
  s: ZoneTable,
  active: Uint8Array,
  target: number,
  realms: readonly number[],
): ActivationRange[] {
  const ranges: ActivationRange[] = [];
  const add = (domainId: number, realm: number, condition: ZoneCondition): void => {
    const d = map.domain(domainId);
    const startZone = map.realmStart(realm, domainId);
    const prev = ranges.find(
      (x) =>
        x.domainId === domainId &&
        x.startLba + x.zones * s.geometry.zoneSize === s.start(startZone),
    );
    if (prev !== undefined) {
      ranges[ranges.indexOf(prev)] = { ...prev, zones: prev.zones + d.zonesPerRealm };
      return;
    }
    ranges.push({
      type: d.type,
      condition,
      domainId,
      zones: d.zonesPerRealm,
      startLba: s.start(startZone),
    });
  };
  for (const r of realms) {
    add(active[r] as number, r, C.INACTIVE);
    add(target, r, activeCondition(map.domain(target).type));
  }
  return ranges.sort((a, b) => a.startLba - b.startLba);
}

/** Moves the realms to the target domain; returns what to persist before GOOD. */
function apply(
  map: DomainMap,
  s: ZoneTable,
  active: Uint8Array,
  target: number,
  realms: readonly number[],
): ZoneCapture {
  const touched: number[] = [];
  for (const r of realms) {
    const from = active[r] as number;
    setRealmZones(map, s, r, from, C.INACTIVE, touched);
    setRealmZones(map, s, r, target, activeCondition(map.domain(target).type), touched);
    active[r] = target;
  }
  const capture = captureZones(s, Uint32Array.from(touched.sort((a, b) => a - b)));
  return { ...capture, realmDomains: active.slice() };
}

/** Every zone of realm r in one domain to `condition`, its WP and data end at the zone start. */
export function setRealmZones(
  map: DomainMap,
  s: ZoneTable,
  r: number,
  domainId: number,
  condition: ZoneCondition,
  touched?: number[],
): void {
  const first = map.realmStart(r, domainId);
  const n = map.domain(domainId).zonesPerRealm;
  for (let z = first; z < first + n; z++) {
    s.setCondition(z, condition);
    s.setWritePointer(z, s.start(z));
    s.dataEnd[z] = s.start(z);
    s.setAttributes(z, 0);
    touched?.push(z);
  }
}
