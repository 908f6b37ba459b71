// ZoneTable: per-zone state in typed arrays, the open-zone counters and the state primitives.
// ZoneModel (zone-model.ts) owns one and applies the rules to it.
// Primitives change state and keep the counters exact; they never check limits. Limits and
// validation live in the public operations (zone-actions.ts, write-rules.ts), as tcmu-runner
// separates __zbc_open_zone from zbc_open_zone.
//
// Memory per zone: wp 8 + data end 8 + condition 1 + attributes 1 + dirty flag 1 = 19 bytes, plus a
// dirty-list slot of 4 once that list has grown to every zone: at most 23 (memoryBytes()). Start,
// length and type come from the geometry (uniform zones, optional runt, gap pitch); writes in
// flight live in a map holding only the zones that have some.
import type { ZoneGeometry } from './geometry.js';
import {
  ZoneCondition as C,
  ZoneType,
  type ZoneCondition,
  type ZoneLayoutConfig,
} from './types.js';

/**
 * A committed write not yet settled, with the zone as it was before it. A write's blocks read back
 * as data only once it has settled; on a host-managed LU its zone's writes retire in commit order.
 */
export interface InFlight {
  readonly plan: object;
  readonly wpBefore: number;
  readonly dataEndBefore: number;
  readonly condBefore: number;
  /** End of the write within this zone. */
  readonly to: number;
  /** RESETs of the zone since the commit: nothing the write did survives one. */
  resets: number;
  /** A FINISH since the commit: the WP stays at the zone end whatever the write's fate. */
  finished: boolean;
  /** Data stored; waits behind an earlier write of the zone to retire (host-managed). */
  done: boolean;
  /** An earlier write of the zone failed: this one no longer starts at the WP (ZBC 5/21/04). */
  doomed: boolean;
}

const NONE: readonly InFlight[] = [];

export class ZoneTable {
  readonly geometry: ZoneGeometry;
  readonly hostAware: boolean;
  /** Maximum open SWR zones; null = no limit (always null on host-aware LUs). */
  readonly maxOpen: number | null;
  readonly zoneCount: number;

  readonly wp: Float64Array;
  /** End of the data written since the last reset: FINISH moves the WP, not this. */
  readonly dataEnd: Float64Array;
  readonly condition: Uint8Array;
  readonly attributes: Uint8Array;

  /** I, E and the CLOSED count (ZBC-2 manage open zone resources), exact at all times. */
  implicitOpen = 0;
  explicitOpen = 0;
  closed = 0;
  /**
   * Changes to what REPORT ZONES shows (condition, write pointer, attributes) since start: equal
   * counts mean an identical report, so a reply may be reused (scsi/commands/zbc/zbc-in.ts).
   */
  reportedChanges = 0;
  /** Transitions since start, for metrics: one increment in the primitive that makes each. */
  readonly transitions = { implicitOpens: 0, explicitOpens: 0, resets: 0, finishes: 0 };

  private readonly dirty: Uint8Array;
  private dirtyList: Uint32Array;
  private dirtyCount = 0;
  private readonly inflight = new Map<number, InFlight[]>();
  /** No IOPEN zone has an index below this (a lower bound that keeps eviction scans short). */
  private iopenFloor: number;

  constructor(layout: ZoneLayoutConfig, geometry: ZoneGeometry) {
    this.geometry = geometry;
    this.hostAware = layout.model === 'host-aware';
    this.maxOpen = this.hostAware ? null : layout.maxOpen;
    const n = geometry.zoneCount;
    this.zoneCount = n;
    this.wp = new Float64Array(n);
    this.dataEnd = new Float64Array(n);
    this.condition = new Uint8Array(n);
    this.attributes = new Uint8Array(n);
    this.dirty = new Uint8Array(n);
    this.dirtyList = new Uint32Array(Math.min(n, 1024));
    this.iopenFloor = n;
    for (let i = 0; i < n; i++) {
      const start = geometry.start(i);
      const type = geometry.type(i);
      this.wp[i] = start;
      this.dataEnd[i] = start;
      this.condition[i] =
        type === ZoneType.CONVENTIONAL || type === ZoneType.GAP ? C.NOT_WRITE_POINTER : C.EMPTY;
    }
  }

  start(i: number): number {
    return this.geometry.start(i);
  }

  length(i: number): number {
    return this.geometry.length(i);
  }

  end(i: number): number {
    return this.geometry.start(i) + this.geometry.length(i);
  }

  type(i: number): ZoneType {
    return this.geometry.type(i);
  }

  /** Bytes of the per-zone typed arrays (bench item 4: at most 23 per zone). */
  memoryBytes(): number {
    const arrays = [
      this.wp,
      this.dataEnd,
      this.condition,
      this.attributes,
      this.dirty,
      this.dirtyList,
    ];
    return arrays.reduce((sum, a) => sum + a.byteLength, 0);
  }

  cond(i: number): ZoneCondition {
    return this.condition[i] as ZoneCondition;
  }

  isWritePointerZone(i: number): boolean {
    return this.geometry.hasWritePointer(i);
  }

  /** SOBR zones take no open zone resources (ZBC-2 4.4.3.2): only SWR and SWP zones count. */
  usesOpenResources(i: number): boolean {
    return this.geometry.isSequential(i);
  }

  // ---- primitives -------------------------------------------------------------------------

  /** Sets a condition, keeping I, E and the CLOSED count exact, and marks the zone dirty. */
  setCondition(i: number, next: ZoneCondition): void {
    const prev = this.condition[i];
    if (prev === next) return;
    this.condition[i] = next;
    this.reportedChanges++;
    this.markDirty(i);
    if (next === C.IMPLICITLY_OPENED) this.transitions.implicitOpens++;
    else if (next === C.EXPLICITLY_OPENED) this.transitions.explicitOpens++;
    if (!this.usesOpenResources(i)) return;
    this.count(prev, -1);
    this.count(next, 1);
    if (next === C.IMPLICITLY_OPENED && i < this.iopenFloor) this.iopenFloor = i;
  }

  private count(c: number | undefined, delta: number): void {
    if (c === C.IMPLICITLY_OPENED) this.implicitOpen += delta;
    else if (c === C.EXPLICITLY_OPENED) this.explicitOpen += delta;
    else if (c === C.CLOSED) this.closed += delta;
  }

  setWritePointer(i: number, wp: number): void {
    if (this.wp[i] === wp) return;
    this.wp[i] = wp;
    this.reportedChanges++;
    this.markDirty(i);
  }

  setAttributes(i: number, attributes: number): void {
    if (this.attributes[i] === attributes) return;
    this.attributes[i] = attributes;
    this.reportedChanges++;
    this.markDirty(i);
  }

  /** A zone leaving an open condition: CLOSED, or EMPTY when nothing was written (ZBC-2). */
  closeZone(i: number): void {
    this.setCondition(i, this.wp[i] === this.start(i) ? C.EMPTY : C.CLOSED);
  }

  finishZone(i: number): void {
    this.transitions.finishes++;
    for (const w of this.inflightOf(i)) w.finished = true;
    this.setWritePointer(i, this.end(i));
    this.setCondition(i, C.FULL);
  }

  /** RESET WRITE POINTER: EMPTY, WP at the start, RESET and NON_SEQ cleared (ZBC-2). */
  resetZone(i: number): void {
    const start = this.start(i);
    this.transitions.resets++;
    for (const w of this.inflightOf(i)) w.resets++;
    this.setWritePointer(i, start);
    this.dataEnd[i] = start;
    this.setCondition(i, C.EMPTY);
    this.setAttributes(i, 0);
  }

  /** Lowest-numbered IOPEN zone, or -1 (zbc-target's eviction choice, docs/zones.md). */
  lowestImplicitlyOpen(): number {
    if (this.implicitOpen === 0) return -1;
    for (let i = this.iopenFloor; i < this.zoneCount; i++) {
      if (this.condition[i] === C.IMPLICITLY_OPENED && this.usesOpenResources(i)) {
        this.iopenFloor = i;
        return i;
      }
    }
    return -1;
  }

  /** True when one more zone can be opened, possibly by closing an IOPEN zone (ZBC-2). */
  canAcquire(): boolean {
    if (this.maxOpen === null) return true;
    return this.implicitOpen + this.explicitOpen < this.maxOpen || this.implicitOpen > 0;
  }

  /**
   * Manage open zone resources (ZBC-2 4.4.3.2, docs/zones.md): makes room for one more open
   * zone. Returns false (and changes nothing) when every resource is explicitly open.
   */
  acquire(): boolean {
    if (this.maxOpen === null || this.implicitOpen + this.explicitOpen < this.maxOpen) return true;
    const victim = this.lowestImplicitlyOpen();
    if (victim < 0) return false;
    this.closeZone(victim);
    return true;
  }

  // ---- dirty tracking and in-flight writes ------------------------------------------------

  /** Changed since the last captureDurable took it (its persisted record may be older). */
  isDirty(i: number): boolean {
    return this.dirty[i] === 1;
  }

  markDirty(i: number): void {
    if (this.dirty[i] === 1) return;
    this.dirty[i] = 1;
    if (this.dirtyCount === this.dirtyList.length) {
      const grown = new Uint32Array(Math.min(this.zoneCount, this.dirtyList.length * 2));
      grown.set(this.dirtyList);
      this.dirtyList = grown;
    }
    this.dirtyList[this.dirtyCount++] = i;
  }

  /** Dirty zones, ascending; clears the set except zones for which `keep` answers true. */
  takeDirty(keep: (i: number) => boolean): Uint32Array {
    const out = this.dirtyList.slice(0, this.dirtyCount).sort();
    this.dirtyCount = 0;
    for (const i of out) {
      this.dirty[i] = 0;
      if (keep(i)) this.markDirty(i);
    }
    return out;
  }

  hasInflight(i: number): boolean {
    return this.inflight.has(i);
  }

  /** Unsettled writes of zone i in commit order (empty when none). */
  inflightOf(i: number): readonly InFlight[] {
    return this.inflight.get(i) ?? NONE;
  }

  /** Call before the plan changes zone i; `to` is the end of the write within the zone. */
  addInflight(i: number, plan: object, to: number): void {
    const entry: InFlight = {
      plan,
      wpBefore: this.wp[i] as number,
      dataEndBefore: this.dataEnd[i] as number,
      condBefore: this.condition[i] as number,
      to,
      resets: 0,
      finished: false,
      done: false,
      doomed: false,
    };
    const list = this.inflight.get(i);
    if (list) list.push(entry);
    else this.inflight.set(i, [entry]);
  }

  findInflight(i: number, plan: object): InFlight | undefined {
    const list = this.inflight.get(i);
    if (list) for (const w of list) if (w.plan === plan) return w;
    return undefined;
  }

  /** Drops a settled entry; the list keeps commit order (it is short: writes in flight). */
  removeInflight(i: number, entry: InFlight): void {
    const list = this.inflight.get(i);
    if (!list) return;
    const at = list.indexOf(entry);
    if (at < 0) return;
    for (let k = at; k < list.length - 1; k++) list[k] = list[k + 1] as InFlight;
    list.pop(); // shifted in place: no spliced-out array per write
    if (list.length === 0) this.inflight.delete(i);
    // The captured WP of this zone may now move: persist it next time.
    this.markDirty(i);
  }

  /** Retires the stored writes at the head of zone i's list: their blocks now read as data. */
  retireDone(i: number): void {
    const list = this.inflight.get(i);
    while (list !== undefined && list.length > 0 && (list[0] as InFlight).done) {
      const w = list[0] as InFlight;
      this.removeInflight(i, w);
      // Doomed: stored after an earlier write failed, above the WP that failure restored.
      if (w.resets === 0 && !w.doomed && w.to > (this.dataEnd[i] as number)) this.dataEnd[i] = w.to;
    }
  }

  /**
   * Puts back a condition a failed command had replaced: an open condition only while a resource
   * is free without closing another zone, else CLOSED or EMPTY (by the WP), which needs none.
   */
  restoreCondition(i: number, before: number): void {
    const open = before === C.IMPLICITLY_OPENED || before === C.EXPLICITLY_OPENED;
    if (!open) {
      if (before === C.EMPTY || before === C.CLOSED) this.closeZone(i);
      else this.setCondition(i, before as ZoneCondition);
      return;
    }
    const c = this.condition[i];
    const holdsOne = c === C.IMPLICITLY_OPENED || c === C.EXPLICITLY_OPENED;
    const free = this.maxOpen === null || this.implicitOpen + this.explicitOpen < this.maxOpen;
    if (holdsOne || free) this.setCondition(i, before as ZoneCondition);
    else this.closeZone(i);
  }

  /** The WP that is safe to persist: never ahead of a write still in flight (zbc/types.ts). */
  durableWritePointer(i: number): number {
    let wp = this.wp[i] as number;
    const list = this.inflight.get(i);
    if (list) for (const w of list) if (w.wpBefore < wp) wp = w.wpBefore;
    return wp;
  }

  /** The data end that is safe to persist: completed writes only, like durableWritePointer. */
  durableDataEnd(i: number): number {
    let end = this.dataEnd[i] as number;
    const list = this.inflight.get(i);
    if (list) for (const w of list) if (w.dataEndBefore < end) end = w.dataEndBefore;
    return end;
  }
}
