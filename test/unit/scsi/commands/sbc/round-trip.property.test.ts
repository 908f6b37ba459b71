// Property: any sequence of WRITE(10/16) / WRITE SAME / VERIFY on a memory store behaves like a
// plain byte array model; READ returns exactly the model's bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectGood, harness } from '../../harness.js';

const BS = 512;
const CAP = 64;

type Op =
  | { kind: 'write'; lba: number; blocks: number; seed: number; split: number; long: boolean }
  | { kind: 'same'; lba: number; blocks: number; value: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc
    .record({
      lba: fc.nat({ max: CAP - 1 }),
      blocks: fc.integer({ min: 1, max: 8 }),
      seed: fc.nat(255),
      split: fc.nat(),
      long: fc.boolean(),
    })
    .map((r) => ({ kind: 'write' as const, ...r, blocks: Math.min(r.blocks, CAP - r.lba) })),
  fc
    .record({
      lba: fc.nat({ max: CAP - 1 }),
      blocks: fc.integer({ min: 1, max: 8 }),
      value: fc.nat(255),
    })
    .map((r) => ({ kind: 'same' as const, ...r, blocks: Math.min(r.blocks, CAP - r.lba) })),
);

function cdb(opcode: number, lba: number, blocks: number, long: boolean): Buffer {
  const c = Buffer.alloc(16);
  c[0] = opcode;
  if (long) {
    c.writeUInt32BE(lba, 6);
    c.writeUInt32BE(blocks, 10);
  } else {
    c.writeUInt32BE(lba, 2);
    c.writeUInt16BE(blocks, 7);
  }
  return c;
}

describe('READ/WRITE/WRITE SAME/VERIFY against a byte-array model', () => {
  it('agree for random command sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), async (ops) => {
        const h = harness({ capacityBlocks: CAP });
        const model = Buffer.alloc(CAP * BS);
        for (const o of ops) {
          if (o.kind === 'write') {
            const data = Buffer.from(
              Array.from({ length: o.blocks * BS }, (_, i) => (i + o.seed) & 0xff),
            );
            const cut = o.split % (data.length + 1);
            const segments = [data.subarray(0, cut), data.subarray(cut)].filter(
              (s) => s.length > 0,
            );
            expectGood(
              await h.run(cdb(o.long ? 0x8a : 0x2a, o.lba, o.blocks, o.long), {
                dataOut: segments,
              }),
            );
            data.copy(model, o.lba * BS);
          } else {
            expectGood(
              await h.run(cdb(0x41, o.lba, o.blocks, false), {
                dataOut: [Buffer.alloc(BS, o.value)],
              }),
            );
            model.fill(o.value, o.lba * BS, (o.lba + o.blocks) * BS);
          }
        }
        expect(expectGood(await h.run(cdb(0x88, 0, CAP, true))).equals(model)).toBe(true);
        const verify = cdb(0x2f, 0, CAP, false);
        verify[1] = 0x02;
        expectGood(await h.run(verify, { dataOut: [model] }));
      }),
      { numRuns: 200 },
    );
  });
});
