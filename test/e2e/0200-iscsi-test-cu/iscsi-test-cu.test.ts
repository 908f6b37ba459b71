// libiscsi's conformance tool against our target and against tgt, in the same run:
// `iscsi-test-cu --dataloss` over the whole iSCSI family and every SCSI suite, one process per
// suite (see run-test-cu.ts), on a plain 64 MiB LU with 512-byte blocks; then the iSCSI family
// again on our host-managed LU, whose first zones are conventional (those suites write LBA 0 and
// LBA 100). Verdicts: every test not in SKIP passes on ours (or is skipped by the tool), and ours
// passes at least as many tests as tgt. A report lands in .cache/interop/ for docs/interop.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startTargetProcess } from '../../helpers/target-process.js';
import { iscsiUrl, startTgt } from '../../helpers/tgt.js';
import type { TestResult } from './cunit-output.js';
import { HOST_TEST_CU, listTests, runTestCu, type TestCuRun } from './run-test-cu.js';
import { SKIP, SKIP_HOST_MANAGED } from './skip-table.js';

const MiB = 1024 * 1024;
const DISK_BYTES = 64 * MiB;
const BLOCK = 512;
const IQN = 'iqn.2026-11.dev.zbc-target.test:test-cu';
const HM_LUN = 1;

const bySuite = listTests(HOST_TEST_CU, ['iSCSI', 'SCSI']);
const SUITES = [...bySuite.keys()];
const ISCSI_SUITES = SUITES.filter((s) => s.startsWith('iSCSI.'));
const ALL_TESTS = [...bySuite.values()].flat();
const ISCSI_TESTS = ISCSI_SUITES.flatMap((s) => bySuite.get(s) ?? []);

let tgtRun: TestCuRun | undefined;
let oursRun: TestCuRun | undefined;
let hmRun: TestCuRun | undefined;

function strictPasses(run: TestCuRun | undefined, names: readonly string[]): number {
  return names.filter((n) => run?.results.get(n)?.outcome === 'passed').length;
}

function describeResult(r: TestResult | undefined): string {
  if (!r) return 'not reported (crash, hang or login failure)';
  return `${r.outcome}${r.detail.length ? `: ${r.detail.slice(0, 6).join(' | ')}` : ''}`;
}

function writeReport(): void {
  const dir = join(repoRoot, '.cache', 'interop');
  mkdirSync(dir, { recursive: true });
  const rows = ALL_TESTS.map((n) => ({
    test: n,
    tgt: tgtRun?.results.get(n)?.outcome ?? 'missing',
    ours: oursRun?.results.get(n)?.outcome ?? 'missing',
    hostManaged: ISCSI_TESTS.includes(n) ? (hmRun?.results.get(n)?.outcome ?? 'missing') : undefined,
    oursDetail: oursRun?.results.get(n)?.detail ?? [],
    tgtDetail: tgtRun?.results.get(n)?.detail ?? [],
    hmDetail: hmRun?.results.get(n)?.detail ?? [],
  }));
  const count = (key: 'tgt' | 'ours', o: string): number => rows.filter((r) => r[key] === o).length;
  const summary = {
    tests: rows.length,
    tgt: { passed: count('tgt', 'passed'), failed: count('tgt', 'failed'), skipped: count('tgt', 'skipped'), missing: count('tgt', 'missing') },
    ours: { passed: count('ours', 'passed'), failed: count('ours', 'failed'), skipped: count('ours', 'skipped'), missing: count('ours', 'missing') },
  };
  writeFileSync(join(dir, 'iscsi-test-cu-report.json'), JSON.stringify({ summary, rows }, null, 2));
}

describe('iscsi-test-cu 1.19 --dataloss: ours vs tgt', () => {
  beforeAll(async () => {
    const tgt = await startTgt({ capacityBytes: DISK_BYTES, blockSize: BLOCK });
    try {
      tgtRun = await runTestCu(HOST_TEST_CU, { url: tgt.url(), suites: SUITES, dataloss: true });
    } finally {
      await tgt.stop();
    }

    const dir = await mkdtemp(join(tmpdir(), 'zbc-test-cu-'));
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({
      targets: [{
        name: IQN,
        luns: [
          { lun: 0, memory: true, capacity: DISK_BYTES, blockSize: BLOCK, model: 'none' },
          {
            lun: HM_LUN, memory: true, capacity: DISK_BYTES, blockSize: BLOCK, model: 'host-managed',
            zoneSize: 4 * MiB, conventionalZones: 2,
          },
        ],
      }],
    }));
    const ours = await startTargetProcess(['--config', config]);
    try {
      oursRun = await runTestCu(HOST_TEST_CU, { url: iscsiUrl(ours.host, ours.port, IQN, 0), suites: SUITES, dataloss: true });
      hmRun = await runTestCu(HOST_TEST_CU, {
        url: iscsiUrl(ours.host, ours.port, IQN, HM_LUN), suites: ISCSI_SUITES, dataloss: true,
      });
    } finally {
      await ours.stop();
      await rm(dir, { recursive: true, force: true });
      writeReport();
    }
  }, 600_000);

  afterAll(() => {
    if (tgtRun) writeReport();
  });

  it('every suite finished within its time limit on both targets', () => {
    const hung = [...(tgtRun?.suites ?? []), ...(oursRun?.suites ?? []), ...(hmRun?.suites ?? [])]
      .filter((s) => s.timedOut)
      .map((s) => s.suite);
    expect(hung).toEqual([]);
  });

  it('tgt reported every listed test (the harness itself works)', () => {
    const missing = ALL_TESTS.filter((n) => !tgtRun?.results.has(n));
    expect(missing).toEqual([]);
  });

  it('ours passes at least as many tests as tgt on the same list', () => {
    const ours = strictPasses(oursRun, ALL_TESTS);
    const tgt = strictPasses(tgtRun, ALL_TESTS);
    expect(ours, `ours ${ours} vs tgt ${tgt} strict passes of ${ALL_TESTS.length}`).toBeGreaterThanOrEqual(tgt);
  });

  describe('plain LU (512-byte blocks): every test passes on ours unless listed in SKIP', () => {
    for (const name of ALL_TESTS) {
      const reason = SKIP[name];
      if (reason !== undefined) {
        it.skip(`${name} (skipped: ${reason})`, () => {});
        continue;
      }
      it(name, () => {
        const r = oursRun?.results.get(name);
        expect(r?.outcome, describeResult(r)).toMatch(/^(passed|skipped)$/);
      });
    }
  });

  describe('host-managed LU with conventional low LBAs: the iSCSI family', () => {
    for (const name of ISCSI_TESTS) {
      const reason = SKIP_HOST_MANAGED[name];
      if (reason !== undefined) {
        it.skip(`${name} (skipped: ${reason})`, () => {});
        continue;
      }
      it(name, () => {
        const r = hmRun?.results.get(name);
        expect(r?.outcome, describeResult(r)).toMatch(/^(passed|skipped)$/);
      });
    }

    it('the CmdSN tests really ran (they need no SBC device type)', () => {
      expect(hmRun?.results.get('iSCSIcmdsn.iSCSICmdSnTooHigh')?.outcome).toBe('passed');
      expect(hmRun?.results.get('iSCSIcmdsn.iSCSICmdSnTooLow')?.outcome).toBe('passed');
    });
  });
});
