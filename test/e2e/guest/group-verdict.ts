// What one group of guest checks amounts to. A SKIP is not a pass: a group whose every check was
// skipped is reported skipped with the reasons (never green), and one that reported nothing fails.
import type { Check } from './run-guest.js';

export type GroupVerdict =
  | { readonly kind: 'passed'; readonly skipped: readonly string[] }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'skipped'; readonly reason: string };

const groupOf = (name: string): string => name.split('.')[0] ?? name;

/** `excused`: check names whose failure is a documented deviation, judged elsewhere. */
export function groupVerdict(
  checks: readonly Check[],
  group: string,
  excused: ReadonlySet<string>,
): GroupVerdict {
  const mine = checks.filter((c) => groupOf(c.name) === group);
  if (mine.length === 0) return { kind: 'failed', message: `no ${group}.* check reported` };
  const failed = mine
    .filter((c) => !c.ok && !excused.has(c.name))
    .map((c) => `${c.name}: ${c.detail}`);
  if (failed.length > 0)
    return { kind: 'failed', message: `failed steps of ${group}:\n  ${failed.join('\n  ')}` };
  const skipped = mine.filter((c) => c.skipped).map((c) => `${c.name}: ${c.detail}`);
  const ran = mine.filter((c) => !c.skipped && !excused.has(c.name));
  if (ran.length === 0)
    return { kind: 'skipped', reason: `every ${group}.* check skipped: ${skipped.join('; ')}` };
  return { kind: 'passed', skipped };
}
