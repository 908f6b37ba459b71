// ZBC-2 writes to SWR zones (HM), reads, and SWP zones (HA): every fault kind and its precedence.
import { describe, expect, it } from 'vitest';
import { ZoneModel } from '../../../zbc/zone-model.js';
import { ZoneAttribute, ZoneCondition as C, type ZoneLayoutConfig } from '../../../zbc/types.js';
import { act, cond, gapLayout, smallLayout, wp, write, zs } from './fixtures.js';
import { isZoneFault, settled } from '../../helpers/zone-result.js';

type Prep = (m: ZoneModel) => void;
interface WriteCase {
  readonly title: string;
  readonly layout?: Partial<ZoneLayoutConfig>;
  readonly prep?: Prep;
  readonly lba: number;
  readonly blocks: number;
  readonly hm: string; // fault kind or 'ok'
  readonly ha: string;
}

const openTwoExplicitly: Prep = (m) => {
  act(m, 'open', zs(4));
  act(m, 'open', zs(5));
};

const WRITES: readonly WriteCase[] = [
  { title: 'at the WP of an EMPTY zone', lba: zs(3), blocks: 8, hm: 'ok', ha: 'ok' },
  {
    title: 'one physical block past the WP',
    lba: zs(3) + 8,
    blocks: 8,
    hm: 'unaligned-write',
    ha: 'ok',
  },
  {
    title: 'below the WP',
    prep: (m) => write(m, zs(3), 16),
    lba: zs(3) + 8,
    blocks: 8,
    hm: 'unaligned-write',
    ha: 'ok',
  },
  {
    title: 'LBA not physical-block aligned (at WP)',
    prep: (m) => write(m, zs(3), 8),
    lba: zs(3) + 8,
    blocks: 4,
    hm: 'unaligned-write',
    ha: 'ok',
  },
  { title: 'across the zone end', lba: zs(3) + 56, blocks: 16, hm: 'write-boundary', ha: 'ok' },
  {
    title: 'across the zone end beats WP mismatch',
    lba: zs(3) + 60,
    blocks: 8,
    hm: 'write-boundary',
    ha: 'ok',
  },
  {
    title: 'into a FULL zone',
    prep: (m) => act(m, 'finish', zs(3)),
    lba: zs(3),
    blocks: 8,
    hm: 'write-to-full-zone',
    ha: 'ok',
  },
  {
    title: 'boundary beats FULL',
    prep: (m) => act(m, 'finish', zs(3)),
    lba: zs(3) + 56,
    blocks: 16,
    hm: 'write-boundary',
    ha: 'ok',
  },
  {
    title: 'EMPTY zone with all resources explicitly open',
    prep: openTwoExplicitly,
    lba: zs(3),
    blocks: 8,
    hm: 'insufficient-zone-resources',
    ha: 'ok',
  },
  {
    title: 'WP mismatch beats insufficient resources',
    prep: openTwoExplicitly,
    lba: zs(3) + 8,
    blocks: 8,
    hm: 'unaligned-write',
    ha: 'ok',
  },
  { title: 'conventional zones, spanning two', lba: zs(0) + 60, blocks: 8, hm: 'ok', ha: 'ok' },
  {
    title: 'conventional into sequential',
    lba: zs(1) + 60,
    blocks: 8,
    hm: 'write-boundary',
    ha: 'write-boundary',
  },
  {
    title: 'offline zone',
    layout: { offlineZones: [3] },
    lba: zs(3),
    blocks: 8,
    hm: 'zone-offline',
    ha: 'zone-offline',
  },
  {
    title: 'read-only zone',
    layout: { readOnlyZones: [3] },
    lba: zs(3),
    blocks: 8,
    hm: 'zone-read-only',
    ha: 'zone-read-only',
  },
  {
    title: 'offline zone later in the range beats the boundary',
    layout: { offlineZones: [4] },
    lba: zs(3) + 56,
    blocks: 16,
    hm: 'zone-offline',
    ha: 'zone-offline',
  },
  {
    title: 'offline beats read-only anywhere in the range',
    layout: { readOnlyZones: [3], offlineZones: [4] },
    lba: zs(3) + 56,
    blocks: 16,
    hm: 'zone-offline',
    ha: 'zone-offline',
  },
];

function modelFor(
  model: 'host-managed' | 'host-aware',
  over: Partial<ZoneLayoutConfig> = {},
): ZoneModel {
  return new ZoneModel(smallLayout({ model, maxOpen: 2, ...over }));
}

function snapshot(m: ZoneModel) {
  return Array.from({ length: m.zoneCount }, (_, i) => m.zoneAt(i));
}

describe('writes (ZBC-2, SWR and SWP zones)', () => {
  for (const model of ['host-managed', 'host-aware'] as const) {
    it.each(WRITES)(`${model}: $title`, (c) => {
      const m = modelFor(model, c.layout);
      c.prep?.(m);
      const before = snapshot(m);
      const p = settled(m.planWrite(c.lba, c.blocks));
      const expected = model === 'host-managed' ? c.hm : c.ha;
      if (expected === 'ok') {
        expect(isZoneFault(p) ? p.kind : 'ok').toBe('ok');
      } else {
        expect(p).toMatchObject({ kind: expected });
        if (expected !== 'insufficient-zone-resources') expect(p).toHaveProperty('lba');
      }
      expect(snapshot(m)).toEqual(before); // planning never mutates
    });
  }

  it('write-pointer faults carry the command LBA', () => {
    const m = modelFor('host-managed');
    expect(settled(m.planWrite(zs(3) + 8, 8))).toEqual({ kind: 'unaligned-write', lba: zs(3) + 8 });
    expect(settled(m.planWrite(zs(3) + 56, 16))).toEqual({
      kind: 'write-boundary',
      lba: zs(3) + 56,
    });
  });

  it('a write to an EMPTY zone at the limit closes the lowest-numbered IOPEN zone', () => {
    const m = modelFor('host-managed');
    write(m, zs(5), 8);
    write(m, zs(4), 8);
    write(m, zs(3), 8);
    expect(cond(m, 4)).toBe(C.CLOSED);
    expect(cond(m, 5)).toBe(C.IMPLICITLY_OPENED);
    expect(cond(m, 3)).toBe(C.IMPLICITLY_OPENED);
    write(m, zs(6), 8);
    expect(cond(m, 3)).toBe(C.CLOSED);
    expect(cond(m, 5)).toBe(C.IMPLICITLY_OPENED);
    expect(m.openCounts).toEqual({ implicit: 2, explicit: 0, closed: 2 });
  });

  it('zero-length writes are accepted and change nothing', () => {
    const m = modelFor('host-managed');
    const p = settled(m.planWrite(zs(3) + 8, 0));
    expect(isZoneFault(p)).toBe(false);
    if (!isZoneFault(p)) m.commitWrite(p);
    expect(cond(m, 3)).toBe(C.EMPTY);
  });

  it('host-aware: NON_SEQ set off the WP, following zones opened, FULL accepts writes', () => {
    const m = modelFor('host-aware');
    write(m, zs(3) + 16, 56); // runs 8 blocks into zone 4
    expect(m.zoneAt(3)).toMatchObject({
      condition: C.FULL,
      writePointer: zs(4),
      attributes: ZoneAttribute.NON_SEQ,
    });
    expect(m.zoneAt(4)).toMatchObject({
      condition: C.IMPLICITLY_OPENED,
      writePointer: zs(4) + 8,
      attributes: 0,
    });
    write(m, zs(3), 8); // into a FULL SWP zone
    expect(cond(m, 3)).toBe(C.FULL);
    write(m, zs(4) + 32, 8);
    expect(m.zoneAt(4)).toMatchObject({
      writePointer: zs(4) + 40,
      attributes: ZoneAttribute.NON_SEQ,
    });
    write(m, zs(4) + 8, 8); // below the WP: WP stays
    expect(wp(m, 4)).toBe(zs(4) + 40);
    // No open limit on SWP zones.
    for (const z of [5, 6, 7]) write(m, zs(z), 8);
    expect(m.openCounts.implicit).toBe(4);
    act(m, 'sequentialize', zs(4));
    expect(m.zoneAt(4).attributes).toBe(0);
    act(m, 'reset', zs(3));
    expect(m.zoneAt(3)).toMatchObject({ condition: C.EMPTY, writePointer: zs(3), attributes: 0 });
  });
});

describe('gap zones (ZBC-2 alignment method 8)', () => {
  // Zones: 0,1 conventional; 2 SWR [128,176); 3 gap [176,192); 4 SWR [192,240); 5 gap ...
  it('lays out SWR + GAP pairs', () => {
    const m = new ZoneModel(gapLayout());
    expect(m.zoneCount).toBe(10);
    expect(m.zoneAt(2)).toMatchObject({ type: 0x2, start: 128, length: 48 });
    expect(m.zoneAt(3)).toMatchObject({
      type: 0x5,
      start: 176,
      length: 16,
      condition: C.NOT_WRITE_POINTER,
    });
    expect(m.zoneAt(9)).toMatchObject({ type: 0x5, start: 368, length: 16 });
  });

  it('a write starting in a gap zone is 5/21/09, a write into one 5/21/05', () => {
    const m = new ZoneModel(gapLayout());
    expect(settled(m.planWrite(176, 8))).toEqual({ kind: 'gap-zone-access', lba: 176 });
    write(m, 128, 40);
    expect(settled(m.planWrite(168, 16))).toEqual({ kind: 'write-boundary', lba: 168 });
    write(m, 168, 8);
    expect(cond(m, 2)).toBe(C.FULL);
  });

  it('reads: gap zones read as zeros with URSWRZ, 5/21/09 without; crossing SWR->gap is 5/21/07', () => {
    const m = new ZoneModel(gapLayout());
    expect(settled(m.checkRead(176, 16))).toEqual([{ lba: 176, blocks: 16, zeroFill: true }]);
    expect(settled(m.checkRead(170, 16))).toEqual({ kind: 'read-boundary', lba: 170 });
    const strict = new ZoneModel(gapLayout({ urswrz: false }));
    expect(settled(strict.checkRead(176, 8))).toEqual({ kind: 'gap-zone-access', lba: 176 });
  });

  it('actions naming a gap zone: ATTEMPT TO ACCESS GAP ZONE; inside one: invalid-zone-id', () => {
    const m = new ZoneModel(gapLayout());
    expect(act(m, 'reset', 176)).toEqual({ kind: 'gap-zone-access', lba: 176 });
    expect(act(m, 'open', 177)).toEqual({ kind: 'invalid-zone-id' });
  });
});

describe('reads (ZBC-2, URSWRZ)', () => {
  it('URSWRZ = 1: data below the WP, zeros above, across SWR zones', () => {
    const m = new ZoneModel(smallLayout());
    write(m, zs(3), 16);
    expect(settled(m.checkRead(zs(3), 128))).toEqual([
      { lba: zs(3), blocks: 16, zeroFill: false },
      { lba: zs(3) + 16, blocks: 112, zeroFill: true },
    ]);
    expect(settled(m.checkRead(0, 64))).toEqual([{ lba: 0, blocks: 64, zeroFill: false }]);
  });

  it('crossing conventional -> SWR is a READ BOUNDARY VIOLATION on HM, fine on HA', () => {
    expect(settled(new ZoneModel(smallLayout()).checkRead(zs(2) - 8, 16))).toEqual({
      kind: 'read-boundary',
      lba: zs(2) - 8,
    });
    const ha = new ZoneModel(smallLayout({ model: 'host-aware' }));
    expect(settled(ha.checkRead(zs(2) - 8, 16))).toEqual([
      { lba: zs(2) - 8, blocks: 8, zeroFill: false },
      { lba: zs(2), blocks: 8, zeroFill: true },
    ]);
  });

  it('offline zones refuse reads; read-only zones read normally', () => {
    const m = new ZoneModel(smallLayout({ offlineZones: [4], readOnlyZones: [3] }));
    expect(settled(m.checkRead(zs(4), 8))).toEqual({ kind: 'zone-offline', lba: zs(4) });
    expect(settled(m.checkRead(zs(3) + 60, 8))).toEqual({ kind: 'zone-offline', lba: zs(4) });
    expect(settled(m.checkRead(zs(3), 8))).toEqual([{ lba: zs(3), blocks: 8, zeroFill: false }]);
  });

  it('URSWRZ = 0: above the WP is 5/21/06, across SWR zones 5/21/07, FULL zones readable', () => {
    const m = new ZoneModel(smallLayout({ urswrz: false }));
    write(m, zs(3), 16);
    expect(settled(m.checkRead(zs(3), 16))).toEqual([{ lba: zs(3), blocks: 16, zeroFill: false }]);
    expect(settled(m.checkRead(zs(3) + 8, 16))).toEqual({
      kind: 'read-invalid-data',
      lba: zs(3) + 8,
    });
    expect(settled(m.checkRead(zs(3) + 60, 8))).toEqual({ kind: 'read-boundary', lba: zs(3) + 60 });
    act(m, 'finish', zs(4));
    expect(isZoneFault(settled(m.checkRead(zs(4), 64)))).toBe(false);
  });
});
