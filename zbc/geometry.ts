// Zone layout: validation of a ZoneLayoutConfig and O(1) zone lookup from an LBA.
// Zones are contiguous from LBA 0 in REPORT ZONES order: conventional zones first, then one
// sequential zone per zone pitch, each followed by a GAP zone when the zone capacity is below the
// pitch (ZBC-2 zone alignment method 8, "constant zone starting LBA offset"). The last pitch may be
// short (a runt), as Linux allows a smaller last zone.
import { DomainMap, validateDomains } from './domains/domain-map.js';
import { ZoneType, type ZoneLayoutConfig } from './types.js';

/** Linux refuses zones above UINT_MAX 512-byte sectors (sd_zbc.c, blk-zoned.c). */
const MAX_ZONE_SECTORS = 0xffff_ffff;
/** 8 PiB: keeps lba * blockSize an exact number (docs/architecture.md). */
const MAX_CAPACITY_BYTES = 2 ** 53;
const BLOCK_SIZES: readonly number[] = [512, 1024, 2048, 4096];

const isPowerOfTwo = (n: number): boolean =>
  Number.isSafeInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/**
 * Checks a layout. Returns a one-line error naming the offending field, or null when valid.
 * For model 'none' only the block sizes and capacity matter.
 */
export function validateLayout(layout: ZoneLayoutConfig): string | null {
  const { blockSize, physicalBlockSize, capacityBlocks } = layout;
  if (!BLOCK_SIZES.includes(blockSize))
    return `blockSize: must be one of ${BLOCK_SIZES.join(', ')}`;
  if (
    !isPowerOfTwo(physicalBlockSize) ||
    physicalBlockSize < blockSize ||
    physicalBlockSize > 65536
  ) {
    return 'physicalBlockSize: must be a power of two between blockSize and 65536';
  }
  if (!Number.isSafeInteger(capacityBlocks) || capacityBlocks < 1) {
    return 'capacityBlocks: must be a positive integer';
  }
  if (capacityBlocks * blockSize > MAX_CAPACITY_BYTES)
    return 'capacityBlocks: capacity above 8 PiB';
  if (capacityBlocks % (physicalBlockSize / blockSize) !== 0) {
    return 'capacityBlocks: must be a multiple of the physical block';
  }
  if (layout.model === 'none') return null;
  if (layout.model !== 'host-managed' && layout.model !== 'host-aware') return 'model: unknown';

  const perPhysical = physicalBlockSize / blockSize;
  const { zoneSizeBlocks: size, zoneCapacityBlocks: cap } = layout;
  if (!isPowerOfTwo(size)) return 'zoneSizeBlocks: must be a power of two';
  if ((size * blockSize) / 512 > MAX_ZONE_SECTORS) {
    return 'zoneSizeBlocks: must be at most 2^32-1 512-byte sectors';
  }
  if (size % perPhysical !== 0) return 'zoneSizeBlocks: must be a multiple of the physical block';
  if (!Number.isSafeInteger(cap) || cap < 1 || cap > size) {
    return 'zoneCapacityBlocks: must be between 1 and zoneSizeBlocks';
  }
  if (cap % perPhysical !== 0)
    return 'zoneCapacityBlocks: must be a multiple of the physical block';
  if (!isCount(layout.conventionalZones))
    return 'conventionalZones: must be a non-negative integer';
  if (layout.conventionalZones * size >= capacityBlocks) {
    return 'conventionalZones: leaves no sequential zone (at least one is required)';
  }
  const { maxOpen } = layout;
  if (maxOpen !== null && (!Number.isInteger(maxOpen) || maxOpen < 1 || maxOpen >= 0xffff_ffff)) {
    return 'maxOpen: must be null (no limit) or an integer from 1 to FFFFFFFEh';
  }
  if (typeof layout.urswrz !== 'boolean') return 'urswrz: must be a boolean';
  const domainsError = validateDomains(layout);
  if (domainsError !== null) return domainsError;

  const geometry = new ZoneGeometry(layout);
  const seen = new Set<number>();
  const lists = [
    ['readOnlyZones', layout.readOnlyZones],
    ['offlineZones', layout.offlineZones],
  ] as const;
  for (const [field, list] of lists) {
    for (const index of list) {
      if (!Number.isInteger(index) || index < 0 || index >= geometry.zoneCount) {
        return `${field}: zone index ${index} does not exist`;
      }
      // Linux accepts READ ONLY / OFFLINE only on sequential zones (docs/initiators.md).
      if (!geometry.isSequential(index)) return `${field}: zone ${index} is not a sequential zone`;
      if (seen.has(index)) return `${field}: zone ${index} listed twice`;
      seen.add(index);
    }
  }
  return null;
}

/**
 * Zone arithmetic for a valid zoned layout. All numbers, no BigInt: zone starts are multiples
 * of a power of two below 2^53, so divisions by the pitch are exact.
 */
export class ZoneGeometry {
  readonly zoneSize: number;
  readonly zoneCapacity: number;
  readonly capacity: number;
  readonly conventionalZones: number;
  /** Sequential zones (SWR or SWP), the runt included. */
  readonly sequentialZones: number;
  readonly hasGaps: boolean;
  /** All zones, gap zones included (REPORT ZONES order). */
  readonly zoneCount: number;
  readonly sequentialType: ZoneType;
  /** Zone index of the first sequential zone. */
  readonly firstSequential: number;
  /** Zone types by domain on a domains-and-realms layout, else null. */
  readonly domainMap: DomainMap | null;

  constructor(layout: ZoneLayoutConfig) {
    this.zoneSize = layout.zoneSizeBlocks;
    this.zoneCapacity = layout.zoneCapacityBlocks;
    this.capacity = layout.capacityBlocks;
    this.conventionalZones = layout.conventionalZones;
    this.hasGaps = this.zoneCapacity < this.zoneSize;
    this.sequentialType =
      layout.model === 'host-aware'
        ? ZoneType.SEQUENTIAL_WRITE_PREFERRED
        : ZoneType.SEQUENTIAL_WRITE_REQUIRED;
    const pitches = Math.ceil(this.capacity / this.zoneSize);
    this.sequentialZones = pitches - this.conventionalZones;
    this.firstSequential = this.conventionalZones;
    this.domainMap = layout.domains === undefined ? null : new DomainMap(layout.domains);
    if (!this.hasGaps) {
      this.zoneCount = pitches;
    } else {
      // Every sequential pitch has a gap, except a runt last pitch that ends inside the capacity.
      const runt = this.capacity - (pitches - 1) * this.zoneSize;
      const lastHasGap = runt > this.zoneCapacity;
      this.zoneCount = this.conventionalZones + 2 * this.sequentialZones - (lastHasGap ? 0 : 1);
    }
  }

  /** Zone index holding `lba` (lba < capacity). O(1). */
  indexOf(lba: number): number {
    const pitch = Math.floor(lba / this.zoneSize);
    if (pitch < this.conventionalZones || !this.hasGaps) return pitch;
    const seq = pitch - this.conventionalZones;
    const inGap = lba - pitch * this.zoneSize >= this.zoneCapacity;
    return this.conventionalZones + 2 * seq + (inGap ? 1 : 0);
  }

  start(index: number): number {
    if (index < this.conventionalZones || !this.hasGaps) return index * this.zoneSize;
    const rel = index - this.conventionalZones;
    const pitch = this.conventionalZones + (rel >> 1);
    return pitch * this.zoneSize + ((rel & 1) === 1 ? this.zoneCapacity : 0);
  }

  length(index: number): number {
    const start = this.start(index);
    let nominal: number;
    if (index < this.conventionalZones || !this.hasGaps) nominal = this.zoneSize;
    else if (((index - this.conventionalZones) & 1) === 1)
      nominal = this.zoneSize - this.zoneCapacity;
    else nominal = this.zoneCapacity;
    return Math.min(nominal, this.capacity - start);
  }

  type(index: number): ZoneType {
    if (this.domainMap !== null) return this.domainMap.type(index);
    if (index < this.conventionalZones) return ZoneType.CONVENTIONAL;
    if (this.hasGaps && ((index - this.conventionalZones) & 1) === 1) return ZoneType.GAP;
    return this.sequentialType;
  }

  isSequential(index: number): boolean {
    const t = this.type(index);
    return t === ZoneType.SEQUENTIAL_WRITE_REQUIRED || t === ZoneType.SEQUENTIAL_WRITE_PREFERRED;
  }

  /** SWR, SWP and SOBR zones have a write pointer (ZBC-2 4.4.3). */
  hasWritePointer(index: number): boolean {
    return this.isSequential(index) || this.type(index) === ZoneType.SEQUENTIAL_OR_BEFORE_REQUIRED;
  }

  /** ZONE STARTING LBA GRANULARITY (B6h bytes 24–31, report header 16–23): the pitch with gaps. */
  get startingLbaGranularity(): number {
    return this.hasGaps ? this.zoneSize : 0;
  }
}
