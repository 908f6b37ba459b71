// A failed write changes nothing (ZBC-2: the WP of a zone does not advance for a failed write):
// WP, condition and readable data as before; writes queued behind it in a sequential zone no
// longer stand; what a RESET or FINISH did meanwhile stands; a capture never persists its blocks.
// And a RESET or FINISH that could not be made durable is undone (zoneActionFailed).
import { describe, expect, it } from 'vitest';
import { ZoneModel } from '../../../zbc/zone-model.js';
import { ZoneCondition as C, type ZoneActionResult, type ZoneCapture } from '../../../zbc/types.js';
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
import { isZoneFault, settled } from '../../helpers/zone-result.js';

const rows = (c: ZoneCapture) =>
  Array.from(c.zones, (z, k) => ({ zone: z, cond: c.condition[k], wp: c.writePointer[k] }));

const data = (lba: number, blocks: number) => [{ lba, blocks, zeroFill: false }];
const zeros = (lba: number, blocks: number) => [{ lba, blocks, zeroFill: true }];

function action(
  m: ZoneModel,
  kind: 'reset' | 'finish',
  zoneId: number,
  all = false,
): ZoneActionResult {
  const r = settled(m.zoneAction({ action: kind, zoneId, count: 0, all }));
  if (isZoneFault(r)) throw new Error(r.kind);
  return r;
}

describe('a failed write', () => {
  it('a write stored behind a doomed one settles when the doomed one completes', () => {
    // Found by the journal-invariant property: W3, written at the WP a failure restored, was
    // stored before the doomed W2 ahead of it completed, and stayed unsettled for ever.
    const layout = smallLayout();
    const m = new ZoneModel(layout);
    const z = 4;
    const w1 = plan(m, zs(z), 8);
    m.commitWrite(w1);
    const w2 = plan(m, zs(z) + 8, 8);
    m.commitWrite(w2);
    m.writeFailed(w1);
    const w3 = plan(m, zs(z), 8);
    m.commitWrite(w3);
    expect(m.writeCompleted(w3)).toBe(true);
    expect(m.writeCompleted(w2)).toBe(false);
    expect(wp(m, z)).toBe(zs(z) + 8);
    const journal = journalOf(m);
    journal.apply(m.captureDurable());
    const restored = new ZoneModel(layout, journal.state);
    expect(cond(restored, z)).toBe(C.CLOSED);
    expect(wp(restored, z)).toBe(zs(z) + 8);
    expectRestoredMatches(m, restored, { reads: true });
  });

  it('after a RESET: its blocks read as zeros, and no capture records them (issue 9 item 2)', () => {
    const m = new ZoneModel(smallLayout());
    const j = journalOf(m);
    write(m, zs(3), 8);
    j.apply(m.captureDurable());
    j.apply(action(m, 'reset', zs(3)).resetCapture as ZoneCapture);
    const again = plan(m, zs(3), 8);
    m.commitWrite(again);
    m.writeFailed(again);
    expect(settled(m.checkRead(zs(3), 8))).toEqual(zeros(zs(3), 8)); // never the pre-reset data
    expect([cond(m, 3), wp(m, 3)]).toEqual([C.EMPTY, zs(3)]);
    expect(m.openCounts).toEqual({ implicit: 0, explicit: 0, closed: 0 });
    j.apply(m.captureDurable());
    expect([j.state.condition[3], j.state.writePointer[3]]).toEqual([C.EMPTY, zs(3)]);
    expectRestoredMatches(m, new ZoneModel(smallLayout(), j.state), { reads: true });
    write(m, zs(3), 8); // the host retries at the WP it reads back
    expect(wp(m, 3)).toBe(zs(3) + 8);
  });

  it('that would have filled the zone leaves it as it was, not FULL', () => {
    const m = new ZoneModel(smallLayout());
    write(m, zs(3), 56);
    const last = plan(m, zs(3) + 56, 8);
    m.commitWrite(last);
    expect(cond(m, 3)).toBe(C.FULL); // the next command sees the WP the write will leave
    m.writeFailed(last);
    expect([cond(m, 3), wp(m, 3)]).toEqual([C.IMPLICITLY_OPENED, zs(3) + 56]);
    expect(m.openCounts.implicit).toBe(1); // its resource back: none was taken meanwhile
    expect(rows(m.captureDurable())).toEqual([{ zone: 3, cond: C.CLOSED, wp: zs(3) + 56 }]);
  });

  it('that filled the zone goes back CLOSED when its open resource was taken meanwhile', () => {
    const m = new ZoneModel(smallLayout({ maxOpen: 1 }));
    write(m, zs(3), 56);
    const last = plan(m, zs(3) + 56, 8);
    m.commitWrite(last); // FULL: the resource is free for zone 4
    write(m, zs(4), 8);
    m.writeFailed(last);
    expect([cond(m, 3), wp(m, 3), cond(m, 4)]).toEqual([C.CLOSED, zs(3) + 56, C.IMPLICITLY_OPENED]);
    expect(m.openCounts).toEqual({ implicit: 1, explicit: 0, closed: 1 });
  });

  it('dooms the writes queued behind it in its zone: they no longer stand', () => {
    const m = new ZoneModel(smallLayout());
    write(m, zs(3), 8);
    const a = plan(m, zs(3) + 8, 8);
    m.commitWrite(a);
    const b = plan(m, zs(3) + 16, 8);
    m.commitWrite(b);
    const c = plan(m, zs(3) + 24, 8);
    m.commitWrite(c);
    m.writeFailed(a);
    expect([cond(m, 3), wp(m, 3)]).toEqual([C.IMPLICITLY_OPENED, zs(3) + 8]);
    expect(m.writeCompleted(b)).toBe(false); // stored, but it no longer starts at the WP
    m.writeFailed(c); // a doomed write that fails changes nothing either
    expect(settled(m.checkRead(zs(3), 32))).toEqual([...data(zs(3), 8), ...zeros(zs(3) + 8, 24)]);
    expect(rows(m.captureDurable())).toEqual([{ zone: 3, cond: C.CLOSED, wp: zs(3) + 8 }]);
    expect(settled(m.planWrite(zs(3) + 8, 8))).not.toHaveProperty('kind'); // the WP is writable again
  });

  it('blocks of a write in flight read as they were until it completes', () => {
    const m = new ZoneModel(smallLayout());
    const a = plan(m, zs(3), 8);
    m.commitWrite(a);
    expect(settled(m.checkRead(zs(3), 8))).toEqual(zeros(zs(3), 8));
    expect(m.writeCompleted(a)).toBe(true);
    expect(settled(m.checkRead(zs(3), 8))).toEqual(data(zs(3), 8));
  });

  it('after a RESET of its zone: nothing to undo, and a write after the RESET stands', () => {
    const m = new ZoneModel(smallLayout());
    const a = plan(m, zs(3), 8);
    m.commitWrite(a);
    action(m, 'reset', zs(3));
    const b = plan(m, zs(3), 16);
    m.commitWrite(b);
    m.writeFailed(a);
    expect(m.writeCompleted(b)).toBe(true);
    expect([cond(m, 3), wp(m, 3)]).toEqual([C.IMPLICITLY_OPENED, zs(3) + 16]);
    expect(settled(m.checkRead(zs(3), 16))).toEqual(data(zs(3), 16));
  });

  it('after a FINISH of its zone: FULL stays, its blocks read as zeros', () => {
    const m = new ZoneModel(smallLayout());
    write(m, zs(3), 8);
    const a = plan(m, zs(3) + 8, 8);
    m.commitWrite(a);
    action(m, 'finish', zs(3));
    m.writeFailed(a);
    expect([cond(m, 3), wp(m, 4)]).toEqual([C.FULL, zs(4)]);
    expect(settled(m.checkRead(zs(3), 16))).toEqual([...data(zs(3), 8), ...zeros(zs(3) + 8, 8)]);
    expect(rows(m.captureDurable())).toEqual([{ zone: 3, cond: C.FULL, wp: zs(3) + 8 }]);
  });

  it('after an explicit OPEN: the zone stays explicitly open, the WP goes back', () => {
    const m = new ZoneModel(smallLayout());
    const a = plan(m, zs(3), 8);
    m.commitWrite(a);
    act(m, 'open', zs(3));
    m.writeFailed(a);
    expect([cond(m, 3), wp(m, 3)]).toEqual([C.EXPLICITLY_OPENED, zs(3)]);
  });

  it('host-aware: other writes stand; the WP falls back to the highest of them', () => {
    const m = new ZoneModel(smallLayout({ model: 'host-aware', maxOpen: null }));
    const a = plan(m, zs(3) + 16, 8);
    m.commitWrite(a);
    const b = plan(m, zs(3), 8);
    m.commitWrite(b);
    expect(m.writeCompleted(b)).toBe(true);
    m.writeFailed(a);
    expect([cond(m, 3), wp(m, 3)]).toEqual([C.IMPLICITLY_OPENED, zs(3) + 8]);
    expect(settled(m.checkRead(zs(3), 24))).toEqual([...data(zs(3), 8), ...zeros(zs(3) + 8, 16)]);
    const alone = plan(m, zs(4), 8);
    m.commitWrite(alone);
    m.writeFailed(alone);
    expect([cond(m, 4), wp(m, 4)]).toEqual([C.EMPTY, zs(4)]);
  });
});

describe('a zone action that could not be made durable', () => {
  it('RESET: the zone comes back with its WP, condition and data', () => {
    const m = new ZoneModel(smallLayout());
    write(m, zs(3), 16);
    const r = action(m, 'reset', zs(3));
    expect(cond(m, 3)).toBe(C.EMPTY);
    m.zoneActionFailed(r);
    expect([cond(m, 3), wp(m, 3)]).toEqual([C.IMPLICITLY_OPENED, zs(3) + 16]);
    expect(settled(m.checkRead(zs(3), 16))).toEqual(data(zs(3), 16));
    expect(rows(m.captureDurable())).toEqual([{ zone: 3, cond: C.CLOSED, wp: zs(3) + 16 }]);
  });

  it('RESET ALL: zones a later command changed keep what it made of them', () => {
    const m = new ZoneModel(smallLayout({ maxOpen: null }));
    write(m, zs(3), 16);
    write(m, zs(4), 64);
    const r = action(m, 'reset', 0, true);
    write(m, zs(4), 8); // built on the reset
    m.zoneActionFailed(r);
    expect([cond(m, 3), wp(m, 3)]).toEqual([C.IMPLICITLY_OPENED, zs(3) + 16]);
    expect([cond(m, 4), wp(m, 4)]).toEqual([C.IMPLICITLY_OPENED, zs(4) + 8]);
  });

  it('FINISH: the zone is open again at its WP, the finished blocks never became data', () => {
    const m = new ZoneModel(smallLayout());
    write(m, zs(3), 8);
    const r = action(m, 'finish', zs(3));
    m.zoneActionFailed(r);
    expect([cond(m, 3), wp(m, 3)]).toEqual([C.IMPLICITLY_OPENED, zs(3) + 8]);
    expect(m.openCounts).toEqual({ implicit: 1, explicit: 0, closed: 0 });
  });
});
