// When small file writes may run synchronously on the main thread. A page-cache write or an
// O_DSYNC page write usually returns in tens of microseconds, far sooner than a libuv pool round
// trip completes on a busy event loop (the completion waits for the loop's current turn, about
// 1 ms under a 1 MiB QD8 write load, docs/bench.md). A slow one (the kernel throttling a writer
// with too many dirty pages, a device flush behind a long queue) closes the valve for a while, so
// a busy disk delays only the writers, not every session's event loop.

/** A synchronous write slower than this closes the valve. */
export const SLOW_SYNC_WRITE_MS = 2;
/** How long the valve stays closed after a slow write. */
export const SYNC_WRITE_PAUSE_MS = 1000;

export class SyncValve {
  #closedUntil = Number.NEGATIVE_INFINITY;

  /** `now`: a milliseconds clock (tests make one write slow). */
  constructor(private readonly now: () => number) {}

  /** True when a synchronous write may run now. */
  get open(): boolean {
    return this.now() >= this.#closedUntil;
  }

  /** The clock before a synchronous write (no closure per write: begin, write, end). */
  begin(): number {
    return this.now();
  }

  /**
   * After the write begun at `started` (failed or not): closes the valve if it was slow.
   * Returns the milliseconds it took when it closed the valve, else 0.
   */
  end(started: number): number {
    const finished = this.now();
    const took = finished - started;
    if (took <= SLOW_SYNC_WRITE_MS) return 0;
    this.#closedUntil = finished + SYNC_WRITE_PAUSE_MS;
    return took;
  }

  /** begin, `write`, end, for callers off the per-command path; `onSlow` hears a slow one. */
  time<T>(write: () => T, onSlow?: (ms: number) => void): T {
    const started = this.begin();
    try {
      return write();
    } finally {
      const slow = this.end(started);
      if (slow > 0) onSlow?.(slow);
    }
  }
}
