// The zone model of one zoned logical unit: ZoneModelContract for scsi/, pure and synchronous.
// State lives in typed arrays (zone-table.ts); the rules live in write-rules.ts (data commands),
// zone-actions.ts (ZBC OUT) and report-zones.ts (ZBC IN).
import { ZoneDomains } from './domains/zone-domains.js';
import { validateLayout, ZoneGeometry } from './geometry.js';
import { reportZones } from './report-zones.js';
import { undoZoneAction, zoneAction } from './zone-actions.js';
import { captureZones } from './zone-capture.js';
import type { PersistedZoneState } from './zone-journal.js';
import { ZoneTable } from './zone-table.js';
import { checkRead, commitWrite, completeWrite, failWrite, planWrite } from './write-rules.js';
import {
  ZoneCondition as C,
  type ReadSegment,
  type ReportZonesRequest,
  type WritePlan,
  type ZoneActionRequest,
  type ZoneActionResult,
  type ZoneCapture,
  type ZoneCondition,
  type ZonedModel,
  type ZoneResult,
  type ZoneInfo,
  type ZoneLayoutConfig,
  type ZoneReport,
  type ZoneType,
} from './types.js';
import type { ZoneModelContract } from './zone-model-contract.js';

/** Run-time zone health (setZoneHealth). */
export type ZoneHealth = 'read-only' | 'offline' | 'normal';

export class ZoneModel implements ZoneModelContract {
  readonly model: ZonedModel;
  readonly layout: ZoneLayoutConfig;
  readonly geometry: ZoneGeometry;
  readonly zoneCount: number;
  readonly domains?: ZoneDomains;
  private readonly state: ZoneTable;
  private readonly perPhysical: number;
  private urswrzNow: boolean;
  /** Zones whose health changed transiently: the condition to persist in place of theirs. */
  private readonly transientBase = new Map<number, ZoneCondition>();

  /**
   * Throws RangeError on an invalid or non-zoned layout, or a restored state of another
   * geometry: callers validate configuration first (validateLayout), so this is a bug.
   */
  constructor(layout: ZoneLayoutConfig, restored?: PersistedZoneState | null) {
    const error = validateLayout(layout);
    if (error !== null) throw new RangeError(`invalid zone layout: ${error}`);
    if (layout.model === 'none')
      throw new RangeError('invalid zone layout: model: none has no zones');
    this.model = layout.model;
    this.layout = layout;
    this.urswrzNow = layout.urswrz;
    this.geometry = new ZoneGeometry(layout);
    this.zoneCount = this.geometry.zoneCount;
    this.state = new ZoneTable(layout, this.geometry);
    this.perPhysical = layout.physicalBlockSize / layout.blockSize;
    if (restored) this.restore(restored);
    const map = this.geometry.domainMap;
    if (map !== null) this.domains = new ZoneDomains(map, this.state, restored?.realmDomains);
    for (const i of layout.readOnlyZones) this.state.setCondition(i, C.READ_ONLY);
    for (const i of layout.offlineZones) this.state.setCondition(i, C.OFFLINE);
    this.state.takeDirty(() => false);
  }

  /**
   * Power-on state from a journal (docs/zones.md, Power-on): open zones come back CLOSED (or
   * EMPTY), WPs are clamped to their zone, counters are rebuilt by the primitives.
   */
  private restore(restored: PersistedZoneState): void {
    const s = this.state;
    const n = this.zoneCount;
    const { condition, writePointer, attributes } = restored;
    if (condition.length !== n || writePointer.length !== n || attributes.length !== n) {
      throw new RangeError(
        `restored zone state has ${restored.condition.length} zones, the layout ${n}`,
      );
    }
    for (let i = 0; i < n; i++) {
      if (!s.isWritePointerZone(i)) continue;
      const start = s.start(i);
      const end = s.end(i);
      const raw = restored.writePointer[i] as number;
      const wp = Number.isFinite(raw) ? Math.min(end, Math.max(start, Math.floor(raw))) : start;
      const cond = restored.condition[i] as number;
      s.setAttributes(i, (restored.attributes[i] as number) & 0x3);
      if (cond === C.READ_ONLY || cond === C.OFFLINE || cond === C.INACTIVE) {
        s.setWritePointer(i, wp);
        s.setCondition(i, cond);
      } else if (cond === C.FULL || wp === end) {
        s.setWritePointer(i, end);
        s.setCondition(i, C.FULL);
        // A FULL record's WP field is its data end (zone-capture.ts): FINISHed blocks stay zeros.
        s.dataEnd[i] = cond === C.FULL ? wp : end;
        continue;
      } else if (cond === C.EMPTY || wp === start) {
        s.setWritePointer(i, start);
        s.setCondition(i, C.EMPTY);
      } else {
        s.setWritePointer(i, wp);
        s.setCondition(i, C.CLOSED);
      }
      s.dataEnd[i] = s.wp[i] as number;
    }
  }

  get urswrz(): boolean {
    return this.urswrzNow;
  }

  setUrswrz(on: boolean): void {
    this.urswrzNow = on;
  }

  checkRead(lba: number, blocks: number): ZoneResult<readonly ReadSegment[]> {
    return checkRead(this.state, lba, blocks, this.urswrzNow);
  }

  planWrite(lba: number, blocks: number): ZoneResult<WritePlan> {
    return planWrite(this.state, lba, blocks, this.perPhysical);
  }

  commitWrite(plan: WritePlan): void {
    commitWrite(this.state, plan);
  }

  writeCompleted(plan: WritePlan): boolean {
    return completeWrite(this.state, plan);
  }

  writeFailed(plan: WritePlan): void {
    failWrite(this.state, plan);
  }

  zoneAction(request: ZoneActionRequest): ZoneResult<ZoneActionResult> {
    return zoneAction(this.state, request);
  }

  zoneActionFailed(result: ZoneActionResult): void {
    undoZoneAction(this.state, result.undo);
  }

  reportZones(request: ReportZonesRequest): ZoneResult<ZoneReport> {
    return reportZones(this.state, request);
  }

  /**
   * Dirty zones, normalised as they will load; zones with writes in flight stay dirty. A FULL
   * record carries the zone's data end in its WP field (zone-capture.ts).
   */
  captureDurable(): ZoneCapture {
    const s = this.state;
    const capture = captureZones(
      s,
      s.takeDirty((i) => s.hasInflight(i)),
    );
    if (this.transientBase.size === 0) return capture;
    // A transient READ ONLY / OFFLINE is never persisted: its zone's record keeps the condition
    // it had before, normalised as it would load (open -> CLOSED or EMPTY).
    for (let k = 0; k < capture.zones.length; k++) {
      const zone = capture.zones[k] as number;
      const base = this.transientBase.get(zone);
      if (base !== undefined) capture.condition[k] = this.loadedCondition(zone, base);
    }
    return capture;
  }

  private loadedCondition(i: number, base: ZoneCondition): ZoneCondition {
    const kept = base === C.READ_ONLY || base === C.OFFLINE || base === C.INACTIVE;
    return kept || base === C.FULL ? base : this.healthyCondition(i);
  }

  /** The condition of a healthy zone with the current WP: EMPTY, FULL or CLOSED (ZBC-2 4.4.3). */
  private healthyCondition(i: number): ZoneCondition {
    const s = this.state;
    const wp = s.wp[i] as number;
    if (wp === s.start(i)) return C.EMPTY;
    return wp === s.end(i) ? C.FULL : C.CLOSED;
  }

  /**
   * Changes a write pointer zone's health at run time, as a drive does when a head degrades
   * (ZBC-2 4.4.3.5 READ ONLY, 4.4.3.6 OFFLINE) or recovers ('normal': EMPTY, CLOSED or FULL from
   * its WP). An open zone leaves the open counts. A transient change is reported as it is but
   * persisted as the zone was before; a persisted one is captured like any other change.
   * Returns an error message for a zone that has no write pointer or does not exist.
   */
  setZoneHealth(index: number, health: ZoneHealth, transient: boolean): string | null {
    const s = this.state;
    if (!Number.isInteger(index) || index < 0 || index >= this.zoneCount) {
      return `zone ${index} does not exist (0-${this.zoneCount - 1})`;
    }
    if (!s.isWritePointerZone(index)) return `zone ${index} has no write pointer`;
    const base = this.transientBase.get(index);
    if (!transient) this.transientBase.delete(index);
    else if (base === undefined) this.transientBase.set(index, s.cond(index));
    // Undoing a transient change of a healthy zone: what is persisted is true again.
    else if (health === 'normal' && base !== C.READ_ONLY && base !== C.OFFLINE) {
      this.transientBase.delete(index);
    }
    const next =
      health === 'read-only'
        ? C.READ_ONLY
        : health === 'offline'
          ? C.OFFLINE
          : this.healthyCondition(index);
    s.setCondition(index, next);
    s.markDirty(index);
    return null;
  }

  /** Bytes of the per-zone typed arrays the model holds (at most 24 per zone). */
  memoryBytes(): number {
    return this.state.memoryBytes();
  }

  zoneAt(index: number): ZoneInfo {
    const s = this.state;
    if (!Number.isInteger(index) || index < 0 || index >= this.zoneCount) {
      throw new RangeError(`zone index ${index} out of range`);
    }
    return {
      index,
      type: s.type(index) as ZoneType,
      condition: s.condition[index] as ZoneCondition,
      start: s.start(index),
      length: s.length(index),
      writePointer: s.wp[index] as number,
      attributes: s.attributes[index] as number,
    };
  }

  /** Zone index holding an LBA below the capacity. */
  zoneIndexOf(lba: number): number {
    return this.geometry.indexOf(lba);
  }

  /**
   * The live per-zone condition and WP arrays, in REPORT ZONES order, for callers that scan every
   * zone (metrics, the zone map's change detection) without an object per zone. Read only.
   */
  liveArrays(): { readonly condition: Uint8Array; readonly writePointer: Float64Array } {
    return { condition: this.state.condition, writePointer: this.state.wp };
  }

  /** Zone transitions since start (implicit/explicit opens, resets, finishes), for metrics. */
  get transitions(): Readonly<ZoneTable['transitions']> {
    return this.state.transitions;
  }

  /** I, E and CLOSED counts (ZBC-2 manage open zone resources). */
  get openCounts(): {
    readonly implicit: number;
    readonly explicit: number;
    readonly closed: number;
  } {
    return {
      implicit: this.state.implicitOpen,
      explicit: this.state.explicitOpen,
      closed: this.state.closed,
    };
  }
}
