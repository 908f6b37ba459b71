import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../../../sense-tables/index.js';
import { ScsiStatus, TaskManagementFunction } from '../../../../../scsi/target-contract.js';
import { NEXUS, OTHER_NEXUS, expectCheck, expectGood, harness } from '../../harness.js';

const RESERVE = [0x16, 0, 0, 0, 0, 0];
const RELEASE = [0x17, 0, 0, 0, 0, 0];
const MODE_SENSE = [0x1a, 0, 0x3f, 0, 255, 0];
const other = { nexus: OTHER_NEXUS };

function twoNexuses() {
  const h = harness();
  h.target.nexusCreated(OTHER_NEXUS);
  h.lu.unitAttentions.take(OTHER_NEXUS.key);
  return h;
}

describe('RESERVE(6) / RELEASE(6)', () => {
  it('conflicts other nexuses until the holder releases (libiscsi Reserve6.2Initiators)', async () => {
    const h = twoNexuses();
    expectGood(await h.run(RESERVE));
    expectGood(await h.run(RESERVE)); // the holder may reserve again
    expect((await h.run(RESERVE, other)).status).toBe(ScsiStatus.RESERVATION_CONFLICT);
    expectGood(await h.run(RELEASE, other)); // not the holder: a no-op
    expectGood(await h.run(MODE_SENSE));
    expect((await h.run(MODE_SENSE, other)).status).toBe(ScsiStatus.RESERVATION_CONFLICT);
    const write = await h.run([0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0], {
      ...other,
      dataOut: [Buffer.alloc(512)],
    });
    expect(write).toEqual({ status: ScsiStatus.RESERVATION_CONFLICT, dataOutLength: 512 });
    expectGood(await h.run([0x12, 0, 0, 0, 36, 0], other));
    expectGood(await h.run([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0], other));
    expectGood(await h.run([0x03, 0, 0, 0, 18, 0], other));
    expectGood(await h.run(RELEASE));
    expectGood(await h.run(RESERVE, other));
    expectGood(await h.run(RELEASE, other));
    expectGood(await h.run(MODE_SENSE));
  });

  it('is released by LU reset, target reset and loss of the holding nexus', async () => {
    const h = twoNexuses();
    expectGood(await h.run(RESERVE));
    await h.target.taskManagement({
      nexus: NEXUS,
      fn: TaskManagementFunction.LOGICAL_UNIT_RESET,
      lun: 0,
    });
    expect(h.lu.reservedBy).toBeNull();
    expectCheck(await h.run(RESERVE), SENSE.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
    expectGood(await h.run(RESERVE));
    await h.target.taskManagement({
      nexus: NEXUS,
      fn: TaskManagementFunction.TARGET_WARM_RESET,
      lun: 0,
    });
    expect(h.lu.reservedBy).toBeNull();
    h.lu.unitAttentions.take(NEXUS.key);
    expectGood(await h.run(RESERVE));
    h.target.nexusLost(NEXUS);
    h.lu.unitAttentions.take(OTHER_NEXUS.key);
    expectGood(await h.run(RESERVE, other));
  });

  it('refuses 3RDPTY, LONGID and EXTENT with a pointer on the bit', async () => {
    const h = harness();
    expectCheck(await h.run([0x16, 0x10, 0, 0, 0, 0]), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 1,
      bit: 4,
    });
    expectCheck(await h.run([0x17, 0x01, 0, 0, 0, 0]), SENSE.INVALID_FIELD_IN_CDB, {
      in: 'cdb',
      byte: 1,
      bit: 0,
    });
    expect(h.lu.reservedBy).toBeNull();
  });
});
