// One row describes a command: dispatch decodes the CDB once and hands the same fields to the
// data length and the handler; the row's flags, not opcode lists, drive the preflight.
import { describe, expect, it } from 'vitest';
import { SENSE } from '../../../sense-tables/index.js';
import { buildCommandTable } from '../../../scsi/command-table.js';
import { commandRow } from '../../../scsi/command-spec.js';
import { dispatch } from '../../../scsi/dispatch.js';
import { good } from '../../../scsi/response.js';
import { ScsiStatus, type ScsiOutcome } from '../../../scsi/target-contract.js';
import { expectCheck, harness, NEXUS } from './harness.js';

interface Fields {
  readonly blocks: number;
}

function probeTable(seen: { decodes: number; fields: unknown[] }) {
  const row = commandRow<Fields>({
    name: 'PROBE',
    opcode: 0xc0,
    direction: 'out',
    mediumAccess: true,
    reservation: 'write',
    usageAfterOpcode: [0x00, 0xff, 0x00, 0x00, 0x04],
    decode: (cdb) => {
      seen.decodes++;
      return { blocks: cdb[2] ?? 0 };
    },
    dataOutLength: (_cdb, f, bs) => f.blocks * bs,
    handler: (_ctx, f) => {
      seen.fields.push(f);
      return good();
    },
  });
  return { row, table: buildCommandTable([row]) };
}

const PROBE_CDB = Buffer.from([0xc0, 0, 3, 0, 0, 0]);

const run = (h: ReturnType<typeof harness>, table: ReturnType<typeof buildCommandTable>) =>
  dispatch(
    { nexus: NEXUS, lun: 0, tag: 1, expectedDataLength: 0, cdb: PROBE_CDB, dataOut: [] },
    h.lu,
    h.lu.target,
    table,
  ) as ScsiOutcome;

describe('a command row', () => {
  it('states its CDB length and usage data from the opcode and the bytes after it', () => {
    const { row } = probeTable({ decodes: 0, fields: [] });
    expect(row.cdbLength).toBe(6);
    expect(row.usage).toEqual([0xc0, 0x00, 0xff, 0x00, 0x00, 0x04]);
  });

  it('is decoded once per command: the data length and the handler see the same fields', () => {
    const seen = { decodes: 0, fields: [] as unknown[] };
    const { table } = probeTable(seen);
    const h = harness();
    const outcome = run(h, table);
    expect(outcome).toEqual({ status: ScsiStatus.GOOD, dataOutLength: 3 * 512 });
    expect(seen.decodes).toBe(1);
    expect(seen.fields).toEqual([{ blocks: 3 }]);
  });

  it('is refused on a stopped LU by its mediumAccess flag, with its data length', () => {
    const seen = { decodes: 0, fields: [] as unknown[] };
    const { table } = probeTable(seen);
    const h = harness();
    h.lu.started = false;
    const outcome = run(h, table);
    expectCheck(outcome, SENSE.LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED);
    expect(outcome.dataOutLength).toBe(3 * 512);
    expect(seen.fields).toEqual([]);
  });
});
