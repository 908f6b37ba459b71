// Small domains-and-realms layouts for the zone-domains tests.
import { DomainMap } from '../../../../zbc/domains/domain-map.js';
import { ZoneType, type DomainsLayout, type ZoneLayoutConfig } from '../../../../zbc/types.js';

export const Z = 64;

/**
 * 64-block zones, 4 realms. Domain 0 (the CMR type, 2 zones per realm) = zones 0-7, one GAP zone
 * (8), domain 1 (SWR, 3 zones per realm) = zones 9-20. Realms 0, 1 start CMR, 2, 3 SMR.
 */
export function domainsLayout(
  cmrType: ZoneType = ZoneType.CONVENTIONAL,
  over: Partial<DomainsLayout> = {},
  layoutOver: Partial<ZoneLayoutConfig> = {},
): ZoneLayoutConfig {
  const domains: DomainsLayout = {
    realms: 4,
    domains: [
      { type: cmrType, zonesPerRealm: 2 },
      { type: ZoneType.SEQUENTIAL_WRITE_REQUIRED, zonesPerRealm: 3 },
    ],
    gapZones: 1,
    initialDomain: [0, 0, 1, 1],
    restrictedRealms: [],
    ...over,
  };
  return {
    model: 'host-managed',
    blockSize: 512,
    physicalBlockSize: 4096,
    capacityBlocks: new DomainMap(domains).zoneCount * Z,
    zoneSizeBlocks: Z,
    zoneCapacityBlocks: Z,
    conventionalZones: 0,
    maxOpen: null,
    urswrz: true,
    readOnlyZones: [],
    offlineZones: [],
    domains,
    ...layoutOver,
  };
}

/** First LBA of zone i. */
export const zs = (i: number): number => i * Z;
/** Zone of realm r in domain 0 (CMR) / domain 1 (SMR) of domainsLayout. */
export const cmrZone = (r: number, k = 0): number => 2 * r + k;
export const smrZone = (r: number, k = 0): number => 9 + 3 * r + k;
