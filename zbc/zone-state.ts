// Per-zone state in typed arrays, the open-zone counters and the state primitives.
// Primitives change state and keep the counters exact; they never check limits. Limits and
// validation live in the public operations (zone-actions.ts, write-rules.ts), as tcmu-runner
// separates __zbc_open_zone from zbc_open_zone.
//
// Memory per zone: start 8 + length 8 + wp 8 + data end 8 + type 1 + condition 1 + attributes 1 + dirty 1 +
// in-flight count 2 = 38 bytes (plus a dirty-list slot of 4): well under 64.
import type { ZoneGeometry } from './geometry.js';
import { ZoneCondition as C, ZoneType, type ZoneCondition, type ZoneLayoutConfig } from './types.js';

/** A committed write not yet completed, and the zone's WP before it (never above its data). */
interface InFlight {
  readonly plan: object;
  readonly wpBefore: number;
}

export class ZoneState {
  readonly geometry: ZoneGeometry;
  readonly hostAware: boolean;
  /** Maximum open SWR zones; null = no limit (always null on host-aware LUs). */
  readonly maxOpen: number | null;
  readonly zoneCount: number;

  readonly start: Float64Array;
  readonly length: Float64Array;
  readonly wp: Float64Array;
  /** End of the data written since the last reset: FINISH moves the WP, not this (§3.6). */
  readonly dataEnd: Float64Array;
  readonly type: Uint8Array;
  readonly condition: Uint8Array;
  readonly attributes: Uint8Array;

  /** I, E and the CLOSED count of zbc-reference §3.5, exact at all times. */
  implicitOpen = 0;
  explicitOpen = 0;
  closed = 0;

  private readonly dirty: Uint8Array;
  private dirtyList: Uint32Array;
  private dirtyCount = 0;
  private readonly inflightCount: Uint16Array;
  private readonly inflight = new Map<number, InFlight[]>();
  /** No IOPEN zone has an index below this (a lower bound that keeps eviction scans short). */
  private iopenFloor: number;

  constructor(layout: ZoneLayoutConfig, geometry: ZoneGeometry) {
    this.geometry = geometry;
    this.hostAware = layout.model === 'host-aware';
    this.maxOpen = this.hostAware ? null : layout.maxOpen;
    const n = geometry.zoneCount;
    this.zoneCount = n;
    this.start = new Float64Array(n);
    this.length = new Float64Array(n);
    this.wp = new Float64Array(n);
    this.dataEnd = new Float64Array(n);
    this.type = new Uint8Array(n);
    this.condition = new Uint8Array(n);
    this.attributes = new Uint8Array(n);
    this.dirty = new Uint8Array(n);
    this.dirtyList = new Uint32Array(Math.min(n, 1024));
    this.inflightCount = new Uint16Array(n);
    this.iopenFloor = n;
    for (let i = 0; i < n; i++) {
      const start = geometry.start(i);
      const type = geometry.type(i);
      this.start[i] = start;
      this.length[i] = geometry.length(i);
      this.wp[i] = start;
      this.dataEnd[i] = start;
      this.type[i] = type;
      this.condition[i] =
        type === ZoneType.CONVENTIONAL || type === ZoneType.GAP ? C.NOT_WRITE_POINTER : C.EMPTY;
    }
  }

  end(i: number): number {
    return (this.start[i] as number) + (this.length[i] as number);
  }

  cond(i: number): ZoneCondition {
    return this.condition[i] as ZoneCondition;
  }

  isWritePointerZone(i: number): boolean {
    const t = this.type[i];
    return t === ZoneType.SEQUENTIAL_WRITE_REQUIRED || t === ZoneType.SEQUENTIAL_WRITE_PREFERRED;
  }

  // ---- primitives -------------------------------------------------------------------------

  /** Sets a condition, keeping I, E and the CLOSED count exact, and marks the zone dirty. */
  setCondition(i: number, next: ZoneCondition): void {
    const prev = this.condition[i];
    if (prev === next) return;
    this.count(prev, -1);
    this.count(next, 1);
    this.condition[i] = next;
    if (next === C.IMPLICITLY_OPENED && i < this.iopenFloor) this.iopenFloor = i;
    this.markDirty(i);
  }

  private count(c: number | undefined, delta: number): void {
    if (c === C.IMPLICITLY_OPENED) this.implicitOpen += delta;
    else if (c === C.EXPLICITLY_OPENED) this.explicitOpen += delta;
    else if (c === C.CLOSED) this.closed += delta;
  }

  setWritePointer(i: number, wp: number): void {
    if (this.wp[i] === wp) return;
    this.wp[i] = wp;
    this.markDirty(i);
  }

  setAttributes(i: number, attributes: number): void {
    if (this.attributes[i] === attributes) return;
    this.attributes[i] = attributes;
    this.markDirty(i);
  }

  /** A zone leaving an open condition: CLOSED, or EMPTY when nothing was written (§3.6). */
  closeZone(i: number): void {
    this.setCondition(i, this.wp[i] === this.start[i] ? C.EMPTY : C.CLOSED);
  }

  finishZone(i: number): void {
    this.setWritePointer(i, this.end(i));
    this.setCondition(i, C.FULL);
  }

  /** RESET WRITE POINTER: EMPTY, WP at the start, RESET and NON_SEQ cleared (§3.6). */
  resetZone(i: number): void {
    this.setWritePointer(i, this.start[i] as number);
    this.dataEnd[i] = this.start[i] as number;
    this.setCondition(i, C.EMPTY);
    this.setAttributes(i, 0);
  }

  /** Lowest-numbered IOPEN zone, or -1 (zbc-target's eviction choice, zbc-reference §3.5). */
  lowestImplicitlyOpen(): number {
    if (this.implicitOpen === 0) return -1;
    for (let i = this.iopenFloor; i < this.zoneCount; i++) {
      if (this.condition[i] === C.IMPLICITLY_OPENED) {
        this.iopenFloor = i;
        return i;
      }
    }
    return -1;
  }

  /** True when one more zone can be opened, possibly by closing an IOPEN zone (§3.5). */
  canAcquire(): boolean {
    if (this.maxOpen === null) return true;
    return this.implicitOpen + this.explicitOpen < this.maxOpen || this.implicitOpen > 0;
  }

  /**
   * Manage open zone resources (ZBC-2 4.4.3.2, zbc-reference §3.5): makes room for one more open
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
    return this.inflightCount[i] !== 0;
  }

  addInflight(i: number, plan: object, wpBefore: number): void {
    const list = this.inflight.get(i);
    if (list) list.push({ plan, wpBefore });
    else this.inflight.set(i, [{ plan, wpBefore }]);
    this.inflightCount[i] = (this.inflightCount[i] as number) + 1;
  }

  removeInflight(i: number, plan: object): void {
    const list = this.inflight.get(i);
    if (!list) return;
    const at = list.findIndex((w) => w.plan === plan);
    if (at < 0) return;
    list.splice(at, 1);
    this.inflightCount[i] = (this.inflightCount[i] as number) - 1;
    if (list.length === 0) this.inflight.delete(i);
    // The captured WP of this zone may now move forward: persist it next time.
    this.markDirty(i);
  }

  /** The WP that is safe to persist: never ahead of a write still in flight (zbc/types.ts). */
  durableWritePointer(i: number): number {
    let wp = this.wp[i] as number;
    const list = this.inflight.get(i);
    if (list) for (const w of list) if (w.wpBefore < wp) wp = w.wpBefore;
    return wp;
  }
}
