import { describe, expect, it } from 'vitest';
import { installShutdown } from '../../../src/shutdown.js';

// SIGUSR2 stands in for SIGINT so vitest's own handlers are not involved.
describe('installShutdown', () => {
  it('closes once and exits 0; a second signal exits at once with 130', async () => {
    const codes: number[] = [];
    const lines: string[] = [];
    let release: () => void = () => undefined;
    let closes = 0;
    const remove = installShutdown({
      close: () => {
        closes++;
        return new Promise<void>((r) => (release = r));
      },
      exit: (c) => codes.push(c),
      write: (l) => lines.push(l),
      signals: ['SIGUSR2'],
    });
    try {
      process.emit('SIGUSR2', 'SIGUSR2');
      expect(closes).toBe(1);
      expect(codes).toEqual([]);
      process.emit('SIGUSR2', 'SIGUSR2');
      expect(codes).toEqual([130]);
      expect(closes).toBe(1);
      release();
      await new Promise((r) => setImmediate(r));
      expect(codes).toEqual([130, 0]);
      expect(lines[0]).toBe('zbc-target: SIGUSR2 received, logging out sessions and flushing');
    } finally {
      remove();
    }
  });

  it('exits 1 with the reason when closing fails', async () => {
    const codes: number[] = [];
    const lines: string[] = [];
    const remove = installShutdown({
      close: () => Promise.reject(new Error('disk gone')),
      exit: (c) => codes.push(c),
      write: (l) => lines.push(l),
      signals: ['SIGUSR2'],
    });
    try {
      process.emit('SIGUSR2', 'SIGUSR2');
      await new Promise((r) => setImmediate(r));
      expect(codes).toEqual([1]);
      expect(lines).toContain('zbc-target: shutdown failed: disk gone');
    } finally {
      remove();
    }
  });
});
