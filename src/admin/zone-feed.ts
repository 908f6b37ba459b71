// Live zone state for the zone map: a full table on request, then only the zones that changed,
// found by comparing the models' live arrays with a copy every tick (a few hundred microseconds
// for 74,506 zones). Ticks run only while someone listens.
import { ZoneCondition } from '../../zbc/types.js';
import type { ZoneModel } from '../../zbc/zone-model.js';
import type { LunHandle, LunRegistry } from './lun-registry.js';
import type { Metrics } from './metrics.js';

/** One LU's zones, compactly: per zone a type, a condition and a WP fill 0-255. */
export interface ZoneTable {
  readonly target: string;
  readonly lun: number;
  readonly zoneCount: number;
  readonly type: Uint8Array;
  readonly condition: Uint8Array;
  readonly fill: Uint8Array;
}

/** [zone index, condition, fill] for each changed zone. */
export type ZoneChange = readonly [number, number, number];

export interface LunSummary {
  readonly target: string;
  readonly lun: number;
  /** Zones per condition, keyed by the ZBC-2 condition value. */
  readonly counts: Record<number, number>;
  readonly implicitOpen: number;
  readonly explicitOpen: number;
  readonly maxOpen: number | null;
}

export interface FeedTick {
  /** Increases by one per tick; a table taken at seq N already holds every change up to N. */
  readonly seq: number;
  readonly changes: readonly {
    readonly target: string;
    readonly lun: number;
    readonly zones: readonly ZoneChange[];
  }[];
  readonly luns: readonly LunSummary[];
  readonly commandsPerSecond: number;
  readonly bytesPerSecond: number;
}

interface Tracked {
  readonly handle: LunHandle;
  readonly zones: ZoneModel;
  readonly condition: Uint8Array;
  readonly wp: Float64Array;
  readonly table: ZoneTable;
}

export const FEED_INTERVAL_MS = 250;

/** WP position inside the writable part of a zone, 0-255 (FULL and conventional: 255 / 0). */
function fillOf(z: ZoneModel, i: number, condition: number): number {
  if (condition === ZoneCondition.FULL) return 255;
  if (condition === ZoneCondition.NOT_WRITE_POINTER) return 0;
  const start = z.geometry.start(i);
  const capacity = Math.min(z.geometry.length(i), z.layout.zoneCapacityBlocks);
  const wp = z.liveArrays().writePointer[i] as number;
  return capacity <= 0
    ? 0
    : Math.max(0, Math.min(255, Math.round((255 * (wp - start)) / capacity)));
}

export class ZoneFeed {
  readonly #tracked: Tracked[];
  readonly #listeners = new Set<(tick: FeedTick) => void>();
  #timer: NodeJS.Timeout | undefined;
  #last = { commands: 0, bytes: 0, at: 0 };
  #seq = 0;

  constructor(
    luns: LunRegistry,
    private readonly metrics: Metrics,
  ) {
    this.#tracked = luns.all.flatMap((handle) => {
      const zones = handle.zones;
      if (zones === undefined) return [];
      const n = zones.zoneCount;
      const live = zones.liveArrays();
      const type = new Uint8Array(n);
      const fill = new Uint8Array(n);
      for (let i = 0; i < n; i++) type[i] = zones.geometry.type(i);
      const condition = Uint8Array.from(live.condition);
      for (let i = 0; i < n; i++) fill[i] = fillOf(zones, i, condition[i] as number);
      const table: ZoneTable = {
        target: handle.targetName,
        lun: handle.lun,
        zoneCount: n,
        type,
        condition,
        fill,
      };
      return [{ handle, zones, condition, wp: Float64Array.from(live.writePointer), table }];
    });
  }

  /** The tables as of the last tick (a listener's starting point; ticks carry changes since). */
  tables(): { readonly seq: number; readonly tables: readonly ZoneTable[] } {
    if (this.#timer === undefined) this.#sync();
    return { seq: this.#seq, tables: this.#tracked.map((t) => t.table) };
  }

  subscribe(listener: (tick: FeedTick) => void): () => void {
    this.#listeners.add(listener);
    if (this.#timer === undefined) {
      this.#sync();
      this.#timer = setInterval(() => this.#broadcast(), FEED_INTERVAL_MS);
      this.#timer.unref?.();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0 && this.#timer !== undefined) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    };
  }

  /** Brings the tables up to date without telling anyone (before the first listener). */
  #sync(): void {
    for (const t of this.#tracked) this.#diff(t);
    const a = this.metrics.activity();
    this.#last = { commands: a.commands, bytes: a.bytes, at: performance.now() };
  }

  #diff(t: Tracked): ZoneChange[] {
    const live = t.zones.liveArrays();
    const changes: ZoneChange[] = [];
    const n = t.table.zoneCount;
    for (let i = 0; i < n; i++) {
      const c = live.condition[i] as number;
      const wp = live.writePointer[i] as number;
      if (c === t.condition[i] && wp === t.wp[i]) continue;
      t.condition[i] = c;
      t.wp[i] = wp;
      const fill = fillOf(t.zones, i, c);
      t.table.fill[i] = fill;
      changes.push([i, c, fill]);
    }
    return changes;
  }

  /** One tick's content (also the API's summary). */
  tick(): FeedTick {
    const changes = this.#tracked
      .map((t) => ({ target: t.handle.targetName, lun: t.handle.lun, zones: this.#diff(t) }))
      .filter((c) => c.zones.length > 0);
    const now = performance.now();
    const a = this.metrics.activity();
    const seconds = Math.max(0.001, (now - this.#last.at) / 1000);
    this.#seq += 1;
    const tick: FeedTick = {
      seq: this.#seq,
      changes,
      luns: this.#tracked.map((t) => summary(t)),
      commandsPerSecond: (a.commands - this.#last.commands) / seconds,
      bytesPerSecond: (a.bytes - this.#last.bytes) / seconds,
    };
    this.#last = { commands: a.commands, bytes: a.bytes, at: now };
    return tick;
  }

  #broadcast(): void {
    const tick = this.tick();
    for (const listener of this.#listeners) listener(tick);
  }

  close(): void {
    this.#listeners.clear();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

function summary(t: Tracked): LunSummary {
  const counts: Record<number, number> = {};
  for (const c of t.condition) counts[c] = (counts[c] ?? 0) + 1;
  const open = t.zones.openCounts;
  return {
    target: t.handle.targetName,
    lun: t.handle.lun,
    counts,
    implicitOpen: open.implicit,
    explicitOpen: open.explicit,
    maxOpen: t.zones.model === 'host-aware' ? null : t.zones.layout.maxOpen,
  };
}
