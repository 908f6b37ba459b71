// LogicalUnit's journal ordering (docs/zones.md): persist calls keep capture order, but a
// call does not wait for the previous one to be durable, so the journal can fold resets that
// arrive together into one sync (group commit).
import { describe, expect, it } from 'vitest';
import { ZoneModel } from '../../../zbc/zone-model.js';
import type { ZoneCapture, ZoneLayoutConfig } from '../../../zbc/types.js';
import type { ZoneJournal } from '../../../zbc/zone-journal.js';
import { harness } from './harness.js';

const LAYOUT: ZoneLayoutConfig = {
  model: 'host-managed',
  blockSize: 512,
  physicalBlockSize: 512,
  capacityBlocks: 8 * 64,
  zoneSizeBlocks: 64,
  zoneCapacityBlocks: 64,
  conventionalZones: 1,
  maxOpen: null,
  urswrz: true,
  readOnlyZones: [],
  offlineZones: [],
};

/** A journal whose syncs finish only when the test says so; records the zones of each call. */
class HeldJournal implements ZoneJournal {
  readonly loaded = null;
  readonly calls: number[][] = [];
  readonly #pending: (() => void)[] = [];
  persist(c: ZoneCapture): Promise<void> {
    this.calls.push(Array.from(c.zones));
    return new Promise((resolve) => this.#pending.push(resolve));
  }
  releaseAll(): void {
    for (const r of this.#pending.splice(0)) r();
  }
  async close(): Promise<void> {}
}

const capture = (zone: number): ZoneCapture => ({
  zones: Uint32Array.of(zone),
  condition: Uint8Array.of(1),
  writePointer: Float64Array.of(zone * 64),
  attributes: Uint8Array.of(0),
});

const ticks = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('LogicalUnit journal order', () => {
  it('calls persist for every queued reset before the first sync completes (group commit)', async () => {
    const journal = new HeldJournal();
    const h = harness({
      capacityBlocks: LAYOUT.capacityBlocks,
      zones: new ZoneModel(LAYOUT),
      journal,
    });
    const done = [1, 2, 3].map((z) => h.lu.persistZoneCapture(capture(z)));
    await ticks();
    expect(journal.calls).toEqual([[1], [2], [3]]);
    let settled = 0;
    for (const d of done) void d.then(() => settled++);
    await ticks();
    expect(settled).toBe(0); // none is acknowledged before its sync
    journal.releaseAll();
    await Promise.all(done);
  });

  it('a reset queued behind a flush is persisted after the flush capture, never before', async () => {
    const journal = new HeldJournal();
    const h = harness({
      capacityBlocks: LAYOUT.capacityBlocks,
      zones: new ZoneModel(LAYOUT),
      journal,
    });
    let releaseData!: () => void;
    const dataFlush = new Promise<void>((r) => (releaseData = r));
    const flushStore = h.store.flush.bind(h.store);
    h.store.flush = async () => {
      await dataFlush;
      await flushStore();
    };
    const flushed = h.lu.flushMedium();
    const reset = h.lu.persistZoneCapture(capture(5));
    await ticks();
    expect(journal.calls).toEqual([]); // the reset waits for the older capture's call
    releaseData();
    await ticks();
    expect(journal.calls.at(-1)).toEqual([5]);
    expect(journal.calls).toHaveLength(2);
    journal.releaseAll();
    await Promise.all([flushed, reset]);
  });

  it('a failed data flush fails its flush, and later persists still run', async () => {
    const journal = new HeldJournal();
    const h = harness({
      capacityBlocks: LAYOUT.capacityBlocks,
      zones: new ZoneModel(LAYOUT),
      journal,
    });
    h.store.failNext.flush = true;
    const flushed = h.lu.flushMedium();
    const reset = h.lu.persistZoneCapture(capture(2));
    await expect(flushed).rejects.toThrow(/injected flush failure/);
    await ticks();
    expect(journal.calls).toEqual([[2]]);
    journal.releaseAll();
    await reset;
  });
});
