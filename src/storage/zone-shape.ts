// What the journal needs to know about each zone, from zbc's ZoneGeometry (so the two can never
// disagree): the start, length and type, and the condition a freshly formatted zone has.
// The journal uses it to write a fresh zone table and to apply ZBC power-on rules at load.
import { ZoneGeometry } from '../../zbc/geometry.js';
import { ZoneCondition, type ZoneLayoutConfig, type ZoneType } from '../../zbc/types.js';

export interface ZoneShape {
  readonly start: number;
  /** Blocks in the zone (for a sequential zone: its capacity). */
  readonly length: number;
  readonly type: ZoneType;
}

export class ZoneShapes {
  readonly count: number;
  private readonly geometry: ZoneGeometry | null;
  private readonly readOnly: ReadonlySet<number>;
  private readonly offline: ReadonlySet<number>;

  constructor(readonly layout: ZoneLayoutConfig) {
    this.geometry = layout.model === 'none' ? null : new ZoneGeometry(layout);
    this.count = this.geometry?.zoneCount ?? 0;
    this.readOnly = new Set(layout.readOnlyZones);
    this.offline = new Set(layout.offlineZones);
  }

  shape(index: number): ZoneShape {
    const g = this.geometry;
    if (g === null) throw new Error('ZoneShapes: model none has no zones');
    return { start: g.start(index), length: g.length(index), type: g.type(index) };
  }

  /** Condition of a zone on a freshly formatted medium. */
  initialCondition(index: number): ZoneCondition {
    if (this.geometry === null || !this.geometry.hasWritePointer(index)) {
      return ZoneCondition.NOT_WRITE_POINTER;
    }
    if (this.offline.has(index)) return ZoneCondition.OFFLINE;
    if (this.readOnly.has(index)) return ZoneCondition.READ_ONLY;
    return ZoneCondition.EMPTY;
  }
}
