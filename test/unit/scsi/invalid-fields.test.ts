// One row per refused CDB field: the exact sense and field pointer, in fixed (70h) and in
// descriptor (72h) format (Control page D_SENSE).
import { describe, expect, it } from 'vitest';
import { SENSE, type SenseCode } from '../../../sense-tables/index.js';
import type { FieldPointer } from '../../../scsi/command-result.js';
import { ScsiStatus } from '../../../scsi/target-contract.js';
import { parseSense } from '../../helpers/sense.js';
import { FakeZones, harness } from './harness.js';

const cdb16 = (bytes: Record<number, number>, opcode: number) => {
  const c = Array<number>(16).fill(0);
  c[0] = opcode;
  for (const [k, v] of Object.entries(bytes)) c[Number(k)] = v;
  return c;
};

interface Row {
  title: string;
  cdb: number[];
  code: SenseCode;
  field?: FieldPointer;
  zoned?: boolean;
  dataOut?: number;
}

const ROWS: Row[] = [
  {
    title: 'NACA',
    cdb: [0x00, 0, 0, 0, 0, 0x04],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 5, bit: 2 },
  },
  {
    title: 'INQUIRY CMDDT',
    cdb: [0x12, 0x02, 0, 0, 36, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 1, bit: 1 },
  },
  {
    title: 'INQUIRY page without EVPD',
    cdb: [0x12, 0, 0x83, 0, 36, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 2 },
  },
  {
    title: 'INQUIRY unknown VPD page',
    cdb: [0x12, 1, 0xc0, 0, 36, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 2 },
  },
  {
    title: 'unknown service action',
    cdb: [0x9e, 0x1f],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 1, bit: 4 },
  },
  {
    title: 'MODE SENSE unknown page',
    cdb: [0x1a, 0, 0x1c, 0, 255, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 2, bit: 5 },
  },
  {
    title: 'MODE SENSE subpage',
    cdb: [0x5a, 0, 0x08, 0x01, 0, 0, 0, 1, 0, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 3 },
  },
  {
    title: 'MODE SELECT SP',
    cdb: [0x15, 0x11, 0, 0, 0, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 1, bit: 0 },
  },
  {
    title: 'REPORT LUNS select',
    cdb: [0xa0, 0, 0x7f, 0, 0, 0, 0, 0, 0, 16, 0, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 2 },
  },
  {
    title: 'RSOC reporting options',
    cdb: [0xa3, 0x0c, 0x06, 0, 0, 0, 0, 0, 1, 0, 0, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 2, bit: 2 },
  },
  {
    title: 'READ(10) RDPROTECT',
    cdb: [0x28, 0x20, 0, 0, 0, 0, 0, 0, 1, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 1, bit: 7 },
  },
  {
    title: 'READ(16) too long',
    cdb: cdb16({ 12: 0x08, 13: 0x01 }, 0x88),
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 10 },
  },
  {
    title: 'READ(12) too long',
    cdb: [0xa8, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 6 },
  },
  {
    title: 'WRITE(10) too long',
    cdb: [0x2a, 0, 0, 0, 0, 0, 0, 0x10, 0, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 7 },
  },
  {
    title: 'VERIFY BYTCHK 10b',
    cdb: [0x2f, 0x04, 0, 0, 0, 0, 0, 0, 1, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 1, bit: 2 },
  },
  {
    title: 'WRITE SAME zero blocks',
    cdb: [0x41, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 7 },
    dataOut: 512,
  },
  {
    title: 'WRITE SAME(16) UNMAP on zoned',
    cdb: cdb16({ 1: 0x08, 13: 1 }, 0x93),
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 1, bit: 3 },
    zoned: true,
    dataOut: 512,
  },
  {
    title: 'UNMAP ANCHOR',
    cdb: [0x42, 0x01, 0, 0, 0, 0, 0, 0, 24, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 1, bit: 0 },
  },
  {
    title: 'START STOP LOEJ',
    cdb: [0x1b, 0, 0, 0, 0x02, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 4, bit: 1 },
  },
  {
    title: 'READ CAPACITY(10) LBA without PMI',
    cdb: [0x25, 0, 0, 0, 0, 1, 0, 0, 0, 0],
    code: SENSE.INVALID_FIELD_IN_CDB,
    field: { in: 'cdb', byte: 2 },
  },
  {
    title: 'unknown opcode',
    cdb: [0xd0, 0, 0, 0, 0, 0],
    code: SENSE.INVALID_COMMAND_OPERATION_CODE,
  },
  {
    title: 'READ past the end',
    cdb: [0x28, 0, 0, 0, 0x0f, 0xff, 0, 0, 2, 0],
    code: SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
  },
  {
    title: 'ZBC IN on a non-zoned LU',
    cdb: cdb16({ 13: 64 }, 0x95),
    code: SENSE.INVALID_COMMAND_OPERATION_CODE,
  },
  {
    title: 'MODE SENSE saved values',
    cdb: [0x1a, 0, 0xc8, 0, 255, 0],
    code: SENSE.SAVING_PARAMETERS_NOT_SUPPORTED,
  },
];

describe.each([false, true])('invalid CDB fields (descriptor sense: %s)', (descriptor) => {
  it.each(ROWS)('$title', async (row) => {
    const h = harness({
      capacityBlocks: 4096,
      maxTransferBlocks: 2048,
      ...(row.zoned ? { zones: new FakeZones('host-managed', 4096) } : {}),
    });
    h.lu.mode.dSense = descriptor;
    const o = await h.run(row.cdb, row.dataOut ? { dataOut: [Buffer.alloc(row.dataOut)] } : {});
    expect(o.status).toBe(ScsiStatus.CHECK_CONDITION);
    const s = parseSense(o.sense as Buffer);
    expect(s.format).toBe(descriptor ? 'descriptor' : 'fixed');
    expect({ key: s.key, asc: s.asc, ascq: s.ascq }).toEqual({
      key: row.code.key,
      asc: row.code.asc,
      ascq: row.code.ascq,
    });
    expect(s.field).toEqual(row.field);
  });
});
