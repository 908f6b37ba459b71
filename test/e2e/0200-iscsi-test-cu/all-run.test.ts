// The one-process verdict, on CUnit output written the way iscsi-test-cu prints it: each rule can
// fail on its own, and a run killed in a test names that test.
import { describe, expect, it } from 'vitest';
import { type AllRunRules, type OneProcessRun, judgeAllRun } from './all-run.js';
import { parseCunitOutput } from './cunit-output.js';

const SUMMARY = (failed: number) => [
  'Run Summary:    Type  Total    Ran Passed Failed Inactive',
  '              suites      2      2    n/a      0        0',
  `               tests      3      3      ${3 - failed}      ${failed}        0`,
];

/** CUnit verbose output for the given outcomes; `hangIn` leaves that test without one. */
function run(outcomes: Record<string, 'passed' | 'FAILED'>, hangIn?: string): OneProcessRun {
  const lines: string[] = [];
  let suite = '';
  for (const [name, outcome] of Object.entries(outcomes)) {
    const [s, t] = name.split('.');
    if (s !== suite) lines.push(`Suite: ${(suite = s ?? '')}`);
    lines.push(`  Test: ${t} ...${outcome}`);
  }
  if (hangIn !== undefined) {
    const [s, t] = hangIn.split('.');
    if (s !== suite) lines.push(`Suite: ${s}`);
    lines.push(`  Test: ${t} ...`);
  }
  else lines.push(...SUMMARY(Object.values(outcomes).filter((o) => o === 'FAILED').length));
  return { parsed: parseCunitOutput(lines.join('\n')), timedOut: hangIn !== undefined, seconds: 1 };
}

const rules: AllRunRules = {
  iscsiSuites: new Set(['iSCSIdatasn']),
  excuses: { 'Read16.Simple': 'a reason' },
  iscsiAgainstRfc: new Set(),
  timeoutSeconds: 180,
};
const TGT = run({ 'Read16.Simple': 'FAILED', 'Read16.BeyondEol': 'FAILED', 'iSCSIdatasn.Invalid': 'passed' });

describe('judgeAllRun', () => {
  it('passes when the only failure is excused and tgt fails as many', () => {
    const ours = run({ 'Read16.Simple': 'FAILED', 'Read16.BeyondEol': 'passed', 'iSCSIdatasn.Invalid': 'passed' });
    expect(judgeAllRun(ours, TGT, rules)).toEqual([]);
  });

  it('names a failure without an excuse', () => {
    const ours = run({ 'Read16.Simple': 'FAILED', 'Read16.BeyondEol': 'FAILED', 'iSCSIdatasn.Invalid': 'passed' });
    expect(judgeAllRun(ours, TGT, rules)).toEqual(['Read16.BeyondEol failed on ours, no excuse']);
  });

  it('refuses a failure in the iSCSI family even when excused, unless it contradicts the RFC', () => {
    const ours = run({ 'Read16.Simple': 'FAILED', 'Read16.BeyondEol': 'passed', 'iSCSIdatasn.Invalid': 'FAILED' });
    const r = { ...rules, excuses: { ...rules.excuses, 'iSCSIdatasn.Invalid': 'no' } };
    expect(judgeAllRun(ours, TGT, r)).toEqual(['iSCSIdatasn.Invalid failed on ours (iSCSI family)']);
    expect(judgeAllRun(ours, TGT, { ...r, iscsiAgainstRfc: new Set(['iSCSIdatasn.Invalid']) })).toEqual([]);
    // Against the RFC, yet not excused: still named.
    const unexcused = { ...rules, iscsiAgainstRfc: new Set(['iSCSIdatasn.Invalid']) };
    expect(judgeAllRun(ours, TGT, unexcused)).toEqual(['iSCSIdatasn.Invalid failed on ours, no excuse']);
  });

  it('more failures than tgt fail even when each is excused', () => {
    const ours = run({ 'Read16.Simple': 'FAILED', 'Read16.BeyondEol': 'FAILED', 'iSCSIdatasn.Invalid': 'passed' });
    const tgt = run({ 'Read16.Simple': 'FAILED', 'Read16.BeyondEol': 'passed', 'iSCSIdatasn.Invalid': 'passed' });
    const r = { ...rules, excuses: { ...rules.excuses, 'Read16.BeyondEol': 'x' } };
    expect(judgeAllRun(ours, tgt, r)).toEqual([
      'ours failed 2 tests, tgt 1: Read16.Simple, Read16.BeyondEol',
    ]);
  });

  it('an excuse whose test passes is stale', () => {
    const ours = run({ 'Read16.Simple': 'passed', 'Read16.BeyondEol': 'passed', 'iSCSIdatasn.Invalid': 'passed' });
    expect(judgeAllRun(ours, TGT, rules)).toEqual(['excuse for Read16.Simple is stale: on ours it passed']);
  });

  it('a run killed on its time limit names the test it hung in', () => {
    const ours = run({ 'Read16.Simple': 'FAILED' }, 'iSCSIdatasn.Invalid');
    expect(ours.parsed.unfinished).toBe('iSCSIdatasn.Invalid');
    expect(judgeAllRun(ours, TGT, rules)).toEqual([
      'ours: the one-process run did not finish (killed after 180 s); it hung in iSCSIdatasn.Invalid',
    ]);
  });
});
