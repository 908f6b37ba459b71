import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../../sense-tables/index.js';
import type { ZoneCapture } from '../../../../../zbc/types.js';
import {
  FakeJournal,
  FakeZones,
  cdb10,
  cdb16,
  expectCheck,
  expectGood,
  harness,
  heldFlush,
  settled,
} from '../../harness.js';

const BS = 512;
const rw12 = (op: number, lba: number, blocks: number) => {
  const c = Buffer.alloc(16);
  c[0] = op;
  c.writeUInt32BE(lba, 2);
  c.writeUInt32BE(blocks, 6);
  return c;
};
const rw6 = (op: number, lba: number, blocks: number) => [
  op,
  (lba >> 16) & 0x1f,
  (lba >> 8) & 0xff,
  lba & 0xff,
  blocks,
  0,
];
const pattern = (blocks: number, seed: number) =>
  Buffer.from(Array.from({ length: blocks * BS }, (_, i) => (i * 7 + seed) & 0xff));

describe('READ / WRITE round trip on a memory store', () => {
  const forms = [
    {
      name: '6',
      r: (l: number, n: number) => rw6(0x08, l, n),
      w: (l: number, n: number) => rw6(0x0a, l, n),
    },
    {
      name: '10',
      r: (l: number, n: number) => cdb10(0x28, l, n),
      w: (l: number, n: number) => cdb10(0x2a, l, n),
    },
    {
      name: '12',
      r: (l: number, n: number) => rw12(0xa8, l, n),
      w: (l: number, n: number) => rw12(0xaa, l, n),
    },
    {
      name: '16',
      r: (l: number, n: number) => cdb16(0x88, l, n),
      w: (l: number, n: number) => cdb16(0x8a, l, n),
    },
  ];
  for (const f of forms) {
    it(`(${f.name}) writes segments with one writev and reads them back`, async () => {
      const h = harness();
      const data = pattern(4, Number(f.name));
      const segs = [data.subarray(0, 100), data.subarray(100, 1500), data.subarray(1500)];
      const o = await h.run(f.w(10, 4), { dataOut: segs });
      expectGood(o);
      expect(o.dataOutLength).toBe(4 * BS);
      expect(h.store.writevSegments).toEqual([3]);
      expect(expectGood(await h.run(f.r(10, 4)))).toEqual(data);
      expect(expectGood(await h.run(f.r(11, 1)))).toEqual(data.subarray(BS, 2 * BS));
    });
  }

  it('READ(6)/WRITE(6) length 0 means 256 blocks', async () => {
    const h = harness();
    const o = await h.run(rw6(0x0a, 0, 0), { dataOut: [pattern(256, 1)] });
    expectGood(o);
    expect(o.dataOutLength).toBe(256 * BS);
    expect(expectGood(await h.run(rw6(0x08, 0, 0))).length).toBe(256 * BS);
  });

  it('transfer length 0 is GOOD and touches nothing', async () => {
    const h = harness();
    expect(expectGood(await h.run(cdb10(0x28, 5, 0))).length).toBe(0);
    expectGood(await h.run(cdb10(0x2a, 5, 0)));
    expect(h.store.calls).toEqual([]);
  });

  it('writes only the whole blocks that arrived; surplus bytes are ignored', async () => {
    const h = harness();
    const block = pattern(1, 9);
    const o = await h.run(cdb10(0x2a, 20, 2), { dataOut: [block] });
    expectGood(o);
    expect(o.dataOutLength).toBe(2 * BS);
    expect(h.store.bytes.subarray(20 * BS, 21 * BS)).toEqual(block);
    expect(h.store.bytes.subarray(21 * BS, 22 * BS).every((b) => b === 0)).toBe(true);
    // A Data-Out ending inside a block: 5/0E/03 and nothing written (libiscsi 1.20 Residuals).
    const partial = await h.run(cdb10(0x2a, 30, 1), { dataOut: [Buffer.alloc(200, 1)] });
    expectCheck(partial, SENSE.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT);
    expect(partial.dataOutLength).toBe(BS);
    const partialOfTwo = await h.run(cdb10(0x2a, 32, 2), { dataOut: [Buffer.alloc(BS + 7, 1)] });
    expectCheck(partialOfTwo, SENSE.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT);
    expect(h.store.calls.filter((c) => c.startsWith('writev')).length).toBe(1);
    expect(h.store.bytes.subarray(30 * BS, 34 * BS).every((b) => b === 0)).toBe(true);
    const surplus = await h.run(cdb10(0x2a, 40, 1), {
      dataOut: [pattern(1, 3), Buffer.alloc(9000, 0xee)],
    });
    expectGood(surplus);
    expect(h.store.bytes.subarray(41 * BS, 42 * BS).every((b) => b === 0)).toBe(true);
  });

  it('checks range first, then transfer length, then write protection', async () => {
    const h = harness({ maxTransferBlocks: 8 });
    expectCheck(await h.run(cdb10(0x28, 2047, 2)), SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE);
    expectCheck(await h.run(cdb16(0x88, 2n ** 63n, 1)), SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE);
    expectCheck(await h.run(cdb10(0x28, 2049, 0)), SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE);
    expectGood(await h.run(cdb10(0x28, 2048, 0)));
    expectCheck(await h.run(cdb10(0x28, 0, 9)), SENSE.INVALID_FIELD_IN_CDB, { in: 'cdb', byte: 7 });
    expectCheck(await h.run(rw12(0xa8, 0, 9)), SENSE.INVALID_FIELD_IN_CDB, { in: 'cdb', byte: 6 });
    expectCheck(await h.run(cdb16(0x88, 0, 9)), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 10,
    });
    expectCheck(await h.run(rw6(0x08, 0, 9)), SENSE.INVALID_FIELD_IN_CDB, { in: 'cdb', byte: 4 });
    expectCheck(await h.run(cdb10(0x28, 0, 1, 0x20)), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 1,
      bit: 7,
    });
    const ro = harness({ readOnly: true });
    expectCheck(
      await ro.run(cdb10(0x2a, 0, 1), { dataOut: [pattern(1, 0)] }),
      SENSE.WRITE_PROTECTED,
    );
    expectCheck(
      await ro.run(cdb10(0x2a, 4000, 1), { dataOut: [pattern(1, 0)] }),
      SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
    );
    expectGood(await ro.run(cdb10(0x28, 0, 1)));
  });

  it('store failures answer MEDIUM ERROR: WRITE ERROR / UNRECOVERED READ ERROR with the LBA', async () => {
    const h = harness();
    h.store.failNext.write = true;
    const w = expectCheck(
      await h.run(cdb10(0x2a, 7, 1), { dataOut: [pattern(1, 0)] }),
      SENSE.WRITE_ERROR,
    );
    expect(w.information).toBe(7n);
    h.store.failNext.read = true;
    expectCheck(await h.run(cdb10(0x28, 7, 1)), SENSE.UNRECOVERED_READ_ERROR);
  });
});

describe('durability', () => {
  it('FUA flushes the store after the write, then persists the zone capture', async () => {
    const log: string[] = [];
    const zones = new FakeZones('host-managed');
    const h = harness({ zones, journal: new FakeJournal(log) });
    expectGood(await h.run(cdb16(0x8a, 0, 1, 0x08), { dataOut: [pattern(1, 0)] }));
    expect(h.store.calls).toEqual([`writev 0 ${BS}`, 'flush']);
    expect(zones.calls).toEqual([
      'planWrite 0 1',
      'commitWrite 0 1',
      'writeCompleted 0 1',
      'captureDurable',
    ]);
    expect(log).toEqual(['persist']);
  });

  it('without FUA and with WCE on, nothing is flushed; with WCE off every write is', async () => {
    const h = harness();
    expectGood(await h.run(cdb10(0x2a, 0, 1), { dataOut: [pattern(1, 0)] }));
    expect(h.store.calls).toEqual([`writev 0 ${BS}`]);
    h.lu.mode.wce = false;
    expectGood(await h.run(cdb10(0x2a, 0, 1), { dataOut: [pattern(1, 0)] }));
    expect(h.store.calls.at(-1)).toBe('flush');
  });

  it('SYNCHRONIZE CACHE captures before flushing and persists after', async () => {
    const log: string[] = [];
    const zones = new FakeZones('host-managed');
    const h = harness({ zones, journal: new FakeJournal(log) });
    const flush = h.store.flush.bind(h.store);
    h.store.flush = async () => {
      log.push(`flush (captured ${zones.captured})`);
      await flush();
    };
    expectGood(await h.run([0x91, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(log).toEqual(['flush (captured 1)', 'persist']);
    expectCheck(
      await h.run([0x35, 0, 0, 0, 0x08, 0x01, 0, 0, 1, 0]),
      SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
    );
    h.store.failNext.flush = true;
    expectCheck(await h.run([0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0]), SENSE.WRITE_ERROR);
  });

  it('persistZoneCapture writes the journal only, after any flush captured before it', async () => {
    const log: string[] = [];
    const zones = new FakeZones('host-managed');
    const journal = new FakeJournal(log);
    journal.persist = async (c: ZoneCapture) => {
      log.push(`persist ${c.writePointer[0]}`);
    };
    const h = harness({ zones, journal });
    const capture = (wp: number) => ({
      zones: new Uint32Array([1]),
      condition: new Uint8Array(1),
      writePointer: new Float64Array([wp]),
      attributes: new Uint8Array(1),
    });
    await h.lu.persistZoneCapture(capture(7));
    expect(log).toEqual(['persist 7']);
    expect(h.store.calls).toEqual([]);
    const flush = heldFlush(h.store);
    const flushing = h.lu.flushMedium(); // captures wp 0 (FakeZones) now
    const resetting = h.lu.persistZoneCapture(capture(9));
    await flush.started;
    await settled();
    expect(log).toEqual(['persist 7']); // the reset waits for the earlier capture
    flush.release();
    await Promise.all([flushing, resetting]);
    expect(log).toEqual(['persist 7', 'persist 0', 'persist 9']);
  });

  it('concurrent flushes coalesce: one running, one queued for all later callers', async () => {
    const h = harness();
    const flush = heldFlush(h.store);
    const a = h.lu.flushMedium();
    const b = h.lu.flushMedium();
    const c = h.lu.flushMedium();
    expect(b).toBe(c);
    expect(flush.calls()).toBe(1);
    flush.release();
    await a;
    await settled();
    expect(flush.calls()).toBe(2);
    flush.release();
    await Promise.all([b, c]);
    expect(flush.calls()).toBe(2);
  });
});

describe('zoned LUs', () => {
  it('maps zone faults through the ZONE_FAULT_SENSE table and writes nothing', async () => {
    const zones = new FakeZones('host-managed');
    const h = harness({ zones });
    zones.writeFault = { kind: 'unaligned-write', lba: 300 };
    const s = expectCheck(
      await h.run(cdb16(0x8a, 300, 1), { dataOut: [pattern(1, 0)] }),
      SENSE.UNALIGNED_WRITE_COMMAND,
    );
    expect(s.information).toBe(300n);
    zones.writeFault = { kind: 'write-to-full-zone', lba: 300 };
    expectCheck(
      await h.run(cdb16(0x8a, 300, 1), { dataOut: [pattern(1, 0)] }),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte: 2 },
    );
    expectCheck(
      await h.run(rw6(0x0a, 300, 1), { dataOut: [pattern(1, 0)] }),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte: 1, bit: 4 },
    );
    zones.writeFault = { kind: 'insufficient-zone-resources' };
    expectCheck(
      await h.run(cdb16(0x8a, 300, 1), { dataOut: [pattern(1, 0)] }),
      SENSE.INSUFFICIENT_ZONE_RESOURCES,
    );
    expect(h.store.calls).toEqual([]);
    expect(zones.calls.some((c) => c.startsWith('commit'))).toBe(false);
    zones.readFault = { kind: 'read-boundary', lba: 255 };
    expectCheck(await h.run(cdb16(0x88, 255, 2)), SENSE.READ_BOUNDARY_VIOLATION);
  });

  it('plans only the blocks that arrived', async () => {
    const zones = new FakeZones('host-managed');
    const h = harness({ zones });
    expectGood(await h.run(cdb16(0x8a, 256, 4), { dataOut: [pattern(2, 0)] }));
    expect(zones.calls).toEqual(['planWrite 256 2', 'commitWrite 256 2', 'writeCompleted 256 2']);
  });

  it('a store failure after commit reports writeFailed', async () => {
    const zones = new FakeZones('host-managed');
    const h = harness({ zones });
    h.store.failNext.write = true;
    expectCheck(await h.run(cdb16(0x8a, 256, 1), { dataOut: [pattern(1, 0)] }), SENSE.WRITE_ERROR);
    expect(zones.calls).toEqual(['planWrite 256 1', 'commitWrite 256 1', 'writeFailed 256 1']);
  });

  it('zero-fills the segments the zone model says read as zeros', async () => {
    const zones = new FakeZones('host-managed');
    const h = harness({ zones });
    h.store.bytes.fill(0xaa);
    zones.zeroFrom = 258;
    const d = expectGood(await h.run(cdb16(0x88, 256, 4)));
    expect(d.subarray(0, 2 * BS).every((b) => b === 0xaa)).toBe(true);
    expect(d.subarray(2 * BS).every((b) => b === 0)).toBe(true);
    expect(h.store.calls).toEqual([`read ${256 * BS} ${2 * BS}`]);
  });
});
