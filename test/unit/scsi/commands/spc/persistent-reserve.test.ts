import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../../sense-tables/index.js';
import { PrType } from '../../../../../scsi/persistent-reservations.js';
import { type ScsiOutcome, ScsiStatus } from '../../../../../scsi/target-contract.js';
import { NEXUS, OTHER_NEXUS, expectCheck, expectGood, harness } from '../../harness.js';

const K1 = 0x1111_2222_3333_4444n;
const K2 = 0x5555_6666_7777_8888n;

function prIn(sa: number, alloc = 8192): number[] {
  return [0x5e, sa, 0, 0, 0, 0, 0, alloc >> 8, alloc & 0xff, 0];
}

function prOut(sa: number, type = 0, length = 24, scope = 0): number[] {
  return [
    0x5f,
    sa,
    (scope << 4) | type,
    0,
    0,
    length >>> 24,
    (length >> 16) & 0xff,
    (length >> 8) & 0xff,
    length & 0xff,
    0,
  ];
}

function params(rk: bigint, sark: bigint, flags = 0): Buffer {
  const b = Buffer.alloc(24);
  b.writeBigUInt64BE(rk, 0);
  b.writeBigUInt64BE(sark, 8);
  b[20] = flags;
  return b;
}

function setup() {
  const h = harness();
  h.target.nexusCreated(OTHER_NEXUS);
  h.lu.unitAttentions.take(OTHER_NEXUS.key);
  const one = { nexus: NEXUS };
  const two = { nexus: OTHER_NEXUS };
  const out = (who: typeof one, sa: number, rk: bigint, sark: bigint, type = 0) =>
    h.run(prOut(sa, type), { ...who, dataOut: [params(rk, sark)] });
  const keys = async () => {
    const d = expectGood(await h.run(prIn(0)));
    const n = d.readUInt32BE(4) / 8;
    return {
      generation: d.readUInt32BE(0),
      keys: Array.from({ length: n }, (_, i) => d.readBigUInt64BE(8 + 8 * i)),
    };
  };
  const reservation = async () => {
    const d = expectGood(await h.run(prIn(1)));
    return d.readUInt32BE(4) === 0
      ? null
      : { key: d.readBigUInt64BE(8), type: d[21]! & 0x0f, scope: d[21]! >> 4 };
  };
  return { h, one, two, out, keys, reservation };
}

const conflict = (o: ScsiOutcome) => expect(o.status).toBe(ScsiStatus.RESERVATION_CONFLICT);
const read1 = [0x28, 0, 0, 0, 0, 1, 0, 0, 1, 0];
const write1 = [0x2a, 0, 0, 0, 0, 1, 0, 0, 1, 0];

describe('PERSISTENT RESERVE OUT: registration', () => {
  it('REGISTER, change key, unregister; PRgeneration counts each change', async () => {
    const { one, out, keys } = setup();
    expect(await keys()).toEqual({ generation: 0, keys: [] });
    expectGood(await out(one, 0, 0n, K1));
    expect(await keys()).toEqual({ generation: 1, keys: [K1] });
    conflict(await out(one, 0, K2, K2)); // wrong RESERVATION KEY
    expectGood(await out(one, 0, K1, K2));
    expect(await keys()).toEqual({ generation: 2, keys: [K2] });
    expectGood(await out(one, 6, 0n, K1)); // REGISTER AND IGNORE EXISTING KEY
    expectGood(await out(one, 0, K1, 0n));
    expect(await keys()).toEqual({ generation: 4, keys: [] });
    conflict(await out(one, 0, K1, K2)); // not registered but a key given
  });

  it('CLEAR drops everything and tells the other registrants', async () => {
    const { h, one, two, out, keys, reservation } = setup();
    expectGood(await out(one, 6, 0n, K1));
    expectGood(await out(two, 6, 0n, K2));
    expectGood(await out(one, 1, K1, 0n, PrType.WRITE_EXCLUSIVE));
    const before = (await keys()).generation;
    expectGood(await out(one, 3, K1, 0n));
    expect(await keys()).toEqual({ generation: before + 1, keys: [] });
    expect(await reservation()).toBeNull();
    expectCheck(await h.run([0, 0, 0, 0, 0, 0], two), SENSE.RESERVATIONS_PREEMPTED);
  });

  it('PREEMPT without a reservation removes the named registration (libiscsi ProutPreempt)', async () => {
    const { h, one, two, out, keys } = setup();
    expectGood(await out(one, 6, 0n, K1));
    expectGood(await out(two, 6, 0n, K2));
    const before = (await keys()).generation;
    expectGood(await out(two, 4, K2, K1, PrType.EXCLUSIVE_ACCESS));
    expectCheck(await h.run([0, 0, 0, 0, 0, 0], one), SENSE.REGISTRATIONS_PREEMPTED);
    expect(await keys()).toEqual({ generation: before + 1, keys: [K2] });
    conflict(await out(two, 4, K2, K1, PrType.EXCLUSIVE_ACCESS)); // nothing left to preempt
    expectCheck(
      await out(two, 4, K2, 0n, PrType.EXCLUSIVE_ACCESS),
      SENSE.INVALID_FIELD_IN_PARAMETER_LIST,
      { in: 'parameter', byte: 8 },
    );
  });

  it('PREEMPT of the holder takes the reservation over', async () => {
    const { h, one, two, out, reservation } = setup();
    expectGood(await out(one, 6, 0n, K1));
    expectGood(await out(two, 6, 0n, K2));
    expectGood(await out(one, 1, K1, 0n, PrType.EXCLUSIVE_ACCESS));
    expectGood(await out(two, 5, K2, K1, PrType.WRITE_EXCLUSIVE));
    expectCheck(await h.run([0, 0, 0, 0, 0, 0], one), SENSE.REGISTRATIONS_PREEMPTED);
    expect(await reservation()).toEqual({ key: K2, type: PrType.WRITE_EXCLUSIVE, scope: 0 });
  });
});

describe('PERSISTENT RESERVE OUT: reservations', () => {
  const types = [
    // [type, registered I2 read, write, unregistered I2 read, write] (SPC-4 table 61)
    [PrType.WRITE_EXCLUSIVE, true, false, true, false],
    [PrType.EXCLUSIVE_ACCESS, false, false, false, false],
    [PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, true, true, true, false],
    [PrType.EXCLUSIVE_ACCESS_REGISTRANTS_ONLY, true, true, false, false],
    [PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS, true, true, true, false],
    [PrType.EXCLUSIVE_ACCESS_ALL_REGISTRANTS, true, true, false, false],
  ] as const;

  it.each(types)(
    'type %i: access of the holder, a registrant and a stranger',
    async (type, rr, rw, ur, uw) => {
      const { h, one, two, out, reservation } = setup();
      const block = Buffer.alloc(512);
      expectGood(await out(one, 6, 0n, K1));
      expectGood(await out(two, 6, 0n, K2));
      expectGood(await out(one, 1, K1, 0n, type));
      const allRegistrants = type >= 7;
      expect(await reservation()).toEqual({ key: allRegistrants ? 0n : K1, type, scope: 0 });
      expectGood(await h.run(read1, one));
      expectGood(await h.run(write1, { ...one, dataOut: [block] }));
      const expectAccess = (o: ScsiOutcome, ok: boolean) => (ok ? expectGood(o) : conflict(o));
      expectAccess(await h.run(read1, two), rr);
      expectAccess(await h.run(write1, { ...two, dataOut: [block] }), rw);
      expectGood(await h.run([0x12, 0, 0, 0, 36, 0], two)); // INQUIRY is always allowed
      expectGood(await h.run([0, 0, 0, 0, 0, 0], two)); // so is TEST UNIT READY
      expectGood(await out(two, 0, K2, 0n)); // unregister I2
      expectAccess(await h.run(read1, two), ur);
      expectAccess(await h.run(write1, { ...two, dataOut: [block] }), uw);
      conflict(await out(two, 1, K2, 0n, type)); // a stranger cannot reserve
      expectGood(await out(one, 2, K1, 0n, type));
      expect(await reservation()).toBeNull();
      expectGood(await h.run(write1, { ...two, dataOut: [block] }));
    },
  );

  it.each(types)('type %i: ownership when the holder unregisters', async (type) => {
    const { one, two, out, reservation } = setup();
    expectGood(await out(one, 6, 0n, K1));
    expectGood(await out(two, 6, 0n, K2));
    expectGood(await out(one, 1, K1, 0n, type));
    expectGood(await out(one, 0, K1, 0n));
    if (type >= 7) {
      expect(await reservation()).toEqual({ key: 0n, type, scope: 0 });
      expectGood(await out(two, 2, K2, 0n, type));
    }
    expect(await reservation()).toBeNull();
  });

  it('RELEASE with another type is invalid; a non-holder release does nothing', async () => {
    const { one, two, out, reservation } = setup();
    expectGood(await out(one, 6, 0n, K1));
    expectGood(await out(two, 6, 0n, K2));
    expectGood(await out(one, 1, K1, 0n, PrType.WRITE_EXCLUSIVE));
    expectGood(await out(one, 1, K1, 0n, PrType.WRITE_EXCLUSIVE)); // the holder may repeat it
    conflict(await out(one, 1, K1, 0n, PrType.EXCLUSIVE_ACCESS));
    expectCheck(
      await out(one, 2, K1, 0n, PrType.EXCLUSIVE_ACCESS),
      SENSE.INVALID_RELEASE_OF_PERSISTENT_RESERVATION,
    );
    expectGood(await out(two, 2, K2, 0n, PrType.WRITE_EXCLUSIVE));
    expect(await reservation()).toEqual({ key: K1, type: PrType.WRITE_EXCLUSIVE, scope: 0 });
  });

  it('SPC-2 RESERVE(6)/RELEASE(6) conflict while persistent reservations are in use', async () => {
    const { h, one, out } = setup();
    expectGood(await out(one, 6, 0n, K1));
    conflict(await h.run([0x16, 0, 0, 0, 0, 0], one));
    conflict(await h.run([0x17, 0, 0, 0, 0, 0], one));
    expectGood(await out(one, 0, K1, 0n));
    expectGood(await h.run([0x16, 0, 0, 0, 0, 0], one));
  });

  it('survives LU reset and nexus loss (SPC-4 5.13.1)', async () => {
    const { h, one, out, keys } = setup();
    expectGood(await out(one, 6, 0n, K1));
    await h.target.taskManagement({ nexus: NEXUS, fn: 5, lun: 0 });
    h.target.nexusLost(NEXUS);
    expect((await keys()).keys).toEqual([K1]);
  });
});

describe('PERSISTENT RESERVE OUT: invalid requests', () => {
  it('checks SCOPE, TYPE, parameter list length, SPEC_I_PT and APTPL', async () => {
    const { h } = setup();
    const p = [params(0n, K1)];
    expectCheck(await h.run(prOut(1, 1, 24, 1), { dataOut: p }), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 2,
      bit: 7,
    });
    expectCheck(await h.run(prOut(1, 2), { dataOut: p }), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 2,
      bit: 3,
    });
    expectCheck(await h.run(prOut(0, 0, 20), { dataOut: p }), SENSE.PARAMETER_LIST_LENGTH_ERROR);
    expectCheck(
      await h.run(prOut(0), { dataOut: [params(0n, K1, 0x08)] }),
      SENSE.INVALID_FIELD_IN_PARAMETER_LIST,
      { in: 'parameter', byte: 20, bit: 3 },
    );
    expectCheck(
      await h.run(prOut(0), { dataOut: [params(0n, K1, 0x01)] }),
      SENSE.INVALID_FIELD_IN_PARAMETER_LIST,
      { in: 'parameter', byte: 20, bit: 0 },
    );
    expectCheck(await h.run(prOut(7), { dataOut: p }), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 1,
      bit: 4,
    });
    expect((await h.run(prOut(0), { dataOut: p })).dataOutLength).toBe(24);
  });
});

describe('PERSISTENT RESERVE IN', () => {
  it('serves service actions 0-3 only (libiscsi PrinServiceactionRange)', async () => {
    const { h } = setup();
    for (let sa = 0; sa < 4; sa++) expectGood(await h.run(prIn(sa)));
    for (let sa = 4; sa < 0x20; sa++)
      expectCheck(await h.run(prIn(sa)), SENSE.INVALID_FIELD_IN_CDB, {
        in: 'cdb',
        byte: 1,
        bit: 4,
      });
  });

  it('REPORT CAPABILITIES states the six types and length 8', async () => {
    const d = expectGood(await setup().h.run(prIn(2)));
    expect(d.readUInt16BE(0)).toBe(8);
    expect(d[3]! & 0x80).toBe(0x80);
    expect(d.readUInt16BE(4)).toBe(0xea01);
  });

  it('READ KEYS truncates but states the full length', async () => {
    const { h, one, two, out } = setup();
    expectGood(await out(one, 6, 0n, K1));
    expectGood(await out(two, 6, 0n, K2));
    const d = expectGood(await h.run(prIn(0, 12)));
    expect(d.length).toBe(12);
    expect(d.readUInt32BE(4)).toBe(16);
  });

  it('READ FULL STATUS lists registrants with iSCSI TransportIDs and the holder', async () => {
    const { h, one, two, out } = setup();
    expectGood(await out(one, 6, 0n, K1));
    expectGood(await out(two, 6, 0n, K2));
    expectGood(await out(one, 1, K1, 0n, PrType.EXCLUSIVE_ACCESS));
    const d = expectGood(await h.run(prIn(3)));
    expect(d.readUInt32BE(4)).toBe(d.length - 8);
    expect(d.readBigUInt64BE(8)).toBe(K1);
    expect([d[8 + 12], d[8 + 13]]).toEqual([0x01, PrType.EXCLUSIVE_ACCESS]);
    const tidLength = d.readUInt32BE(8 + 20);
    const tid = d.subarray(8 + 24, 8 + 24 + tidLength);
    expect(tid[0]).toBe(0x45);
    expect(tid.toString('utf8', 4).replace(/\0+$/, '')).toBe(
      `${NEXUS.initiatorName},i,0x${NEXUS.isid}`,
    );
    const second = 8 + 24 + tidLength;
    expect(d.readBigUInt64BE(second)).toBe(K2);
    expect(d[second + 12]).toBe(0);
  });
});
