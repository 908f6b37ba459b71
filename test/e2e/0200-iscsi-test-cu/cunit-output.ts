// Parses the console output of libiscsi's iscsi-test-cu (CUnit 2.1 "verbose" basic mode).
//
// CUnit prints `Suite: NAME`, then per test `  Test: NAME ...` followed by whatever the test
// logs, then `passed` or `FAILED` (right after the dots, or at the start of a line), then the
// failed assertions. Anything logged after the outcome belongs to the next test's setup or this
// test's teardown and does not change the outcome.
//
// CUnit counts a test that calls CU_PASS("[SKIPPED] ...") as passed. We keep those apart:
// a tool-skipped test proved nothing about the target, so it is neither a pass nor a failure.

export type TestOutcome = 'passed' | 'failed' | 'skipped';

export interface TestResult {
  /** `Suite.Test`, e.g. `iSCSIResiduals.Read10Residuals`. */
  readonly name: string;
  readonly outcome: TestOutcome;
  /** `[SKIPPED]` / `[FAILED]` log lines and failed assertions, trimmed. */
  readonly detail: readonly string[];
}

export interface RunSummary {
  readonly tests: {
    readonly total: number;
    readonly ran: number;
    readonly passed: number;
    readonly failed: number;
  };
}

export interface ParsedRun {
  readonly results: ReadonlyMap<string, TestResult>;
  /** CUnit's own `Run Summary` line for tests; undefined when the run did not finish. */
  readonly summary: RunSummary | undefined;
  /** `Suite.Test` that started but printed no outcome (the run was killed in it), if any. */
  readonly unfinished: string | undefined;
}

const SUITE_RE = /^Suite: (\S+)\s*$/;
const TEST_RE = /^ {2}Test: (\S+) \.\.\.(.*)$/;
const OUTCOME_RE = /^(passed|FAILED)/;
const TESTS_SUMMARY_RE = /^\s+tests\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s*$/m;

export function parseCunitOutput(text: string): ParsedRun {
  const results = new Map<string, TestResult>();
  let suite = '';
  let current: { name: string; detail: string[]; skipped: boolean } | undefined;
  // After the outcome, failed-assertion lines (`    1. file.c:NN - ...`) still belong to the test.
  let lastFailed: string[] | undefined;

  const finish = (outcome: 'passed' | 'failed'): void => {
    if (!current) return;
    const finalOutcome: TestOutcome = outcome === 'passed' && current.skipped ? 'skipped' : outcome;
    const detail = current.detail;
    results.set(current.name, { name: current.name, outcome: finalOutcome, detail });
    lastFailed = outcome === 'failed' ? detail : undefined;
    current = undefined;
  };

  const consume = (fragment: string): void => {
    if (!current) return;
    const outcome = OUTCOME_RE.exec(fragment);
    if (outcome) {
      finish(outcome[1] === 'passed' ? 'passed' : 'failed');
      return;
    }
    const line = fragment.trim();
    if (line.startsWith('[SKIPPED]')) {
      current.skipped = true;
      current.detail.push(line);
    } else if (line.startsWith('[FAILED]')) {
      current.detail.push(line);
    }
  };

  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    const suiteMatch = SUITE_RE.exec(line);
    if (suiteMatch) {
      suite = suiteMatch[1] ?? '';
      current = undefined;
      lastFailed = undefined;
      continue;
    }
    const testMatch = TEST_RE.exec(line);
    if (testMatch) {
      current = { name: `${suite}.${testMatch[1] ?? ''}`, detail: [], skipped: false };
      lastFailed = undefined;
      consume((testMatch[2] ?? '').trimStart());
      continue;
    }
    if (current) {
      consume(line);
    } else if (lastFailed && /^\s+\d+\. \S+:\d+/.test(line)) {
      // The next test's setup may log on the same line after a run of spaces.
      lastFailed.push(line.trim().replace(/\s{3,}.*$/, ''));
    }
  }

  const m = TESTS_SUMMARY_RE.exec(text);
  const summary: RunSummary | undefined = m
    ? {
        tests: {
          total: Number(m[1]),
          ran: Number(m[2]),
          passed: Number(m[3]),
          failed: Number(m[4]),
        },
      }
    : undefined;
  const unfinished = (current as { name: string } | undefined)?.name;
  return { results, summary, unfinished };
}

/** Counts per outcome over a set of names (missing names count as `missing`). */
export function countOutcomes(
  run: ParsedRun,
  names: Iterable<string>,
): { passed: number; failed: number; skipped: number; missing: number } {
  const counts = { passed: 0, failed: 0, skipped: 0, missing: 0 };
  for (const name of names) {
    const r = run.results.get(name);
    if (r) counts[r.outcome] += 1;
    else counts.missing += 1;
  }
  return counts;
}
