// START STOP UNIT and the stopped power condition (SBC-4 4.20, 5.25).
import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../../sense-tables/index.js';
import { TaskManagementFunction } from '../../../../../scsi/target-contract.js';
import { FakeZones, NEXUS, OTHER_NEXUS, expectCheck, expectGood, harness } from '../../harness.js';

const BS = 512;
const NOT_READY = SENSE.LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED;
const ssu = (b4: number, b1 = 0) => [0x1b, b1, 0, 0, b4, 0];
const STOP = ssu(0x00);
const START = ssu(0x01);
const TUR = [0, 0, 0, 0, 0, 0];
const read10 = (lba: number, n: number) => [0x28, 0, 0, 0, lba >> 8, lba & 0xff, 0, 0, n, 0];
const write10 = (lba: number, n: number) => [0x2a, 0, 0, 0, lba >> 8, lba & 0xff, 0, 0, n, 0];

/** Commands a stopped LU must refuse, with the Data-Out they need. */
const MEDIUM_ACCESS: [string, number[], Buffer[]][] = [
  ['TEST UNIT READY', TUR, []],
  ['READ(10)', read10(0, 1), []],
  ['WRITE(10)', write10(0, 1), [Buffer.alloc(BS, 1)]],
  ['VERIFY(10)', [0x2f, 0, 0, 0, 0, 0, 0, 0, 1, 0], []],
  ['SYNCHRONIZE CACHE(10)', [0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0], []],
  ['WRITE SAME(10)', [0x41, 0, 0, 0, 0, 0, 0, 0, 1, 0], [Buffer.alloc(BS)]],
  ['PRE-FETCH(10)', [0x34, 0, 0, 0, 0, 0, 0, 0, 1, 0], []],
  ['GET LBA STATUS', [0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 24, 0, 0], []],
];

/** Commands a host needs to identify and start a stopped LU. */
const STILL_SERVED: [string, number[]][] = [
  ['INQUIRY', [0x12, 0, 0, 0, 36, 0]],
  ['REPORT LUNS', [0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0]],
  ['REQUEST SENSE', [0x03, 0, 0, 0, 18, 0]],
  ['READ CAPACITY(10)', [0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
  ['READ CAPACITY(16)', [0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0]],
  ['MODE SENSE(6)', [0x1a, 0, 0x3f, 0, 255, 0]],
];

describe('START STOP UNIT stopped power condition', () => {
  it('START 0 flushes, then medium access answers 2/04/02 until START 1', async () => {
    const h = harness();
    expectGood(await h.run(write10(0, 1), { dataOut: [Buffer.alloc(BS, 9)] }));
    h.store.calls.length = 0;
    expectGood(await h.run(STOP));
    expect(h.store.calls).toEqual(['flush']);
    for (const [name, cdb, dataOut] of MEDIUM_ACCESS) {
      const o = await h.run(cdb, { dataOut });
      expect(o.sense, name).toBeDefined();
      const s = expectCheck(o, NOT_READY, null);
      expect(s.key, name).toBe(0x2);
    }
    // Nothing reached the store while stopped.
    expect(h.store.calls).toEqual(['flush']);
    expect(h.store.bytes[0]).toBe(9);
    for (const [name, cdb] of STILL_SERVED) {
      expect((await h.run(cdb)).status, name).toBe(0);
    }
    // REQUEST SENSE returns GOOD with sense data describing the stopped state.
    const sense = expectGood(await h.run([0x03, 0, 0, 0, 18, 0]));
    expect([sense[2]! & 0x0f, sense[12], sense[13]]).toEqual([0x2, 0x04, 0x02]);
    expectGood(await h.run(START));
    expectGood(await h.run(TUR));
    expect(expectGood(await h.run([0x03, 0, 0, 0, 18, 0]))[2]! & 0x0f).toBe(0);
    expect(expectGood(await h.run(read10(0, 1)))[0]).toBe(9);
  });

  it('NO_FLUSH and IMMED stop without a flush; the state is shared by every nexus', async () => {
    const h = harness();
    h.target.nexusCreated(OTHER_NEXUS);
    h.lu.unitAttentions.take(OTHER_NEXUS.key);
    expectGood(await h.run(ssu(0x04, 0x01))); // NO_FLUSH, IMMED
    expect(h.store.calls).toEqual([]);
    expectCheck(await h.run(TUR, { nexus: OTHER_NEXUS }), NOT_READY);
    expectGood(await h.run(START, { nexus: OTHER_NEXUS }));
    expectGood(await h.run(TUR));
  });

  it('a refused START STOP UNIT leaves the state alone; a failed flush does not stop', async () => {
    const h = harness();
    expectCheck(await h.run(ssu(0x02)), SENSE.INVALID_FIELD_IN_CDB, { in: 'cdb', byte: 4, bit: 1 });
    expectCheck(await h.run(ssu(0x10)), SENSE.INVALID_FIELD_IN_CDB, { in: 'cdb', byte: 4, bit: 7 });
    expectGood(await h.run(TUR));
    h.store.failNext.flush = true;
    expectCheck(await h.run(STOP), SENSE.WRITE_ERROR);
    expectGood(await h.run(TUR));
  });

  it('a pending unit attention is reported before NOT READY', async () => {
    const h = harness();
    expectGood(await h.run(STOP));
    h.lu.unitAttentions.establishAll(SENSE.MODE_PARAMETERS_CHANGED);
    expectCheck(await h.run(TUR), SENSE.MODE_PARAMETERS_CHANGED);
    expectCheck(await h.run(TUR), NOT_READY);
  });

  it('a logical unit reset starts the LU again (hard reset, SBC-4 4.20)', async () => {
    const h = harness();
    expectGood(await h.run(STOP));
    await h.target.taskManagement({
      fn: TaskManagementFunction.LOGICAL_UNIT_RESET,
      lun: 0,
      nexus: NEXUS,
    });
    h.lu.unitAttentions.take(NEXUS.key);
    expectGood(await h.run(TUR));
  });

  it('zone commands of a stopped zoned LU answer NOT READY too', async () => {
    const h = harness({ zones: new FakeZones('host-managed') });
    expectGood(await h.run(STOP));
    const reportZones = [0x95, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0];
    expectCheck(await h.run(reportZones), NOT_READY);
    const resetWp = [0x94, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0];
    expectCheck(await h.run(resetWp), NOT_READY);
  });
});
