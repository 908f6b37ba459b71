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
          fc.nat({ max: 3 * 512 }),
          async (opcode, rest, dataBytes) => {
            const cdb = Buffer.concat([Buffer.from([opcode]), Buffer.from(rest)]);
            const o = await h.run(cdb, { dataOut: [Buffer.alloc(dataBytes, 0x5a)] });
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
});
