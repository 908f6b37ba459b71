// Property: any CDB, for any opcode in the table or not, ends in GOOD, RESERVATION CONFLICT (a
// random PERSISTENT RESERVE OUT may register) or CHECK CONDITION with well-formed sense; never a
// rejection and never INTERNAL TARGET FAILURE (a handler bug).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandTable } from '../../../scsi/command-table.js';
import { ScsiStatus } from '../../../scsi/target.js';
import { parseSense } from '../../helpers/sense.js';
import { FakeZones, harness } from './harness.js';

const opcodes = [...new Set(commandTable().all.map((s) => s.opcode)), 0x04, 0x7f, 0xc5];

describe('random CDBs', () => {
  for (const zoned of [false, true]) {
    it(`end in GOOD or exact sense (${zoned ? 'zoned' : 'non-zoned'} LU)`, async () => {
      const h = harness({
        capacityBlocks: 4096,
        maxTransferBlocks: 64,
        ...(zoned ? { zones: new FakeZones('host-managed', 4096) } : {}),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...opcodes),
          fc.uint8Array({ minLength: 15, maxLength: 15 }),
          fc.uint8Array({ maxLength: 3 * 512, size: 'max' }),
          async (opcode, rest, data) => {
            const cdb = Buffer.concat([Buffer.from([opcode]), Buffer.from(rest)]);
            const o = await h.run(cdb, { dataOut: [Buffer.from(data)] });
            expect([
              ScsiStatus.GOOD,
              ScsiStatus.CHECK_CONDITION,
              ScsiStatus.RESERVATION_CONFLICT,
            ]).toContain(o.status);
            if (o.status === ScsiStatus.CHECK_CONDITION) {
              const s = parseSense(o.sense as Buffer);
              expect(s.key, `opcode ${opcode.toString(16)}`).not.toBe(0x4);
              if (s.key === 5 && (s.asc === 0x24 || s.asc === 0x26)) expect(s.field).toBeDefined();
            }
          },
        ),
        { numRuns: 1500 },
      );
    });
  }

  // Random parameter lists whose length fields match the Data-Out, so the list parsers run.
  const LISTS: readonly [name: string, opcode: number, setLength: (c: Buffer, n: number) => void][] = [
    ['MODE SELECT(6)', 0x15, (c, n) => c.writeUInt8(Math.min(n, 0xff), 4)],
    ['MODE SELECT(10)', 0x55, (c, n) => c.writeUInt16BE(n, 7)],
    ['UNMAP', 0x42, (c, n) => c.writeUInt16BE(n, 7)],
    // Service actions 0-7 (REGISTER ... REGISTER AND IGNORE EXISTING KEY, and one unknown).
    ['PERSISTENT RESERVE OUT', 0x5f, (c) => c.writeUInt32BE(24, 5)],
  ];
  for (const [name, opcode, setLength] of LISTS) {
    it(`${name}: any parameter list ends in GOOD or exact sense`, async () => {
      const h = harness({ capacityBlocks: 4096, maxTransferBlocks: 64 });
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 16, maxLength: 16 }),
          fc.uint8Array({ maxLength: 300, size: 'max' }),
          async (bytes, data) => {
            const cdb = Buffer.from(bytes);
            cdb[0] = opcode;
            cdb[1] = (cdb[1] ?? 0) & 0x07;
            cdb.fill(0, 2, 10);
            setLength(cdb, data.length);
            const o = await h.run(cdb, { dataOut: [Buffer.from(data)] });
            if (o.status === ScsiStatus.CHECK_CONDITION) {
              const s = parseSense(o.sense as Buffer);
              expect(s.key, cdb.toString('hex')).not.toBe(0x4);
              if (s.key === 5 && (s.asc === 0x24 || s.asc === 0x26)) expect(s.field).toBeDefined();
            } else {
              expect([ScsiStatus.GOOD, ScsiStatus.RESERVATION_CONFLICT]).toContain(o.status);
            }
          },
        ),
        { numRuns: 500 },
      );
    });
  }
});
