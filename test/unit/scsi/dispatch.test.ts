import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../sense-tables/index.js';
import {
  ScsiStatus,
  TaskManagementFunction,
  TaskManagementResult,
  TransportSense,
} from '../../../scsi/target-contract.js';
import { parseSense } from '../../helpers/sense.js';
import {
  FakeJournal,
  FakeZones,
  NEXUS,
  OTHER_NEXUS,
  expectCheck,
  expectGood,
  harness,
  setCapacity,
} from './harness.js';

const TUR = [0x00, 0, 0, 0, 0, 0];
const INQUIRY = [0x12, 0, 0, 0, 96, 0];

describe('dispatch preflight', () => {
  it('refuses NACA in the control byte with a pointer on bit 2 of the last CDB byte', async () => {
    const h = harness();
    expectCheck(await h.run([0x00, 0, 0, 0, 0, 0x04]), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 5,
      bit: 2,
    });
    const read16 = Array<number>(16).fill(0);
    read16[0] = 0x88;
    read16[15] = 0x04;
    expectCheck(await h.run(read16), SENSE.INVALID_FIELD_IN_CDB, { in: 'cdb', byte: 15, bit: 2 });
  });

  it('answers a missing LUN: INQUIRY PQ 011b/PDT 1Fh, REPORT LUNS works, others 5/25/00', async () => {
    const h = harness();
    const inq = expectGood(await h.run(INQUIRY, { lun: 3 }));
    expect(inq[0]).toBe(0x7f);
    const luns = expectGood(await h.run([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0], { lun: 3 }));
    expect(luns.readUInt32BE(0)).toBe(8);
    expect(luns[9]).toBe(0);
    expectCheck(await h.run(TUR, { lun: 3 }), SENSE.LOGICAL_UNIT_NOT_SUPPORTED, null);
    const rs = expectGood(await h.run([0x03, 0, 0, 0, 18, 0], { lun: 3 }));
    expect(parseSense(rs)).toMatchObject({ key: 5, asc: 0x25, ascq: 0 });
  });

  it('answers INVALID COMMAND OPERATION CODE for unknown opcodes', async () => {
    const h = harness();
    expectCheck(await h.run([0xc0, 0, 0, 0, 0, 0]), SENSE.INVALID_COMMAND_OPERATION_CODE, null);
    expectCheck(await h.run([0x04, 0, 0, 0, 0, 0]), SENSE.INVALID_COMMAND_OPERATION_CODE, null); // FORMAT UNIT
  });

  it('answers an unknown service action with a pointer on byte 1 bit 4', async () => {
    const h = harness();
    expectCheck(await h.run([0x9e, 0x11]), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 1,
      bit: 4,
    });
    expectCheck(await h.run([0xa3, 0x05]), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 1,
      bit: 4,
    });
  });

  it('answers ZBC IN/OUT on a non-zoned LU with INVALID COMMAND OPERATION CODE', async () => {
    const h = harness();
    expectCheck(await h.run([0x95, 0x00]), SENSE.INVALID_COMMAND_OPERATION_CODE, null);
    expectCheck(await h.run([0x94, 0x04]), SENSE.INVALID_COMMAND_OPERATION_CODE, null);
    expectCheck(await h.run([0x95, 0x1f]), SENSE.INVALID_COMMAND_OPERATION_CODE, null);
    const zoned = harness({ zones: new FakeZones('host-managed') });
    expectCheck(await zoned.run([0x95, 0x1f]), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 1,
      bit: 4,
    });
  });

  it('turns a handler exception into HARDWARE ERROR / INTERNAL TARGET FAILURE', async () => {
    const zones = new FakeZones('host-managed');
    zones.checkRead = () => {
      throw new TypeError('bug in the zone model');
    };
    const h = harness({ zones });
    const spy = console.error;
    const logged: unknown[] = [];
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      expectCheck(
        await h.run([0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0]),
        SENSE.INTERNAL_TARGET_FAILURE,
        null,
      );
      expectCheck(
        await h.run([0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0]),
        SENSE.INTERNAL_TARGET_FAILURE,
        null,
      );
    } finally {
      console.error = spy;
    }
    expect(logged.length).toBeLessThanOrEqual(1);
  });

  it('encodes sense in descriptor format when D_SENSE is set', async () => {
    const h = harness();
    h.lu.mode.dSense = true;
    const o = await h.run([0xc0, 0, 0, 0, 0, 0]);
    expect(o.sense?.[0]).toBe(0x72);
    expectCheck(o, SENSE.INVALID_COMMAND_OPERATION_CODE);
  });

  it('maps transport errors for checkCondition in the LU format', () => {
    const h = harness();
    const crc = h.target.checkCondition(0, TransportSense.PROTOCOL_SERVICE_CRC_ERROR);
    expectCheck(crc, SENSE.PROTOCOL_SERVICE_CRC_ERROR);
    expect(parseSense(crc.sense as Buffer)).toMatchObject({ key: 0xb, asc: 0x47, ascq: 0x05 });
    expect(
      parseSense(
        h.target.checkCondition(0, TransportSense.UNEXPECTED_UNSOLICITED_DATA).sense as Buffer,
      ),
    ).toMatchObject({ key: 5, asc: 0x0c, ascq: 0x0c });
    expect(
      parseSense(
        h.target.checkCondition(7, TransportSense.INCORRECT_AMOUNT_OF_DATA).sense as Buffer,
      ),
    ).toMatchObject({ key: 0xb, asc: 0x0c, ascq: 0x0d });
  });
});

describe('unit attentions', () => {
  it('reports POWER ON/RESET once after login; INQUIRY and REPORT LUNS do not clear it', async () => {
    const h = harness({ keepUnitAttention: true });
    expectGood(await h.run(INQUIRY));
    expectGood(await h.run([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0]));
    expectCheck(await h.run(TUR), SENSE.POWER_ON_RESET_OR_BUS_DEVICE_RESET_OCCURRED);
    expectGood(await h.run(TUR));
  });

  it('REQUEST SENSE reports and clears a pending unit attention', async () => {
    const h = harness({ keepUnitAttention: true });
    const s = parseSense(expectGood(await h.run([0x03, 0, 0, 0, 252, 0])));
    expect(s).toMatchObject({ key: 6, asc: 0x29, ascq: 0 });
    const none = parseSense(expectGood(await h.run([0x03, 0x01, 0, 0, 252, 0])));
    expect(none).toMatchObject({ format: 'descriptor', key: 0, asc: 0, ascq: 0 });
    expectGood(await h.run(TUR));
  });

  it('LOGICAL UNIT RESET: 29/03 for every nexus, mode pages back to default', async () => {
    const h = harness();
    h.target.nexusCreated(OTHER_NEXUS);
    h.lu.unitAttentions.take(OTHER_NEXUS.key);
    h.lu.mode.wce = false;
    expect(
      await h.target.taskManagement({
        nexus: NEXUS,
        fn: TaskManagementFunction.LOGICAL_UNIT_RESET,
        lun: 0,
      }),
    ).toBe(TaskManagementResult.COMPLETE);
    expect(h.lu.mode.wce).toBe(true);
    expectCheck(await h.run(TUR), SENSE.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
    expectCheck(await h.run(TUR, { nexus: OTHER_NEXUS }), SENSE.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
    expectGood(await h.run(TUR));
    expect(
      await h.target.taskManagement({
        nexus: NEXUS,
        fn: TaskManagementFunction.LOGICAL_UNIT_RESET,
        lun: 9,
      }),
    ).toBe(TaskManagementResult.NO_SUCH_LUN);
    expect(
      await h.target.taskManagement({ nexus: NEXUS, fn: TaskManagementFunction.CLEAR_ACA, lun: 0 }),
    ).toBe(TaskManagementResult.NOT_SUPPORTED);
  });

  it('CLEAR TASK SET tells the other nexuses COMMANDS CLEARED BY ANOTHER INITIATOR', async () => {
    const h = harness();
    h.target.nexusCreated(OTHER_NEXUS);
    h.lu.unitAttentions.take(OTHER_NEXUS.key);
    expect(
      await h.target.taskManagement({
        nexus: NEXUS,
        fn: TaskManagementFunction.CLEAR_TASK_SET,
        lun: 0,
      }),
    ).toBe(TaskManagementResult.COMPLETE);
    expectGood(await h.run(TUR));
    expectCheck(
      await h.run(TUR, { nexus: OTHER_NEXUS }),
      SENSE.COMMANDS_CLEARED_BY_ANOTHER_INITIATOR,
    );
  });

  it('CAPACITY DATA HAS CHANGED reaches every nexus when the capacity changes', async () => {
    const h = harness();
    h.target.nexusCreated(OTHER_NEXUS);
    h.lu.unitAttentions.take(OTHER_NEXUS.key);
    setCapacity(h.lu, 1024);
    expectCheck(await h.run(TUR), SENSE.CAPACITY_DATA_HAS_CHANGED);
    expectCheck(await h.run(TUR, { nexus: OTHER_NEXUS }), SENSE.CAPACITY_DATA_HAS_CHANGED);
    const cap = expectGood(await h.run([0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(cap.readUInt32BE(0)).toBe(1023);
  });

  it('nexusLost drops the nexus state; a new login starts with POWER ON again', async () => {
    const h = harness();
    h.target.nexusLost(NEXUS);
    expectGood(await h.run(TUR));
    h.target.nexusCreated(NEXUS);
    expectCheck(await h.run(TUR), SENSE.POWER_ON_RESET_OR_BUS_DEVICE_RESET_OCCURRED);
  });

  it('execute never rejects, and reports a GOOD status code of 0', async () => {
    const h = harness();
    const o = await h.run(TUR);
    expect(o.status).toBe(ScsiStatus.GOOD);
    const empty = await h.target.execute({
      nexus: NEXUS,
      lun: 0,
      tag: 1,
      expectedDataLength: 0,
      cdb: Buffer.alloc(0),
      dataOut: [],
    });
    expect(empty.status).toBe(ScsiStatus.CHECK_CONDITION);
  });
});

describe('close', () => {
  it('flushes, then closes journal and store of every LU, reporting the first failure', async () => {
    const log: string[] = [];
    const zones = new FakeZones('host-managed');
    const h = harness({ zones, journal: new FakeJournal(log) });
    h.store.failNext.flush = true;
    await expect(h.target.close()).rejects.toThrow('injected flush failure');
    expect(h.store.calls).toEqual(['flush', 'close']);
    expect(log).toEqual(['journal close']);
    await expect(h.target.close()).rejects.toThrow('injected flush failure'); // idempotent
    expect(h.store.calls).toEqual(['flush', 'close']);
  });
});
