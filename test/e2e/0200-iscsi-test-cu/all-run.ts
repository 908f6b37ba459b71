// Verdict on `iscsi-test-cu -d -t ALL` run in one process, the way its users run it, against ours
// and against tgt in the same test run: the run finished on both, ours fails no more tests than
// tgt, none in the iSCSI family, and each failure on ours is named in the excuse table (and each
// excuse still names a failure, so a fixed one is removed). Returns every broken rule, worded for
// the test report; an empty list is a pass.
import type { ParsedRun } from './cunit-output.js';

export interface OneProcessRun {
  readonly parsed: ParsedRun;
  readonly timedOut: boolean;
  readonly seconds: number;
}

export interface AllRunRules {
  /** `Suite` names of the iSCSI family (no failure allowed there). */
  readonly iscsiSuites: ReadonlySet<string>;
  /** `Suite.Test` -> why ours may fail it. */
  readonly excuses: Readonly<Record<string, string>>;
  /**
   * Excused iSCSI-family tests whose expectation contradicts the RFC (the only failures allowed
   * in that family); each must also be in `excuses`.
   */
  readonly iscsiAgainstRfc: ReadonlySet<string>;
  readonly timeoutSeconds: number;
}

const failedNames = (run: ParsedRun): string[] =>
  [...run.results.values()].filter((r) => r.outcome === 'failed').map((r) => r.name);

function unfinished(label: string, run: OneProcessRun, limit: number): string[] {
  if (run.parsed.summary !== undefined && !run.timedOut) return [];
  const where = run.parsed.unfinished ?? 'before its first test';
  const how = run.timedOut ? `killed after ${limit} s` : 'ended without a CUnit summary';
  return [`${label}: the one-process run did not finish (${how}); it hung in ${where}`];
}

export function judgeAllRun(ours: OneProcessRun, tgt: OneProcessRun, rules: AllRunRules): string[] {
  const problems = [
    ...unfinished('ours', ours, rules.timeoutSeconds),
    ...unfinished('tgt', tgt, rules.timeoutSeconds),
  ];
  const oursFailed = failedNames(ours.parsed);
  const tgtFailed = failedNames(tgt.parsed);
  if (oursFailed.length > tgtFailed.length) {
    problems.push(
      `ours failed ${oursFailed.length} tests, tgt ${tgtFailed.length}: ${oursFailed.join(', ')}`,
    );
  }
  for (const name of oursFailed) {
    const suite = name.split('.')[0] ?? '';
    if (rules.iscsiSuites.has(suite) && !rules.iscsiAgainstRfc.has(name)) {
      problems.push(`${name} failed on ours (iSCSI family)`);
    }
    if (rules.excuses[name] === undefined) problems.push(`${name} failed on ours, no excuse`);
  }
  for (const name of Object.keys(rules.excuses)) {
    if (!oursFailed.includes(name)) {
      const got = ours.parsed.results.get(name)?.outcome ?? 'not reached';
      problems.push(`excuse for ${name} is stale: on ours it ${got === 'failed' ? 'failed' : got}`);
    }
  }
  return problems;
}
