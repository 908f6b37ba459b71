import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LbaExtentSet } from '../../../scsi/lba-extent-set.js';

describe('LbaExtentSet', () => {
  it('merges overlapping and adjacent extents on add', () => {
    const s = new LbaExtentSet();
    s.add(10, 5); // [10,15)
    s.add(20, 5); // [20,25)
    expect(s.toArray()).toEqual([
      [10, 15],
      [20, 25],
    ]);
    s.add(15, 5); // touches both: one extent
    expect(s.toArray()).toEqual([[10, 25]]);
    s.add(0, 3);
    s.add(2, 100);
    expect(s.toArray()).toEqual([[0, 102]]);
    s.add(50, 0);
    expect(s.extentCount).toBe(1);
  });

  it('splits an extent on remove and drops the ones covered', () => {
    const s = new LbaExtentSet();
    s.add(0, 100);
    s.remove(40, 10);
    expect(s.toArray()).toEqual([
      [0, 40],
      [50, 100],
    ]);
    expect(s.has(39)).toBe(true);
    expect(s.has(40)).toBe(false);
    expect(s.has(49)).toBe(false);
    expect(s.has(50)).toBe(true);
    s.add(200, 10);
    s.remove(30, 175); // cuts the first, removes the second, cuts the third
    expect(s.toArray()).toEqual([
      [0, 30],
      [205, 210],
    ]);
    s.remove(300, 5); // nothing there
    s.truncate(208);
    expect(s.toArray()).toEqual([
      [0, 30],
      [205, 208],
    ]);
  });

  it('describes a range as alternating runs, bounded by maxRuns', () => {
    const s = new LbaExtentSet();
    s.add(8, 8);
    s.add(32, 8);
    expect(s.runs(0, 64)).toEqual([
      { lba: 0, blocks: 8, inSet: false },
      { lba: 8, blocks: 8, inSet: true },
      { lba: 16, blocks: 16, inSet: false },
      { lba: 32, blocks: 8, inSet: true },
      { lba: 40, blocks: 24, inSet: false },
    ]);
    expect(s.runs(10, 4)).toEqual([{ lba: 10, blocks: 4, inSet: true }]);
    expect(s.runs(12, 10, 2)).toEqual([
      { lba: 12, blocks: 4, inSet: true },
      { lba: 16, blocks: 6, inSet: false },
    ]);
    expect(s.runs(0, 0)).toEqual([]);
  });

  it('agrees with a per-block model for random add/remove sequences', () => {
    const N = 200;
    const op = fc.record({
      add: fc.boolean(),
      lba: fc.integer({ min: 0, max: N - 1 }),
      blocks: fc.integer({ min: 0, max: 60 }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 0, max: N - 1 }), (ops, q) => {
        const s = new LbaExtentSet();
        const model = new Array<boolean>(N + 60).fill(false);
        for (const o of ops) {
          if (o.add) s.add(o.lba, o.blocks);
          else s.remove(o.lba, o.blocks);
          for (let i = o.lba; i < o.lba + o.blocks; i++) model[i] = o.add;
        }
        // Extents stay sorted, disjoint and non-adjacent.
        const ext = s.toArray();
        ext.forEach(([a, b], i) => {
          expect(a).toBeLessThan(b);
          if (i > 0) expect(a).toBeGreaterThan(ext[i - 1]![1]);
        });
        for (let i = 0; i < model.length; i++) expect(s.has(i)).toBe(model[i]);
        // Runs from q cover [q, N) exactly, alternate, and match the model.
        const runs = s.runs(q, N - q);
        let at = q;
        runs.forEach((r, i) => {
          expect(r.lba).toBe(at);
          expect(r.blocks).toBeGreaterThan(0);
          if (i > 0) expect(r.inSet).not.toBe(runs[i - 1]!.inSet);
          for (let b = r.lba; b < r.lba + r.blocks; b++) expect(model[b]).toBe(r.inSet);
          at += r.blocks;
        });
        expect(at).toBe(N);
      }),
      { numRuns: 300 },
    );
  });
});
