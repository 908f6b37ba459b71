// The skip verdict, on CUnit output written the way iscsi-test-cu prints it: only the exact line
// a table names passes as a skip, on that test only, and an entry whose test stopped skipping is
// reported, so the tables can only shrink.
import { describe, expect, it } from 'vitest';
import { parseCunitOutput } from './cunit-output.js';
import {
  SKIPS_HOST_MANAGED_119,
  SKIPS_THIN_119,
  SKIPS_THIN_120,
  type SkipTable,
} from './skip-table.js';
import { judgeToolSkips } from './tool-skips.js';

const XCOPY = '[SKIPPED] EXTENDEDCOPY is not implemented.';
const table: SkipTable = {
  'ExtendedCopy.Simple': { lines: [XCOPY], reason: 'no copy manager' },
};

/** One suite per distinct prefix; a string outcome is the test's skip line (CUnit: passed). */
function run(outcomes: Record<string, 'passed' | 'FAILED' | string>): string {
  const lines: string[] = [];
  let suite = '';
  for (const [name, outcome] of Object.entries(outcomes)) {
    const [s, t] = name.split('.');
    if (s !== suite) lines.push(`Suite: ${(suite = s ?? '')}`);
    if (outcome === 'passed' || outcome === 'FAILED') lines.push(`  Test: ${t} ...${outcome}`);
    else lines.push(`  Test: ${t} ...    ${outcome}`, `    ${outcome}`, 'passed');
  }
  return lines.join('\n');
}

const judge = (outcomes: Record<string, string>, t: SkipTable = table, excuses = {}): string[] =>
  judgeToolSkips(Object.keys(outcomes), parseCunitOutput(run(outcomes)), t, excuses);

describe('judgeToolSkips', () => {
  it('passes a pass, and a skip with exactly its accepted line (printed twice)', () => {
    expect(judge({ 'ExtendedCopy.Simple': XCOPY, 'Read10.Simple': 'passed' })).toEqual([]);
  });

  it('refuses a skip the table does not name for that test, whatever its wording', () => {
    const line = '[SKIPPED] PERSISTENTRESERVEOUT is not implemented.';
    expect(judge({ 'ExtendedCopy.Simple': XCOPY, 'PrinReadKeys.Simple': line })).toEqual([
      `PrinReadKeys.Simple: tool skip not accepted on this LU: ${line}`,
    ]);
  });

  it('refuses the accepted test skipped for another reason', () => {
    const line = '[SKIPPED] Logical unit is fully provisioned. Skipping test';
    expect(judge({ 'ExtendedCopy.Simple': line })).toEqual([
      `ExtendedCopy.Simple: skipped with "${line}", accepted only "${XCOPY}"`,
    ]);
  });

  it('reports an accepted skip whose test now passes, fails or is gone', () => {
    expect(judge({ 'ExtendedCopy.Simple': 'passed' })).toEqual([
      'ExtendedCopy.Simple: accepted skip is stale: on ours it passed',
    ]);
    expect(judge({ 'ExtendedCopy.Simple': 'FAILED' })).toEqual([
      'ExtendedCopy.Simple: accepted skip is stale: on ours it failed',
    ]);
    expect(judge({ 'Read10.Simple': 'passed' })).toEqual([
      'ExtendedCopy.Simple: accepted skip is stale: not in this run',
    ]);
  });

  it('leaves excused failures to the excuse table, and names other failures', () => {
    const both = { 'ExtendedCopy.Simple': XCOPY, 'GetLBAStatus.UnmapSingle': 'FAILED' };
    expect(judge(both, table, { 'GetLBAStatus.UnmapSingle': 'test bug' })).toEqual([]);
    expect(judge(both)).toEqual(['GetLBAStatus.UnmapSingle: failed']);
  });
});

describe('the skip tables', () => {
  const tables = { SKIPS_THIN_119, SKIPS_THIN_120, SKIPS_HOST_MANAGED_119 };
  const entries = Object.values(tables).flatMap((t) => Object.entries(t));

  it('accept nothing for a command we implement (PR, ORWRITE, COMPARE AND WRITE)', () => {
    const ours = /PERSISTENT|PRIN|PROUT|ORWRITE|COMPAREANDWRITE|COMPARE_AND_WRITE/i;
    expect(entries.filter(([, s]) => s.lines.some((l) => ours.test(l)))).toEqual([]);
    expect(
      entries.map(([n]) => n).filter((n) => /^(Prin|Prout|OrWrite|CompareAndWrite)/.test(n)),
    ).toEqual([]);
  });

  it('accept "fully provisioned" on no thin LU', () => {
    const thin = [SKIPS_THIN_119, SKIPS_THIN_120].flatMap((t) => Object.values(t));
    expect(thin.filter((s) => s.lines.some((l) => /fully provisioned/i.test(l)))).toEqual([]);
  });

  it('give every entry exact [SKIPPED] lines and a reason', () => {
    for (const [name, s] of entries) {
      expect(s.lines.length, name).toBeGreaterThan(0);
      expect(
        s.lines.every((l) => l.startsWith('[SKIPPED] ')),
        name,
      ).toBe(true);
      expect(s.reason.length, name).toBeGreaterThan(20);
    }
  });
});
