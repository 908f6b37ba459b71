// A separately written model of ZONE ACTIVATE / ZONE QUERY over a domains layout, for the
// property tests: plain objects per zone, the rules spelled out in the order ZBC-2 lists them.
import type { ZoneLayoutConfig } from '../../../../zbc/types.js';

const CONV = 1;
const GAP = 5;
const NWP = 0x0;
const EMPTY = 0x1;
const IOPEN = 0x2;
const INACTIVE = 0x5;
const FULL = 0xe;

interface RefZone {
  start: number;
  len: number;
  type: number;
  domain: number; // -1 for a gap zone
  realm: number;
  cond: number;
  wp: number;
}

export interface RefRange {
  type: number;
  condition: number;
  domainId: number;
  zones: number;
  startLba: number;
}

export type RefOutcome =
  | { fault: string }
  | { activated: boolean; unmet: number; ziwup: number | null; ranges: RefRange[] };

export interface RefRequest {
  query: boolean;
  all: boolean;
  zoneId: number;
  zoneCount: number;
  domainId: number | null;
  maxActivation: number;
}

export class ActivationReference {
  readonly zones: RefZone[] = [];
  readonly active: number[];

  constructor(private readonly layout: ZoneLayoutConfig) {
    const d = layout.domains!;
    this.active = [...d.initialDomain];
    let lba = 0;
    d.domains.forEach((dom, id) => {
      if (id > 0) {
        for (let g = 0; g < d.gapZones; g++) {
          this.zones.push({
            start: lba,
            len: layout.zoneSizeBlocks,
            type: GAP,
            domain: -1,
            realm: -1,
            cond: NWP,
            wp: lba,
          });
          lba += layout.zoneSizeBlocks;
        }
      }
      for (let r = 0; r < d.realms; r++) {
        for (let k = 0; k < dom.zonesPerRealm; k++) {
          const cond = this.active[r] !== id ? INACTIVE : dom.type === CONV ? NWP : EMPTY;
          this.zones.push({
            start: lba,
            len: layout.zoneSizeBlocks,
            type: dom.type,
            domain: id,
            realm: r,
            cond,
            wp: lba,
          });
          lba += layout.zoneSizeBlocks;
        }
      }
    });
  }

  private realmZones(realm: number, domain: number): RefZone[] {
    return this.zones.filter((z) => z.realm === realm && z.domain === domain);
  }

  /** Writes `blocks` at the WP of an active write pointer zone (no resource limits). */
  write(index: number, blocks: number): string {
    const z = this.zones[index]!;
    if (z.type === GAP) return 'gap-zone-access';
    if (z.cond === INACTIVE) return 'zone-inactive';
    if (z.type === CONV) return 'ok';
    if (z.cond === FULL) return z.type === 4 ? 'ok' : 'write-to-full-zone';
    z.wp = Math.min(z.start + z.len, z.wp + blocks);
    z.cond = z.wp === z.start + z.len ? FULL : IOPEN;
    return 'ok';
  }

  reset(index: number): string {
    const z = this.zones[index]!;
    if (z.type === GAP) return 'gap-zone-access';
    if (z.type === CONV) return 'invalid-zone-id';
    if (z.cond === INACTIVE) return 'zone-inactive';
    z.cond = EMPTY;
    z.wp = z.start;
    return 'ok';
  }

  activate(req: RefRequest): RefOutcome {
    const d = this.layout.domains!;
    const capacity = this.zones.length * this.layout.zoneSizeBlocks;
    let target: number;
    let realms: number[];
    let unmet = 0;
    let ziwup: number | null = null;
    if (req.all) {
      target = req.domainId ?? (req.zoneId < capacity ? this.zoneAt(req.zoneId).domain : -1);
      if (target < 0 || target >= d.domains.length)
        return { fault: req.domainId === null ? 'zone-id' : 'domain-id' };
      realms = [];
      for (let r = 0; r < d.realms; r++)
        if (this.active[r] !== target && !d.restrictedRealms.includes(r)) realms.push(r);
      if (req.maxActivation > 0 && realms.length > req.maxActivation)
        return { fault: 'zone-count' };
    } else {
      if (req.domainId !== null && req.domainId >= d.domains.length) return { fault: 'domain-id' };
      if (req.zoneId >= capacity) return { fault: 'lba-out-of-range' };
      const first = this.zones.indexOf(this.zoneAt(req.zoneId));
      if (this.zones[first]!.start !== req.zoneId) return { fault: 'zone-id' };
      if (req.zoneCount === 0 || first + req.zoneCount > this.zones.length)
        return { fault: 'zone-count' };
      target = req.domainId ?? this.zones[first]!.domain;
      if (target < 0) return { fault: 'zone-id' };
      const range = this.zones.slice(first, first + req.zoneCount);
      realms = [...new Set(range.filter((z) => z.domain === target).map((z) => z.realm))];
      if (req.maxActivation > 0 && realms.length > req.maxActivation)
        return { fault: 'zone-count' };
      const head = range[0]!;
      const tail = range[range.length - 1]!;
      // Leaving the first zone's domain, or staying in one that is not the target.
      const leaves = head.domain < 0 ? head : range.find((z) => z.domain !== head.domain);
      const foreign = leaves ?? (head.domain !== target ? head : undefined);
      if (foreign !== undefined) {
        unmet = 0x28;
        ziwup = foreign.start;
      } else if (this.realmZones(head.realm, target)[0] !== head) {
        unmet = 0x04;
        ziwup = head.start;
      } else if (this.realmZones(tail.realm, target).at(-1) !== tail) {
        unmet = 0x04;
        ziwup = this.realmZones(tail.realm, target)[0]!.start;
      }
    }
    if (unmet === 0) {
      for (const r of realms) {
        const into = this.realmZones(r, target)[0]!.start;
        if (d.restrictedRealms.includes(r)) {
          unmet |= 0x10;
          ziwup ??= into;
        }
        if (this.active[r] === target) {
          unmet |= 0x01;
          ziwup ??= into;
          continue;
        }
        const busy = this.realmZones(r, this.active[r]!).find(
          (z) => z.cond !== EMPTY && z.cond !== NWP,
        );
        if (busy !== undefined) {
          unmet |= 0x02;
          ziwup ??= busy.start;
        }
      }
    }
    if (unmet !== 0) return { activated: false, unmet, ziwup, ranges: [] };
    const ranges: RefRange[] = [];
    const note = (zones: RefZone[], condition: number): void => {
      const z0 = zones[0]!;
      const prev = ranges.find(
        (x) => x.domainId === z0.domain && x.startLba + x.zones * z0.len === z0.start,
      );
      if (prev) prev.zones += zones.length;
      else
        ranges.push({
          type: z0.type,
          condition,
          domainId: z0.domain,
          zones: zones.length,
          startLba: z0.start,
        });
    };
    const targetType = d.domains[target]!.type;
    for (const r of realms) {
      note(this.realmZones(r, this.active[r]!), INACTIVE);
      note(this.realmZones(r, target), targetType === CONV ? NWP : EMPTY);
    }
    ranges.sort((a, b) => a.startLba - b.startLba);
    if (!req.query) {
      for (const r of realms) {
        for (const z of this.realmZones(r, this.active[r]!)) {
          z.cond = INACTIVE;
          z.wp = z.start;
        }
        for (const z of this.realmZones(r, target)) {
          z.cond = targetType === CONV ? NWP : EMPTY;
          z.wp = z.start;
        }
        this.active[r] = target;
      }
    }
    return { activated: !req.query, unmet: 0, ziwup: null, ranges };
  }

  private zoneAt(lba: number): RefZone {
    return this.zones.find((z) => lba >= z.start && lba < z.start + z.len)!;
  }
}
