// libiscsi's conformance tool against our target and against tgt, in the same run, the way its
// users run it: `iscsi-test-cu -d -t ALL` in ONE process (libiscsi 1.19 on the host, 1.20 from the
// guest image), on a thin 512e LU as `npm start -- --model none --memory` serves it. Verdicts
// (all-run.ts): the run finishes, ours fails no more tests than tgt, none in the iSCSI family,
// and each failure is named in all-run-excuses.ts. Every other test passes on ours, or is skipped
// by the tool with exactly the line skip-table.ts names for it on that LU (tool-skips.ts). Per-suite runs remain only where a suite
// needs its own LU or target: the iSCSI family on our host-managed LU, GetLBAStatus on a 512/512
// LU, iSCSICHAP on a CHAP target. Reports land in .cache/interop/ for docs/interop.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startTargetProcess } from '../../helpers/target-process.js';
import { iscsiUrl, startTgt } from '../../helpers/tgt.js';
import { buildGuest } from '../guest/build-guest.js';
import { type OneProcessRun, judgeAllRun } from './all-run.js';
import { ALL_EXCUSES_119, ALL_EXCUSES_120, ISCSI_AGAINST_RFC_120 } from './all-run-excuses.js';
import type { TestResult } from './cunit-output.js';
import {
  HOST_TEST_CU,
  listTests,
  runAllInOneProcess,
  runTestCu,
  stagedTestCu120,
  type TestCuBinary,
  type TestCuRun,
} from './run-test-cu.js';
import {
  NO_SKIPS,
  SKIPS_HOST_MANAGED_119,
  SKIPS_THIN_119,
  SKIPS_THIN_120,
  type SkipTable,
} from './skip-table.js';
import { judgeToolSkips, skipProblem } from './tool-skips.js';

const MiB = 1024 * 1024;
const DISK_BYTES = 64 * MiB;
const BLOCK = 512;
const IQN = 'iqn.2026-11.dev.zbc-target.test:test-cu';
const HM_LUN = 1;
const LBPPB1_LUN = 2;
const LBPPB1_SUITE = 'SCSI.GetLBAStatus';
/** One ALL run takes about 30 s here on either target; a hang is cut at six times that. */
const ALL_TIMEOUT_MS = 180_000;

const bySuite = listTests(HOST_TEST_CU, ['iSCSI']);
const ISCSI_SUITES = [...bySuite.keys()];
const ISCSI_TESTS = [...bySuite.values()].flat();
/** `Suite.Test` of the ALL family, in run order. */
const allTests = (bin: TestCuBinary): string[] => [...listTests(bin, ['ALL']).values()].flat();
const iscsiSuiteNames = (bin: TestCuBinary): Set<string> =>
  new Set([...listTests(bin, ['iSCSI']).keys()].map((s) => s.slice('iSCSI.'.length)));

const expectAcceptable = (name: string, r: TestResult | undefined, table: SkipTable): void =>
  expect(skipProblem(name, r, table)).toBeNull();

/** The iSCSITMF tests the 1.20 ALL run cannot reach (SKIPS_THIN_120), run one process each. */
const LONE_TMF = ['iSCSITMF.LUNResetSimpleAsync', 'iSCSITMF.LogoutDuringIOAsync'];

function count(run: OneProcessRun | undefined, outcome: TestResult['outcome']): number {
  return [...(run?.parsed.results.values() ?? [])].filter((r) => r.outcome === outcome).length;
}

/** Per-test outcomes of both ALL runs, with timings, for docs/interop.md and the README. */
function writeAllReport(
  file: string,
  tests: readonly string[],
  ours?: OneProcessRun,
  tgt?: OneProcessRun,
): void {
  const dir = join(repoRoot, '.cache', 'interop');
  mkdirSync(dir, { recursive: true });
  const side = (run?: OneProcessRun) => ({
    seconds: run?.seconds,
    finished: run !== undefined && !run.timedOut && run.parsed.summary !== undefined,
    hungIn: run?.parsed.unfinished,
    passed: count(run, 'passed'),
    failed: count(run, 'failed'),
    skipped: count(run, 'skipped'),
    failures: [...(run?.parsed.results.values() ?? [])]
      .filter((r) => r.outcome === 'failed')
      .map((r) => r.name),
  });
  const rows = tests.map((t) => ({
    test: t,
    ours: ours?.parsed.results.get(t)?.outcome ?? 'not reached',
    tgt: tgt?.parsed.results.get(t)?.outcome ?? 'not reached',
    oursDetail: ours?.parsed.results.get(t)?.detail ?? [],
    tgtDetail: tgt?.parsed.results.get(t)?.detail ?? [],
  }));
  const report = { tests: tests.length, ours: side(ours), tgt: side(tgt), rows };
  writeFileSync(join(dir, file), JSON.stringify(report, null, 2));
}

describe('iscsi-test-cu 1.19 -d -t ALL in one process: ours vs tgt', () => {
  const tests = allTests(HOST_TEST_CU);
  const iscsiSuites = iscsiSuiteNames(HOST_TEST_CU);
  let tgtAll: OneProcessRun | undefined;
  let oursAll: OneProcessRun | undefined;
  let hmRun: TestCuRun | undefined;
  let lbppb1Run: TestCuRun | undefined;

  beforeAll(async () => {
    const tgt = await startTgt({ capacityBytes: DISK_BYTES, blockSize: BLOCK });
    try {
      tgtAll = await runAllInOneProcess(HOST_TEST_CU, {
        url: tgt.url(),
        timeoutMs: ALL_TIMEOUT_MS,
      });
    } finally {
      await tgt.stop();
    }

    const dir = await mkdtemp(join(tmpdir(), 'zbc-test-cu-'));
    const config = join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        targets: [
          {
            name: IQN,
            luns: [
              // Thin 512e (4096-byte physical blocks, the default), as `npm start -- --memory` serves.
              { lun: 0, memory: true, capacity: DISK_BYTES, blockSize: BLOCK, model: 'none' },
              {
                lun: HM_LUN,
                memory: true,
                capacity: DISK_BYTES,
                blockSize: BLOCK,
                model: 'host-managed',
                zoneSize: 4 * MiB,
                conventionalZones: 2,
              },
              // 512/512 as tgt's LU: libiscsi's GetLBAStatus.UnmapSingle (1.19 and upstream) queries
              // LBA i+1 but expects the first descriptor at i+LBPPB, so it can pass only with LBPPB 1.
              {
                lun: LBPPB1_LUN,
                memory: true,
                capacity: DISK_BYTES,
                blockSize: BLOCK,
                physicalBlockSize: BLOCK,
                model: 'none',
              },
            ],
          },
        ],
      }),
    );
    const ours = await startTargetProcess(['--config', config]);
    try {
      oursAll = await runAllInOneProcess(HOST_TEST_CU, {
        url: iscsiUrl(ours.host, ours.port, IQN, 0),
        timeoutMs: ALL_TIMEOUT_MS,
      });
      // The iSCSI family on a zoned LU; its first zones are conventional (those suites write
      // LBA 0 and LBA 100).
      hmRun = await runTestCu(HOST_TEST_CU, {
        url: iscsiUrl(ours.host, ours.port, IQN, HM_LUN),
        suites: ISCSI_SUITES,
        dataloss: true,
      });
      lbppb1Run = await runTestCu(HOST_TEST_CU, {
        url: iscsiUrl(ours.host, ours.port, IQN, LBPPB1_LUN),
        suites: [LBPPB1_SUITE],
        dataloss: true,
      });
    } finally {
      await ours.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 900_000);

  afterAll(() => writeAllReport('iscsi-test-cu-all-1.19-report.json', tests, oursAll, tgtAll));

  it('ALL finishes on both; ours fails no more than tgt, none in iSCSI, each excused', () => {
    expect(oursAll && tgtAll, 'a run did not start').toBeTruthy();
    const problems = judgeAllRun(oursAll as OneProcessRun, tgtAll as OneProcessRun, {
      iscsiSuites,
      excuses: ALL_EXCUSES_119,
      iscsiAgainstRfc: new Set(),
      timeoutSeconds: ALL_TIMEOUT_MS / 1000,
    });
    expect(problems).toEqual([]);
  });

  it('tgt reported every listed test (the harness itself works)', () => {
    expect(tests.filter((n) => !tgtAll?.parsed.results.has(n))).toEqual([]);
  });

  it('every test not excused passes on ours, or the tool skipped it with its accepted line', () => {
    expect(judgeToolSkips(tests, oursAll?.parsed, SKIPS_THIN_119, ALL_EXCUSES_119)).toEqual([]);
  });

  it('COMPARE AND WRITE really ran: none of its tests was skipped on ours', () => {
    const caw = tests.filter((n) => n.startsWith('CompareAndWrite.'));
    expect(caw.length).toBeGreaterThan(0);
    expect(caw.map((n) => `${n}: ${oursAll?.parsed.results.get(n)?.outcome}`)).toEqual(
      caw.map((n) => `${n}: passed`),
    );
  });

  describe('512/512 LU: GetLBAStatus, whose UnmapSingle needs one logical block per physical block', () => {
    for (const name of bySuiteOf(LBPPB1_SUITE)) {
      it(name, () => expectAcceptable(name, lbppb1Run?.results.get(name), NO_SKIPS));
    }
  });

  describe('host-managed LU with conventional low LBAs: the iSCSI family', () => {
    for (const name of ISCSI_TESTS) {
      it(name, () => expectAcceptable(name, hmRun?.results.get(name), SKIPS_HOST_MANAGED_119));
    }

    it('every accepted skip of the host-managed LU still happens', () => {
      expect(judgeToolSkips(ISCSI_TESTS, hmRun, SKIPS_HOST_MANAGED_119)).toEqual([]);
    });

    it('the CmdSN tests really ran (they need no SBC device type)', () => {
      expect(hmRun?.results.get('iSCSIcmdsn.iSCSICmdSnTooHigh')?.outcome).toBe('passed');
      expect(hmRun?.results.get('iSCSIcmdsn.iSCSICmdSnTooLow')?.outcome).toBe('passed');
    });
  });
});

function bySuiteOf(suite: string): string[] {
  return listTests(HOST_TEST_CU, [suite.split('.')[0] ?? '']).get(suite) ?? [];
}

// libiscsi 1.20 adds iSCSISendTargets, iSCSINop, iSCSICHAP and iSCSITMF.LogoutDuringIOAsync. Debian 12
// has no 1.20, so the binary comes out of the Debian 13 guest image (built and cached by the guest
// harness) and runs on the host through its own loader. ALL in one process on the plain target;
// iSCSICHAP, which runs only on a session that itself used CHAP, again on a CHAP target of each.
describe('iscsi-test-cu 1.20 -d -t ALL in one process: ours vs tgt', () => {
  let bin: TestCuBinary | undefined;
  let setupError: unknown;
  let tests: string[] = [];
  let tgtAll: OneProcessRun | undefined;
  let oursAll: OneProcessRun | undefined;
  let oursChap: TestCuRun | undefined;
  let oursAlone: TestCuRun | undefined;
  const CHAP = { user: 'zbc-test-cu', secret: 'test-cu-secret-0123' };

  beforeAll(async () => {
    try {
      const image = buildGuest();
      bin = stagedTestCu120(image.initrd, image.key);
    } catch (e) {
      setupError = e;
      return;
    }
    tests = allTests(bin);
    const chapTests = tests.filter((t) => t.startsWith('iSCSICHAP.')).map((t) => `iSCSI.${t}`);

    const tgt = await startTgt({ capacityBytes: DISK_BYTES, blockSize: BLOCK });
    try {
      tgtAll = await runAllInOneProcess(bin, { url: tgt.url(), timeoutMs: ALL_TIMEOUT_MS });
    } finally {
      await tgt.stop();
    }

    const plain = [
      '--memory',
      '--capacity',
      String(DISK_BYTES),
      '--block-size',
      String(BLOCK),
      '--model',
      'none',
    ];
    const ours = await startTargetProcess(plain);
    const chapArgs = ['--chap-user', CHAP.user, '--chap-secret', CHAP.secret];
    const withChap = await startTargetProcess([...plain, ...chapArgs]).catch(async (e: unknown) => {
      await ours.stop();
      throw e;
    });
    try {
      const iqn = ours.iqns[0] ?? 'iqn.2026-11.dev.zbc-target:default';
      const chapIqn = withChap.iqns[0] ?? 'iqn.2026-11.dev.zbc-target:default';
      const url = iscsiUrl(ours.host, ours.port, iqn, 0);
      oursAll = await runAllInOneProcess(bin, { url, timeoutMs: ALL_TIMEOUT_MS });
      oursAlone = await runTestCu(bin, {
        url,
        suites: LONE_TMF.map((t) => `iSCSI.${t}`),
        dataloss: true,
        timeoutMs: 60_000,
      });
      oursChap = await runTestCu(bin, {
        url: iscsiUrl(withChap.host, withChap.port, chapIqn, 0, CHAP),
        suites: chapTests,
        dataloss: true,
        timeoutMs: 15_000,
      });
    } finally {
      await Promise.allSettled([ours.stop(), withChap.stop()]);
    }
  }, 900_000);

  afterAll(() => writeAllReport('iscsi-test-cu-all-1.20-report.json', tests, oursAll, tgtAll));

  it('the staged 1.20 binary runs and lists the 1.20 suites', () => {
    expect(setupError, String(setupError)).toBeUndefined();
    const suites = new Set(tests.map((t) => t.split('.')[0]));
    for (const s of ['iSCSISendTargets', 'iSCSINop', 'iSCSICHAP', 'CompareAndWrite']) {
      expect(suites).toContain(s);
    }
  });

  it('ALL finishes on both; ours fails no more than tgt, none in iSCSI, each excused', () => {
    expect(oursAll && tgtAll && bin, 'a run did not start').toBeTruthy();
    const problems = judgeAllRun(oursAll as OneProcessRun, tgtAll as OneProcessRun, {
      iscsiSuites: iscsiSuiteNames(bin as TestCuBinary),
      excuses: ALL_EXCUSES_120,
      iscsiAgainstRfc: ISCSI_AGAINST_RFC_120,
      timeoutSeconds: ALL_TIMEOUT_MS / 1000,
    });
    expect(problems).toEqual([]);
  });

  it('every test not excused passes on ours, or the tool skipped it with its accepted line', () => {
    // iSCSICHAP skips without a CHAP session; it passes on the CHAP target below.
    expect(judgeToolSkips(tests, oursAll?.parsed, SKIPS_THIN_120, ALL_EXCUSES_120)).toEqual([]);
  });

  it('the iSCSITMF tests the ALL run cannot reach pass when run on their own', () => {
    expect(judgeToolSkips(LONE_TMF, oursAlone, NO_SKIPS)).toEqual([]);
  });

  it('iSCSICHAP passes on a CHAP session', () => {
    const chap = tests.filter((t) => t.startsWith('iSCSICHAP.'));
    expect(chap.length).toBeGreaterThan(0);
    expect(
      chap.flatMap((n) => {
        const p = skipProblem(n, oursChap?.results.get(n), NO_SKIPS);
        return p === null ? [] : [`${n}: ${p}`];
      }),
    ).toEqual([]);
    expect(oursChap?.results.get('iSCSICHAP.Simple')?.outcome).toBe('passed');
  });
});
