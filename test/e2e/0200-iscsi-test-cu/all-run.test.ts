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
  } else lines.push(...SUMMARY(Object.values(outcomes).filter((o) => o === 'FAILED').length));
  return { parsed: parseCunitOutput(lines.join('\n')), timedOut: hangIn !== undefined, seconds: 1 };
}

const rules: AllRunRules = {
  iscsiSuites: new Set(['iSCSIx']),
  excuses: { 'R16.A': 'a reason' },
  iscsiAgainstRfc: new Set(),
  timeoutSeconds: 180,
};
const TGT = run({ 'R16.A': 'FAILED', 'R16.B': 'FAILED', 'iSCSIx.C': 'passed' });

describe('judgeAllRun', () => {
  it('passes when the only failure is excused and tgt fails as many', () => {
    const ours = run({ 'R16.A': 'FAILED', 'R16.B': 'passed', 'iSCSIx.C': 'passed' });
    expect(judgeAllRun(ours, TGT, rules)).toEqual([]);
  });

  it('names a failure without an excuse', () => {
    const ours = run({ 'R16.A': 'FAILED', 'R16.B': 'FAILED', 'iSCSIx.C': 'passed' });
    expect(judgeAllRun(ours, TGT, rules)).toEqual(['R16.B failed on ours, no excuse']);
  });

  it('refuses an iSCSI-family failure even when excused, unless it is against the RFC', () => {
    const ours = run({ 'R16.A': 'FAILED', 'R16.B': 'passed', 'iSCSIx.C': 'FAILED' });
    const r = { ...rules, excuses: { ...rules.excuses, 'iSCSIx.C': 'no' } };
    expect(judgeAllRun(ours, TGT, r)).toEqual(['iSCSIx.C failed on ours (iSCSI family)']);
    expect(judgeAllRun(ours, TGT, { ...r, iscsiAgainstRfc: new Set(['iSCSIx.C']) })).toEqual([]);
    // Against the RFC, yet not excused: still named.
    const unexcused = { ...rules, iscsiAgainstRfc: new Set(['iSCSIx.C']) };
    expect(judgeAllRun(ours, TGT, unexcused)).toEqual(['iSCSIx.C failed on ours, no excuse']);
  });

  it('more failures than tgt fail even when each is excused', () => {
    const ours = run({ 'R16.A': 'FAILED', 'R16.B': 'FAILED', 'iSCSIx.C': 'passed' });
    const tgt = run({ 'R16.A': 'FAILED', 'R16.B': 'passed', 'iSCSIx.C': 'passed' });
    const r = { ...rules, excuses: { ...rules.excuses, 'R16.B': 'x' } };
    expect(judgeAllRun(ours, tgt, r)).toEqual(['ours failed 2 tests, tgt 1: R16.A, R16.B']);
  });

  it('an excuse whose test passes is stale', () => {
    const ours = run({ 'R16.A': 'passed', 'R16.B': 'passed', 'iSCSIx.C': 'passed' });
    expect(judgeAllRun(ours, TGT, rules)).toEqual(['excuse for R16.A is stale: on ours it passed']);
  });

  it('a run killed on its time limit names the test it hung in', () => {
    const ours = run({ 'R16.A': 'FAILED' }, 'iSCSIx.C');
    expect(ours.parsed.unfinished).toBe('iSCSIx.C');
    expect(judgeAllRun(ours, TGT, rules)).toEqual([
      'ours: the one-process run did not finish (killed after 180 s); it hung in iSCSIx.C',
    ]);
  });
});
