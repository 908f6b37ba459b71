// Data-command rules: which reads and writes a zone allows, in ZBC-2's precedence for
// host-managed (SWR) writes, reads, and host-aware (SWP) writes.
// planWrite and checkRead never change state; commitWrite applies an accepted plan, completeWrite
// and failWrite settle it.
import { isSobr, planSobrWrite, sobrReadFault } from './domains/sobr-rules.js';
import type { InFlight, ZoneTable } from './zone-table.js';
import {
  ZoneAttribute,
  ZoneCondition as C,
  ZoneType,
  type ReadSegment,
  type WritePlan,
  type ZoneFault,
  type ZoneResult,
} from './types.js';
import { ok, refused } from './result.js';

/** Conditions refusing any access, ZBC-2 4.4.3.x (OFFLINE, INACTIVE) — checked for reads and writes. */
function unavailable(
  state: ZoneTable,
  first: number,
  last: number,
  lba: number,
  write: boolean,
  inactiveReadable = false,
): ZoneFault | null {
  // Precedence over the whole range: OFFLINE, then READ ONLY (writes only), then INACTIVE.
  let readOnly = -1;
  let inactive = -1;
  for (let i = first; i <= last; i++) {
    const c = state.condition[i];
    if (c === C.OFFLINE) return { kind: 'zone-offline', lba: Math.max(lba, state.start(i)) };
    if (write && c === C.READ_ONLY && readOnly < 0) readOnly = i;
    // URSWRZ governs write pointer zones only: an INACTIVE conventional zone always reads.
    const readable = !write && (inactiveReadable || state.type(i) === ZoneType.CONVENTIONAL);
    if (c === C.INACTIVE && inactive < 0 && !readable) inactive = i;
  }
  if (readOnly >= 0) return { kind: 'zone-read-only', lba: Math.max(lba, state.start(readOnly)) };
  if (inactive >= 0) return { kind: 'zone-inactive', lba: Math.max(lba, state.start(inactive)) };
  return null;
}

/** A plan for a zero-length transfer: accepted, changes nothing (SBC-4: no data, GOOD). */
const NO_ZONE = -1;
/** Writes that need not settle in order: conventional zones and host-aware (SWP) zones. */
const UNORDERED = { inOrderZone: null } as const;

export function planWrite(
  state: ZoneTable,
  lba: number,
  blocks: number,
  perPhysical: number,
): ZoneResult<WritePlan> {
  if (blocks === 0) return ok({ lba, blocks, zoneIndex: NO_ZONE, ...UNORDERED });
  const g = state.geometry;
  const first = g.indexOf(lba);
  const last = g.indexOf(lba + blocks - 1);
  const firstType = state.type(first);
  // HM and HA: a write starting in a gap zone, then unavailable zones anywhere in the range.
  if (firstType === ZoneType.GAP) return refused({ kind: 'gap-zone-access', lba });
  const bad = unavailable(state, first, last, lba, true);
  // An SWR write running into an INACTIVE zone crosses a zone boundary first (libzbc 05/077).
  if (bad?.kind === 'zone-inactive' && crossesFromSwr(state, first, last)) {
    return refused({ kind: 'write-boundary', lba });
  }
  if (bad) return refused(bad);
  if (firstType === ZoneType.SEQUENTIAL_OR_BEFORE_REQUIRED) {
    return planSobrWrite(state, lba, blocks, first, last, perPhysical);
  }
  // Conventional writes stay within conventional zones (they may span several).
  if (firstType === ZoneType.CONVENTIONAL) {
    if (state.type(last) !== ZoneType.CONVENTIONAL) return refused({ kind: 'write-boundary', lba });
    return ok({ lba, blocks, zoneIndex: first, ...UNORDERED });
  }
  if (state.hostAware) {
    // Host-aware: any write within SWP zones is accepted; crossing into another zone type is not.
    for (let i = first + 1; i <= last; i++) {
      if (state.type(i) !== ZoneType.SEQUENTIAL_WRITE_PREFERRED) {
        return refused({ kind: 'write-boundary', lba });
      }
    }
    return ok({ lba, blocks, zoneIndex: first, ...UNORDERED });
  }
  // SWR zones, in scsi_debug's order: boundary, FULL, WP, physical alignment, resources.
  if (last !== first) return refused({ kind: 'write-boundary', lba });
  const c = state.condition[first];
  if (c === C.FULL) return refused({ kind: 'write-to-full-zone', lba });
  if (lba !== state.wp[first]) return refused({ kind: 'unaligned-write', lba });
  if (lba % perPhysical !== 0 || blocks % perPhysical !== 0) {
    return refused({ kind: 'unaligned-write', lba });
  }
  if ((c === C.EMPTY || c === C.CLOSED) && !state.canAcquire()) {
    return refused({ kind: 'insufficient-zone-resources' });
  }
  return ok({ lba, blocks, zoneIndex: first, inOrderZone: first });
}

function crossesFromSwr(state: ZoneTable, first: number, last: number): boolean {
  const swr = state.type(first) === ZoneType.SEQUENTIAL_WRITE_REQUIRED && !state.hostAware;
  return swr && last !== first && state.condition[first] !== C.INACTIVE;
}

/**
 * Applies a plan from planWrite, made against the current state (no command in between). The WP
 * moves now, so the next write in CmdSN order is checked against it; the blocks read back as data
 * only once the write completes (completeWrite), so a read never returns what was there before.
 */
export function commitWrite(state: ZoneTable, plan: WritePlan): void {
  if (plan.blocks === 0 || plan.zoneIndex === NO_ZONE) return;
  const first = plan.zoneIndex;
  if (state.type(first) === ZoneType.CONVENTIONAL) return;
  const end = plan.lba + plan.blocks;
  const last = state.geometry.indexOf(end - 1);
  for (let i = first; i <= last; i++) {
    const zoneEnd = state.end(i);
    const from = Math.max(plan.lba, state.start(i));
    const to = Math.min(end, zoneEnd);
    const wp = state.wp[i] as number;
    state.addInflight(i, plan, to);
    const c = state.condition[i];
    if (c === C.FULL) continue; // host-aware only: a FULL SWP zone accepts writes and stays FULL
    if (state.hostAware && from !== wp) {
      state.setAttributes(i, (state.attributes[i] as number) | ZoneAttribute.NON_SEQ);
    }
    if (c === C.EMPTY || c === C.CLOSED) {
      // planWrite checked that it succeeds (always, on host-aware LUs); SOBR zones take none.
      if (state.usesOpenResources(i)) state.acquire();
      state.setCondition(i, C.IMPLICITLY_OPENED);
    }
    const next = Math.max(wp, to);
    state.setWritePointer(i, next);
    if (next === zoneEnd) state.setCondition(i, C.FULL);
  }
}

/** The zones a committed plan touched, or null for one that changed no zone. */
function zonesOf(state: ZoneTable, plan: WritePlan): { first: number; last: number } | null {
  if (plan.blocks === 0 || plan.zoneIndex === NO_ZONE) return null;
  if (state.type(plan.zoneIndex) === ZoneType.CONVENTIONAL) return null;
  return { first: plan.zoneIndex, last: state.geometry.indexOf(plan.lba + plan.blocks - 1) };
}

/**
 * The plan's data is stored. Returns false when the write no longer stands: an earlier write to
 * its sequential zone failed, so it did not start at the WP (the caller answers 5/21/04, as a
 * drive processing the writes in order would). Host-managed writes of one zone must settle in
 * commit order (WritePlan.inOrderZone); host-aware writes settle in any order.
 */
export function completeWrite(state: ZoneTable, plan: WritePlan): boolean {
  const zones = zonesOf(state, plan);
  if (zones === null) return true;
  let stands = true;
  for (let i = zones.first; i <= zones.last; i++) {
    const w = state.findInflight(i, plan);
    if (w === undefined) continue;
    if (w.doomed) {
      state.removeInflight(i, w);
      state.retireDone(i); // stored writes committed behind it (after the failure) now settle
      stands = false;
    } else if (state.hostAware) {
      state.removeInflight(i, w);
      if (w.resets === 0 && w.to > (state.dataEnd[i] as number)) state.dataEnd[i] = w.to;
    } else {
      w.done = true;
      state.retireDone(i);
    }
  }
  return stands;
}

/**
 * The plan's data could not be stored: the zones are put back as the write found them (ZBC: the
 * WP of a zone does not advance for a failed write), its blocks keep reading as before (zeros at
 * and above the WP), and on a host-managed LU the later writes to the zone committed behind it
 * are doomed (completeWrite answers false). What a RESET or FINISH did since the commit stands.
 */
export function failWrite(state: ZoneTable, plan: WritePlan): void {
  const zones = zonesOf(state, plan);
  if (zones === null) return;
  for (let i = zones.first; i <= zones.last; i++) {
    const w = state.findInflight(i, plan);
    if (w === undefined) continue;
    if (!w.doomed) {
      if (state.hostAware) rollBackUnordered(state, i, w);
      else rollBackSequential(state, i, w);
    }
    state.removeInflight(i, w);
    state.retireDone(i);
  }
}

/** Host-managed: every later write of the zone depended on this one's WP. */
function rollBackSequential(state: ZoneTable, i: number, failed: InFlight): void {
  let after = false;
  for (const w of state.inflightOf(i)) {
    if (w === failed) after = true;
    // Committed before the next RESET of the zone: it would have met the old WP (5/21/04).
    else if (after && w.resets === failed.resets) w.doomed = true;
  }
  if (failed.resets > 0) return; // a RESET since discarded everything it did
  if (failed.finished) return; // a FINISH since set the WP to the zone end: that stands
  state.setWritePointer(i, failed.wpBefore);
  restoreAfterWrite(state, i, failed.condBefore);
}

/**
 * Host-aware: other writes stand on their own. The WP goes back to the highest of the WP before
 * this write, the data of writes completed since and the ends of the other writes in flight.
 */
function rollBackUnordered(state: ZoneTable, i: number, failed: InFlight): void {
  if (failed.resets > 0 || failed.finished) return;
  let wp = Math.max(failed.wpBefore, state.dataEnd[i] as number);
  for (const w of state.inflightOf(i)) if (w !== failed && w.resets === 0 && w.to > wp) wp = w.to;
  if (wp >= (state.wp[i] as number)) return; // another write went as far: nothing to undo
  state.setWritePointer(i, wp);
  if (wp === failed.wpBefore) restoreAfterWrite(state, i, failed.condBefore);
  else if (state.condition[i] === C.FULL) state.setCondition(i, C.IMPLICITLY_OPENED); // no limit on SWP
}

/**
 * The condition after a failed write moved the WP back: what the write (or a doomed one after it)
 * made of the zone, IMPLICITLY OPENED or FULL, is undone; an OPEN or CLOSE since stands.
 */
function restoreAfterWrite(state: ZoneTable, i: number, before: number): void {
  const c = state.condition[i];
  if (c === C.IMPLICITLY_OPENED || c === C.FULL) state.restoreCondition(i, before);
  else if (c === C.CLOSED) state.closeZone(i); // EMPTY again when the WP is back at the start
}

const NOTHING_TO_READ: ZoneResult<readonly ReadSegment[]> = Object.freeze(ok(Object.freeze([])));

/**
 * Reads (ZBC-2, URSWRZ). Returns stored-data and zero-fill runs covering the range, or a fault.
 * The caller has checked the range against the capacity.
 */
export function checkRead(
  state: ZoneTable,
  lba: number,
  blocks: number,
  urswrz: boolean,
): ZoneResult<readonly ReadSegment[]> {
  if (blocks === 0) return NOTHING_TO_READ;
  const g = state.geometry;
  const first = g.indexOf(lba);
  const last = g.indexOf(lba + blocks - 1);
  // ZBC-2 4.4.3.x: with URSWRZ = 1 an INACTIVE zone reads (as its data, or zeros above the WP).
  const bad = unavailable(state, first, last, lba, false, urswrz);
  if (bad) return refused(bad);
  if (!state.hostAware) {
    // ZBC-2: a read crossing zone types (conventional/SWR/gap) is a READ BOUNDARY VIOLATION.
    const t = state.type(first);
    for (let i = first + 1; i <= last; i++) {
      if (state.type(i) !== t) return refused({ kind: 'read-boundary', lba });
    }
    if (!urswrz) {
      if (t === ZoneType.GAP) return refused({ kind: 'gap-zone-access', lba });
      if (t === ZoneType.SEQUENTIAL_WRITE_REQUIRED) {
        if (last !== first) return refused({ kind: 'read-boundary', lba });
        const c = state.condition[first];
        const readable = c === C.FULL || c === C.READ_ONLY;
        if (!readable && lba + blocks > (state.wp[first] as number)) {
          return refused({ kind: 'read-invalid-data', lba });
        }
      }
      if (isSobr(state, first)) {
        const fault = sobrReadFault(state, lba, blocks, first, last);
        if (fault) return refused(fault);
      }
    }
  }
  return ok(readSegments(state, lba, blocks, first, last));
}

/** Appends [from, to) to the runs, merged into the previous run when it continues it. */
function pushRun(out: ReadSegment[], from: number, to: number, zeroFill: boolean): void {
  if (to <= from) return;
  const prev = out[out.length - 1];
  if (prev && prev.zeroFill === zeroFill && prev.lba + prev.blocks === from) {
    out[out.length - 1] = { lba: prev.lba, blocks: to - prev.lba, zeroFill };
  } else {
    out.push({ lba: from, blocks: to - from, zeroFill });
  }
}

// Per READ: no closure, and usually a single run (one zone, all below or all above its data end).
function readSegments(
  state: ZoneTable,
  lba: number,
  blocks: number,
  first: number,
  last: number,
): ReadSegment[] {
  const out: ReadSegment[] = [];
  const end = lba + blocks;
  for (let i = first; i <= last; i++) {
    const from = Math.max(lba, state.start(i));
    const to = Math.min(end, state.end(i));
    const t = state.type(i);
    const c = state.condition[i];
    if (t === ZoneType.CONVENTIONAL || c === C.READ_ONLY) pushRun(out, from, to, false);
    else if (t === ZoneType.GAP) pushRun(out, from, to, true);
    else {
      // Below the data end (the WP, unless FINISH moved it): stored data; above: zeros, never
      // old contents (ZBC-2 RESET WRITE POINTER and FINISH ZONE).
      const dataEnd = state.dataEnd[i] as number;
      pushRun(out, from, Math.min(to, Math.max(from, dataEnd)), false);
      pushRun(out, Math.max(from, dataEnd), to, true);
    }
  }
  return out;
}
