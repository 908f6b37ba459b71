// Range lock of one logical unit, for COMPARE AND WRITE (SBC-4 5.3: the compare and the write are
// one atomic operation with respect to every other command that accesses the same LBAs).
//
// Ordinary reads and writes are "shared": they never wait for each other, only for an exclusive
// holder (or waiter) of an overlapping range, and they register only while they await I/O, so
// a READ served synchronously costs one emptiness check. An exclusive holder waits for the
// overlapping shared accesses already in flight and for earlier overlapping exclusive ones;
// shared accesses that arrive after it wait behind it (no starvation under a steady write load).

/** A half-open LBA range [lba, end) held or awaited. */
interface Span {
  readonly lba: number;
  readonly end: number;
}

const overlaps = (a: Span, lba: number, end: number): boolean => a.lba < end && lba < a.end;

export class RangeGate {
  /** Exclusive spans, held or waiting, in arrival order. */
  readonly #exclusive: Span[] = [];
  /** Shared accesses in flight (only those that awaited something). */
  readonly #shared = new Set<Span>();
  /** Woken on every release; each re-checks its own condition. */
  #waiters: (() => void)[] = [];

  /** True when a shared access of [lba, lba + blocks) may run now, without registering. */
  isOpen(lba: number, blocks: number): boolean {
    if (this.#exclusive.length === 0) return true;
    const end = lba + blocks;
    return !this.#exclusive.some((s) => overlaps(s, lba, end));
  }

  /** Runs `io` as a shared access of the range: after overlapping exclusive holders, if any. */
  async shared<T>(lba: number, blocks: number, io: () => Promise<T>): Promise<T> {
    while (!this.isOpen(lba, blocks)) await this.#nextRelease();
    const span: Span = { lba, end: lba + blocks };
    this.#shared.add(span);
    try {
      return await io();
    } finally {
      this.#shared.delete(span);
      this.#release();
    }
  }

  /** Runs `body` alone on the range: no overlapping command runs until it settles. */
  async exclusive<T>(lba: number, blocks: number, body: () => Promise<T>): Promise<T> {
    const span: Span = { lba, end: lba + blocks };
    this.#exclusive.push(span);
    try {
      while (this.#mustWait(span)) await this.#nextRelease();
      return await body();
    } finally {
      this.#exclusive.splice(this.#exclusive.indexOf(span), 1);
      this.#release();
    }
  }

  /** Shared accesses and exclusive spans in flight. */
  get busy(): number {
    return this.#shared.size + this.#exclusive.length;
  }

  #mustWait(span: Span): boolean {
    for (const s of this.#shared) if (overlaps(s, span.lba, span.end)) return true;
    for (const s of this.#exclusive) {
      if (s === span) return false; // only earlier spans count
      if (overlaps(s, span.lba, span.end)) return true;
    }
    return false;
  }

  #nextRelease(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #release(): void {
    if (this.#waiters.length === 0) return;
    const woken = this.#waiters;
    this.#waiters = [];
    for (const wake of woken) wake();
  }
}
