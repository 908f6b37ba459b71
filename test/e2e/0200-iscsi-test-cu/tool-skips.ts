// Verdict on the tests of one iscsi-test-cu run that are not excused failures: each passes, or is
// skipped by the tool with exactly the line(s) its skip-table entry names; and each entry of the
// table still names such a skip, so an entry whose test now passes or fails is reported stale.
// Returns every broken rule, worded for the test report; an empty list is a pass.
import type { TestResult } from './cunit-output.js';
import type { SkipTable } from './skip-table.js';

/** The outcomes of a run: one process (ParsedRun) or suite by suite (TestCuRun). */
export interface RunOutcomes {
  readonly results: ReadonlyMap<string, TestResult>;
  /** The test a killed run hung in, if any. */
  readonly unfinished?: string | undefined;
}

const skipLines = (r: TestResult): string[] => [
  ...new Set(r.detail.filter((d) => d.startsWith('[SKIPPED]'))),
];

const sameLines = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((line, i) => line === b[i]);

/** Why test `name` is neither a pass nor its accepted skip; null when it is one. */
export function skipProblem(
  name: string,
  r: TestResult | undefined,
  table: SkipTable,
): string | null {
  const accepted = table[name];
  if (r === undefined) return 'not reported (crash, hang or login failure)';
  if (r.outcome === 'skipped') {
    const lines = skipLines(r);
    if (accepted === undefined) return `tool skip not accepted on this LU: ${lines.join(' | ')}`;
    if (sameLines(lines, accepted.lines)) return null;
    return `skipped with "${lines.join(' | ')}", accepted only "${accepted.lines.join(' | ')}"`;
  }
  if (accepted !== undefined) return `accepted skip is stale: on ours it ${r.outcome}`;
  if (r.outcome === 'passed') return null;
  return `${r.outcome}${r.detail.length ? `: ${r.detail.slice(0, 6).join(' | ')}` : ''}`;
}

/**
 * Every test of `tests` (excused failures left out) against `table`, plus the entries of `table`
 * for tests this run does not list at all.
 */
export function judgeToolSkips(
  tests: readonly string[],
  run: RunOutcomes | undefined,
  table: SkipTable,
  excuses: Readonly<Record<string, string>> = {},
): string[] {
  const listed = new Set(tests);
  const hung = run?.unfinished;
  const problems = tests
    .filter((n) => excuses[n] === undefined)
    .flatMap((n) => {
      const r = run?.results.get(n);
      if (r === undefined && hung !== undefined)
        return [`${n}: no outcome (the run hung in ${hung})`];
      const problem = skipProblem(n, r, table);
      return problem === null ? [] : [`${n}: ${problem}`];
    });
  const unlisted = Object.keys(table).filter((n) => !listed.has(n));
  return [...problems, ...unlisted.map((n) => `${n}: accepted skip is stale: not in this run`)];
}
