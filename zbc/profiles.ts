// Named drive profiles (docs/zones.md, Profiles): ZoneLayoutConfig factories the CLI lists by name.
import { DomainMap } from './domains/domain-map.js';
import { ZoneType, type DomainsLayout, type ZoneLayoutConfig } from './types.js';

const MiB = 1024 * 1024;

export interface DriveProfile {
  readonly name: string;
  readonly description: string;
  readonly layout: () => ZoneLayoutConfig;
}

interface Shape {
  readonly model: ZoneLayoutConfig['model'];
  readonly blockSize: number;
  readonly physicalBlockSize: number;
  readonly capacityBytes: number;
  readonly zoneBytes: number;
  readonly zoneCapacityBytes?: number;
  readonly conventionalZones: number;
  readonly maxOpen: number | null;
}

function layoutOf(shape: Shape): ZoneLayoutConfig {
  const { blockSize } = shape;
  return {
    model: shape.model,
    blockSize,
    physicalBlockSize: shape.physicalBlockSize,
    capacityBlocks: shape.capacityBytes / blockSize,
    zoneSizeBlocks: shape.zoneBytes / blockSize,
    zoneCapacityBlocks: (shape.zoneCapacityBytes ?? shape.zoneBytes) / blockSize,
    conventionalZones: shape.conventionalZones,
    maxOpen: shape.maxOpen,
    urswrz: true,
    readOnlyZones: [],
    offlineZones: [],
  };
}

/**
 * A hybrid CMR/SMR drive of `realms` realms, 512/4096-byte blocks, 4 MiB zones: domain 0 holds
 * each realm's CMR range, one GAP zone, then domain 1 the larger SMR range (3 zones for 2). The
 * first half of the realms starts active as CMR, the rest as SMR, so both kinds are in use.
 */
function hybridLayout(
  realms: number,
  cmrType: ZoneType,
  restrictedRealms: readonly number[] = [],
): ZoneLayoutConfig {
  const domains: DomainsLayout = {
    realms,
    domains: [
      { type: cmrType, zonesPerRealm: 2 },
      { type: ZoneType.SEQUENTIAL_WRITE_REQUIRED, zonesPerRealm: 3 },
    ],
    gapZones: 1,
    initialDomain: Array.from({ length: realms }, (_, r) => (r < realms / 2 ? 0 : 1)),
    restrictedRealms,
  };
  const zoneBytes = 4 * MiB;
  const base = layoutOf({
    model: 'host-managed',
    blockSize: 512,
    physicalBlockSize: 4096,
    capacityBytes: new DomainMap(domains).zoneCount * zoneBytes,
    zoneBytes,
    conventionalZones: 0,
    maxOpen: 8,
  });
  return { ...base, domains };
}

/** 20 TB, decimal as drives are sold: 74,507 zones of 256 MiB, the last one short. */
const TWENTY_TB = 20 * 10 ** 12;

export const PROFILES: readonly DriveProfile[] = [
  {
    name: 'default',
    description:
      'host-managed 1 GiB, 512/4096-byte blocks, 256 zones of 4 MiB (8 conventional), max 8 open ' +
      '(fio t/zbd and libzbc run every test)',
    layout: () =>
      layoutOf({
        model: 'host-managed',
        blockSize: 512,
        physicalBlockSize: 4096,
        capacityBytes: 1024 * MiB,
        zoneBytes: 4 * MiB,
        conventionalZones: 8,
        maxOpen: 8,
      }),
  },
  {
    name: 'hm-20tb',
    description:
      'host-managed 20 TB, 512/4096-byte blocks, 256 MiB zones (745 conventional, ~1%), max 128 open',
    layout: () =>
      layoutOf({
        model: 'host-managed',
        blockSize: 512,
        physicalBlockSize: 4096,
        capacityBytes: TWENTY_TB,
        zoneBytes: 256 * MiB,
        conventionalZones: 745,
        maxOpen: 128,
      }),
  },
  {
    name: 'hm-gap-small',
    description:
      'host-managed 256 MiB, 4 MiB zone pitch with 3 MiB zone capacity ' +
      '(GAP zones, ZBC-2 alignment method 8), max 8 open',
    layout: () =>
      layoutOf({
        model: 'host-managed',
        blockSize: 512,
        physicalBlockSize: 4096,
        capacityBytes: 256 * MiB,
        zoneBytes: 4 * MiB,
        zoneCapacityBytes: 3 * MiB,
        conventionalZones: 4,
        maxOpen: 8,
      }),
  },
  {
    name: 'ha-small',
    description:
      'host-aware 256 MiB, 512/4096-byte blocks, 64 zones of 4 MiB (4 conventional), optimal 8 open',
    layout: () =>
      layoutOf({
        model: 'host-aware',
        blockSize: 512,
        physicalBlockSize: 4096,
        capacityBytes: 256 * MiB,
        zoneBytes: 4 * MiB,
        conventionalZones: 4,
        maxOpen: 8,
      }),
  },
  {
    name: 'zd-hybrid',
    description:
      'zone domains: 16 realms of 2 CMR (conventional) or 3 SMR (SWR) 4 MiB zones, a GAP zone ' +
      'between the domains, realms 0-7 CMR and 8-15 SMR (--model zone-domains)',
    layout: () => hybridLayout(16, ZoneType.CONVENTIONAL),
  },
  {
    name: 'zd-sobr',
    description:
      'zone domains: as zd-hybrid with a sequential-or-before-required CMR domain; realm 15 ' +
      'restricted (no activation)',
    layout: () => hybridLayout(16, ZoneType.SEQUENTIAL_OR_BEFORE_REQUIRED, [15]),
  },
  {
    name: 'none-small',
    description: 'non-zoned 256 MiB disk, 512/4096-byte blocks',
    layout: () =>
      layoutOf({
        model: 'none',
        blockSize: 512,
        physicalBlockSize: 4096,
        capacityBytes: 256 * MiB,
        zoneBytes: 4 * MiB,
        conventionalZones: 0,
        maxOpen: null,
      }),
  },
];

export const PROFILE_NAMES: readonly string[] = PROFILES.map((p) => p.name);

/** The profile's layout, or undefined for an unknown name. */
export function profileLayout(name: string): ZoneLayoutConfig | undefined {
  return PROFILES.find((p) => p.name === name)?.layout();
}
