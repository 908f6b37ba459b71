// ZBC OUT zone actions (ZBC-2 5.x and the zone condition state machine): validation first, then the
// transitions, so a refused request changes nothing.
import { isSobr } from './domains/sobr-rules.js';
import { captureZones } from './zone-capture.js';
import { ok, refused } from './result.js';
import type { ZoneTable } from './zone-table.js';
import {
  ZoneAttribute,
  ZoneCondition as C,
  ZoneType,
  type ZoneActionKind,
  type ZoneActionRequest,
  type ZoneActionResult,
  type ZoneChange,
  type ZoneFault,
  type ZoneResult,
  type ZoneSnapshot,
  type ZoneUndo,
} from './types.js';

type Range = { readonly lba: number; readonly blocks: number };

/** One zone's transition for an action; the caller has validated the zone and the resources. */
const APPLY: Record<ZoneActionKind, (s: ZoneTable, i: number) => void> = {
  close(s, i) {
    const c = s.condition[i];
    if (c === C.IMPLICITLY_OPENED || c === C.EXPLICITLY_OPENED) s.closeZone(i);
  },
  finish(s, i) {
    const c = s.condition[i];
    if (c === C.FULL) return;
    // EMPTY/CLOSED pass through manage open zone resources first (ZBC 4.4.3.2.4; docs/zones.md).
    if (c === C.EMPTY || c === C.CLOSED) s.acquire();
    s.finishZone(i);
  },
  open(s, i) {
    const c = s.condition[i];
    if (c === C.EMPTY || c === C.CLOSED) {
      s.acquire();
      s.setCondition(i, C.EXPLICITLY_OPENED);
    } else if (c === C.IMPLICITLY_OPENED) {
      s.setCondition(i, C.EXPLICITLY_OPENED); // converts without a new resource (ZBC-2)
    }
  },
  reset(s, i) {
    s.resetZone(i);
  },
  sequentialize(s, i) {
    // ZBC-2 SEQUENTIALIZE ZONE: an SWP zone written out of order becomes sequential again at its
    // current WP; SWR zones never have NON_SEQ set, so they do not change.
    const a = s.attributes[i] as number;
    if ((a & ZoneAttribute.NON_SEQ) !== 0) s.setAttributes(i, a & ~ZoneAttribute.NON_SEQ);
  },
};

/** Which zones an ALL request acts on; READ ONLY, OFFLINE, INACTIVE are never chosen. */
const ALL_SELECT: Record<ZoneActionKind, (s: ZoneTable, i: number) => boolean> = {
  close: (s, i) => s.condition[i] === C.IMPLICITLY_OPENED || s.condition[i] === C.EXPLICITLY_OPENED,
  finish: (s, i) => {
    const c = s.condition[i];
    return c === C.IMPLICITLY_OPENED || c === C.EXPLICITLY_OPENED || c === C.CLOSED;
  },
  open: (s, i) => s.condition[i] === C.CLOSED,
  reset: (s, i) => {
    const c = s.condition[i];
    const active =
      c === C.IMPLICITLY_OPENED || c === C.EXPLICITLY_OPENED || c === C.CLOSED || c === C.FULL;
    return active || (c === C.EMPTY && s.attributes[i] !== 0);
  },
  sequentialize: (s, i) =>
    s.isWritePointerZone(i) && ((s.attributes[i] as number) & ZoneAttribute.NON_SEQ) !== 0,
};

/** Zone actions an SOBR zone takes. */
const SOBR_ACTIONS: ReadonlySet<ZoneActionKind> = new Set<ZoneActionKind>(['reset']);

function unavailableFault(s: ZoneTable, i: number): ZoneFault | null {
  const c = s.condition[i];
  const lba = s.start(i);
  if (c === C.READ_ONLY) return { kind: 'zone-read-only', lba };
  if (c === C.OFFLINE) return { kind: 'zone-offline', lba };
  if (c === C.INACTIVE) return { kind: 'zone-inactive', lba };
  return null;
}

/** Runs one ZBC OUT request. Every check runs before the first change. */
export function zoneAction(s: ZoneTable, req: ZoneActionRequest): ZoneResult<ZoneActionResult> {
  return req.all ? actOnAll(s, req.action) : actOnRange(s, req);
}

function actOnRange(s: ZoneTable, req: ZoneActionRequest): ZoneResult<ZoneActionResult> {
  const g = s.geometry;
  // Range, zone start, write-pointer zone.
  if (typeof req.zoneId === 'bigint' || req.zoneId >= g.capacity) {
    return refused({ kind: 'zone-id-out-of-range' });
  }
  const zoneId = req.zoneId;
  const first = g.indexOf(zoneId);
  // ZBC-2 5.x: a ZONE ID naming a gap zone is ATTEMPT TO ACCESS GAP ZONE.
  if (s.start(first) === zoneId && s.type(first) === ZoneType.GAP) {
    return refused({ kind: 'gap-zone-access', lba: zoneId });
  }
  if (s.start(first) !== zoneId || !s.isWritePointerZone(first)) {
    return refused({ kind: 'invalid-zone-id' });
  }
  // SOBR zones have no explicit open, closed or finished state (ZBC-2 4.4.3.5; libzbc 02/001-007).
  // An INACTIVE one answers ZONE IS INACTIVE below, as every INACTIVE write pointer zone does.
  const activeSobr = isSobr(s, first) && s.condition[first] !== C.INACTIVE;
  if (activeSobr && !SOBR_ACTIONS.has(req.action)) {
    return refused({ kind: 'invalid-zone-id' });
  }
  // ZONE COUNT: 0 and 1 mean one zone; the whole range is checked before any change.
  const count = Math.max(1, req.count);
  const last = first + count - 1;
  if (last >= s.zoneCount) return refused({ kind: 'zone-id-out-of-range' });
  for (let i = first + 1; i <= last; i++) {
    const sameKind = s.isWritePointerZone(i) && s.type(i) === s.type(first);
    if (!sameKind) return refused({ kind: 'invalid-zone-count' });
  }
  // Then READ ONLY / OFFLINE / INACTIVE, zone by zone in ascending order.
  for (let i = first; i <= last; i++) {
    const fault = unavailableFault(s, i);
    if (fault) return refused(fault);
  }
  // Then open zone resources for the whole range (ZBC-2).
  if (!resourcesSuffice(s, req.action, first, last)) {
    return refused({ kind: 'insufficient-zone-resources' });
  }
  return ok(apply(s, req.action, first, last, (i) => i));
}

/**
 * Simulates the range's resource needs on the counters alone: an OPEN or a FINISH of an EMPTY or
 * CLOSED zone needs a free resource or an IOPEN zone to close; explicitly open zones are never
 * taken away.
 */
function resourcesSuffice(
  s: ZoneTable,
  action: ZoneActionKind,
  first: number,
  last: number,
): boolean {
  const max = s.maxOpen;
  if (max === null || (action !== 'open' && action !== 'finish')) return true;
  let explicit = s.explicitOpen;
  for (let i = first; i <= last; i++) {
    const c = s.condition[i];
    if (action === 'open') {
      if (c === C.EMPTY || c === C.CLOSED || c === C.IMPLICITLY_OPENED) explicit++;
    } else if (c === C.EXPLICITLY_OPENED) {
      explicit--; // finished: its resource is free for the next zone of the range
    } else if (c === C.EMPTY || c === C.CLOSED) {
      if (explicit >= max) return false;
    }
    if (explicit > max) return false;
  }
  return true;
}

function actOnAll(s: ZoneTable, action: ZoneActionKind): ZoneResult<ZoneActionResult> {
  const chosen: number[] = [];
  const select = ALL_SELECT[action];
  for (let i = s.geometry.firstSequential; i < s.zoneCount; i++) {
    if (!s.isWritePointerZone(i) || !select(s, i)) continue;
    if (isSobr(s, i) && !SOBR_ACTIONS.has(action)) {
      // FINISH ALL cannot finish an open SOBR zone (libzbc 02/031); OPEN/CLOSE ALL pass it by.
      if (action === 'finish') return refused({ kind: 'invalid-zone-id' });
      continue;
    }
    chosen.push(i);
  }
  // OPEN ALL opens every CLOSED zone or none.
  if (action === 'open' && s.maxOpen !== null && s.explicitOpen + chosen.length > s.maxOpen) {
    return refused({ kind: 'insufficient-zone-resources' });
  }
  // FINISH ALL never fails and never evicts: it only finishes zones that are open or closed.
  const effective = action === 'finish' ? 'finishAll' : action;
  return ok(apply(s, effective, 0, chosen.length - 1, (k) => chosen[k] as number));
}

function apply(
  s: ZoneTable,
  action: ZoneActionKind | 'finishAll',
  from: number,
  to: number,
  zoneAt: (k: number) => number,
): ZoneActionResult {
  const discard: Range[] = [];
  const reset = action === 'reset';
  /** RESET and FINISH are made durable before GOOD; if that fails, zoneActionFailed undoes them. */
  const undo: ZoneChange[] | null =
    reset || action === 'finish' || action === 'finishAll' ? [] : null;
  /** RESET: zones whose new state must reach the journal (resetCapture). */
  const persist: number[] = [];
  let changed = 0;
  for (let k = from; k <= to; k++) {
    const i = zoneAt(k);
    const condBefore = s.condition[i];
    const wpBefore = s.wp[i];
    const attrBefore = s.attributes[i];
    // A zone changed since the last capture may have an older persisted record: persist it too.
    const unpersisted = s.isDirty(i);
    const dataEnd = s.dataEnd[i] as number;
    const start = s.start(i);
    const before = undo !== null ? snapshot(s, i) : null;
    if (action === 'finishAll') s.finishZone(i);
    else APPLY[action](s, i);
    const changedHere =
      condBefore !== s.condition[i] || wpBefore !== s.wp[i] || attrBefore !== s.attributes[i];
    if (changedHere) changed++;
    if (changedHere && before !== null) undo?.push({ zone: i, before, after: snapshot(s, i) });
    if (reset && (changedHere || unpersisted)) persist.push(i);
    if (reset && s.hostAware && dataEnd > start) {
      discard.push({ lba: start, blocks: dataEnd - start });
    }
  }
  const undone: ZoneUndo = undo ?? [];
  if (!reset) return { changed, discard, undo: undone };
  // The reset zones only: every other zone keeps its dirty flag for the next data flush.
  return {
    changed,
    discard,
    resetCapture: captureZones(s, Uint32Array.from(persist)),
    undo: undone,
  };
}

function snapshot(s: ZoneTable, i: number): ZoneSnapshot {
  return {
    condition: s.condition[i] as number,
    writePointer: s.wp[i] as number,
    dataEnd: s.dataEnd[i] as number,
    attributes: s.attributes[i] as number,
  };
}

function same(s: ZoneTable, i: number, v: ZoneSnapshot): boolean {
  const now = snapshot(s, i);
  return (
    now.condition === v.condition &&
    now.writePointer === v.writePointer &&
    now.dataEnd === v.dataEnd &&
    now.attributes === v.attributes
  );
}

/**
 * A RESET or FINISH that could not be made durable: each zone it changed goes back as it was,
 * unless a later command has changed it since (that command built on the new state, which stands)
 * or a write to it is in flight. An open zone gets its resource back only if one is free.
 */
export function undoZoneAction(s: ZoneTable, undo: ZoneUndo): void {
  for (const { zone: i, before, after } of undo) {
    if (s.hasInflight(i) || !same(s, i, after)) continue;
    s.setWritePointer(i, before.writePointer);
    s.dataEnd[i] = before.dataEnd;
    s.setAttributes(i, before.attributes);
    s.restoreCondition(i, before.condition);
  }
}
