// RESET WRITE POINTER's own capture (ZoneActionResult.resetCapture): only the reset zones, in
// their new state, persistable without a data flush (docs/zones.md); and FULL records
// carrying the data end so FINISHed blocks stay zeros across a restart (ZBC-2 FINISH ZONE).
import { describe, expect, it } from 'vitest';
import { ZoneModel } from '../../../zbc/zone-model.js';
import { profileLayout } from '../../../zbc/profiles.js';
import {
  ZoneAttribute,
  ZoneCondition as C,
  type ReadSegment,
  type ZoneActionResult,
  type ZoneCapture,
  type ZoneFault,
} from '../../../zbc/types.js';
import { act, cond, journalOf, plan, smallLayout, write, zs } from './fixtures.js';
import { isZoneFault, settled } from '../../helpers/zone-result.js';

const rows = (c: ZoneCapture | undefined) =>
  Array.from(c?.zones ?? [], (z, k) => ({
    zone: z,
    cond: c?.condition[k],
    wp: c?.writePointer[k],
    attrs: c?.attributes[k],
  }));

function result(r: ZoneActionResult | ZoneFault): ZoneActionResult {
  if (isZoneFault(r)) throw new Error(`unexpected fault ${r.kind}`);
  return r;
}

function reset(
  m: ZoneModel,
  zoneId: number,
  opts: { count?: number; all?: boolean } = {},
): ZoneActionResult {
  return result(
    settled(
      m.zoneAction({ action: 'reset', zoneId, count: opts.count ?? 0, all: opts.all ?? false }),
    ),
  );
}

function read(m: ZoneModel, lba: number, blocks: number): readonly ReadSegment[] {
  const r = settled(m.checkRead(lba, blocks));
  if (isZoneFault(r)) throw new Error(`unexpected fault ${r.kind}`);
  return r;
}

describe('resetCapture', () => {
  it('holds only the reset zone, EMPTY at its start, and leaves other zones dirty', () => {
    const m = new ZoneModel(smallLayout({ maxOpen: null }));
    write(m, zs(2), 16);
    write(m, zs(3), 8);
    const r = reset(m, zs(3));
    expect(r.changed).toBe(1);
    expect(rows(r.resetCapture)).toEqual([{ zone: 3, cond: C.EMPTY, wp: zs(3), attrs: 0 }]);
    // Zone 2's raised WP still needs the data flush: the next captureDurable has it.
    expect(rows(m.captureDurable()).map((x) => x.zone)).toContain(2);
  });

  it('RESET ALL captures exactly the zones it changed', () => {
    const m = new ZoneModel(smallLayout({ maxOpen: null }));
    write(m, zs(2), 16);
    write(m, zs(4), 64); // FULL
    write(m, zs(6), 8);
    m.captureDurable(); // all clean now
    const r = reset(m, 0, { all: true });
    expect(r.changed).toBe(3);
    expect(rows(r.resetCapture)).toEqual([
      { zone: 2, cond: C.EMPTY, wp: zs(2), attrs: 0 },
      { zone: 4, cond: C.EMPTY, wp: zs(4), attrs: 0 },
      { zone: 6, cond: C.EMPTY, wp: zs(6), attrs: 0 },
    ]);
  });

  it('an unchanged, persisted zone needs nothing; an unchanged zone with unpersisted changes does', () => {
    const m = new ZoneModel(smallLayout());
    const r = reset(m, zs(3));
    expect([r.changed, rows(r.resetCapture)]).toEqual([0, []]);
    act(m, 'open', zs(3));
    act(m, 'close', zs(3)); // EMPTY again, but changed since the last capture
    const again = reset(m, zs(3));
    expect(again.changed).toBe(0);
    expect(rows(again.resetCapture)).toEqual([{ zone: 3, cond: C.EMPTY, wp: zs(3), attrs: 0 }]);
  });

  it('never carries a WP above the start, even with a write still in flight', () => {
    const m = new ZoneModel(smallLayout());
    write(m, zs(3), 8);
    const p = plan(m, zs(3) + 8, 8);
    m.commitWrite(p);
    expect(rows(reset(m, zs(3)).resetCapture)).toEqual([
      { zone: 3, cond: C.EMPTY, wp: zs(3), attrs: 0 },
    ]);
    m.writeCompleted(p); // the old write lands after the reset: still zeros, still EMPTY
    expect(cond(m, 3)).toBe(C.EMPTY);
    expect(read(m, zs(3), 16)).toEqual([{ lba: zs(3), blocks: 16, zeroFill: true }]);
    expect(rows(m.captureDurable())).toEqual([{ zone: 3, cond: C.EMPTY, wp: zs(3), attrs: 0 }]);
  });

  it('host-aware: attributes cleared in the capture', () => {
    const m = new ZoneModel(smallLayout({ model: 'host-aware' }));
    write(m, zs(3) + 8, 8); // out of order: NON_SEQ
    expect(m.zoneAt(3).attributes & ZoneAttribute.NON_SEQ).toBe(ZoneAttribute.NON_SEQ);
    expect(rows(reset(m, zs(3)).resetCapture)).toEqual([
      { zone: 3, cond: C.EMPTY, wp: zs(3), attrs: 0 },
    ]);
  });

  it('other actions carry no reset capture', () => {
    const m = new ZoneModel(smallLayout());
    for (const action of ['open', 'close', 'finish', 'sequentialize'] as const) {
      expect(
        result(settled(m.zoneAction({ action, zoneId: zs(3), count: 0, all: false }))).resetCapture,
      ).toBeUndefined();
    }
  });
});

describe('FINISH data end across a restart (FULL records carry it)', () => {
  it('blocks FINISH covered read as zeros after restore; written blocks as data', () => {
    const m = new ZoneModel(smallLayout());
    const j = journalOf(m);
    write(m, zs(3), 16);
    act(m, 'finish', zs(3));
    const live = read(m, zs(3), 64);
    expect(live).toEqual([
      { lba: zs(3), blocks: 16, zeroFill: false },
      { lba: zs(3) + 16, blocks: 48, zeroFill: true },
    ]);
    const c = m.captureDurable();
    expect(rows(c)).toEqual([{ zone: 3, cond: C.FULL, wp: zs(3) + 16, attrs: 0 }]);
    j.apply(c);
    const r = new ZoneModel(smallLayout(), j.state);
    expect(r.zoneAt(3)).toMatchObject({ condition: C.FULL, writePointer: zs(4) });
    expect(read(r, zs(3), 64)).toEqual(live);
  });

  it('a zone filled by writes persists its end; journals with the end stay "all data"', () => {
    const m = new ZoneModel(smallLayout());
    write(m, zs(3), 64);
    expect(rows(m.captureDurable())).toEqual([{ zone: 3, cond: C.FULL, wp: zs(4), attrs: 0 }]);
    const { state } = journalOf(new ZoneModel(smallLayout()));
    state.condition[3] = C.FULL;
    state.writePointer[3] = zs(4); // as written before FULL records carried the data end
    expect(read(new ZoneModel(smallLayout(), state), zs(3), 64)).toEqual([
      { lba: zs(3), blocks: 64, zeroFill: false },
    ]);
  });

  it('the data end of a FULL record never includes a write still in flight (host-aware)', () => {
    const m = new ZoneModel(smallLayout({ model: 'host-aware' }));
    write(m, zs(3), 8);
    act(m, 'finish', zs(3));
    m.captureDurable();
    const a = plan(m, zs(3) + 32, 8); // a FULL SWP zone accepts writes and stays FULL
    m.commitWrite(a);
    const b = plan(m, zs(3) + 48, 8);
    m.commitWrite(b);
    // In flight: its blocks read as they were (zeros) until it completes.
    expect(read(m, zs(3) + 32, 8)).toEqual([{ lba: zs(3) + 32, blocks: 8, zeroFill: true }]);
    m.writeCompleted(b); // completed, but a is still in flight below it
    expect(rows(m.captureDurable())).toEqual([{ zone: 3, cond: C.FULL, wp: zs(3) + 8, attrs: 0 }]);
    m.writeCompleted(a);
    expect(read(m, zs(3) + 32, 8)).toEqual([{ lba: zs(3) + 32, blocks: 8, zeroFill: false }]);
    expect(rows(m.captureDurable())).toEqual([{ zone: 3, cond: C.FULL, wp: zs(3) + 56, attrs: 0 }]);
  });
});

describe('memory per zone (bench item 4)', () => {
  it('hm-20tb: the typed arrays take at most 32 bytes per zone (24 once every zone was dirty)', () => {
    const layout = profileLayout('hm-20tb');
    if (layout === undefined) throw new Error('no hm-20tb profile');
    const m = new ZoneModel(layout);
    expect(m.zoneCount).toBeGreaterThan(70_000);
    expect(m.memoryBytes() / m.zoneCount).toBeLessThanOrEqual(32);
    // Worst case: the dirty list grown to every zone (FINISH ALL, RESET ALL after a full write).
    write(m, m.zoneAt(m.zoneCount - 1).start, 8);
    for (let i = m.geometry.firstSequential; i < m.zoneCount; i++) {
      if (m.geometry.isSequential(i)) act(m, 'finish', m.zoneAt(i).start);
    }
    expect(m.memoryBytes() / m.zoneCount).toBeLessThanOrEqual(24);
    expect(m.zoneAt(m.zoneCount - 1).condition).toBe(C.FULL);
  });
});
