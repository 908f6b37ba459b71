// How many connections may be in the login phase at once, per source address and in total
// (limits.ts). Logged-in sessions are outside this budget, so a flood of half-open logins from one
// peer costs that peer its own slots only.
import { MAX_LOGINS_IN_PROGRESS, MAX_LOGINS_IN_PROGRESS_PER_ADDRESS } from './limits.js';

export class LoginBudget {
  private readonly byAddress = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly perAddress = MAX_LOGINS_IN_PROGRESS_PER_ADDRESS,
    private readonly overall = MAX_LOGINS_IN_PROGRESS,
  ) {}

  /** Takes a slot for a new connection from `address`; false when none is left. */
  take(address: string): boolean {
    const used = this.byAddress.get(address) ?? 0;
    if (used >= this.perAddress || this.total >= this.overall) return false;
    this.byAddress.set(address, used + 1);
    this.total++;
    return true;
  }

  /** The connection left the login phase (logged in, refused or gone). */
  release(address: string): void {
    const used = this.byAddress.get(address) ?? 0;
    if (used === 0) return;
    if (used === 1) this.byAddress.delete(address);
    else this.byAddress.set(address, used - 1);
    this.total--;
  }

  get inProgress(): number {
    return this.total;
  }
}
