// Where each zone of a domains-and-realms layout sits (ZBC-2 4.6 zone domains and zone realms):
// the domains follow each other in zone domain ID order from LBA 0, GAP zones between them; realm
// r owns the zones [r x zonesPerRealm, (r + 1) x zonesPerRealm) of every domain. Every zone, GAP
// zones included, has the same size: libzbc's test library derives the zone size from the last
// zone's LBA and the zone count, so the layout must keep it uniform.
import { ZoneType, type DomainsLayout, type ZoneLayoutConfig } from '../types.js';

/** One domain's place in the zone list. */
export interface DomainExtent {
  readonly id: number;
  readonly type: ZoneType;
  readonly firstZone: number;
  readonly zoneCount: number;
  readonly zonesPerRealm: number;
}

/** Domain types a layout may use (ZBC-2 REPORT ZONE DOMAINS: 01h–04h). */
const DOMAIN_TYPES: ReadonlySet<number> = new Set([
  ZoneType.CONVENTIONAL,
  ZoneType.SEQUENTIAL_WRITE_REQUIRED,
  ZoneType.SEQUENTIAL_WRITE_PREFERRED,
  ZoneType.SEQUENTIAL_OR_BEFORE_REQUIRED,
]);
/** libzbc handles at most four domains (ZBC_NR_ZONE_TYPES); the CDBs carry a 6-bit ID. */
export const MAX_DOMAINS = 4;
/** One activation record page of the zone journal holds a byte per realm. */
export const MAX_REALMS = 4000;
/** domainOf() of a GAP zone. */
export const NO_DOMAIN = -1;

export class DomainMap {
  readonly domains: readonly DomainExtent[];
  readonly realms: number;
  readonly zoneCount: number;
  readonly gapZones: number;
  private readonly restricted: ReadonlySet<number>;

  constructor(readonly layout: DomainsLayout) {
    const domains: DomainExtent[] = [];
    let next = 0;
    layout.domains.forEach((d, id) => {
      if (id > 0) next += layout.gapZones;
      const zoneCount = d.zonesPerRealm * layout.realms;
      domains.push({
        id,
        type: d.type,
        firstZone: next,
        zoneCount,
        zonesPerRealm: d.zonesPerRealm,
      });
      next += zoneCount;
    });
    this.domains = domains;
    this.realms = layout.realms;
    this.zoneCount = next;
    this.gapZones = layout.gapZones;
    this.restricted = new Set(layout.restrictedRealms);
  }

  /** The domain with this ID (an ID below domains.length). */
  domain(id: number): DomainExtent {
    const d = this.domains[id];
    if (d === undefined) throw new RangeError(`zone domain ${id} does not exist`);
    return d;
  }

  /** Zone domain ID of a zone, or NO_DOMAIN for a GAP zone. */
  domainOf(zone: number): number {
    for (const d of this.domains) {
      if (zone < d.firstZone) return NO_DOMAIN;
      if (zone < d.firstZone + d.zoneCount) return d.id;
    }
    return NO_DOMAIN;
  }

  type(zone: number): ZoneType {
    const id = this.domainOf(zone);
    return id === NO_DOMAIN ? ZoneType.GAP : this.domain(id).type;
  }

  /** Realm of a zone of domain `id`. */
  realmOf(zone: number, id: number): number {
    const d = this.domain(id);
    return Math.floor((zone - d.firstZone) / d.zonesPerRealm);
  }

  /** First zone of realm `realm` in domain `id`. */
  realmStart(realm: number, id: number): number {
    const d = this.domain(id);
    return d.firstZone + realm * d.zonesPerRealm;
  }

  isRestricted(realm: number): boolean {
    return this.restricted.has(realm);
  }
}

/** Checks the domains part of a layout: a one-line error naming the field, or null. */
export function validateDomains(layout: ZoneLayoutConfig): string | null {
  const dl = layout.domains;
  if (dl === undefined) return null;
  if (layout.model !== 'host-managed') return 'domains: only on a host-managed layout (PDT 14h)';
  const count = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
  if (!count(dl.realms) || dl.realms < 1 || dl.realms > MAX_REALMS) {
    return `domains.realms: must be an integer from 1 to ${MAX_REALMS}`;
  }
  if (dl.domains.length < 2 || dl.domains.length > MAX_DOMAINS) {
    return `domains.domains: must list 2 to ${MAX_DOMAINS} domains`;
  }
  for (const [id, d] of dl.domains.entries()) {
    if (!DOMAIN_TYPES.has(d.type)) return `domains.domains[${id}].type: must be 1h to 4h`;
    if (!count(d.zonesPerRealm) || d.zonesPerRealm < 1) {
      return `domains.domains[${id}].zonesPerRealm: must be a positive integer`;
    }
  }
  if (!count(dl.gapZones)) return 'domains.gapZones: must be a non-negative integer';
  if (dl.initialDomain.length !== dl.realms)
    return 'domains.initialDomain: one domain ID per realm';
  if (dl.initialDomain.some((id) => !Number.isInteger(id) || id < 0 || id >= dl.domains.length)) {
    return 'domains.initialDomain: not a zone domain ID';
  }
  if (dl.restrictedRealms.some((r) => !Number.isInteger(r) || r < 0 || r >= dl.realms)) {
    return 'domains.restrictedRealms: not a realm number';
  }
  if (layout.conventionalZones !== 0)
    return 'conventionalZones: must be 0 (the domains set zone types)';
  if (layout.zoneCapacityBlocks !== layout.zoneSizeBlocks) {
    return 'zoneCapacityBlocks: must equal zoneSizeBlocks (domains need uniform zones)';
  }
  const zones = new DomainMap(dl).zoneCount;
  if (layout.capacityBlocks !== zones * layout.zoneSizeBlocks) {
    return `capacityBlocks: must be ${zones} zones of zoneSizeBlocks (the domains' zones)`;
  }
  return null;
}
