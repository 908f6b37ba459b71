// The LU range gate on its own: who waits for whom, in which order.
import { describe, expect, it } from 'vitest';
import { RangeGate } from '../../../scsi/range-gate.js';

/** A promise with its resolve, to hold an access open as long as the test wants. */
function held(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((r) => (release = r));
  return { promise, release };
}

const turns = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('RangeGate', () => {
  it('exclusive waits for overlapping shared accesses in flight, not others', async () => {
    const g = new RangeGate();
    const log: string[] = [];
    const a = held();
    const b = held();
    void g.shared(0, 8, () => a.promise.then(() => log.push('shared 0-8 done')));
    void g.shared(100, 8, () => b.promise.then(() => log.push('shared 100-108 done')));
    const ex = g.exclusive(4, 2, async () => log.push('exclusive 4-6'));
    await turns();
    expect(log).toEqual([]);
    a.release();
    await ex;
    expect(log).toEqual(['shared 0-8 done', 'exclusive 4-6']);
    b.release();
    await turns();
    expect(g.busy).toBe(0);
  });

  it('a shared access behind a waiting exclusive one queues after it', async () => {
    const g = new RangeGate();
    const log: string[] = [];
    const first = held();
    void g.shared(0, 4, () => first.promise.then(() => log.push('first write')));
    const ex = g.exclusive(0, 4, async () => log.push('compare and write'));
    expect(g.isOpen(2, 1)).toBe(false); // closed while the exclusive one only waits
    expect(g.isOpen(4, 4)).toBe(true);
    const later = g.shared(2, 1, async () => log.push('later write'));
    first.release();
    await Promise.all([ex, later]);
    expect(log).toEqual(['first write', 'compare and write', 'later write']);
  });

  it('overlapping exclusive holders run in arrival order; disjoint at once', async () => {
    const g = new RangeGate();
    const log: string[] = [];
    const one = held();
    const a = g.exclusive(0, 4, () => one.promise.then(() => log.push('a')));
    const b = g.exclusive(3, 4, async () => log.push('b'));
    const c = g.exclusive(50, 4, async () => log.push('c'));
    await c;
    expect(log).toEqual(['c']);
    one.release();
    await Promise.all([a, b]);
    expect(log).toEqual(['c', 'a', 'b']);
  });

  it('a failing body releases the range', async () => {
    const g = new RangeGate();
    const boom = () => Promise.reject(new Error('boom'));
    await expect(g.exclusive(0, 1, boom)).rejects.toThrow('boom');
    await expect(g.shared(0, 1, () => Promise.reject(new Error('bang')))).rejects.toThrow('bang');
    expect(g.busy).toBe(0);
    expect(g.isOpen(0, 1)).toBe(true);
  });
});
