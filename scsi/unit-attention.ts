// Unit attention conditions per I_T nexus (SAM-5 5.14, SPC-4 4.5.6 / 6.39): queued per nexus,
// reported once (CHECK CONDITION or REQUEST SENSE) and then cleared.
import type { SenseCode } from '../sense-tables/index.js';

/** A reset-class condition (ASC 29h) supersedes everything queued before it (SAM-5 5.14). */
const RESET_ASC = 0x29;
/** Bound per nexus: a flood of capacity changes cannot grow memory without limit. */
const MAX_QUEUED = 8;

export class UnitAttentions {
  readonly #pending = new Map<string, SenseCode[]>();

  /** Starts tracking a nexus with `code` pending (POWER ON/RESET after login). */
  addNexus(key: string, code: SenseCode): void {
    this.#pending.set(key, [code]);
  }

  dropNexus(key: string): void {
    this.#pending.delete(key);
  }

  nexuses(): IterableIterator<string> {
    return this.#pending.keys();
  }

  establish(key: string, code: SenseCode): void {
    let queue = this.#pending.get(key);
    if (queue === undefined) {
      queue = [];
      this.#pending.set(key, queue);
    }
    if (code.asc === RESET_ASC) queue.length = 0;
    if (queue.some((c) => c === code)) return;
    if (queue.length >= MAX_QUEUED) queue.shift();
    queue.push(code);
  }

  /** Establishes `code` for every known nexus (optionally all but one). */
  establishAll(code: SenseCode, except?: string): void {
    for (const key of this.#pending.keys()) if (key !== except) this.establish(key, code);
  }

  peek(key: string): SenseCode | undefined {
    return this.#pending.get(key)?.[0];
  }

  /** Reports the oldest condition and clears it. */
  take(key: string): SenseCode | undefined {
    return this.#pending.get(key)?.shift();
  }
}
