// A store write that fails, through the real dispatch and zone model (issue 9 item 2): the sense
// it answers, and that it leaves the zone, the data and what the next flush persists as they were.
import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../../sense-tables/index.js';
import { ZoneModel } from '../../../../../zbc/zone-model.js';
import { ZoneCondition as C, type ZoneCapture } from '../../../../../zbc/types.js';
import type { ZoneJournal } from '../../../../../zbc/zone-journal.js';
import { smallLayout } from '../../../zbc/fixtures.js';
import { cdb16, expectCheck, expectGood, harness } from '../../harness.js';

/** Every persisted record, latest last. */
class Journal implements ZoneJournal {
  readonly loaded = null;
  readonly records = new Map<number, { cond: number; wp: number }>();
  async persist(c: ZoneCapture): Promise<void> {
    c.zones.forEach((z, k) =>
      this.records.set(z, { cond: c.condition[k]!, wp: c.writePointer[k]! }),
    );
  }
  async close(): Promise<void> {}
}

const WRITE16 = 0x8a;
const READ16 = 0x88;
const SYNC10 = [0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const resetWp = (lba: number) => {
  const c = cdb16(0x94, lba, 0, 0x04);
  c.writeUInt32BE(0, 10);
  return c;
};
const blocksOf = (n: number, byte: number) => ({
  dataOut: [Buffer.alloc(n * 512, byte)],
  expectedDataLength: n * 512,
});

function zonedLu() {
  const zones = new ZoneModel(smallLayout());
  const journal = new Journal();
  const h = harness({ capacityBlocks: 8 * 64, zones, journal });
  const read = async (lba: number, n: number) =>
    expectGood(await h.run(cdb16(READ16, lba, n), { expectedDataLength: n * 512 }));
  return { ...h, zones, journal, read };
}

describe('a failed store write on a zoned LU', () => {
  it('after RESET: WRITE ERROR, no pre-reset data, nothing persisted past it', async () => {
    const h = zonedLu();
    expectGood(await h.run(cdb16(WRITE16, 128, 8), blocksOf(8, 0xaa)));
    expectGood(await h.run(SYNC10));
    expectGood(await h.run(resetWp(128))); // the store keeps the old blocks
    h.store.failNext.write = 'ENOSPC';
    const r = await h.run(cdb16(WRITE16, 128, 8), blocksOf(8, 0xbb));
    // Fully provisioned (LBPME 0): out of space is a failure to record the data.
    expect(expectCheck(r, SENSE.WRITE_ERROR, null).information).toBe(128n);
    expect((await h.read(128, 8)).every((b) => b === 0)).toBe(true);
    expect([h.zones.zoneAt(2).condition, h.zones.zoneAt(2).writePointer]).toEqual([C.EMPTY, 128]);
    expectGood(await h.run(SYNC10));
    expect(h.journal.records.get(2)).toEqual({ cond: C.EMPTY, wp: 128 });
  });

  it('writes queued behind it in the zone answer UNALIGNED WRITE COMMAND, none is acknowledged', async () => {
    const h = zonedLu();
    h.store.failNext.write = 'EIO';
    const outcomes = await Promise.all(
      [128, 136, 144].map((lba) => h.run(cdb16(WRITE16, lba, 8), blocksOf(8, 0xcc))),
    );
    expectCheck(outcomes[0]!, SENSE.WRITE_ERROR, null);
    for (const o of outcomes.slice(1)) expectCheck(o, SENSE.UNALIGNED_WRITE_COMMAND, null);
    expect([h.zones.zoneAt(2).condition, h.zones.zoneAt(2).writePointer]).toEqual([C.EMPTY, 128]);
    expect((await h.read(128, 24)).every((b) => b === 0)).toBe(true); // the later data landed
    expectGood(await h.run(SYNC10));
    expect(h.journal.records.get(2)).toEqual({ cond: C.EMPTY, wp: 128 });
    expectGood(await h.run(cdb16(WRITE16, 128, 8), blocksOf(8, 0xdd))); // retried at the WP
  });

  it('a later write whose data landed first waits for the earlier one, then fails with it', async () => {
    const h = zonedLu();
    const storeWrite = h.store.writev.bind(h.store);
    let failFirst: (e: Error) => void = () => undefined;
    let secondStored: () => void = () => undefined;
    const stored = new Promise<void>((r) => (secondStored = r));
    h.store.writev = (segments, offset) =>
      offset === 128 * 512
        ? new Promise<void>((_, reject) => (failFirst = reject))
        : storeWrite(segments, offset).then(secondStored);
    const first = h.run(cdb16(WRITE16, 128, 8), blocksOf(8, 0x11));
    let secondDone = false;
    const second = h
      .run(cdb16(WRITE16, 136, 8), blocksOf(8, 0x22))
      .finally(() => (secondDone = true));
    await stored;
    await new Promise((r) => setImmediate(r)); // every continuation of the stored write has run
    expect(secondDone).toBe(false); // stored, but not answered before the write ahead of it
    failFirst(Object.assign(new Error('injected'), { code: 'EIO' }));
    expectCheck(await first, SENSE.WRITE_ERROR, null);
    expectCheck(await second, SENSE.UNALIGNED_WRITE_COMMAND, null);
    expect(h.zones.zoneAt(2).writePointer).toBe(128);
  });
});

describe('a failed store write on the thin provisioned non-zoned LU', () => {
  it('out of space answers SPACE ALLOCATION FAILED WRITE PROTECT, other errors WRITE ERROR', async () => {
    const h = harness();
    h.store.failNext.write = 'ENOSPC';
    const r = await h.run(cdb16(WRITE16, 64, 8), blocksOf(8, 0xee));
    expect(expectCheck(r, SENSE.SPACE_ALLOCATION_FAILED_WRITE_PROTECT, null).information).toBe(64n);
    h.store.failNext.write = 'EIO';
    expectCheck(await h.run(cdb16(WRITE16, 64, 8), blocksOf(8, 0xee)), SENSE.WRITE_ERROR, null);
  });
});
