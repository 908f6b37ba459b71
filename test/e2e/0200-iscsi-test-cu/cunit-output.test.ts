// The parser the interop verdicts depend on, checked on real iscsi-test-cu 1.19 output captured
// against tgt 1.0.85 (fixtures/), so a misread outcome cannot hide a failure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countOutcomes, parseCunitOutput } from './cunit-output.js';

const fixture = (name: string): string =>
  readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('parseCunitOutput', () => {
  const run = parseCunitOutput(fixture('tgt-sample.txt'));

  it("reads CUnit's own summary line", () => {
    expect(run.summary).toEqual({ tests: { total: 32, ran: 32, passed: 29, failed: 3 } });
  });

  it('finds every test, keyed Suite.Test', () => {
    expect(run.results.size).toBe(32);
    expect([...run.results.keys()]).toContain('iSCSIResiduals.Read10Residuals');
    expect([...run.results.keys()]).toContain('Reserve6.2Initiators');
  });

  it('separates tool skips from passes; CUnit counts both as passed', () => {
    const c = countOutcomes(run, run.results.keys());
    expect(c).toEqual({ passed: 25, failed: 3, skipped: 4, missing: 0 });
    expect(c.passed + c.skipped).toBe(run.summary?.tests.passed);
    expect(run.results.get('Inquiry.BlockLimits')).toMatchObject({
      outcome: 'skipped',
      detail: ['[SKIPPED] Logical unit is fully provisioned. Skipping test'],
    });
  });

  it('keeps the failure messages and assertions of a failed test', () => {
    const r = run.results.get('GetLBAStatus.BeyondEol');
    expect(r?.outcome).toBe('failed');
    expect(r?.detail[0]).toMatch(/^\[FAILED\] GET_LBA_STATUS successful but should have failed/);
    expect(r?.detail[1]).toBe('1. test_get_lba_status_beyond_eol.c:38  - CU_ASSERT_EQUAL(_r,0)');
    expect(run.results.get('iSCSIdatasn.iSCSIDataSnInvalid')?.detail).toHaveLength(4);
  });

  it('does not let output after the outcome change it', () => {
    // `Test: LUNReset ...passed    [FAILED] PRIN command: ...` is the next setup's complaint.
    expect(run.results.get('Reserve6.LUNReset')?.outcome).toBe('passed');
    expect(run.results.get('Reserve6.2Initiators')?.outcome).toBe('failed');
    expect(run.results.get('Reserve6.Logout')?.outcome).toBe('passed');
  });

  it('yields nothing and no summary when the login failed', () => {
    const failed = parseCunitOutput(fixture('login-failed.txt'));
    expect(failed.results.size).toBe(0);
    expect(failed.summary).toBeUndefined();
    expect(countOutcomes(failed, ['iSCSIcmdsn.iSCSICmdSnTooHigh']).missing).toBe(1);
  });
});
