// Pure rule matching and firing decisions: no timers, no I/O, so every case is a unit test.
import type { CommandView } from '../../scsi/ports/command-hook.js';
import type { FaultRule } from './fault-rules.js';
import type { Random } from './seeded-random.js';

/** LBA range [start, end) of a zone on one LU, or undefined when it has no such zone. */
export type ZoneRangeOf = (
  target: string,
  lun: number,
  zone: number,
) => { readonly start: number; readonly end: number } | undefined;

/**
 * Whether the rule matches the command. Returns the first LBA of the overlap for range rules
 * (the INFORMATION a medium error reports, so the host logs the failing sector), the command's
 * own LBA for other rules (-1 when it has none), or null for no match.
 */
export function matchRule(
  rule: FaultRule,
  view: CommandView,
  zoneRange: ZoneRangeOf,
): number | null {
  if (rule.target !== undefined && rule.target !== view.nexus.targetName) return null;
  if (rule.lun !== undefined && rule.lun !== view.lun) return null;
  if (rule.class !== undefined && rule.class !== 'all' && rule.class !== view.commandClass)
    return null;
  if (rule.opcode !== undefined && rule.opcode !== view.opcode) return null;
  if (rule.serviceAction !== undefined && rule.serviceAction !== view.serviceAction) return null;
  if (rule.initiator !== undefined && rule.initiator !== view.nexus.initiatorName) return null;
  if (rule.ataCommand !== undefined && !ataCommandIs(rule.ataCommand, view)) return null;
  if (rule.lba === undefined && rule.zone === undefined) return view.lba;
  if (view.lba < 0) return null;
  // A zone operation names one LBA (its zone ID); a data command its whole transfer.
  const start = view.lba;
  const end = view.lba + Math.max(1, view.blocks);
  let first = start;
  if (rule.lba !== undefined) {
    if (end <= rule.lba.first || start > rule.lba.last) return null;
    first = Math.max(first, rule.lba.first);
  }
  if (rule.zone !== undefined) {
    const zone = zoneRange(view.nexus.targetName, view.lun, rule.zone);
    if (zone === undefined || end <= zone.start || start >= zone.end) return null;
    first = Math.max(first, zone.start);
  }
  return first;
}

/** A number names the COMMAND register, a name one row (a SET FEATURES subcommand, say). */
function ataCommandIs(wanted: number | string, view: CommandView): boolean {
  if (view.ata === undefined) return false;
  return typeof wanted === 'number' ? view.ata.command === wanted : view.ata.name === wanted;
}

/** Per-rule counters: how often it matched and how often it fired. */
export interface FireCounters {
  matches: number;
  fired: number;
}

/**
 * Counts one match and decides whether the rule fires on it: skipped for the first `after`
 * matches, at most `times` firings, each with `probability` (drawn only when it applies).
 */
export function decideFire(rule: FaultRule, counters: FireCounters, random: Random): boolean {
  counters.matches += 1;
  if (rule.after !== undefined && counters.matches <= rule.after) return false;
  if (rule.times !== undefined && counters.fired >= rule.times) return false;
  if (rule.probability !== undefined && random() >= rule.probability) return false;
  counters.fired += 1;
  return true;
}

/** True once a rule can never fire again (it stays listed with its counters until cleared). */
export function exhausted(rule: FaultRule, counters: FireCounters): boolean {
  return rule.times !== undefined && counters.fired >= rule.times;
}
