// RSS of the target process, sampled from /proc, and the soak's growth criterion.
import { readFileSync } from 'node:fs';

/** Resident set size of `pid` in bytes (Linux /proc/PID/status VmRSS). */
export function rssOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

export interface MinuteRss {
  readonly minute: number;
  readonly min: number;
  readonly max: number;
}

/** Allowed growth of the lowest RSS from the first minute after warm-up to the last one. */
export const GROWTH_SLACK_BYTES = 16 * 2 ** 20;
export const GROWTH_SLACK_RATIO = 0.05;

/**
 * The soak's criterion: after warm-up (the data chunks of every zone are allocated, the JIT and
 * pools settled), the lowest RSS seen in the last minute may exceed the lowest RSS of the first
 * minute after warm-up by at most 5% + 16 MiB. The lowest sample of a minute is the one least
 * disturbed by garbage not yet collected. Null when it holds, else why not.
 */
export function rssGrowthFailure(
  minutes: readonly MinuteRss[],
  warmupMinutes: number,
): string | null {
  const after = minutes.filter((m) => m.minute > warmupMinutes);
  if (after.length < 2)
    return `need at least 2 minutes after ${warmupMinutes} of warm-up, have ${after.length}`;
  const first = after[0]!;
  const last = after[after.length - 1]!;
  const limit = first.min * (1 + GROWTH_SLACK_RATIO) + GROWTH_SLACK_BYTES;
  if (last.min <= limit) return null;
  const mib = (n: number) => (n / 2 ** 20).toFixed(1);
  return (
    `RSS grew after warm-up: minute ${first.minute} lowest ${mib(first.min)} MiB, ` +
    `minute ${last.minute} lowest ${mib(last.min)} MiB (limit ${mib(limit)} MiB)`
  );
}
