// Writes to one sequential write required zone settle in the order they were committed (ZBC-2:
// each starts at the WP the one before it left). Their store writes still run concurrently; only
// the outcome of a write waits for the outcome of the write before it in its zone, so a failure
// can undo that zone's WP before a later write is answered GOOD (zbc/write-rules.ts failWrite).
import type { WritePlan } from '../../../zbc/types.js';
import type { ZoneModelContract } from '../../../zbc/zone-model-contract.js';

/** A write's place in its zone's line: wait for `previous`, then call `leave` once settled. */
export interface SettleTurn {
  readonly previous: Promise<void> | null;
  leave(): void;
}

const NO_TURN: SettleTurn = { previous: null, leave: () => undefined };

/** Per zoned medium: the promise the last committed write of each zone resolves when settled. */
const tails = new WeakMap<ZoneModelContract, Map<number, Promise<void>>>();

/** Takes the plan's place in its zone's line; call right after commitWrite, with no await between. */
export function enterSettleOrder(zones: ZoneModelContract, plan: WritePlan): SettleTurn {
  const zone = plan.inOrderZone;
  if (zone === null) return NO_TURN;
  let lines = tails.get(zones);
  if (lines === undefined) {
    lines = new Map();
    tails.set(zones, lines);
  }
  const line = lines;
  const previous = line.get(zone) ?? null;
  let leave!: () => void;
  const settled = new Promise<void>((resolve) => {
    leave = () => {
      if (line.get(zone) === settled) line.delete(zone);
      resolve();
    };
  });
  line.set(zone, settled);
  return { previous, leave };
}
