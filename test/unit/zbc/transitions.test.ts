// ZBC-2 zone states: every (condition, event) cell for an SWR zone, exact result and counters.
import { describe, expect, it } from 'vitest';
import { ZoneModel } from '../../../zbc/zone-model.js';
import { ZoneCondition as C, type ZoneFault } from '../../../zbc/types.js';
import { act, cond, smallLayout, wp, write, zs } from './fixtures.js';
import { isZoneFault, settled } from '../../helpers/zone-result.js';

const ZONE = 3;
const START = zs(ZONE);
const END = START + 64;

type From =
  | 'EMPTY'
  | 'IOPEN'
  | 'EOPEN'
  | 'EOPEN_EMPTY'
  | 'CLOSED'
  | 'FULL'
  | 'READ_ONLY'
  | 'OFFLINE';
type Event = 'write' | 'open' | 'close' | 'finish' | 'reset';

function setup(from: From): ZoneModel {
  const layout =
    from === 'READ_ONLY'
      ? smallLayout({ readOnlyZones: [ZONE] })
      : from === 'OFFLINE'
        ? smallLayout({ offlineZones: [ZONE] })
        : smallLayout();
  const m = new ZoneModel(layout);
  if (from === 'IOPEN' || from === 'EOPEN' || from === 'CLOSED') write(m, START, 8);
  if (from === 'EOPEN' || from === 'EOPEN_EMPTY') act(m, 'open', START);
  if (from === 'CLOSED') act(m, 'close', START);
  if (from === 'FULL') act(m, 'finish', START);
  return m;
}

function run(m: ZoneModel, event: Event): ZoneFault | null {
  if (event === 'write') {
    const at = m.zoneAt(ZONE).condition === C.FULL ? START : m.zoneAt(ZONE).writePointer;
    const p = settled(m.planWrite(at, 8));
    if (isZoneFault(p)) return p;
    m.commitWrite(p);
    m.writeCompleted(p);
    return null;
  }
  const r = act(m, event, START);
  return isZoneFault(r) ? r : null;
}

type Expect = { cond: number; wp: number } | { fault: ZoneFault['kind'] };
const ok = (c: number, w: number): Expect => ({ cond: c, wp: w });
const fault = (kind: ZoneFault['kind']): Expect => ({ fault: kind });

const TABLE: Record<From, Record<Event, Expect>> = {
  EMPTY: {
    write: ok(C.IMPLICITLY_OPENED, START + 8),
    open: ok(C.EXPLICITLY_OPENED, START),
    close: ok(C.EMPTY, START),
    finish: ok(C.FULL, END),
    reset: ok(C.EMPTY, START),
  },
  IOPEN: {
    write: ok(C.IMPLICITLY_OPENED, START + 16),
    open: ok(C.EXPLICITLY_OPENED, START + 8),
    close: ok(C.CLOSED, START + 8),
    finish: ok(C.FULL, END),
    reset: ok(C.EMPTY, START),
  },
  EOPEN: {
    write: ok(C.EXPLICITLY_OPENED, START + 16),
    open: ok(C.EXPLICITLY_OPENED, START + 8),
    close: ok(C.CLOSED, START + 8),
    finish: ok(C.FULL, END),
    reset: ok(C.EMPTY, START),
  },
  EOPEN_EMPTY: {
    write: ok(C.EXPLICITLY_OPENED, START + 8),
    open: ok(C.EXPLICITLY_OPENED, START),
    close: ok(C.EMPTY, START),
    finish: ok(C.FULL, END),
    reset: ok(C.EMPTY, START),
  },
  CLOSED: {
    write: ok(C.IMPLICITLY_OPENED, START + 16),
    open: ok(C.EXPLICITLY_OPENED, START + 8),
    close: ok(C.CLOSED, START + 8),
    finish: ok(C.FULL, END),
    reset: ok(C.EMPTY, START),
  },
  FULL: {
    write: fault('write-to-full-zone'),
    open: ok(C.FULL, END),
    close: ok(C.FULL, END),
    finish: ok(C.FULL, END),
    reset: ok(C.EMPTY, START),
  },
  READ_ONLY: {
    write: fault('zone-read-only'),
    open: fault('zone-read-only'),
    close: fault('zone-read-only'),
    finish: fault('zone-read-only'),
    reset: fault('zone-read-only'),
  },
  OFFLINE: {
    write: fault('zone-offline'),
    open: fault('zone-offline'),
    close: fault('zone-offline'),
    finish: fault('zone-offline'),
    reset: fault('zone-offline'),
  },
};

function countersMatch(m: ZoneModel): void {
  let i = 0;
  let e = 0;
  let c = 0;
  for (let z = 0; z < m.zoneCount; z++) {
    const k = m.zoneAt(z).condition;
    if (k === C.IMPLICITLY_OPENED) i++;
    if (k === C.EXPLICITLY_OPENED) e++;
    if (k === C.CLOSED) c++;
  }
  expect(m.openCounts).toEqual({ implicit: i, explicit: e, closed: c });
}

const cells = Object.entries(TABLE).flatMap(([from, row]) =>
  Object.entries(row).map(([event, expected]) => ({
    from: from as From,
    event: event as Event,
    expected,
  })),
);

describe('zone state transitions (ZBC-2 zone condition state machine)', () => {
  it.each(cells)('$from + $event', ({ from, event, expected }) => {
    const m = setup(from);
    const before = m.zoneAt(ZONE);
    const result = run(m, event);
    if ('fault' in expected) {
      expect(result?.kind).toBe(expected.fault);
      expect(m.zoneAt(ZONE)).toEqual(before); // no change on failure
    } else {
      expect(result).toBeNull();
      expect(cond(m, ZONE)).toBe(expected.cond);
      expect(wp(m, ZONE)).toBe(expected.wp);
    }
    countersMatch(m);
  });

  it('a write that reaches the zone end makes the zone FULL and releases its resource', () => {
    const m = new ZoneModel(smallLayout());
    write(m, START, 56);
    expect(m.openCounts.implicit).toBe(1);
    write(m, START + 56, 8);
    expect(cond(m, ZONE)).toBe(C.FULL);
    expect(m.openCounts).toEqual({ implicit: 0, explicit: 0, closed: 0 });
  });

  it('RESET clears NON_SEQ and RESET attributes and zero-fills old data', () => {
    const m = new ZoneModel(smallLayout());
    write(m, START, 16);
    act(m, 'reset', START);
    expect(settled(m.checkRead(START, 16))).toEqual([{ lba: START, blocks: 16, zeroFill: true }]);
  });

  it('FINISH exposes zeros above the old WP, data below it', () => {
    const m = new ZoneModel(smallLayout());
    write(m, START, 16);
    act(m, 'finish', START);
    expect(settled(m.checkRead(START, 64))).toEqual([
      { lba: START, blocks: 16, zeroFill: false },
      { lba: START + 16, blocks: 48, zeroFill: true },
    ]);
  });
});
