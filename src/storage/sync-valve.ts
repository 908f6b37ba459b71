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

  /** Runs `write` (synchronous) and closes the valve if it was slow; returns its result. */
  time<T>(write: () => T, onSlow?: (ms: number) => void): T {
    const started = this.now();
    try {
      return write();
    } finally {
      const finished = this.now();
      if (finished - started > SLOW_SYNC_WRITE_MS) {
        this.#closedUntil = finished + SYNC_WRITE_PAUSE_MS;
        onSlow?.(finished - started);
      }
    }
  }
}
