// The zone domains and zone realms of one LU (ZBC-2 4.6): the realm table (active zone domain ID
// per realm) over the zone state, and the commands that read or change it. ZoneModel owns it.
import type { ZoneTable } from '../zone-table.js';
import { ZoneCondition as C, ZoneType, type ZoneResult } from '../types.js';
import {
  activate,
  type ActivationFault,
  type ActivationOutcome,
  type ActivationRequest,
  setRealmZones,
} from './activation.js';
import type { DomainMap } from './domain-map.js';
import {
  reportRealms,
  reportZoneDomains,
  type DomainsReport,
  type DomainsReportRequest,
} from './domain-reports.js';

/** What scsi/ uses of a domains-and-realms LU (ZoneModelContract.domains). */
export interface ZoneDomainsAccess {
  readonly map: DomainMap;
  /** Active zone domain ID per realm (read-only for callers). */
  readonly activeDomains: Uint8Array;
  reportZoneDomains(req: DomainsReportRequest): ZoneResult<DomainsReport>;
  reportRealms(req: DomainsReportRequest): ZoneResult<DomainsReport>;
  activate(req: ActivationRequest): ActivationFault | ActivationOutcome;
}

export class ZoneDomains implements ZoneDomainsAccess {
  readonly activeDomains: Uint8Array;

  /**
   * Takes the realm table from the journal (or the layout's initial one) and makes the zone
   * conditions agree with it: the journal persists both, and the realm table is the one written
   * last and atomically, so a persist cut short by a crash is settled here.
   */
  constructor(
    readonly map: DomainMap,
    private readonly state: ZoneTable,
    restored?: Uint8Array,
  ) {
    const valid =
      restored !== undefined &&
      restored.length === map.realms &&
      restored.every((d) => d < map.domains.length);
    this.activeDomains = valid ? restored.slice() : Uint8Array.from(map.layout.initialDomain);
    for (let r = 0; r < map.realms; r++) {
      for (const d of map.domains) {
        const first = map.realmStart(r, d.id);
        const isActive = this.activeDomains[r] === d.id;
        if (!isActive) {
          if (!allInactive(state, first, d.zonesPerRealm))
            setRealmZones(map, state, r, d.id, C.INACTIVE);
        } else if (someInactive(state, first, d.zonesPerRealm)) {
          const active = d.type === ZoneType.CONVENTIONAL ? C.NOT_WRITE_POINTER : C.EMPTY;
          setRealmZones(map, state, r, d.id, active);
        }
      }
    }
  }

  reportZoneDomains(req: DomainsReportRequest): ZoneResult<DomainsReport> {
    return reportZoneDomains(this.map, this.state, this.activeDomains, req);
  }

  reportRealms(req: DomainsReportRequest): ZoneResult<DomainsReport> {
    return reportRealms(this.map, this.state, this.activeDomains, req);
  }

  activate(req: ActivationRequest): ActivationFault | ActivationOutcome {
    return activate(this.map, this.state, this.activeDomains, req);
  }
}

function allInactive(s: ZoneTable, first: number, n: number): boolean {
  for (let z = first; z < first + n; z++) if (s.condition[z] !== C.INACTIVE) return false;
  return true;
}

function someInactive(s: ZoneTable, first: number, n: number): boolean {
  for (let z = first; z < first + n; z++) if (s.condition[z] === C.INACTIVE) return true;
  return false;
}
