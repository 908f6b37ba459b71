// Runs libiscsi's iscsi-test-cu suite by suite and merges the parsed results.
//
// Why one process per suite: Debian 12's iscsi-test-cu 1.19 is built without CUnit per-test
// setup, so a test that installs a PDU hook (`local_iscsi_queue_pdu`) and returns early leaves
// it installed for every later test in the same process. CompareAndWrite.InvalidDataOutSize
// does exactly that on a thin-provisioned LU without COMPARE AND WRITE: from then on byte 13 of
// every CDB is forced to 1, and READ(16)/WRITE(16)/VERIFY(16)/PRE-FETCH(16) of 256 blocks at the
// end of the LU fail with LBA OUT OF RANGE. A process per suite confines such leaks.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../helpers/target-process.js';
import { type ParsedRun, type TestResult, parseCunitOutput } from './cunit-output.js';

/** How to start an iscsi-test-cu binary: the host's, or a staged newer one through its loader. */
export interface TestCuBinary {
  readonly label: string;
  readonly command: string;
  readonly prefixArgs: readonly string[];
}

export const HOST_TEST_CU: TestCuBinary = { label: 'libiscsi 1.19 (Debian 12)', command: 'iscsi-test-cu', prefixArgs: [] };

/**
 * libiscsi-bin 1.20 from the Debian 13 guest staging tree under .cache/guest/ (built by the guest
 * e2e harness), run on the host through the staged loader (guest-testing.md §8). Undefined when
 * no such tree exists yet.
 */
export function stagedTestCu120(): TestCuBinary | undefined {
  const base = join(repoRoot, '.cache', 'guest');
  if (!existsSync(base)) return undefined;
  const candidates: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 4) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && !e.isSymbolicLink()) {
        if (existsSync(join(p, 'usr', 'bin', 'iscsi-test-cu'))) candidates.push(p);
        else walk(p, depth + 1);
      }
    }
  };
  walk(base, 0);
  for (const root of candidates.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)) {
    const loader = join(root, 'usr', 'lib', 'x86_64-linux-gnu', 'ld-linux-x86-64.so.2');
    if (!existsSync(loader)) continue;
    const libs = [join(root, 'usr', 'lib', 'x86_64-linux-gnu'), join(root, 'lib', 'x86_64-linux-gnu')].join(':');
    const bin: TestCuBinary = {
      label: 'libiscsi 1.20 (Debian 13, staged)',
      command: loader,
      prefixArgs: ['--inhibit-cache', '--library-path', libs, join(root, 'usr', 'bin', 'iscsi-test-cu')],
    };
    // Only a binary that starts and lists the 1.20 suites counts.
    const probe = spawnSync(bin.command, [...bin.prefixArgs, '-l'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.status === 0 && probe.stdout.includes('iSCSI.iSCSINop')) return bin;
  }
  return undefined;
}

/** Lists `Suite.Test` names of the given families (e.g. iSCSI, SCSI) as the binary reports them. */
export function listTests(bin: TestCuBinary, families: readonly string[]): Map<string, string[]> {
  const r = spawnSync(bin.command, [...bin.prefixArgs, '-l'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0 && !r.stdout) throw new Error(`${bin.label}: -l failed: ${r.error?.message ?? ''}${r.stderr}`);
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

function runOnce(bin: TestCuBinary, args: readonly string[], timeoutMs: number): Promise<{ output: string; timedOut: boolean }> {
  // stdout and stderr into one file, so log lines stay in order with CUnit's own lines.
  const dir = mkdtempSync(join(tmpdir(), 'zbc-test-cu-'));
  const file = join(dir, 'out.txt');
  const fd = openSync(file, 'w');
  return new Promise((resolve) => {
    const child = spawn(bin.command, [...bin.prefixArgs, ...args], { stdio: ['ignore', fd, fd], cwd: dir });
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

export interface RunOptions {
  readonly url: string;
  /** `FAMILY.Suite` names, run one process each, in this order. */
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
      '-t', suite, opts.url,
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
