// COMPARE AND WRITE (SBC-4 5.3) through the real dispatch: exact sense and field pointers, nothing
// written on any refusal, Block Limits / REPORT SUPPORTED OPERATION CODES, ZBC write rules on a
// real zone model, and atomicity against concurrent commands on a store with delayed I/O.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../../sense-tables/index.js';
import { ScsiStatus } from '../../../../../scsi/target-contract.js';
import { ZoneModel } from '../../../../../zbc/zone-model.js';
import { smallLayout } from '../../../zbc/fixtures.js';
import {
  FakeJournal,
  cdb16,
  expectCheck,
  expectGood,
  harness,
  type Harness,
} from '../../harness.js';

const BS = 512;
const BLOCKS_FIELD = { in: 'cdb', byte: 13 } as const;

/** A COMPARE AND WRITE CDB: LBA bytes 2-9, NUMBER OF LOGICAL BLOCKS byte 13. */
function caw(lba: number, blocks: number, byte1 = 0): Buffer {
  const c = cdb16(0x89, lba, 0, byte1);
  c[13] = blocks;
  return c;
}

/** Data-Out: `blocks` blocks of `expect` then as many of `write`. */
function cawData(blocks: number, expect: number, write: number): Buffer[] {
  return [Buffer.alloc(blocks * BS, expect), Buffer.alloc(blocks * BS, write)];
}

const write16 = (h: Harness, lba: number, blocks: number, fill: number) =>
  h.run(cdb16(0x8a, lba, blocks), { dataOut: [Buffer.alloc(blocks * BS, fill)] });

const stored = (h: Harness, lba: number, blocks: number) =>
  h.store.bytes.subarray(lba * BS, (lba + blocks) * BS);

describe('COMPARE AND WRITE: compare, then write', () => {
  it('writes the second half when the first matches the medium', async () => {
    const h = harness();
    expectGood(await write16(h, 10, 2, 0xaa));
    expectGood(await h.run(caw(10, 2), { dataOut: cawData(2, 0xaa, 0x55) }));
    expect(stored(h, 10, 2).equals(Buffer.alloc(2 * BS, 0x55))).toBe(true);
    expect(h.store.calls.filter((c) => c.startsWith('writev'))).toEqual([
      `writev ${10 * BS} ${2 * BS}`,
      `writev ${10 * BS} ${2 * BS}`,
    ]);
  });

  it('MISCOMPARE 0E/1D/00, INFORMATION = offset of the first differing byte', async () => {
    const h = harness();
    expectGood(await write16(h, 4, 3, 0x11));
    h.store.bytes[(4 + 1) * BS + 7] = 0x12; // block 1, byte 7 differs
    const before = Buffer.from(stored(h, 4, 3));
    const s = expectCheck(
      await h.run(caw(4, 3), { dataOut: cawData(3, 0x11, 0x99) }),
      SENSE.MISCOMPARE_DURING_VERIFY_OPERATION,
      null,
    );
    expect(s.information).toBe(BigInt(BS + 7)); // present only with VALID set
    expect(stored(h, 4, 3).equals(before)).toBe(true);
  });

  it('compares deallocated blocks as zeros (thin LU after UNMAP)', async () => {
    const h = harness({ discard: false });
    expectGood(await write16(h, 0, 1, 0x77));
    const unmap = Buffer.alloc(24);
    unmap.writeUInt16BE(22, 0);
    unmap.writeUInt16BE(16, 2);
    unmap.writeUInt32BE(1, 16);
    expectGood(await h.run([0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0], { dataOut: [unmap] }));
    expectGood(await h.run(caw(0, 1), { dataOut: cawData(1, 0x00, 0x66) }));
    expect(stored(h, 0, 1)[0]).toBe(0x66);
  });

  it('FUA makes the write durable before GOOD; without it (WCE on) no flush', async () => {
    const h = harness();
    expectGood(await h.run(caw(0, 1, 0x08), { dataOut: cawData(1, 0, 1) }));
    expect(h.store.calls.at(-1)).toBe('flush');
    expectGood(await h.run(caw(0, 1, 0x10), { dataOut: cawData(1, 1, 2) })); // DPO only
    expect(h.store.calls.at(-1)).not.toBe('flush');
  });

  it('NUMBER OF LOGICAL BLOCKS 0 without Data-Out: GOOD, nothing read or written', async () => {
    const h = harness();
    expectGood(await h.run(caw(5, 0)));
    expect(h.store.calls).toEqual([]);
  });
});

describe('COMPARE AND WRITE: refusals (nothing read or written)', () => {
  const refusals: [string, (h: Harness) => Promise<void>][] = [
    [
      'NUMBER OF LOGICAL BLOCKS above the Block Limits maximum',
      async (h) => {
        const n = h.lu.maxCompareAndWriteBlocks + 1;
        const o = await h.run(caw(0, n), { dataOut: cawData(n, 0, 1) });
        expectCheck(o, SENSE.INVALID_FIELD_IN_CDB, BLOCKS_FIELD);
      },
    ],
    [
      'a Data-Out one block short of 2N',
      async (h) => {
        const o = await h.run(caw(0, 2), { dataOut: [Buffer.alloc(3 * BS)] });
        expectCheck(o, SENSE.INVALID_FIELD_IN_CDB, BLOCKS_FIELD);
      },
    ],
    [
      'a Data-Out longer than 2N (libiscsi InvalidDataOutSize)',
      async (h) => {
        const o = await h.run(caw(0, 1), { dataOut: [Buffer.alloc(4 * BS)] });
        expectCheck(o, SENSE.INVALID_FIELD_IN_CDB, BLOCKS_FIELD);
      },
    ],
    [
      'Data-Out with NUMBER OF LOGICAL BLOCKS 0',
      async (h) => {
        const o = await h.run(caw(0, 0), { dataOut: [Buffer.alloc(2 * BS)] });
        expectCheck(o, SENSE.INVALID_FIELD_IN_CDB, BLOCKS_FIELD);
      },
    ],
    [
      'a range past the capacity',
      async (h) => {
        const o = await h.run(caw(h.lu.capacityBlocks - 1, 2), { dataOut: cawData(2, 0, 1) });
        expectCheck(o, SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE, null);
      },
    ],
    [
      'WRPROTECT non-zero (no protection information)',
      async (h) => {
        const o = await h.run(caw(0, 1, 0x20), { dataOut: cawData(1, 0, 1) });
        expectCheck(o, SENSE.INVALID_FIELD_IN_CDB, { in: 'cdb', byte: 1, bit: 7 });
      },
    ],
  ];
  for (const [name, run] of refusals) {
    it(name, async () => {
      const h = harness({ maxTransferBlocks: 16 });
      await run(h);
      expect(h.store.calls).toEqual([]);
    });
  }

  it('a write-protected LU answers DATA PROTECT 7/27/00', async () => {
    const h = harness({ readOnly: true });
    const o = await h.run(caw(0, 1), { dataOut: cawData(1, 0, 1) });
    expectCheck(o, SENSE.WRITE_PROTECTED, null);
    expect(h.store.calls).toEqual([]);
  });

  it('residual: the expected length is 2N blocks', async () => {
    const h = harness();
    const o = await h.run(caw(0, 3), { dataOut: cawData(3, 0, 1) });
    expect(o.status).toBe(ScsiStatus.GOOD);
    expect(o.dataOutLength).toBe(6 * BS);
  });
});

describe('COMPARE AND WRITE: Block Limits and REPORT SUPPORTED OPERATION CODES', () => {
  it('B0h byte 5 is the enforced maximum; twice it fits MAXIMUM TRANSFER LENGTH', async () => {
    for (const [max, want] of [
      [16, 8],
      [4096, 255],
    ] as const) {
      const h = harness({ maxTransferBlocks: max });
      const b0 = expectGood(await h.run([0x12, 1, 0xb0, 0, 64, 0]));
      expect(b0[5]).toBe(want);
      const n = want;
      expectGood(await h.run(caw(0, n), { dataOut: cawData(n, 0, 0) }));
    }
  });

  it('one-command REPORT SUPPORTED OPERATION CODES: usage data with DPO/FUA, byte 13', async () => {
    const h = harness();
    const d = expectGood(await h.run([0xa3, 0x0c, 0x01, 0x89, 0, 0, 0, 0, 1, 0, 0, 0]));
    expect(d[1]! & 0x07).toBe(0x03); // SUPPORT: supported as in the standard
    expect(d.readUInt16BE(2)).toBe(16);
    expect([...d.subarray(4, 20)]).toEqual([
      0x89, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0xff, 0, 0x04,
    ]);
  });
});

describe('COMPARE AND WRITE on a zoned LU: the ZBC rules of a WRITE of N blocks', () => {
  // 8 zones of 64 blocks, the first 2 conventional, max 2 open; writes in whole 4 KiB blocks.
  function zoned(urswrz = true) {
    const l = smallLayout({ urswrz });
    const zones = new ZoneModel(l);
    const h = harness({ capacityBlocks: l.capacityBlocks, zones, journal: new FakeJournal([]) });
    return { h, zones };
  }
  const SEQ = 128; // first sequential-write-required zone

  for (const urswrz of [true, false]) {
    it(`at the WP: compares with zeros, moves the WP by N (URSWRZ ${urswrz ? 1 : 0})`, async () => {
      const { h, zones } = zoned(urswrz);
      expectGood(await h.run(caw(SEQ, 8), { dataOut: cawData(8, 0, 0x3c) }));
      expect(zones.zoneAt(2).writePointer).toBe(SEQ + 8);
      expect(stored(h, SEQ, 8).equals(Buffer.alloc(8 * BS, 0x3c))).toBe(true);
    });
  }

  it('off the write pointer: 5/21/04, nothing read or written', async () => {
    const { h, zones } = zoned();
    const o = await h.run(caw(SEQ + 8, 8), { dataOut: cawData(8, 0, 1) });
    expectCheck(o, SENSE.UNALIGNED_WRITE_COMMAND);
    expect(h.store.calls).toEqual([]);
    expect(zones.zoneAt(2).writePointer).toBe(SEQ);
  });

  it('a miscompare in a sequential zone leaves the write pointer where it was', async () => {
    const { h, zones } = zoned();
    const s = expectCheck(
      await h.run(caw(SEQ, 8), { dataOut: cawData(8, 0x01, 0x02) }),
      SENSE.MISCOMPARE_DURING_VERIFY_OPERATION,
    );
    expect(s.information).toBe(0n);
    expect(zones.zoneAt(2).writePointer).toBe(SEQ);
    expect(zones.zoneAt(2).condition).toBe(zones.zoneAt(3).condition); // EMPTY as zone 3
  });

  it('crossing from a conventional into a sequential zone is refused like a WRITE', async () => {
    const { h } = zoned();
    const viaWrite = await write16(h, SEQ - 1, 2, 0);
    const viaCaw = await h.run(caw(SEQ - 1, 2), { dataOut: cawData(2, 0, 0) });
    expect(viaCaw.status).toBe(ScsiStatus.CHECK_CONDITION);
    expect(viaCaw.sense?.subarray(12, 14)).toEqual(viaWrite.sense?.subarray(12, 14));
  });

  it('in a conventional zone compares stored data, anywhere', async () => {
    const { h } = zoned();
    expectGood(await write16(h, 70, 1, 0x42));
    expectGood(await h.run(caw(70, 1), { dataOut: cawData(1, 0x42, 0x43) }));
    expect(stored(h, 70, 1)[0]).toBe(0x43);
  });
});

/** Delays every store read and write by a few macrotask turns chosen by `delays`. */
function delayedStore(h: Harness, delays: () => number): void {
  const { readInto, writev } = h.store;
  const later = () =>
    new Promise<void>((r) => {
      let n = delays();
      const step = () => (n-- <= 0 ? r() : setImmediate(step));
      step();
    });
  Object.assign(h.store, {
    readInto: async (t: Buffer, at: number) => {
      await later();
      return readInto(t, at);
    },
    writev: async (s: readonly Buffer[], at: number) => {
      await later();
      return writev(s, at);
    },
  });
}

describe('COMPARE AND WRITE: atomic against other commands on the range', () => {
  it('a WRITE sent while a COMPARE AND WRITE is reading waits for it', async () => {
    const h = harness();
    expectGood(await write16(h, 0, 1, 0xa0));
    delayedStore(h, () => 3);
    const cas = h.run(caw(0, 1), { dataOut: cawData(1, 0xa0, 0xb0) });
    const w = write16(h, 0, 1, 0xc0);
    expectGood(await cas);
    expectGood(await w);
    expect(stored(h, 0, 1)[0]).toBe(0xc0); // the WRITE came last
    expect(h.lu.gate.busy).toBe(0);
  });

  it('waits for a WRITE already in flight before it reads', async () => {
    const h = harness();
    let calls = 0;
    delayedStore(h, () => (calls++ === 0 ? 6 : 0)); // the WRITE's store write is the slow one
    const w = write16(h, 0, 1, 0xd0);
    // Compares with what the WRITE writes: passes only if it reads after the WRITE landed.
    const cas = h.run(caw(0, 1), { dataOut: cawData(1, 0xd0, 0xe0) });
    expectGood(await w);
    expectGood(await cas);
    expect(stored(h, 0, 1)[0]).toBe(0xe0);
  });

  it('concurrent COMPARE AND WRITEs of the same expected value: exactly one wins', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(4), { minLength: 16, maxLength: 64 }),
        fc.integer({ min: 2, max: 6 }),
        fc.nat(3),
        async (delays, racers, otherBlock) => {
          const h = harness();
          let k = 0;
          delayedStore(h, () => delays[k++ % delays.length]!);
          const runs = Array.from({ length: racers }, (_, i) =>
            h.run(caw(8, 2), { dataOut: cawData(2, 0, i + 1) }),
          );
          // Traffic alongside: a WRITE of the neighbouring blocks, a READ of the same range.
          const noise = [write16(h, 10 + otherBlock, 1, 0xee), h.run(cdb16(0x88, 8, 2))];
          const outcomes = await Promise.all(runs);
          await Promise.all(noise);
          const winners = outcomes.flatMap((o, i) => (o.status === ScsiStatus.GOOD ? [i] : []));
          expect(winners.length).toBe(1);
          for (const o of outcomes) {
            if (o.status !== ScsiStatus.GOOD) expect(o.sense?.[2]! & 0x0f).toBe(0x0e);
          }
          expect(stored(h, 8, 2).equals(Buffer.alloc(2 * BS, winners[0]! + 1))).toBe(true);
          expect(h.lu.gate.busy).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });
});
