// Small layouts and helpers shared by the zone-model tests.
import { expect } from 'vitest';
import { ZoneModel } from '../../../zbc/zone-model.js';
import {
  ZoneCondition as C,
  type WritePlan,
  type ZoneCapture,
  type ZoneFault,
  type ZoneLayoutConfig,
} from '../../../zbc/types.js';
import type { PersistedZoneState } from '../../../zbc/zone-journal.js';
import { isZoneFault, settled } from '../../helpers/zone-result.js';

/** 512/4096 blocks (8 per physical), 64-block zones: 2 conventional + 6 sequential, max 2 open. */
export function smallLayout(over: Partial<ZoneLayoutConfig> = {}): ZoneLayoutConfig {
  return {
    model: 'host-managed',
    blockSize: 512,
    physicalBlockSize: 4096,
    capacityBlocks: 8 * 64,
    zoneSizeBlocks: 64,
    zoneCapacityBlocks: 64,
    conventionalZones: 2,
    maxOpen: 2,
    urswrz: true,
    readOnlyZones: [],
    offlineZones: [],
    ...over,
  };
}

/** 64-block pitch with 48-block capacity: zones C C S G S G S G S G (gaps after each SWR zone). */
export function gapLayout(over: Partial<ZoneLayoutConfig> = {}): ZoneLayoutConfig {
  return smallLayout({ capacityBlocks: 6 * 64, zoneCapacityBlocks: 48, ...over });
}

export const Z = 64;
/** First LBA of zone i in smallLayout. */
export const zs = (i: number): number => i * Z;

export function plan(m: ZoneModel, lba: number, blocks: number): WritePlan {
  const p = settled(m.planWrite(lba, blocks));
  if (isZoneFault(p)) throw new Error(`unexpected fault ${p.kind}`);
  return p;
}

/** plan + commit + complete, the happy path of one WRITE. */
export function write(m: ZoneModel, lba: number, blocks: number): void {
  const p = plan(m, lba, blocks);
  m.commitWrite(p);
  m.writeCompleted(p);
}

export function act(
  m: ZoneModel,
  action: 'close' | 'finish' | 'open' | 'reset' | 'sequentialize',
  zoneId: number | bigint,
  opts: { count?: number; all?: boolean } = {},
): ZoneFault | { changed: number } {
  return settled(m.zoneAction({ action, zoneId, count: opts.count ?? 0, all: opts.all ?? false }));
}

export function cond(m: ZoneModel, i: number): number {
  return m.zoneAt(i).condition;
}

export function wp(m: ZoneModel, i: number): number {
  return m.zoneAt(i).writePointer;
}

/** A journal in memory: every zone, updated by captures, as src/storage would keep it. */
export function journalOf(m: ZoneModel): {
  state: PersistedZoneState;
  apply(c: ZoneCapture): void;
} {
  const n = m.zoneCount;
  const state = {
    condition: new Uint8Array(n),
    writePointer: new Float64Array(n),
    attributes: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const z = m.zoneAt(i);
    state.condition[i] =
      z.condition === C.IMPLICITLY_OPENED || z.condition === C.EXPLICITLY_OPENED
        ? C.CLOSED
        : z.condition;
    state.writePointer[i] = z.writePointer;
    state.attributes[i] = z.attributes;
  }
  return {
    state,
    apply(c) {
      c.zones.forEach((z, k) => {
        state.condition[z] = c.condition[k]!;
        state.writePointer[z] = c.writePointer[k]!;
        state.attributes[z] = c.attributes[k]!;
      });
    },
  };
}

/**
 * A model restored from a journal equals the original as it loads after a restart: open zones
 * CLOSED (EMPTY when nothing was written), every WP unchanged (docs/zones.md, Power-on); with
 * `reads`, every zone reads back the same segments (data vs zero-fill).
 */
export function expectRestoredMatches(
  original: ZoneModel,
  restored: ZoneModel,
  opts: { reads?: boolean } = {},
): void {
  for (let i = 0; i < original.zoneCount; i++) {
    const a = original.zoneAt(i);
    const b = restored.zoneAt(i);
    const open = a.condition === C.IMPLICITLY_OPENED || a.condition === C.EXPLICITLY_OPENED;
    const expected = open ? (a.writePointer === a.start ? C.EMPTY : C.CLOSED) : a.condition;
    expect([b.condition, b.writePointer], `zone ${i}`).toEqual([expected, a.writePointer]);
    if (opts.reads === true) {
      expect(settled(restored.checkRead(a.start, a.length)), `zone ${i} reads`).toEqual(
        settled(original.checkRead(a.start, a.length)),
      );
    }
  }
}
