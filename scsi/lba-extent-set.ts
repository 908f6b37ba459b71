// A compact set of LBA extents: sorted, disjoint, non-adjacent half-open ranges [start, end) kept
// in two parallel arrays. Thin provisioning keeps its deallocated LBAs here (SBC-4 4.7), so its
// size follows the number of separate holes, never the capacity.

/** One run of LBAs that are all in the set or all outside it. */
export interface ExtentRun {
  readonly lba: number;
  readonly blocks: number;
  readonly inSet: boolean;
}

export class LbaExtentSet {
  #starts: number[] = [];
  #ends: number[] = [];

  /** Number of disjoint extents held. */
  get extentCount(): number {
    return this.#starts.length;
  }

  /** Index of the first extent whose end is above `lba` (the one holding it, or the next). */
  #firstEndingAfter(lba: number): number {
    let lo = 0;
    let hi = this.#ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#ends[mid] ?? 0) > lba) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  has(lba: number): boolean {
    const i = this.#firstEndingAfter(lba);
    return i < this.#starts.length && (this.#starts[i] ?? 0) <= lba;
  }

  /** Adds [lba, lba + blocks), merging with every extent it overlaps or touches. */
  add(lba: number, blocks: number): void {
    if (blocks <= 0) return;
    let start = lba;
    let end = lba + blocks;
    // First extent ending at or after `start` (touching counts, so merge adjacent ones).
    const first = this.#firstEndingAfter(start - 1);
    let last = first;
    while (last < this.#starts.length && (this.#starts[last] ?? 0) <= end) {
      start = Math.min(start, this.#starts[last] ?? start);
      end = Math.max(end, this.#ends[last] ?? end);
      last++;
    }
    this.#starts.splice(first, last - first, start);
    this.#ends.splice(first, last - first, end);
  }

  /** Removes [lba, lba + blocks), splitting an extent that covers it on both sides. */
  remove(lba: number, blocks: number): void {
    if (blocks <= 0) return;
    const end = lba + blocks;
    const first = this.#firstEndingAfter(lba);
    let last = first;
    while (last < this.#starts.length && (this.#starts[last] ?? 0) < end) last++;
    if (last === first) return;
    const keepStarts: number[] = [];
    const keepEnds: number[] = [];
    const headStart = this.#starts[first] ?? lba;
    if (headStart < lba) {
      keepStarts.push(headStart);
      keepEnds.push(lba);
    }
    const tailEnd = this.#ends[last - 1] ?? end;
    if (tailEnd > end) {
      keepStarts.push(end);
      keepEnds.push(tailEnd);
    }
    this.#starts.splice(first, last - first, ...keepStarts);
    this.#ends.splice(first, last - first, ...keepEnds);
  }

  /** Drops everything at or above `limit` (capacity reduced). */
  truncate(limit: number): void {
    this.remove(limit, Number.MAX_SAFE_INTEGER - limit);
  }

  /**
   * The runs covering [lba, lba + blocks) in ascending order, alternating in and out of the set;
   * at most `maxRuns` of them (the last one is then cut where the limit stopped the walk).
   */
  runs(lba: number, blocks: number, maxRuns = Number.POSITIVE_INFINITY): ExtentRun[] {
    const out: ExtentRun[] = [];
    const end = lba + blocks;
    let at = lba;
    let i = this.#firstEndingAfter(lba);
    while (at < end && out.length < maxRuns) {
      const start = this.#starts[i];
      if (start === undefined || start >= end) {
        out.push({ lba: at, blocks: end - at, inSet: false });
        break;
      }
      if (start > at) {
        out.push({ lba: at, blocks: start - at, inSet: false });
        at = start;
        continue;
      }
      const stop = Math.min(end, this.#ends[i] ?? end);
      out.push({ lba: at, blocks: stop - at, inSet: true });
      at = stop;
      i++;
    }
    return out;
  }

  /** The extents as [start, end) pairs. */
  toArray(): Array<[number, number]> {
    return this.#starts.map((s, i) => [s, this.#ends[i] ?? s]);
  }
}
