// ZBC-2 ZBC OUT zone actions: validation order, ALL, ZONE COUNT, resources, no partial change.
import { describe, expect, it } from 'vitest';
import { ZoneModel } from '../../../zbc/zone-model.js';
import { ZoneCondition as C, ZoneAttribute } from '../../../zbc/types.js';
import { act, cond, gapLayout, smallLayout, wp, write, zs } from './fixtures.js';

const all = (m: ZoneModel) => Array.from({ length: m.zoneCount }, (_, i) => m.zoneAt(i));

describe('validation order (ALL = 0)', () => {
  const cases = [
    { title: 'ZONE ID = capacity', zoneId: 512, fault: 'zone-id-out-of-range' },
    { title: 'ZONE ID far beyond (bigint)', zoneId: 2n ** 60n, fault: 'zone-id-out-of-range' },
    { title: 'ZONE ID inside a zone', zoneId: zs(3) + 8, fault: 'invalid-zone-id' },
    { title: 'conventional zone', zoneId: zs(1), fault: 'invalid-zone-id' },
    {
      title: 'ZONE COUNT past the last zone',
      zoneId: zs(6),
      count: 3,
      fault: 'zone-id-out-of-range',
    },
  ] as const;
  for (const action of ['open', 'close', 'finish', 'reset', 'sequentialize'] as const) {
    it.each(cases)(`${action}: $title`, (c) => {
      const m = new ZoneModel(smallLayout());
      const before = all(m);
      expect(act(m, action, c.zoneId, { count: 'count' in c ? c.count : 0 })).toEqual({
        kind: c.fault,
      });
      expect(all(m)).toEqual(before);
    });
  }

  it('out of range beats not-a-zone-start; zone condition faults come after the ID checks', () => {
    const m = new ZoneModel(smallLayout({ readOnlyZones: [3], offlineZones: [4] }));
    expect(act(m, 'reset', zs(3) + 1)).toEqual({ kind: 'invalid-zone-id' });
    expect(act(m, 'reset', zs(3))).toEqual({ kind: 'zone-read-only', lba: zs(3) });
    expect(act(m, 'open', zs(4))).toEqual({ kind: 'zone-offline', lba: zs(4) });
    // Range: the first unavailable zone in ascending order decides, and nothing changes.
    write(m, zs(2), 8);
    expect(act(m, 'reset', zs(2), { count: 3 })).toEqual({ kind: 'zone-read-only', lba: zs(3) });
    expect(wp(m, 2)).toBe(zs(2) + 8);
  });

  it('a ZONE COUNT range over a gap zone is invalid-zone-count', () => {
    const m = new ZoneModel(gapLayout());
    expect(act(m, 'reset', 128, { count: 2 })).toEqual({ kind: 'invalid-zone-count' });
  });
});

describe('resources (ZBC-2 manage open zone resources)', () => {
  it('OPEN at the limit closes the lowest-numbered IOPEN zone; with all explicitly open it fails', () => {
    const m = new ZoneModel(smallLayout());
    write(m, zs(4), 8);
    write(m, zs(3), 8);
    expect(act(m, 'open', zs(5))).toEqual({ changed: 1, discard: [], undo: [] });
    expect(cond(m, 3)).toBe(C.CLOSED);
    expect(cond(m, 4)).toBe(C.IMPLICITLY_OPENED);
    expect(act(m, 'open', zs(6))).toMatchObject({ changed: 1 });
    expect(cond(m, 4)).toBe(C.CLOSED);
    expect(act(m, 'open', zs(7))).toEqual({ kind: 'insufficient-zone-resources' });
    expect(cond(m, 7)).toBe(C.EMPTY);
    // OPEN of an IOPEN zone converts it without a new resource.
    act(m, 'close', zs(6));
    write(m, zs(3) + 8, 8);
    expect(cond(m, 3)).toBe(C.IMPLICITLY_OPENED);
    expect(act(m, 'open', zs(3))).toMatchObject({ changed: 1 });
    expect(m.openCounts).toEqual({ implicit: 0, explicit: 2, closed: 1 });
  });

  it('FINISH of an EMPTY or CLOSED zone needs a resource (the standard, docs/zones.md)', () => {
    const m = new ZoneModel(smallLayout());
    act(m, 'open', zs(3));
    act(m, 'open', zs(4));
    expect(act(m, 'finish', zs(5))).toEqual({ kind: 'insufficient-zone-resources' });
    expect(act(m, 'finish', zs(3))).toMatchObject({ changed: 1 }); // open zones always finish
    expect(act(m, 'finish', zs(5))).toMatchObject({ changed: 1 });
    expect(cond(m, 5)).toBe(C.FULL);
    expect(m.openCounts).toEqual({ implicit: 0, explicit: 1, closed: 0 });
  });

  it('FINISH with an IOPEN zone at the limit evicts it', () => {
    const m = new ZoneModel(smallLayout());
    act(m, 'open', zs(3));
    write(m, zs(4), 8);
    expect(act(m, 'finish', zs(5))).toMatchObject({ changed: 1 });
    expect(cond(m, 4)).toBe(C.CLOSED);
  });

  it('ZONE COUNT: OPEN of a range is checked as a whole', () => {
    const m = new ZoneModel(smallLayout());
    expect(act(m, 'open', zs(2), { count: 3 })).toEqual({ kind: 'insufficient-zone-resources' });
    expect(all(m).every((z) => z.condition !== C.EXPLICITLY_OPENED)).toBe(true);
    expect(act(m, 'open', zs(2), { count: 2 })).toEqual({ changed: 2, discard: [], undo: [] });
    expect(act(m, 'finish', zs(2), { count: 3 })).toMatchObject({ changed: 3 });
    expect([cond(m, 2), cond(m, 3), cond(m, 4)]).toEqual([C.FULL, C.FULL, C.FULL]);
    expect(act(m, 'reset', zs(2), { count: 6 })).toMatchObject({ changed: 3 });
    expect(m.openCounts).toEqual({ implicit: 0, explicit: 0, closed: 0 });
  });
});

describe('ALL = 1', () => {
  function busy(): ZoneModel {
    // zone 2 IOPEN, 3 EOPEN, 4 CLOSED, 5 FULL, 6 EMPTY, 7 read-only
    const m = new ZoneModel(smallLayout({ readOnlyZones: [7] }));
    act(m, 'finish', zs(5));
    write(m, zs(4), 8);
    act(m, 'close', zs(4));
    write(m, zs(2), 8);
    act(m, 'open', zs(3));
    expect(m.openCounts).toEqual({ implicit: 1, explicit: 1, closed: 1 });
    return m;
  }
  const conds = (m: ZoneModel) => [2, 3, 4, 5, 6, 7].map((i) => cond(m, i));

  it('ignores ZONE ID and ZONE COUNT entirely', () => {
    const m = busy();
    expect(act(m, 'close', 2n ** 62n, { all: true, count: 999 })).toMatchObject({ changed: 2 });
    expect(act(m, 'close', zs(0) + 3, { all: true })).toMatchObject({ changed: 0 });
  });

  it('CLOSE ALL', () => {
    const m = busy();
    act(m, 'close', 0, { all: true });
    expect(conds(m)).toEqual([C.CLOSED, C.EMPTY, C.CLOSED, C.FULL, C.EMPTY, C.READ_ONLY]);
  });

  it('FINISH ALL: open and closed zones, EMPTY stays, never fails', () => {
    const m = busy();
    act(m, 'open', zs(6)); // evicts IOPEN zone 2
    expect(act(m, 'finish', 0, { all: true })).toMatchObject({ changed: 4 });
    expect(conds(m)).toEqual([C.FULL, C.FULL, C.FULL, C.FULL, C.FULL, C.READ_ONLY]);
    // All resources explicitly open and a CLOSED zone: FINISH ALL still finishes everything.
    const n = new ZoneModel(smallLayout());
    write(n, zs(4), 8);
    act(n, 'close', zs(4));
    act(n, 'open', zs(2));
    act(n, 'open', zs(3));
    expect(act(n, 'finish', zs(5))).toEqual({ kind: 'insufficient-zone-resources' });
    expect(act(n, 'finish', 0, { all: true })).toMatchObject({ changed: 3 });
    expect([cond(n, 2), cond(n, 3), cond(n, 4), cond(n, 5)]).toEqual([
      C.FULL,
      C.FULL,
      C.FULL,
      C.EMPTY,
    ]);
  });

  it('RESET ALL: every written zone back to EMPTY, read-only skipped', () => {
    const m = busy();
    expect(act(m, 'reset', 0, { all: true })).toMatchObject({ changed: 4 });
    expect(conds(m)).toEqual([C.EMPTY, C.EMPTY, C.EMPTY, C.EMPTY, C.EMPTY, C.READ_ONLY]);
    expect(m.openCounts).toEqual({ implicit: 0, explicit: 0, closed: 0 });
  });

  it('OPEN ALL opens CLOSED zones only, evicting IOPEN zones; all or nothing', () => {
    const m = busy(); // E = 1, I = 1, CLOSED = 1, max 2
    expect(act(m, 'open', 0, { all: true })).toMatchObject({ changed: 1 });
    expect(conds(m)).toEqual([
      C.CLOSED,
      C.EXPLICITLY_OPENED,
      C.EXPLICITLY_OPENED,
      C.FULL,
      C.EMPTY,
      C.READ_ONLY,
    ]);
    // Now E = 2 and zone 2 CLOSED: E + #CLOSED > M.
    const before = all(m);
    expect(act(m, 'open', 0, { all: true })).toEqual({ kind: 'insufficient-zone-resources' });
    expect(all(m)).toEqual(before);
  });

  it('SEQUENTIALIZE ALL clears NON_SEQ on host-aware zones', () => {
    const m = new ZoneModel(smallLayout({ model: 'host-aware' }));
    write(m, zs(3) + 8, 8);
    write(m, zs(5) + 16, 8);
    expect(act(m, 'sequentialize', 0, { all: true })).toMatchObject({ changed: 2 });
    expect(m.zoneAt(3).attributes & ZoneAttribute.NON_SEQ).toBe(0);
  });

  it('host-aware RESET reports the discarded range', () => {
    const m = new ZoneModel(smallLayout({ model: 'host-aware' }));
    write(m, zs(3) + 8, 8);
    expect(act(m, 'reset', zs(3))).toMatchObject({
      changed: 1,
      discard: [{ lba: zs(3), blocks: 16 }],
    });
  });
});
