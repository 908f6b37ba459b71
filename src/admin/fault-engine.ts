// Armed fault rules and their actions: answers (sense, status), added latency, stalls held until
// released, dropped sessions. The command hook asks `before` only while a rule is armed (`size`).
import type { CommandView, HookAnswer } from '../../scsi/ports/command-hook.js';
import { ScsiStatus } from '../../scsi/target-contract.js';
import {
  decideFire,
  exhausted,
  type FireCounters,
  matchRule,
  type ZoneRangeOf,
} from './fault-match.js';
import { type FaultAction, type FaultRule, senseOf } from './fault-rules.js';
import { type Random, seededRandom } from './seeded-random.js';

export interface FaultEnvironment {
  readonly zoneRange: ZoneRangeOf;
  /** Ends the session of a nexus at once (drop-connection). */
  dropSession(nexusKey: string): void;
  /** Told each time a rule fires (metrics). */
  fired?(rule: ArmedFault): void;
}

/** A rule as the API lists it. */
export interface FaultStatus {
  readonly id: string;
  readonly rule: FaultRule;
  readonly matches: number;
  readonly fired: number;
  readonly exhausted: boolean;
  /** Commands this rule holds stalled right now. */
  readonly stalled: number;
}

export interface ArmedFault {
  readonly id: string;
  readonly rule: FaultRule;
  readonly counters: FireCounters;
  readonly random: Random;
  readonly stalled: Array<() => void>;
}

const STATUS: Record<'busy' | 'task-set-full', HookAnswer> = {
  busy: { kind: 'status', status: ScsiStatus.BUSY },
  'task-set-full': { kind: 'status', status: ScsiStatus.TASK_SET_FULL },
};

export class FaultEngine {
  #rules: ArmedFault[] = [];
  #nextId = 1;

  constructor(private readonly env: FaultEnvironment) {}

  get size(): number {
    return this.#rules.length;
  }

  /** Arms a validated rule (after any already armed). Throws on a duplicate id. */
  add(rule: FaultRule): FaultStatus {
    const id = rule.id ?? this.#freshId();
    if (this.#rules.some((r) => r.id === id)) throw new RangeError(`fault ${id} already exists`);
    const seed = rule.seed ?? Math.floor(Math.random() * 0x1_0000_0000);
    const armed: ArmedFault = {
      id,
      rule,
      counters: { matches: 0, fired: 0 },
      random: seededRandom(seed),
      stalled: [],
    };
    this.#rules = [...this.#rules, armed];
    return statusOf(armed);
  }

  list(): FaultStatus[] {
    return this.#rules.map(statusOf);
  }

  get(id: string): FaultStatus | undefined {
    const armed = this.#rules.find((r) => r.id === id);
    return armed === undefined ? undefined : statusOf(armed);
  }

  /** Disarms one rule; commands it stalled run now. */
  remove(id: string): boolean {
    const armed = this.#rules.find((r) => r.id === id);
    if (armed === undefined) return false;
    this.#rules = this.#rules.filter((r) => r !== armed);
    releaseAll(armed);
    return true;
  }

  clear(): number {
    const n = this.#rules.length;
    for (const armed of this.#rules) releaseAll(armed);
    this.#rules = [];
    return n;
  }

  /** Lets the commands one rule (or every rule) stalled run; returns how many. */
  release(id?: string): number {
    let n = 0;
    for (const armed of this.#rules)
      if (id === undefined || armed.id === id) n += releaseAll(armed);
    return n;
  }

  /**
   * The command hook's `before`: latency rules that fire add up; the first other rule that fires
   * decides the answer. Rules are tried in the order they were armed.
   */
  before(view: CommandView): HookAnswer | undefined | Promise<HookAnswer | undefined> {
    if (this.#rules.length === 0) return undefined;
    let delayMs = 0;
    for (const armed of this.#rules) {
      const at = matchRule(armed.rule, view, this.env.zoneRange);
      if (at === null || !decideFire(armed.rule, armed.counters, armed.random)) continue;
      this.env.fired?.(armed);
      const action = armed.rule.action;
      if (action.type === 'latency') {
        delayMs += latencyOf(action, armed.random);
        continue;
      }
      const answer = this.#act(armed, action, view, at);
      return delayMs === 0 ? answer : delayed(delayMs).then(() => answer);
    }
    return delayMs === 0 ? undefined : delayed(delayMs).then(() => undefined);
  }

  #act(
    armed: ArmedFault,
    action: Exclude<FaultAction, { type: 'latency' }>,
    view: CommandView,
    at: number,
  ): HookAnswer | Promise<HookAnswer | undefined> {
    switch (action.type) {
      case 'sense':
        return at >= 0
          ? { kind: 'sense', code: senseOf(action), information: at }
          : { kind: 'sense', code: senseOf(action) };
      case 'status':
        return STATUS[action.status];
      case 'stall':
        return new Promise<undefined>((resolve) => armed.stalled.push(() => resolve(undefined)));
      case 'drop-connection':
        this.env.dropSession(view.nexus.key);
        return STATUS.busy; // never delivered: the connection is gone
    }
  }

  #freshId(): string {
    let id: string;
    do id = `f${this.#nextId++}`;
    while (this.#rules.some((r) => r.id === id));
    return id;
  }
}

function statusOf(armed: ArmedFault): FaultStatus {
  return {
    id: armed.id,
    rule: armed.rule,
    matches: armed.counters.matches,
    fired: armed.counters.fired,
    exhausted: exhausted(armed.rule, armed.counters),
    stalled: armed.stalled.length,
  };
}

function releaseAll(armed: ArmedFault): number {
  const waiting = armed.stalled.splice(0);
  for (const resume of waiting) resume();
  return waiting.length;
}

function latencyOf(action: Extract<FaultAction, { type: 'latency' }>, random: Random): number {
  if (action.ms !== undefined) return action.ms;
  const min = action.minMs ?? 0;
  const max = action.maxMs ?? min;
  return min + random() * (max - min);
}

function delayed(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
