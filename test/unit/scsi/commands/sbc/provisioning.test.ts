// Thin provisioning state of non-zoned LUs (SBC-4 4.7): UNMAP and WRITE SAME with UNMAP
// deallocate, writes map, reads of deallocated LBAs return zeros, GET LBA STATUS reports it.
import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../../sense-tables/index.js';
import {
  cdb16,
  expectCheck,
  expectGood,
  harness,
  unmapParameterList,
  setCapacity,
} from '../../harness.js';

const BS = 512;
const CAPACITY = 2048;

const write16 = (lba: number, blocks: number) => cdb16(0x8a, lba, blocks);
const read16 = (lba: number, blocks: number) => cdb16(0x88, lba, blocks);
const writeSameUnmap16 = (lba: number, blocks: number) => cdb16(0x93, lba, blocks, 0x08);
const gls = (lba: number | bigint, alloc: number) => {
  const c = Buffer.alloc(16);
  c[0] = 0x9e;
  c[1] = 0x12;
  c.writeBigUInt64BE(BigInt(lba), 2);
  c.writeUInt32BE(alloc, 10);
  return c;
};
const unmapCdb = (len: number) => [0x42, 0, 0, 0, 0, 0, 0, len >> 8, len & 0xff, 0];

interface Descriptor {
  lba: number;
  blocks: number;
  status: number;
}
function parseLbaStatus(d: Buffer): { length: number; byte7: number; descriptors: Descriptor[] } {
  const descriptors: Descriptor[] = [];
  for (let at = 8; at + 16 <= d.length; at += 16) {
    descriptors.push({
      lba: Number(d.readBigUInt64BE(at)),
      blocks: d.readUInt32BE(at + 8),
      status: d[at + 12]! & 0x0f,
    });
  }
  return { length: d.readUInt32BE(0), byte7: d[7]!, descriptors };
}

async function setup(discard = true) {
  const h = harness({ discard, capacityBlocks: CAPACITY });
  const unmap = async (ranges: [number, number][]) => {
    const list = unmapParameterList(ranges);
    return h.run(unmapCdb(list.length), { dataOut: [list] });
  };
  expectGood(await h.run(write16(0, 64), { dataOut: [Buffer.alloc(64 * BS, 0xaa)] }));
  return { h, unmap };
}

describe('GET LBA STATUS with provisioning state', () => {
  it('reports consecutive mapped / deallocated extents from the starting LBA', async () => {
    const { h, unmap } = await setup();
    expectGood(await unmap([[8, 8]]));
    expectGood(await unmap([[32, 16]]));
    const r = parseLbaStatus(expectGood(await h.run(gls(0, 1024))));
    expect(r.descriptors).toEqual([
      { lba: 0, blocks: 8, status: 0 },
      { lba: 8, blocks: 8, status: 1 },
      { lba: 16, blocks: 16, status: 0 },
      { lba: 32, blocks: 16, status: 1 },
      { lba: 48, blocks: CAPACITY - 48, status: 0 },
    ]);
    expect(r.length).toBe(4 + 5 * 16);
    expect((r.byte7 >> 1) & 0x7).toBe(3); // COMPLETION CONDITION: capacity of the medium
    expect(r.byte7 & 0x01).toBe(0); // RTP 0: REPORT TYPE not processed

    // From inside a deallocated extent: the first descriptor starts at the starting LBA.
    const mid = parseLbaStatus(expectGood(await h.run(gls(9, 40))));
    expect(mid.descriptors).toEqual([
      { lba: 9, blocks: 7, status: 1 },
      { lba: 16, blocks: 16, status: 0 },
    ]);
    expect((mid.byte7 >> 1) & 0x7).toBe(1); // allocation length met
    expect(mid.length).toBe(4 + 2 * 16);
  });

  it('honours the allocation length: one descriptor below 24 bytes, truncated', async () => {
    const { h, unmap } = await setup();
    expectGood(await unmap([[0, 4]]));
    const short = expectGood(await h.run(gls(0, 16)));
    expect(short.length).toBe(16);
    expect(short.readUInt32BE(0)).toBe(20);
    expect(expectGood(await h.run(gls(0, 0))).length).toBe(0);
    const one = parseLbaStatus(expectGood(await h.run(gls(0, 24))));
    expect(one.descriptors).toEqual([{ lba: 0, blocks: 4, status: 1 }]);
  });

  it('splits extents longer than 2^32 - 1 blocks into several descriptors', async () => {
    const { h } = await setup();
    setCapacity(h.lu, 2 ** 33 + 5);
    h.lu.unitAttentions.take('n1');
    const r = parseLbaStatus(expectGood(await h.run(gls(0, 1024))));
    expect(r.descriptors).toEqual([
      { lba: 0, blocks: 0xffffffff, status: 0 },
      { lba: 0xffffffff, blocks: 0xffffffff, status: 0 },
      { lba: 0x1fffffffe, blocks: 7, status: 0 },
    ]);
    expect((r.byte7 >> 1) & 0x7).toBe(3);
  });

  it('answers 5/21/00 from the capacity on, and at 64-bit LBAs', async () => {
    const { h } = await setup();
    expectGood(await h.run(gls(CAPACITY - 1, 24)));
    expectCheck(await h.run(gls(CAPACITY, 24)), SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE);
    expectCheck(await h.run(gls(2n ** 63n, 24)), SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE);
  });

  it('maps written blocks again, also when a write splits a deallocated extent', async () => {
    const { h, unmap } = await setup();
    expectGood(await unmap([[0, 64]]));
    expectGood(await h.run(write16(10, 2), { dataOut: [Buffer.alloc(2 * BS, 0x55)] }));
    const r = parseLbaStatus(expectGood(await h.run(gls(0, 1024))));
    expect(r.descriptors.slice(0, 3)).toEqual([
      { lba: 0, blocks: 10, status: 1 },
      { lba: 10, blocks: 2, status: 0 },
      { lba: 12, blocks: 52, status: 1 },
    ]);
    const d = expectGood(await h.run(read16(8, 6)));
    expect(d.subarray(0, 2 * BS).every((b) => b === 0)).toBe(true);
    expect(d.subarray(2 * BS, 4 * BS).every((b) => b === 0x55)).toBe(true);
    expect(d.subarray(4 * BS).every((b) => b === 0)).toBe(true);
  });
});

describe('LBPRZ and the store', () => {
  it('discarding store: LBPRZ 1 in READ CAPACITY(16) and B2h, thin provisioned', async () => {
    const { h } = await setup(true);
    const rc = expectGood(await h.run([0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0]));
    expect(rc[14]! & 0xc0).toBe(0xc0); // LBPME, LBPRZ
    const b2 = expectGood(await h.run([0x12, 0x01, 0xb2, 0, 64, 0]));
    expect((b2[5]! >> 2) & 0x07).toBe(1); // LBPRZ 001b
    expect(b2[5]! & 0xe0).toBe(0xe0); // LBPU, LBPWS, LBPWS10
    expect(b2[6]! & 0x07).toBe(0x02); // PROVISIONING TYPE: thin
  });

  it('without discard: LBPRZ 0, yet UNMAP deallocates and reads of it return zeros', async () => {
    const { h, unmap } = await setup(false);
    const rc = expectGood(await h.run([0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0]));
    expect(rc[14]! & 0xc0).toBe(0x80);
    const b2 = expectGood(await h.run([0x12, 0x01, 0xb2, 0, 64, 0]));
    expect((b2[5]! >> 2) & 0x07).toBe(0);
    expect(b2[6]! & 0x07).toBe(0x02);
    expectGood(await unmap([[4, 4]]));
    // The stale bytes stay in the store, but are never returned.
    expect(h.store.bytes[4 * BS]).toBe(0xaa);
    const d = expectGood(await h.run(read16(0, 12)));
    expect(d.subarray(0, 4 * BS).every((b) => b === 0xaa)).toBe(true);
    expect(d.subarray(4 * BS, 8 * BS).every((b) => b === 0)).toBe(true);
    expect(d.subarray(8 * BS).every((b) => b === 0xaa)).toBe(true);
    const r = parseLbaStatus(expectGood(await h.run(gls(4, 24))));
    expect(r.descriptors).toEqual([{ lba: 4, blocks: 4, status: 1 }]);
    // ORWRITE reads the deallocated blocks as zeros too.
    const or = cdb16(0x8b, 4, 1);
    expectGood(await h.run(or, { dataOut: [Buffer.alloc(BS, 0x01)] }));
    expect(h.store.bytes.subarray(4 * BS, 5 * BS).every((b) => b === 0x01)).toBe(true);
  });

  it('WRITE SAME with UNMAP deallocates zeros only when LBPRZ is 1, else writes', async () => {
    const zero = Buffer.alloc(BS);
    const thin = await setup(true);
    expectGood(await thin.h.run(writeSameUnmap16(0, 16), { dataOut: [zero] }));
    expect(thin.h.store.calls).toContain(`discard 0 ${16 * BS}`);
    let r = parseLbaStatus(expectGood(await thin.h.run(gls(0, 24))));
    expect(r.descriptors).toEqual([{ lba: 0, blocks: 16, status: 1 }]);
    // A non-zero block is written, and maps the range.
    expectGood(await thin.h.run(writeSameUnmap16(0, 8), { dataOut: [Buffer.alloc(BS, 7)] }));
    r = parseLbaStatus(expectGood(await thin.h.run(gls(0, 24))));
    expect(r.descriptors).toEqual([{ lba: 0, blocks: 8, status: 0 }]);

    const plain = await setup(false);
    expectGood(await plain.h.run(writeSameUnmap16(0, 16), { dataOut: [zero] }));
    expect(plain.h.store.calls.some((c) => c.startsWith('discard'))).toBe(false);
    expect(plain.h.store.bytes.subarray(0, 16 * BS).every((b) => b === 0)).toBe(true);
    r = parseLbaStatus(expectGood(await plain.h.run(gls(0, 24))));
    expect(r.descriptors[0]).toEqual({ lba: 0, blocks: CAPACITY, status: 0 });
  });

  it('a failed discard leaves the blocks mapped and answers WRITE ERROR', async () => {
    const { h, unmap } = await setup(true);
    Object.assign(h.store, {
      discard: () => Promise.reject(new Error('injected discard failure')),
    });
    expectCheck(await unmap([[0, 8]]), SENSE.WRITE_ERROR);
    const r = parseLbaStatus(expectGood(await h.run(gls(0, 24))));
    expect(r.descriptors[0]!.status).toBe(0);
  });

  it('a capacity reduction drops deallocated extents beyond it', async () => {
    const { h, unmap } = await setup(true);
    expectGood(await unmap([[1000, 1048]]));
    setCapacity(h.lu, 1500);
    expect(h.lu.deallocated?.toArray()).toEqual([[1000, 1500]]);
  });
});
