// VPD B6h bytes (ZBC-2 Zoned Block Device Characteristics), B1h ZONED, PDT, and the drive profiles.
import { describe, expect, it } from 'vitest';
import { validateLayout } from '../../../zbc/geometry.js';
import { PROFILES, PROFILE_NAMES, profileLayout } from '../../../zbc/profiles.js';
import { encodeZonedVpdPage, peripheralDeviceType, zonedField } from '../../../zbc/vpd.js';
import { ZoneModel } from '../../../zbc/zone-model.js';
import { gapLayout, smallLayout } from './fixtures.js';
import { settled } from '../../helpers/zone-result.js';

function page(layout: Parameters<typeof encodeZonedVpdPage>[0]): Buffer {
  const out = Buffer.alloc(64);
  encodeZonedVpdPage(layout, out);
  return out;
}

describe('VPD B6h', () => {
  it('host-managed: PDT 14h, URSWRZ, max open, not-reported optimal counts, method 1', () => {
    const p = page(smallLayout());
    expect(p.subarray(0, 4)).toEqual(Buffer.from([0x14, 0xb6, 0x00, 0x3c]));
    expect(p[4]).toBe(0x01);
    expect(p.readUInt32BE(8)).toBe(0xffff_ffff);
    expect(p.readUInt32BE(12)).toBe(0xffff_ffff);
    expect(p.readUInt32BE(16)).toBe(2);
    expect(p[23]).toBe(1);
    expect(p.readBigUInt64BE(24)).toBe(0n);
  });

  it('no limit is FFFFFFFFh; URSWRZ = 0 is reported; a runt makes the method 0', () => {
    const p = page(smallLayout({ maxOpen: null, urswrz: false, capacityBlocks: 8 * 64 - 8 }));
    expect(p.readUInt32BE(16)).toBe(0xffff_ffff);
    expect(p[4]).toBe(0x00);
    expect(p[23]).toBe(0);
  });

  it('gap zones: method 8 and the zone pitch as granularity', () => {
    const p = page(gapLayout());
    expect(p[23]).toBe(8);
    expect(p.readBigUInt64BE(24)).toBe(64n);
  });

  it('host-aware: PDT 00h, extension 1, hints in 8–15, no SWR limit', () => {
    const p = page(smallLayout({ model: 'host-aware', maxOpen: 6 }));
    expect(p[0]).toBe(0x00);
    expect(p[4]).toBe(0x11);
    expect(p.readUInt32BE(8)).toBe(6);
    expect(p.readUInt32BE(12)).toBe(6);
    expect(p.readUInt32BE(16)).toBe(0xffff_ffff);
  });

  it('ZONED field and PDT by model', () => {
    expect([zonedField('host-managed'), zonedField('host-aware'), zonedField('none')]).toEqual([
      0, 1, 0,
    ]);
    expect([peripheralDeviceType('host-managed'), peripheralDeviceType('host-aware')]).toEqual([
      0x14, 0,
    ]);
  });
});

describe('profiles', () => {
  it('every profile is valid and listed', () => {
    expect(PROFILE_NAMES).toEqual([
      'default',
      'hm-20tb',
      'hm-gap-small',
      'ha-small',
      'zd-hybrid',
      'zd-sobr',
      'none-small',
    ]);
    for (const p of PROFILES) expect(validateLayout(p.layout()), p.name).toBeNull();
    expect(profileLayout('nope')).toBeUndefined();
  });

  it('default satisfies fio t/zbd and libzbc: >= 130 sequential zones, >= 8 conventional (16 MiB+), max open 8', () => {
    const layout = profileLayout('default')!;
    const m = new ZoneModel(layout);
    expect(m.zoneCount).toBe(256);
    expect(layout.conventionalZones).toBe(8);
    expect(
      layout.conventionalZones * layout.zoneSizeBlocks * layout.blockSize,
    ).toBeGreaterThanOrEqual(16 * 2 ** 20);
    expect(m.zoneCount - layout.conventionalZones).toBeGreaterThanOrEqual(130);
    expect([layout.blockSize, layout.physicalBlockSize, layout.maxOpen]).toEqual([512, 4096, 8]);
    expect(layout.zoneSizeBlocks * layout.blockSize).toBe(4 * 2 ** 20);
  });

  it('hm-20tb: 20 TB, 256 MiB zones, ~1% conventional, max open 128', () => {
    const layout = profileLayout('hm-20tb')!;
    expect(layout.capacityBlocks * layout.blockSize).toBe(20e12);
    expect(layout.zoneSizeBlocks * layout.blockSize).toBe(256 * 2 ** 20);
    expect(layout.maxOpen).toBe(128);
    expect(layout.conventionalZones / 74_506).toBeCloseTo(0.01, 2);
  });
});

describe('scale: hm-20tb', () => {
  it('constructs and encodes a full report of every zone', () => {
    const m = new ZoneModel(profileLayout('hm-20tb')!);
    expect(m.zoneCount).toBe(74_506);
    const r = settled(
      m.reportZones({ startLba: 0, option: 0, partial: false, allocationLength: 0xffff_ffff }),
    );
    if ('kind' in r) throw new Error(r.kind);
    expect(r.size).toBe(64 + 74_506 * 64);
    const out = Buffer.alloc(r.size);
    r.encode(out);
    expect(out.readUInt32BE(0)).toBe(74_506 * 64);
    expect(out.readBigUInt64BE(8)).toBe(39_062_500_000n - 1n);
    const at = (i: number) => 64 + i * 64;
    expect(out[at(744)]).toBe(1);
    expect(out[at(745)]).toBe(2);
    expect(out.readBigUInt64BE(at(745) + 16)).toBe(745n * 524_288n);
    expect(out.readBigUInt64BE(at(745) + 24)).toBe(745n * 524_288n);
    const last = at(74_505);
    expect(out.readBigUInt64BE(last + 16)).toBe(74_505n * 524_288n);
    expect(out.readBigUInt64BE(last + 8)).toBe(39_062_500_000n - 74_505n * 524_288n);
    // PARTIAL = 1 from the middle, as Linux revalidation reads it.
    const p = settled(
      m.reportZones({
        startLba: 40_000 * 524_288 + 7,
        option: 0,
        partial: true,
        allocationLength: 512 * 1024,
      }),
    );
    if ('kind' in p) throw new Error(p.kind);
    expect(p.size).toBe(512 * 1024);
  });
});
