// Which copy of each zone-table page holds its newest durable version, and which copies are being
// written. A page has two or three copies on disk; a new version is written to a copy that is
// neither the newest durable one nor in flight, so a torn write (or two, with three copies) always
// leaves the newest durable version intact. Generations only grow, and at load the valid copy with
// the highest generation wins, so versions may land in any order.

export interface ClaimedCopy {
  readonly page: number;
  readonly gen: number;
  readonly copy: number;
}

export class PageCopies {
  /** Per page: generation and copy index of the newest durable version. */
  private readonly gen: Float64Array;
  private readonly copy: Uint8Array;
  /** Per page: the highest generation handed out (durable or in flight). */
  private readonly top: Float64Array;
  /** Per page: bit c set while copy c is being written. */
  private readonly busy: Uint8Array;

  constructor(
    readonly copies: number,
    pageCount: number,
  ) {
    this.gen = new Float64Array(pageCount);
    this.copy = new Uint8Array(pageCount);
    this.top = new Float64Array(pageCount);
    this.busy = new Uint8Array(pageCount);
  }

  /** Writes that may be in flight per page while the newest durable copy stays untouched. */
  get maxInFlight(): number {
    return this.copies - 1;
  }

  /** At load or format: page `page`'s newest valid version. */
  found(page: number, gen: number, copy: number): void {
    this.gen[page] = gen;
    this.copy[page] = copy;
    this.top[page] = gen;
  }

  /** Generation of the newest durable version (tests and logs). */
  durableGen(page: number): number {
    return this.gen[page] as number;
  }

  /**
   * A copy and a generation for a new version of `page`: the caller keeps at most maxInFlight
   * claims per page open, so a copy is always free.
   */
  claim(page: number): ClaimedCopy {
    const taken = (this.busy[page] as number) | (1 << (this.copy[page] as number));
    let copy = 0;
    while (copy < this.copies && (taken & (1 << copy)) !== 0) copy++;
    if (copy === this.copies) throw new Error(`page ${page}: every copy is in use`);
    this.busy[page] = (this.busy[page] as number) | (1 << copy);
    const gen = (this.top[page] as number) + 1;
    this.top[page] = gen;
    return { page, gen, copy };
  }

  /** A claimed write ended; when it is durable and newer than the newest, it becomes the newest. */
  release(claim: ClaimedCopy, durable: boolean): void {
    const { page, gen, copy } = claim;
    this.busy[page] = (this.busy[page] as number) & ~(1 << copy);
    if (durable && gen > (this.gen[page] as number)) {
      this.gen[page] = gen;
      this.copy[page] = copy;
    }
  }
}
