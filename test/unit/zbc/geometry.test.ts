// Layout validation (one error per field) and O(1) zone arithmetic.
import { describe, expect, it } from 'vitest';
import { validateLayout, ZoneGeometry } from '../../../zbc/geometry.js';
import type { ZoneLayoutConfig } from '../../../zbc/types.js';
import { gapLayout, smallLayout } from './fixtures.js';

describe('validateLayout', () => {
  const bad: readonly [string, Partial<ZoneLayoutConfig>, string][] = [
    ['block size', { blockSize: 520 }, 'blockSize'],
    ['physical below logical', { blockSize: 4096, physicalBlockSize: 512 }, 'physicalBlockSize'],
    ['physical not a power of two', { physicalBlockSize: 3072 }, 'physicalBlockSize'],
    ['capacity 0', { capacityBlocks: 0 }, 'capacityBlocks'],
    ['capacity fractional', { capacityBlocks: 100.5 }, 'capacityBlocks'],
    ['capacity not physical-aligned', { capacityBlocks: 8 * 64 - 4 }, 'capacityBlocks'],
    ['capacity above 8 PiB', { capacityBlocks: 2 ** 45 }, 'capacityBlocks'],
    [
      'zone size not a power of two',
      { zoneSizeBlocks: 96, zoneCapacityBlocks: 96 },
      'zoneSizeBlocks',
    ],
    [
      'zone size above 2^32-1 sectors',
      {
        blockSize: 4096,
        physicalBlockSize: 4096,
        zoneSizeBlocks: 2 ** 29,
        zoneCapacityBlocks: 2 ** 29,
        capacityBlocks: 2 ** 32,
      },
      'zoneSizeBlocks',
    ],
    [
      'zone size below a physical block',
      { zoneSizeBlocks: 4, zoneCapacityBlocks: 4 },
      'zoneSizeBlocks',
    ],
    ['zone capacity above zone size', { zoneCapacityBlocks: 128 }, 'zoneCapacityBlocks'],
    ['zone capacity 0', { zoneCapacityBlocks: 0 }, 'zoneCapacityBlocks'],
    ['zone capacity not physical-aligned', { zoneCapacityBlocks: 60 }, 'zoneCapacityBlocks'],
    ['negative conventional zones', { conventionalZones: -1 }, 'conventionalZones'],
    ['no sequential zone', { conventionalZones: 8 }, 'conventionalZones'],
    ['max open 0', { maxOpen: 0 }, 'maxOpen'],
    ['max open all ones', { maxOpen: 0xffff_ffff }, 'maxOpen'],
    ['read-only conventional zone', { readOnlyZones: [1] }, 'readOnlyZones'],
    ['read-only zone beyond the last', { readOnlyZones: [8] }, 'readOnlyZones'],
    ['offline gap zone', { ...gapLayout(), offlineZones: [3] }, 'offlineZones'],
    ['zone both read-only and offline', { readOnlyZones: [3], offlineZones: [3] }, 'offlineZones'],
  ];
  it.each(bad)('%s', (_title, over, field) => {
    const error = validateLayout(smallLayout(over));
    expect(error).not.toBeNull();
    expect(error?.startsWith(`${field}:`)).toBe(true);
  });

  it('accepts valid layouts, and model none ignores zone fields', () => {
    expect(validateLayout(smallLayout())).toBeNull();
    expect(validateLayout(gapLayout({ readOnlyZones: [2], offlineZones: [4] }))).toBeNull();
    expect(validateLayout(smallLayout({ capacityBlocks: 8 * 64 - 8 }))).toBeNull(); // runt
    expect(validateLayout(smallLayout({ maxOpen: null }))).toBeNull();
    expect(
      validateLayout(smallLayout({ model: 'none', zoneSizeBlocks: 3, conventionalZones: 99 })),
    ).toBeNull();
  });
});

describe('ZoneGeometry', () => {
  it('maps every LBA to the zone that holds it (no gaps, runt)', () => {
    const g = new ZoneGeometry(smallLayout({ capacityBlocks: 8 * 64 - 16 }));
    expect(g.zoneCount).toBe(8);
    expect(g.length(7)).toBe(48);
    for (let lba = 0; lba < g.capacity; lba++) {
      const i = g.indexOf(lba);
      expect(lba >= g.start(i) && lba < g.start(i) + g.length(i)).toBe(true);
    }
  });

  it('maps every LBA with gap zones, runt shorter than the capacity (no last gap)', () => {
    const g = new ZoneGeometry(gapLayout({ capacityBlocks: 5 * 64 + 40 }));
    expect(g.zoneCount).toBe(2 + 2 * 4 - 1);
    expect([g.type(8), g.start(8), g.length(8)]).toEqual([2, 320, 40]);
    let covered = 0;
    for (let i = 0; i < g.zoneCount; i++) {
      expect(g.start(i)).toBe(covered);
      covered += g.length(i);
    }
    expect(covered).toBe(g.capacity);
    for (let lba = 0; lba < g.capacity; lba++) {
      const i = g.indexOf(lba);
      expect(lba >= g.start(i) && lba < g.start(i) + g.length(i)).toBe(true);
    }
  });

  it('handles LBAs above 2^32', () => {
    const g = new ZoneGeometry(
      smallLayout({
        capacityBlocks: 2 ** 40,
        zoneSizeBlocks: 2 ** 19,
        zoneCapacityBlocks: 2 ** 18,
      }),
    );
    const lba = 2 ** 39 + 2 ** 18 + 5; // in a gap zone
    const i = g.indexOf(lba);
    expect(g.type(i)).toBe(5);
    expect(g.start(i)).toBe(2 ** 39 + 2 ** 18);
  });
});
