// Runs libiscsi's iscsi-test-cu: `-t ALL` in one process, as its users run it, or suite by suite
// (one process each, for the LUs and suites that need their own target).
//
// Debian 12's 1.19 carries backported upstream patches in which CompareAndWrite.InvalidDataOutSize
// replaces `queue_pdu` in the iSCSI transport (a static struct in libiscsi's lib/socket.c that
// every context shares) and restores it only at the end of the test: on a target without COMPARE
// AND WRITE the COMPAREANDWRITE macro returns early, the hook stays for the rest of the process
// and sets byte 13 of every later CDB to 01h (docs/interop.md). Upstream fixed the restore after
// 1.19 (commit cc3ddbf, in 1.20). We implement COMPARE AND WRITE, so the hook is restored.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/target-process.js';
import type { OneProcessRun } from './all-run.js';
import { type ParsedRun, type TestResult, parseCunitOutput } from './cunit-output.js';

/** How to start an iscsi-test-cu binary: the host's, or a staged newer one through its loader. */
export interface TestCuBinary {
  readonly label: string;
  readonly command: string;
  readonly prefixArgs: readonly string[];
}

export const HOST_TEST_CU: TestCuBinary = {
  label: 'libiscsi 1.19 (Debian 12)',
  command: 'iscsi-test-cu',
  prefixArgs: [],
};

/** Files of the Debian 13 guest image that iscsi-test-cu 1.20 needs (it links libiscsi statically). */
const TEST_CU_120_FILES = [
  'usr/bin/iscsi-test-cu',
  'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
  'usr/lib/x86_64-linux-gnu/libc.so.6',
  'usr/lib/x86_64-linux-gnu/libcunit.so*',
  'usr/lib/x86_64-linux-gnu/libibverbs.so*',
  'usr/lib/x86_64-linux-gnu/librdmacm.so*',
  'usr/lib/x86_64-linux-gnu/libnl-*',
];

/**
 * libiscsi-bin 1.20's iscsi-test-cu, taken from the Debian 13 guest initramfs that the guest e2e
 * harness builds (test/e2e/guest/build-guest.ts, cached under .cache/guest/), and run on the host
 * through its own loader (test/e2e/guest/guide.md §8). Throws if it cannot be had: a missing tool
 * fails the run, it is never skipped.
 */
export function stagedTestCu120(initramfs: string, key: string): TestCuBinary {
  const root = join(repoRoot, '.cache', 'interop', `libiscsi-1.20-${key}`);
  const lib = join(root, 'usr', 'lib', 'x86_64-linux-gnu');
  const loader = join(lib, 'ld-linux-x86-64.so.2');
  const bin = join(root, 'usr', 'bin', 'iscsi-test-cu');
  if (!existsSync(bin) || !existsSync(loader)) {
    mkdirSync(root, { recursive: true });
    const r = spawnSync(
      'sh',
      ['-c', 'cpio -idm --quiet "$@" < "$0"', initramfs, ...TEST_CU_120_FILES],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    if (r.status !== 0 || !existsSync(bin)) {
      throw new Error(
        `iscsi-test-cu 1.20: extracting from ${initramfs} failed: ${r.error?.message ?? ''}${r.stderr}`,
      );
    }
  }
  const test: TestCuBinary = {
    label: 'libiscsi 1.20 (Debian 13, staged)',
    command: loader,
    prefixArgs: ['--inhibit-cache', '--library-path', lib, bin],
  };
  const probe = spawnSync(test.command, [...test.prefixArgs, '-l'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (probe.status !== 0 || !probe.stdout.includes('iSCSI.iSCSINop.Simple')) {
    throw new Error(
      `iscsi-test-cu 1.20 does not start: ${probe.error?.message ?? ''}${probe.stderr}`,
    );
  }
  return test;
}

/** Lists `Suite.Test` names of the given families (e.g. iSCSI, SCSI) as the binary reports them. */
export function listTests(bin: TestCuBinary, families: readonly string[]): Map<string, string[]> {
  const r = spawnSync(bin.command, [...bin.prefixArgs, '-l'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (r.status !== 0 && !r.stdout)
    throw new Error(`${bin.label}: -l failed: ${r.error?.message ?? ''}${r.stderr}`);
  const bySuite = new Map<string, string[]>();
  for (const line of r.stdout.split('\n')) {
    const parts = line.trim().split('.');
    if (parts.length !== 3 || !families.includes(parts[0] ?? '')) continue;
    const suite = `${parts[0]}.${parts[1]}`;
    const list = bySuite.get(suite) ?? [];
    list.push(`${parts[1]}.${parts[2]}`);
    bySuite.set(suite, list);
  }
  return bySuite;
}

export interface SuiteRun {
  readonly suite: string;
  readonly output: string;
  readonly timedOut: boolean;
  readonly parsed: ParsedRun;
}

export interface TestCuRun {
  readonly results: ReadonlyMap<string, TestResult>;
  readonly suites: readonly SuiteRun[];
}

function runOnce(
  bin: TestCuBinary,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ output: string; timedOut: boolean }> {
  // stdout and stderr into one file, so log lines stay in order with CUnit's own lines.
  const dir = mkdtempSync(join(tmpdir(), 'zbc-test-cu-'));
  const file = join(dir, 'out.txt');
  const fd = openSync(file, 'w');
  return new Promise((resolve) => {
    // stdbuf: CUnit's stdout is block-buffered into a file, and a suite killed on timeout would
    // otherwise lose every line it printed, including the outcomes of the tests that finished.
    const child = spawn('stdbuf', ['-oL', '-eL', bin.command, ...bin.prefixArgs, ...args], {
      stdio: ['ignore', fd, fd],
      cwd: dir,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      closeSync(fd);
      const output = readFileSync(file, 'utf8');
      rmSync(dir, { recursive: true, force: true });
      resolve({ output, timedOut });
    };
    child.once('error', done);
    child.once('close', done);
  });
}

export interface OneProcessOptions {
  readonly url: string;
  readonly timeoutMs: number;
  readonly initiatorNames?: readonly [string, string];
}

/** `iscsi-test-cu -d -t ALL URL` in one process, killed after `timeoutMs`. */
export async function runAllInOneProcess(
  bin: TestCuBinary,
  opts: OneProcessOptions,
): Promise<OneProcessRun> {
  const started = Date.now();
  const i = opts.initiatorNames;
  const names = i ? ['-i', i[0], '-I', i[1]] : [];
  const args = ['-d', ...names, '-t', 'ALL', opts.url];
  const { output, timedOut } = await runOnce(bin, args, opts.timeoutMs);
  const seconds = Math.round((Date.now() - started) / 1000);
  return { parsed: parseCunitOutput(output), timedOut, seconds };
}

export interface RunOptions {
  readonly url: string;
  /** `FAMILY.Suite` (or `FAMILY.Suite.Test`) names, run one process each, in this order. */
  readonly suites: readonly string[];
  readonly dataloss?: boolean;
  readonly initiatorNames?: readonly [string, string];
  /** Per suite (default 60 s). */
  readonly timeoutMs?: number;
  readonly onSuite?: (run: SuiteRun) => void;
}

export async function runTestCu(bin: TestCuBinary, opts: RunOptions): Promise<TestCuRun> {
  const results = new Map<string, TestResult>();
  const suites: SuiteRun[] = [];
  for (const suite of opts.suites) {
    const args = [
      ...(opts.dataloss ? ['--dataloss'] : []),
      ...(opts.initiatorNames ? ['-i', opts.initiatorNames[0], '-I', opts.initiatorNames[1]] : []),
      '-t',
      suite,
      opts.url,
    ];
    const { output, timedOut } = await runOnce(bin, args, opts.timeoutMs ?? 60_000);
    const parsed = parseCunitOutput(output);
    for (const [name, r] of parsed.results) results.set(name, r);
    const run = { suite, output, timedOut, parsed };
    suites.push(run);
    opts.onSuite?.(run);
  }
  return { results, suites };
}
