// Data-command rules: which reads and writes a zone allows, in ZBC-2's precedence for
// host-managed (SWR) writes, reads, and host-aware (SWP) writes.
// planWrite and checkRead never change state; commitWrite applies an accepted plan.
import type { ZoneState } from './zone-state.js';
import {
  ZoneAttribute,
  ZoneCondition as C,
  ZoneType,
  type ReadSegment,
  type WritePlan,
  type ZoneFault,
} from './types.js';

/** Conditions refusing any access, ZBC-2 4.4.3.x (OFFLINE, INACTIVE) — checked for reads and writes. */
function unavailable(
  state: ZoneState,
  first: number,
  last: number,
  lba: number,
  write: boolean,
): ZoneFault | null {
  // Precedence over the whole range: OFFLINE, then READ ONLY (writes only), then INACTIVE.
  let readOnly = -1;
  let inactive = -1;
  for (let i = first; i <= last; i++) {
    const c = state.condition[i];
    if (c === C.OFFLINE) return { kind: 'zone-offline', lba: Math.max(lba, state.start(i)) };
    if (write && c === C.READ_ONLY && readOnly < 0) readOnly = i;
    if (c === C.INACTIVE && inactive < 0) inactive = i;
  }
  if (readOnly >= 0) return { kind: 'zone-read-only', lba: Math.max(lba, state.start(readOnly)) };
  if (inactive >= 0) return { kind: 'zone-inactive', lba: Math.max(lba, state.start(inactive)) };
  return null;
}

/** A plan for a zero-length transfer: accepted, changes nothing (SBC-4: no data, GOOD). */
const NO_ZONE = -1;

export function planWrite(
  state: ZoneState,
  lba: number,
  blocks: number,
  perPhysical: number,
): ZoneFault | WritePlan {
  if (blocks === 0) return { lba, blocks, zoneIndex: NO_ZONE };
  const g = state.geometry;
  const first = g.indexOf(lba);
  const last = g.indexOf(lba + blocks - 1);
  const firstType = state.type(first);
  // HM and HA: a write starting in a gap zone, then unavailable zones anywhere in the range.
  if (firstType === ZoneType.GAP) return { kind: 'gap-zone-access', lba };
  const bad = unavailable(state, first, last, lba, true);
  if (bad) return bad;
  // Conventional writes stay within conventional zones (they may span several).
  if (firstType === ZoneType.CONVENTIONAL) {
    if (state.type(last) !== ZoneType.CONVENTIONAL) return { kind: 'write-boundary', lba };
    return { lba, blocks, zoneIndex: first };
  }
  if (state.hostAware) {
    // Host-aware: any write within SWP zones is accepted; crossing into another zone type is not.
    for (let i = first + 1; i <= last; i++) {
      if (state.type(i) !== ZoneType.SEQUENTIAL_WRITE_PREFERRED) return { kind: 'write-boundary', lba };
    }
    return { lba, blocks, zoneIndex: first };
  }
  // SWR zones, in scsi_debug's order: boundary, FULL, WP, physical alignment, resources.
  if (last !== first) return { kind: 'write-boundary', lba };
  const c = state.condition[first];
  if (c === C.FULL) return { kind: 'write-to-full-zone', lba };
  if (lba !== state.wp[first]) return { kind: 'unaligned-write', lba };
  if (lba % perPhysical !== 0 || blocks % perPhysical !== 0) return { kind: 'unaligned-write', lba };
  if ((c === C.EMPTY || c === C.CLOSED) && !state.canAcquire()) return { kind: 'insufficient-zone-resources' };
  return { lba, blocks, zoneIndex: first };
}

/** Applies a plan from planWrite, made against the current state (no command in between). */
export function commitWrite(state: ZoneState, plan: WritePlan): void {
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
    state.addInflight(i, plan);
    // Written blocks read back as data, even in a FULL zone above the end FINISH left.
    if (to > (state.dataEnd[i] as number)) state.dataEnd[i] = to;
    const c = state.condition[i];
    if (c === C.FULL) continue; // host-aware only: a FULL SWP zone accepts writes and stays FULL
    if (state.hostAware && from !== wp) {
      state.setAttributes(i, (state.attributes[i] as number) | ZoneAttribute.NON_SEQ);
    }
    if (c === C.EMPTY || c === C.CLOSED) {
      state.acquire(); // planWrite checked that it succeeds (always, on host-aware LUs)
      state.setCondition(i, C.IMPLICITLY_OPENED);
    }
    const next = Math.max(wp, to);
    state.setWritePointer(i, next);
    if (next === zoneEnd) state.setCondition(i, C.FULL);
  }
}

/** Removes the plan from the in-flight set of each zone it touched. */
export function settleWrite(state: ZoneState, plan: WritePlan): void {
  if (plan.blocks === 0 || plan.zoneIndex === NO_ZONE) return;
  if (state.type(plan.zoneIndex) === ZoneType.CONVENTIONAL) return;
  const last = state.geometry.indexOf(plan.lba + plan.blocks - 1);
  for (let i = plan.zoneIndex; i <= last; i++) state.removeInflight(i, plan);
}

/**
 * Reads (ZBC-2, URSWRZ). Returns stored-data and zero-fill runs covering the range, or a fault.
 * The caller has checked the range against the capacity.
 */
export function checkRead(
  state: ZoneState,
  lba: number,
  blocks: number,
  urswrz: boolean,
): ZoneFault | readonly ReadSegment[] {
  if (blocks === 0) return [];
  const g = state.geometry;
  const first = g.indexOf(lba);
  const last = g.indexOf(lba + blocks - 1);
  const bad = unavailable(state, first, last, lba, false);
  if (bad) return bad;
  if (!state.hostAware) {
    // ZBC-2: a read crossing zone types (conventional/SWR/gap) is a READ BOUNDARY VIOLATION.
    const t = state.type(first);
    for (let i = first + 1; i <= last; i++) if (state.type(i) !== t) return { kind: 'read-boundary', lba };
    if (!urswrz) {
      if (t === ZoneType.GAP) return { kind: 'gap-zone-access', lba };
      if (t === ZoneType.SEQUENTIAL_WRITE_REQUIRED) {
        if (last !== first) return { kind: 'read-boundary', lba };
        const c = state.condition[first];
        const readable = c === C.FULL || c === C.READ_ONLY;
        if (!readable && lba + blocks > (state.wp[first] as number)) return { kind: 'read-invalid-data', lba };
      }
    }
  }
  return readSegments(state, lba, blocks, first, last);
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
function readSegments(state: ZoneState, lba: number, blocks: number, first: number, last: number): ReadSegment[] {
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
