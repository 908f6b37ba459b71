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
import { buildGuest } from '../guest/build-guest.js';
import type { TestResult } from './cunit-output.js';
import { HOST_TEST_CU, listTests, runTestCu, stagedTestCu120, type TestCuBinary, type TestCuRun } from './run-test-cu.js';
import {
  SKIP, SKIP_120, SKIP_HOST_MANAGED, TOOL_SKIP_ACCEPTED, TOOL_SKIP_ACCEPTED_HOST_MANAGED,
} from './skip-table.js';

const MiB = 1024 * 1024;
const DISK_BYTES = 64 * MiB;
const BLOCK = 512;
const IQN = 'iqn.2026-11.dev.zbc-target.test:test-cu';
const HM_LUN = 1;
const LBPPB1_LUN = 2;
const LBPPB1_SUITE = 'SCSI.GetLBAStatus';

const bySuite = listTests(HOST_TEST_CU, ['iSCSI', 'SCSI']);
const SUITES = [...bySuite.keys()];
const ISCSI_SUITES = SUITES.filter((s) => s.startsWith('iSCSI.'));
const ALL_TESTS = [...bySuite.values()].flat();
const ISCSI_TESTS = ISCSI_SUITES.flatMap((s) => bySuite.get(s) ?? []);

let tgtRun: TestCuRun | undefined;
let oursRun: TestCuRun | undefined;
let hmRun: TestCuRun | undefined;
let lbppb1Run: TestCuRun | undefined;

function strictPasses(run: TestCuRun | undefined, names: readonly string[]): number {
  return names.filter((n) => run?.results.get(n)?.outcome === 'passed').length;
}

/** CUnit's own count: a test the tool skipped (CU_PASS("[SKIPPED] ...")) counts as passed. */
function cunitPasses(run: TestCuRun | undefined, names: readonly string[]): number {
  return names.filter((n) => ['passed', 'skipped'].includes(run?.results.get(n)?.outcome ?? '')).length;
}

/** Passed, or skipped by the tool for an accepted reason. */
function expectAcceptable(r: TestResult | undefined, accepted: readonly RegExp[]): void {
  if (r?.outcome === 'skipped') {
    const reasons = r.detail.filter((d) => d.startsWith('[SKIPPED]'));
    const unexplained = reasons.filter((d) => !accepted.some((re) => re.test(d)));
    expect(unexplained, `tool skipped it for a reason not in TOOL_SKIP_ACCEPTED`).toEqual([]);
    return;
  }
  expect(r?.outcome, describeResult(r)).toBe('passed');
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
          // 512e (4096-byte physical blocks, the default): the LBPPB >= 2 tests run only here.
          { lun: 0, memory: true, capacity: DISK_BYTES, blockSize: BLOCK, model: 'none' },
          {
            lun: HM_LUN, memory: true, capacity: DISK_BYTES, blockSize: BLOCK, model: 'host-managed',
            zoneSize: 4 * MiB, conventionalZones: 2,
          },
          // 512/512 as tgt's LU: libiscsi's GetLBAStatus.UnmapSingle (1.19 and upstream) queries
          // LBA i+1 but expects the first descriptor at i+LBPPB, so it can pass only with LBPPB 1.
          { lun: LBPPB1_LUN, memory: true, capacity: DISK_BYTES, blockSize: BLOCK, physicalBlockSize: BLOCK, model: 'none' },
        ],
      }],
    }));
    const ours = await startTargetProcess(['--config', config]);
    try {
      oursRun = await runTestCu(HOST_TEST_CU, { url: iscsiUrl(ours.host, ours.port, IQN, 0), suites: SUITES, dataloss: true });
      hmRun = await runTestCu(HOST_TEST_CU, {
        url: iscsiUrl(ours.host, ours.port, IQN, HM_LUN), suites: ISCSI_SUITES, dataloss: true,
      });
      lbppb1Run = await runTestCu(HOST_TEST_CU, {
        url: iscsiUrl(ours.host, ours.port, IQN, LBPPB1_LUN), suites: [LBPPB1_SUITE], dataloss: true,
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

  it('ours passes at least as many tests as tgt on the same list (CUnit count)', () => {
    const ours = cunitPasses(oursRun, ALL_TESTS);
    const tgt = cunitPasses(tgtRun, ALL_TESTS);
    const strict = `strict passes (tool skips excluded): ours ${strictPasses(oursRun, ALL_TESTS)}, tgt ${strictPasses(tgtRun, ALL_TESTS)}`;
    expect(ours, `ours ${ours} vs tgt ${tgt} of ${ALL_TESTS.length}; ${strict}`).toBeGreaterThanOrEqual(tgt);
  });

  describe('plain LU (512-byte blocks): every test passes on ours unless listed in SKIP', () => {
    for (const name of ALL_TESTS) {
      const reason = SKIP[name];
      if (reason !== undefined) {
        it.skip(`${name} (skipped: ${reason})`, () => {});
        continue;
      }
      it(name, () => expectAcceptable(oursRun?.results.get(name), TOOL_SKIP_ACCEPTED));
    }
  });

  describe('512/512 LU: GetLBAStatus, whose UnmapSingle needs one logical block per physical block', () => {
    for (const name of bySuite.get(LBPPB1_SUITE) ?? []) {
      it(name, () => expectAcceptable(lbppb1Run?.results.get(name), TOOL_SKIP_ACCEPTED));
    }
  });

  describe('host-managed LU with conventional low LBAs: the iSCSI family', () => {
    for (const name of ISCSI_TESTS) {
      const reason = SKIP_HOST_MANAGED[name];
      if (reason !== undefined) {
        it.skip(`${name} (skipped: ${reason})`, () => {});
        continue;
      }
      it(name, () => expectAcceptable(hmRun?.results.get(name), TOOL_SKIP_ACCEPTED_HOST_MANAGED));
    }

    it('the CmdSN tests really ran (they need no SBC device type)', () => {
      expect(hmRun?.results.get('iSCSIcmdsn.iSCSICmdSnTooHigh')?.outcome).toBe('passed');
      expect(hmRun?.results.get('iSCSIcmdsn.iSCSICmdSnTooLow')?.outcome).toBe('passed');
    });
  });
});

// libiscsi 1.20 adds iSCSISendTargets, iSCSINop, iSCSICHAP and iSCSITMF.LogoutDuringIOAsync. Debian 12
// has no 1.20, so the binary comes out of the Debian 13 guest image (built and cached by the guest
// harness) and runs on the host through its own loader. One process per test: a hung test (see
// SKIP_120) then costs only its own timeout.
const SUITES_120 = ['iSCSIcmdsn', 'iSCSIdatasn', 'iSCSIResiduals', 'iSCSITMF', 'iSCSISendTargets', 'iSCSINop', 'iSCSICHAP'];

describe('iscsi-test-cu 1.20 --dataloss, iSCSI family: ours vs tgt', () => {
  let bin: TestCuBinary | undefined;
  let setupError: unknown;
  let tests: string[] = [];
  let tgt120: TestCuRun | undefined;
  let ours120: TestCuRun | undefined;
  const CHAP = { user: 'zbc-test-cu', secret: 'test-cu-secret-0123' };

  beforeAll(async () => {
    try {
      const image = buildGuest();
      bin = stagedTestCu120(image.initrd, image.key);
    } catch (e) {
      setupError = e;
      return;
    }
    const listed = listTests(bin, ['iSCSI']);
    tests = [...listed.values()].flat();
    // iSCSICHAP runs only on a session that itself used CHAP: those tests get the CHAP target.
    const plainTests = tests.filter((t) => !t.startsWith('iSCSICHAP.')).map((t) => `iSCSI.${t}`);
    const chapTests = tests.filter((t) => t.startsWith('iSCSICHAP.')).map((t) => `iSCSI.${t}`);
    const timeoutMs = 15_000;

    const tgt = await startTgt({ capacityBytes: DISK_BYTES, blockSize: BLOCK });
    const tgtChap = await startTgt({ capacityBytes: DISK_BYTES, blockSize: BLOCK, chap: CHAP }).catch(async (e: unknown) => {
      await tgt.stop();
      throw e;
    });
    try {
      const a = await runTestCu(bin, { url: tgt.url(), suites: plainTests, dataloss: true, timeoutMs });
      const b = await runTestCu(bin, { url: tgtChap.url({ chap: CHAP }), suites: chapTests, dataloss: true, timeoutMs });
      tgt120 = { results: new Map([...a.results, ...b.results]), suites: [...a.suites, ...b.suites] };
    } finally {
      await Promise.allSettled([tgt.stop(), tgtChap.stop()]);
    }

    const plain = [
      '--memory', '--capacity', String(DISK_BYTES), '--block-size', String(BLOCK),
      '--physical-block-size', String(BLOCK), '--model', 'none',
    ];
    const ours = await startTargetProcess(plain);
    const oursChap = await startTargetProcess([...plain, '--chap-user', CHAP.user, '--chap-secret', CHAP.secret])
      .catch(async (e: unknown) => {
        await ours.stop();
        throw e;
      });
    try {
      const iqn = ours.iqns[0] ?? 'iqn.2026-11.dev.zbc-target:default';
      const chapIqn = oursChap.iqns[0] ?? 'iqn.2026-11.dev.zbc-target:default';
      const a = await runTestCu(bin, { url: iscsiUrl(ours.host, ours.port, iqn, 0), suites: plainTests, dataloss: true, timeoutMs });
      const b = await runTestCu(bin, {
        url: iscsiUrl(oursChap.host, oursChap.port, chapIqn, 0, CHAP), suites: chapTests, dataloss: true, timeoutMs,
      });
      ours120 = { results: new Map([...a.results, ...b.results]), suites: [...a.suites, ...b.suites] };
    } finally {
      await Promise.allSettled([ours.stop(), oursChap.stop()]);
    }
    const dir = join(repoRoot, '.cache', 'interop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'iscsi-test-cu-1.20-report.json'), JSON.stringify(tests.map((t) => ({
      test: t,
      tgt: tgt120?.results.get(t)?.outcome ?? 'missing',
      ours: ours120?.results.get(t)?.outcome ?? 'missing',
      oursDetail: ours120?.results.get(t)?.detail ?? [],
      tgtDetail: tgt120?.results.get(t)?.detail ?? [],
    })), null, 2));
  }, 900_000);

  it('the staged 1.20 binary runs and lists the 1.20 suites', () => {
    expect(setupError, String(setupError)).toBeUndefined();
    const suites = new Set(tests.map((t) => t.split('.')[0]));
    for (const s of SUITES_120) expect(suites).toContain(s);
  });

  it('ours passes at least as many tests as tgt (CUnit count)', () => {
    expect(cunitPasses(ours120, tests)).toBeGreaterThanOrEqual(cunitPasses(tgt120, tests));
  });

  for (const suite of SUITES_120) {
    it(`${suite}: every test passes on ours, except SKIP_120`, () => {
      const names = tests.filter((t) => t.startsWith(`${suite}.`));
      expect(names.length, `no ${suite} tests listed`).toBeGreaterThan(0);
      const bad = names
        .filter((n) => SKIP_120[n] === undefined)
        .map((n) => ({ n, r: ours120?.results.get(n) }))
        .filter(({ r }) => {
          if (r?.outcome === 'passed') return false;
          if (r?.outcome !== 'skipped') return true;
          return !r.detail.filter((d) => d.startsWith('[SKIPPED]')).every((d) => TOOL_SKIP_ACCEPTED.some((re) => re.test(d)));
        })
        .map(({ n, r }) => `${n}: ${describeResult(r)}`);
      expect(bad).toEqual([]);
    });
  }

  it('the CHAP tests really ran on a CHAP session', () => {
    expect(ours120?.results.get('iSCSICHAP.Simple')?.outcome).toBe('passed');
  });
});
