// The valve deciding when small writes may run synchronously on the main thread.
import { describe, expect, it } from 'vitest';
import {
  SLOW_SYNC_WRITE_MS,
  SYNC_WRITE_PAUSE_MS,
  SyncValve,
} from '../../../../src/storage/sync-valve.js';

describe('SyncValve', () => {
  it('stays open while writes are fast, closes for a pause after a slow one', () => {
    let t = 0;
    const valve = new SyncValve(() => t);
    const slow: number[] = [];
    expect(valve.time(() => 7)).toBe(7);
    expect(valve.open).toBe(true);
    valve.time(
      () => {
        t += SLOW_SYNC_WRITE_MS; // exactly the limit: still fast
      },
      (ms) => slow.push(ms),
    );
    expect(valve.open).toBe(true);
    valve.time(
      () => {
        t += SLOW_SYNC_WRITE_MS + 1;
      },
      (ms) => slow.push(ms),
    );
    expect(slow).toEqual([SLOW_SYNC_WRITE_MS + 1]);
    expect(valve.open).toBe(false);
    t += SYNC_WRITE_PAUSE_MS - 1;
    expect(valve.open).toBe(false);
    t += 1;
    expect(valve.open).toBe(true);
  });

  it('passes a failing write on, and a slow failure closes it too', () => {
    let t = 0;
    const valve = new SyncValve(() => t);
    expect(() =>
      valve.time(() => {
        t += 50;
        throw new Error('EIO');
      }),
    ).toThrow('EIO');
    expect(valve.open).toBe(false);
  });
});
