import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../../sense-tables/index.js';
import {
  FakeZones,
  cdb10,
  cdb12,
  cdb16,
  expectCheck,
  expectGood,
  harness,
  unmapParameterList,
  setCapacity,
} from '../../harness.js';

const BS = 512;
const fill = (blocks: number, v: number) => Buffer.alloc(blocks * BS, v);

describe('READ CAPACITY', () => {
  it('(10) returns the last LBA and block length; FFFFFFFFh when too large', async () => {
    const d = expectGood(await harness().run(cdb10(0x25, 0, 0)));
    expect([d.readUInt32BE(0), d.readUInt32BE(4)]).toEqual([2047, 512]);
    const h = harness();
    setCapacity(h.lu, 2 ** 33);
    h.lu.unitAttentions.take('n1');
    expect(expectGood(await h.run(cdb10(0x25, 0, 0))).readUInt32BE(0)).toBe(0xffffffff);
    expectCheck(await h.run([0x25, 0, 0, 0, 0, 1, 0, 0, 0, 0]), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 2,
    });
  });

  it('(16) reports exponent, RC BASIS 01b for zoned, LBPME for non-zoned', async () => {
    const rc16 = [0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0];
    const zoned = expectGood(await harness({ zones: new FakeZones('host-managed') }).run(rc16));
    expect(zoned.length).toBe(32);
    expect(zoned.readUInt32BE(4)).toBe(2047);
    expect(zoned.readUInt32BE(8)).toBe(512);
    expect(zoned[12]).toBe(0x10);
    expect(zoned[13]).toBe(3);
    expect(zoned[14]).toBe(0);
    const plain = expectGood(await harness({ discard: true }).run(rc16));
    expect(plain[12]).toBe(0);
    expect(plain[14]).toBe(0xc0);
    const cut = [...rc16];
    cut[13] = 12;
    expect(expectGood(await harness().run(cut)).length).toBe(12);
  });
});

describe('VERIFY', () => {
  it('BYTCHK 0 checks range and zones without data', async () => {
    const zones = new FakeZones('host-managed');
    const h = harness({ zones });
    const o = await h.run(cdb10(0x2f, 0, 4));
    expectGood(o);
    expect(o.dataOutLength).toBe(0);
    zones.readFault = { kind: 'zone-offline', lba: 0 };
    expectCheck(await h.run(cdb16(0x8f, 0, 4)), SENSE.ZONE_IS_OFFLINE);
    expectCheck(await h.run(cdb10(0x2f, 2047, 2)), SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE);
  });

  it('BYTCHK 1 compares and reports the offset of the first difference', async () => {
    const h = harness();
    h.store.bytes.fill(5, 0, 4 * BS);
    const same = await h.run(cdb10(0x2f, 0, 4, 0x02), { dataOut: [fill(4, 5)] });
    expectGood(same);
    expect(same.dataOutLength).toBe(4 * BS);
    const other = fill(4, 5);
    other[BS + 3] = 6;
    const s = expectCheck(
      await h.run(cdb10(0x2f, 0, 4, 0x02), { dataOut: [other] }),
      SENSE.MISCOMPARE_DURING_VERIFY_OPERATION,
    );
    expect(s.information).toBe(BigInt(BS + 3));
  });

  it('BYTCHK 3 compares one block with every block; BYTCHK 2 is reserved', async () => {
    const h = harness();
    h.store.bytes.fill(7, 0, 3 * BS);
    const o = await h.run(cdb16(0x8f, 0, 3, 0x06), { dataOut: [fill(1, 7)] });
    expectGood(o);
    expect(o.dataOutLength).toBe(BS);
    expectCheck(
      await h.run(cdb16(0x8f, 0, 4, 0x06), { dataOut: [fill(1, 7)] }),
      SENSE.MISCOMPARE_DURING_VERIFY_OPERATION,
    );
    expectCheck(await h.run(cdb10(0x2f, 0, 1, 0x04)), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 1,
      bit: 2,
    });
  });
});

describe('12-byte VERIFY and WRITE AND VERIFY', () => {
  it('round-trips through WRITE AND VERIFY(12) and VERIFY(12) BYTCHK 1', async () => {
    const h = harness({ maxTransferBlocks: 8 });
    const o = await h.run(cdb12(0xae, 5, 2), { dataOut: [fill(2, 0x42)] });
    expectGood(o);
    expect(o.dataOutLength).toBe(2 * BS);
    expectGood(await h.run(cdb12(0xaf, 5, 2, 0x02), { dataOut: [fill(2, 0x42)] }));
    expectCheck(
      await h.run(cdb12(0xaf, 5, 2, 0x02), { dataOut: [fill(2, 0x43)] }),
      SENSE.MISCOMPARE_DURING_VERIFY_OPERATION,
    );
    expectCheck(await h.run(cdb12(0xaf, 0, 9)), SENSE.INVALID_FIELD_IN_CDB, { in: 'cdb', byte: 6 });
  });
});

describe('WRITE AND VERIFY', () => {
  it('writes and makes the data durable before GOOD', async () => {
    const h = harness();
    const o = await h.run(cdb10(0x2e, 3, 1), { dataOut: [fill(1, 9)] });
    expectGood(o);
    expect(o.dataOutLength).toBe(BS);
    expect(h.store.calls).toEqual([`writev ${3 * BS} ${BS}`, 'flush']);
    expect(h.store.bytes[3 * BS]).toBe(9);
    expectCheck(
      await h.run(cdb16(0x8e, 3, 1, 0x04), { dataOut: [fill(1, 9)] }),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte: 1, bit: 2 },
    );
  });
});

describe('WRITE SAME', () => {
  it('writes one block to the range by one writev of repeated views', async () => {
    const h = harness();
    const o = await h.run(cdb10(0x41, 8, 5), { dataOut: [fill(1, 0x3c)] });
    expectGood(o);
    expect(o.dataOutLength).toBe(BS);
    expect(h.store.writevSegments).toEqual([5]);
    expect(h.store.bytes.subarray(8 * BS, 13 * BS).every((b) => b === 0x3c)).toBe(true);
    expect(h.store.bytes[13 * BS]).toBe(0);
  });

  it('refuses a Data-Out of anything but one block (none with NDOB): 5/0E/03', async () => {
    const h = harness();
    for (const bytes of [0, 256, 1024]) {
      const o = await h.run(cdb10(0x41, 0, 1, 0x08), {
        dataOut: bytes ? [Buffer.alloc(bytes)] : [],
      });
      expectCheck(o, SENSE.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT, null);
      expect(o.dataOutLength).toBe(BS);
    }
    expectCheck(
      await h.run(cdb16(0x93, 0, 1, 0x01), { dataOut: [fill(1, 0)] }),
      SENSE.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT,
    );
    expectGood(
      await h.run(cdb10(0x41, 0, 1), {
        dataOut: [fill(1, 0).subarray(0, 100), fill(1, 0).subarray(100)],
      }),
    );
    expect(h.store.calls).toEqual([`writev 0 ${BS}`]);
  });

  it('plans a large range once and writes it in IOV_MAX-sized writevs', async () => {
    const zones = new FakeZones('host-managed', 4096);
    const h = harness({ zones, capacityBlocks: 4096, maxTransferBlocks: 4096 });
    expectGood(await h.run(cdb16(0x93, 256, 2500), { dataOut: [fill(1, 0x11)] }));
    expect(zones.calls).toEqual([
      'planWrite 256 2500',
      'commitWrite 256 2500',
      'writeCompleted 256 2500',
    ]);
    expect(h.store.writevSegments).toEqual([1024, 1024, 452]);
    expect(h.store.bytes.subarray(256 * BS, 2756 * BS).every((b) => b === 0x11)).toBe(true);
    expect(h.store.bytes[2756 * BS]).toBe(0);
  });

  it('NDOB writes zeros without data; UNMAP discards zeros on a non-zoned LU', async () => {
    const h = harness({ discard: true });
    h.store.bytes.fill(1);
    const ndob = await h.run(cdb16(0x93, 0, 2, 0x01));
    expectGood(ndob);
    expect(ndob.dataOutLength).toBe(0);
    expect(h.store.bytes.subarray(0, 2 * BS).every((b) => b === 0)).toBe(true);
    expectGood(await h.run(cdb16(0x93, 10, 4, 0x08), { dataOut: [fill(1, 0)] }));
    expect(h.store.calls).toContain(`discard ${10 * BS} ${4 * BS}`);
  });

  it('refuses UNMAP on zoned LUs, ANCHOR, zero length, and honours zone faults', async () => {
    const zones = new FakeZones('host-managed');
    const h = harness({ zones });
    expectCheck(
      await h.run(cdb16(0x93, 0, 1, 0x08), { dataOut: [fill(1, 0)] }),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte: 1, bit: 3 },
    );
    expectCheck(
      await h.run(cdb10(0x41, 0, 1, 0x10), { dataOut: [fill(1, 0)] }),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte: 1, bit: 4 },
    );
    expectCheck(
      await h.run(cdb10(0x41, 0, 0), { dataOut: [fill(1, 0)] }),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte: 7 },
    );
    // range before the zero-length check (libiscsi WriteSame10.0blocks)
    expectCheck(
      await h.run(cdb10(0x41, 2049, 0), { dataOut: [fill(1, 0)] }),
      SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
    );
    zones.writeFault = { kind: 'write-boundary', lba: 250 };
    expectCheck(
      await h.run(cdb16(0x93, 250, 10), { dataOut: [fill(1, 0)] }),
      SENSE.WRITE_BOUNDARY_VIOLATION,
    );
    expect(h.store.calls).toEqual([]);
    zones.writeFault = null;
    expectGood(await h.run(cdb16(0x93, 256, 3), { dataOut: [fill(1, 2)] }));
    expect(zones.calls.slice(-3)).toEqual([
      'planWrite 256 3',
      'commitWrite 256 3',
      'writeCompleted 256 3',
    ]);
  });
});

describe('UNMAP', () => {
  const unmap = (len: number, b1 = 0) => [0x42, b1, 0, 0, 0, 0, 0, len >> 8, len & 0xff, 0];

  it('discards each range', async () => {
    const h = harness({ discard: true });
    h.store.bytes.fill(1);
    const data = unmapParameterList([
      [0, 2],
      [100, 1],
    ]);
    const o = await h.run(unmap(data.length), { dataOut: [data] });
    expectGood(o);
    expect(o.dataOutLength).toBe(data.length);
    expect(h.store.calls).toEqual([`discard 0 ${2 * BS}`, `discard ${100 * BS} ${BS}`]);
  });

  it('validates the parameter list and the ranges', async () => {
    const h = harness({ discard: true });
    expectCheck(
      await h.run(unmap(4), { dataOut: [Buffer.alloc(4)] }),
      SENSE.PARAMETER_LIST_LENGTH_ERROR,
    );
    const bad = unmapParameterList([
      [0, 1],
      [2047, 2],
    ]);
    expectCheck(
      await h.run(unmap(bad.length), { dataOut: [bad] }),
      SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
      { in: 'parameter', byte: 24 },
    );
    expect(h.store.calls).toEqual([]);
    expectCheck(
      await h.run(unmap(24, 1), { dataOut: [unmapParameterList([[0, 1]])] }),
      SENSE.INVALID_FIELD_IN_CDB,
      { in: 'cdb', byte: 1, bit: 0 },
    );
    expectGood(await h.run(unmap(0)));
  });

  it('is an invalid opcode on zoned LUs', async () => {
    const h = harness({ zones: new FakeZones('host-managed') });
    expectCheck(
      await h.run(unmap(24), { dataOut: [unmapParameterList([[0, 1]])] }),
      SENSE.INVALID_COMMAND_OPERATION_CODE,
    );
  });
});

describe('ORWRITE(16)', () => {
  it('ORs the Data-Out into the stored blocks, only the whole blocks that arrived', async () => {
    const h = harness();
    h.store.bytes.fill(0x0f, 0, 3 * BS);
    const o = await h.run(cdb16(0x8b, 0, 3), {
      dataOut: [fill(1, 0xf0), fill(1, 0x30).subarray(0, 100), fill(1, 0x30).subarray(100)],
    });
    expectGood(o);
    expect(o.dataOutLength).toBe(3 * BS);
    expect(h.store.bytes.subarray(0, BS).every((b) => b === 0xff)).toBe(true);
    expect(h.store.bytes.subarray(BS, 2 * BS).every((b) => b === 0x3f)).toBe(true);
    expect(h.store.bytes.subarray(2 * BS, 3 * BS).every((b) => b === 0x0f)).toBe(true);
    expect(h.store.calls).toEqual([`read 0 ${2 * BS}`, `writev 0 ${2 * BS}`]);
  });

  it('checks range and write protection, and is not served on zoned LUs', async () => {
    expectCheck(
      await harness().run(cdb16(0x8b, 2047, 2), { dataOut: [fill(2, 1)] }),
      SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
    );
    expectCheck(
      await harness({ readOnly: true }).run(cdb16(0x8b, 0, 1), { dataOut: [fill(1, 1)] }),
      SENSE.WRITE_PROTECTED,
    );
    expectCheck(
      await harness({ zones: new FakeZones('host-managed') }).run(cdb16(0x8b, 0, 1), {
        dataOut: [fill(1, 1)],
      }),
      SENSE.INVALID_COMMAND_OPERATION_CODE,
    );
  });
});

describe('GET LBA STATUS', () => {
  const gls = (lba: number, alloc = 24) => {
    const c = Buffer.alloc(16);
    c[0] = 0x9e;
    c[1] = 0x12;
    c.writeUInt32BE(lba, 6);
    c.writeUInt32BE(alloc, 10);
    return c;
  };
  it('reports one descriptor from the starting LBA to the end', async () => {
    const d = expectGood(await harness().run(gls(2000)));
    expect(d.length).toBe(24);
    expect(d.readUInt32BE(0)).toBe(20);
    expect(d.readUInt32BE(12)).toBe(2000);
    expect(d.readUInt32BE(16)).toBe(48);
    expect(d[20]! & 0x0f).toBe(0);
    expect(expectGood(await harness().run(gls(0, 8))).length).toBe(8);
  });
  it('refuses a starting LBA past the last one, and is not served on zoned LUs', async () => {
    expectCheck(await harness().run(gls(2048)), SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE);
    expectCheck(
      await harness({ zones: new FakeZones('host-managed') }).run(gls(0)),
      SENSE.INVALID_COMMAND_OPERATION_CODE,
    );
  });
});

describe('PRE-FETCH, START STOP UNIT', () => {
  it('PRE-FETCH checks the range and zone read rules', async () => {
    const zones = new FakeZones('host-managed');
    const h = harness({ zones });
    expectGood(await h.run(cdb10(0x34, 0, 8)));
    expectCheck(await h.run(cdb16(0x90, 2040, 9)), SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE);
    zones.readFault = { kind: 'zone-offline', lba: 0 };
    expectCheck(await h.run(cdb16(0x90, 0, 8)), SENSE.ZONE_IS_OFFLINE);
  });

  it('START STOP UNIT flushes on stop, refuses LOEJ and power conditions', async () => {
    const h = harness();
    expectGood(await h.run([0x1b, 0, 0, 0, 0x00, 0]));
    expect(h.store.calls).toEqual(['flush']);
    expect(h.lu.started).toBe(false);
    expectGood(await h.run([0x1b, 0, 0, 0, 0x04, 0]));
    expect(h.store.calls).toEqual(['flush']);
    expectGood(await h.run([0x1b, 0, 0, 0, 0x01, 0]));
    expect(h.lu.started).toBe(true);
    expectCheck(await h.run([0x1b, 0, 0, 0, 0x02, 0]), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 4,
      bit: 1,
    });
    expectCheck(await h.run([0x1b, 0, 0, 0, 0x30, 0]), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 4,
      bit: 7,
    });
  });
});
