// captureDurable (WPs never ahead of completed writes, normalised conditions, dirty tracking) and
// restore from PersistedZoneState (docs/zones.md, Power-on and Crash consistency).
import { describe, expect, it } from 'vitest';
import { ZoneModel } from '../../../zbc/zone-model.js';
import { ZoneCondition as C, type ZoneCapture, type ZoneLayoutConfig } from '../../../zbc/types.js';
import {
  act,
  cond,
  expectRestoredMatches,
  journalOf,
  plan,
  smallLayout,
  wp,
  write,
  zs,
} from './fixtures.js';
import { settled } from '../../helpers/zone-result.js';

const rows = (c: ZoneCapture) =>
  Array.from(c.zones, (z, k) => ({
    zone: z,
    cond: c.condition[k],
    wp: c.writePointer[k],
    attrs: c.attributes[k],
  }));

describe('captureDurable', () => {
  it('a fresh model has nothing to capture; a capture clears the dirty set', () => {
    const m = new ZoneModel(smallLayout());
    expect(m.captureDurable().zones.length).toBe(0);
    write(m, zs(3), 8);
    expect(rows(m.captureDurable())).toEqual([
      { zone: 3, cond: C.CLOSED, wp: zs(3) + 8, attrs: 0 },
    ]);
    expect(m.captureDurable().zones.length).toBe(0);
  });

  it('never captures a WP ahead of a write in flight', () => {
    const m = new ZoneModel(smallLayout());
    const a = plan(m, zs(3), 8);
    m.commitWrite(a);
    const b = plan(m, zs(3) + 8, 8);
    m.commitWrite(b);
    expect(wp(m, 3)).toBe(zs(3) + 16); // the next command sees the new WP at once
    expect(rows(m.captureDurable())).toEqual([{ zone: 3, cond: C.EMPTY, wp: zs(3), attrs: 0 }]);
    m.writeCompleted(b); // the later write completes first
    expect(rows(m.captureDurable())).toEqual([{ zone: 3, cond: C.EMPTY, wp: zs(3), attrs: 0 }]);
    m.writeCompleted(a);
    expect(rows(m.captureDurable())).toEqual([
      { zone: 3, cond: C.CLOSED, wp: zs(3) + 16, attrs: 0 },
    ]);
    expect(m.captureDurable().zones.length).toBe(0);
  });

  it('FULL only when the captured WP is the zone end', () => {
    const m = new ZoneModel(smallLayout());
    write(m, zs(3), 56);
    const last = plan(m, zs(3) + 56, 8);
    m.commitWrite(last);
    expect(cond(m, 3)).toBe(C.FULL);
    expect(rows(m.captureDurable())).toEqual([
      { zone: 3, cond: C.CLOSED, wp: zs(3) + 56, attrs: 0 },
    ]);
    m.writeFailed(last); // a failed write changes nothing: back to the WP before it
    expect(cond(m, 3)).toBe(C.IMPLICITLY_OPENED);
    expect(rows(m.captureDurable())).toEqual([
      { zone: 3, cond: C.CLOSED, wp: zs(3) + 56, attrs: 0 },
    ]);
  });

  it('zone actions are captured normalised (EOPEN -> EMPTY/CLOSED), resets as EMPTY', () => {
    const m = new ZoneModel(smallLayout({ maxOpen: 3 }));
    act(m, 'open', zs(2));
    write(m, zs(3), 8);
    act(m, 'open', zs(3));
    act(m, 'finish', zs(4));
    expect(rows(m.captureDurable())).toEqual([
      { zone: 2, cond: C.EMPTY, wp: zs(2), attrs: 0 },
      { zone: 3, cond: C.CLOSED, wp: zs(3) + 8, attrs: 0 },
      { zone: 4, cond: C.FULL, wp: zs(4), attrs: 0 }, // FULL records carry the data end
    ]);
    act(m, 'reset', zs(4));
    expect(rows(m.captureDurable())).toEqual([{ zone: 4, cond: C.EMPTY, wp: zs(4), attrs: 0 }]);
  });
});

describe('restore', () => {
  it('open zones come back CLOSED, counters rebuilt, WPs clamped', () => {
    const fresh = new ZoneModel(smallLayout());
    const { state } = journalOf(fresh);
    state.condition[2] = C.IMPLICITLY_OPENED;
    state.writePointer[2] = zs(2) + 8;
    state.condition[3] = C.EXPLICITLY_OPENED;
    state.writePointer[3] = zs(3);
    state.condition[4] = C.CLOSED;
    state.writePointer[4] = zs(4) + 999; // beyond the zone: clamped, so FULL
    state.condition[5] = C.READ_ONLY;
    state.condition[6] = C.EMPTY;
    state.writePointer[6] = zs(6) + 8; // EMPTY wins: WP back to the start
    state.condition[7] = C.FULL;
    state.attributes[7] = 0xff;
    const m = new ZoneModel(smallLayout(), state);
    expect([2, 3, 4, 5, 6, 7].map((i) => cond(m, i))).toEqual([
      C.CLOSED,
      C.EMPTY,
      C.FULL,
      C.READ_ONLY,
      C.EMPTY,
      C.FULL,
    ]);
    expect([wp(m, 2), wp(m, 4), wp(m, 6), wp(m, 7)]).toEqual([zs(2) + 8, zs(5), zs(6), zs(8)]);
    expect(m.zoneAt(7).attributes).toBe(0x3);
    expect(m.openCounts).toEqual({ implicit: 0, explicit: 0, closed: 1 });
    expect(m.captureDurable().zones.length).toBe(0);
    // Restored data below the WP reads back; above it, zeros.
    expect(settled(m.checkRead(zs(2), 16))).toEqual([
      { lba: zs(2), blocks: 8, zeroFill: false },
      { lba: zs(2) + 8, blocks: 8, zeroFill: true },
    ]);
  });

  it('refuses a state of another geometry', () => {
    const state = journalOf(new ZoneModel(smallLayout({ capacityBlocks: 7 * 64 }))).state;
    expect(() => new ZoneModel(smallLayout(), state)).toThrow(RangeError);
  });

  it('round trip: capture -> journal -> restore equals the state normalised', () => {
    const m = new ZoneModel(smallLayout({ maxOpen: 3 }));
    const j = journalOf(m);
    write(m, zs(2), 16);
    act(m, 'open', zs(3));
    write(m, zs(4), 64);
    j.apply(m.captureDurable());
    write(m, zs(5), 8);
    act(m, 'close', zs(2));
    j.apply(m.captureDurable());
    const r = new ZoneModel(smallLayout({ maxOpen: 3 }), j.state);
    expectRestoredMatches(m, r);
  });
});

describe('restored INACTIVE zones and RESET attributes (not configurable otherwise)', () => {
  function restoredModel(over: Partial<ZoneLayoutConfig> = {}): ZoneModel {
    const { state } = journalOf(new ZoneModel(smallLayout(over)));
    state.condition[4] = C.INACTIVE;
    state.attributes[5] = 0x1; // RESET recommended
    return new ZoneModel(smallLayout(over), state);
  }

  it('INACTIVE refuses writes, reads (URSWRZ = 0) and zone actions with zone-inactive', () => {
    const m = restoredModel();
    expect(settled(m.planWrite(zs(4), 8))).toEqual({ kind: 'zone-inactive', lba: zs(4) });
    // URSWRZ = 1 (this layout): an INACTIVE zone reads, as zeros (libzbc zbc_read_check_available).
    expect(settled(m.checkRead(zs(4) + 8, 8))).toEqual([
      { lba: zs(4) + 8, blocks: 8, zeroFill: true },
    ]);
    const strict = restoredModel({ urswrz: false });
    expect(settled(strict.checkRead(zs(4) + 8, 8))).toEqual({
      kind: 'zone-inactive',
      lba: zs(4) + 8,
    });
    expect(act(m, 'reset', zs(4))).toEqual({ kind: 'zone-inactive', lba: zs(4) });
    expect(act(m, 'reset', 0, { all: true })).toMatchObject({ changed: 1 }); // zone 5's RESET attribute
    expect(cond(m, 4)).toBe(C.INACTIVE);
  });

  it('REPORT ZONES options 08h and 10h find them; INACTIVE reports an all-ones WP', () => {
    const m = restoredModel();
    const pick = (option: number) => {
      const r = settled(
        m.reportZones({ startLba: 0, option, partial: false, allocationLength: 4096 }),
      );
      if ('kind' in r) throw new Error(r.kind);
      const out = Buffer.alloc(r.size);
      r.encode(out);
      return out;
    };
    const inactive = pick(0x08);
    expect(inactive.readUInt32BE(0)).toBe(64);
    expect([inactive[64], inactive[65]]).toEqual([0x02, 0x50]);
    expect(inactive.readBigUInt64BE(64 + 24)).toBe(0xffff_ffff_ffff_ffffn);
    const reset = pick(0x10);
    expect(reset.readUInt32BE(0)).toBe(64);
    expect(reset.readBigUInt64BE(64 + 16)).toBe(BigInt(zs(5)));
    expect(reset[65]).toBe(0x11); // EMPTY, RESET attribute
  });
});
