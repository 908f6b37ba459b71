import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, ratio, roundOrder, spread } from '../../bench/stats.js';

describe('median', () => {
  it('takes the middle of an odd count and the mean of the two middles of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('lies between the minimum and the maximum', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1 }),
        (xs) => {
          const m = median(xs);
          return m >= Math.min(...xs) && m <= Math.max(...xs);
        },
      ),
    );
  });
});

describe('spread', () => {
  it('is (max - min) / median', () => {
    expect(spread([90, 100, 120])).toBeCloseTo(0.3);
    expect(spread([7])).toBe(0);
    expect(spread([])).toBeNaN();
  });
});

describe('ratio', () => {
  it('divides and refuses missing or zero denominators', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
  });
});

describe('roundOrder', () => {
  it('starts round r with item r and runs odd rounds backwards', () => {
    const t = ['a', 'b', 'c', 'd'];
    expect(roundOrder(t, 0)).toEqual(['a', 'b', 'c', 'd']);
    expect(roundOrder(t, 1)).toEqual(['b', 'a', 'd', 'c']);
    expect(roundOrder(t, 2)).toEqual(['c', 'd', 'a', 'b']);
    expect(roundOrder(t, 3)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('is always a permutation, and no item runs first in two consecutive rounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 50 }), (n, round) => {
        const items = Array.from({ length: n }, (_, i) => i);
        const a = roundOrder(items, round);
        const b = roundOrder(items, round + 1);
        return [...a].sort().join() === items.join() && a[0] !== b[0];
      }),
    );
  });
});
