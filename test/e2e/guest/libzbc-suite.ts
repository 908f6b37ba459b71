// Helpers of libzbc-suite-cli.ts: pack a user's libzbc build for the guest, and count the results
// of a zbc_test.sh run from the `@@RESULT <log path>:TESTRESULT==<verdict>` lines the guest prints.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

function filesUnder(dir: string): string[] {
  let out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out = out.concat(filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

const isElf = (path: string): boolean => readFileSync(path).subarray(0, 4).toString() === '\x7fELF';

/** Copies the executables named `prefix*` found under `from` into `to`, flat. */
function copyPrograms(from: string, to: string, prefix: string): string[] {
  mkdirSync(to, { recursive: true });
  const names: string[] = [];
  for (const path of filesUnder(from)) {
    const name = basename(path);
    if (!name.startsWith(prefix) || name.includes('.') || !(statSync(path).mode & 0o111)) continue;
    if (!isElf(path)) {
      throw new Error(
        `${path} is not an ELF binary (a libtool wrapper?): build with --disable-shared`,
      );
    }
    cpSync(path, join(to, name));
    names.push(name);
  }
  return names;
}

/** Packs test/zbc_test.sh, test/scripts, the test programs and the tools of `src` into `tgz`. */
export function packLibzbc(src: string, tgz: string, work: string): void {
  const stage = join(work, 'libzbc');
  cpSync(join(src, 'test', 'zbc_test.sh'), join(stage, 'test', 'zbc_test.sh'));
  cpSync(join(src, 'test', 'scripts'), join(stage, 'test', 'scripts'), { recursive: true });
  const programs = copyPrograms(
    join(src, 'test', 'programs'),
    join(stage, 'test', 'programs'),
    'zbc_test_',
  );
  if (programs.length === 0)
    throw new Error(`no test programs under ${src}/test/programs (--with-test?)`);
  copyPrograms(join(src, 'tools'), join(stage, 'tools'), 'zbc_');
  execFileSync('tar', ['czf', tgz, '-C', stage, '.']);
}

export interface CaseResult {
  /** Layout of the 04 case that ran it ("" for a top-level case), e.g. "allcmr". */
  layout: string;
  section: string;
  testCase: string;
  verdict: 'passed' | 'failed' | 'n/a';
}

const RESULT_RE = /^@@RESULT (\S+)\/(\d\d)\/(\d\d\d)\.log:TESTRESULT==(\S+)/;

/** The case results in the guest's output. */
export function parseSuiteResults(output: string): CaseResult[] {
  const results: CaseResult[] = [];
  for (const line of output.split('\n')) {
    const m = RESULT_RE.exec(line);
    if (!m) continue;
    const parent = /\/04\/([^/]+)\//.exec(m[1] ?? '');
    const word = m[4] ?? '';
    results.push({
      layout: parent?.[1] ?? '',
      section: m[2] ?? '',
      testCase: m[3] ?? '',
      verdict: word.startsWith('P') ? 'passed' : word.startsWith('F') ? 'failed' : 'n/a',
    });
  }
  return results;
}

/** One line per layout and section: passed / failed / N/A, then the failed cases. */
export function summarizeSuite(output: string): string {
  const groups = new Map<string, { passed: number; failed: number; na: number; bad: string[] }>();
  for (const r of parseSuiteResults(output)) {
    const key = `${r.layout || 'top'} ${r.section}`;
    const g = groups.get(key) ?? { passed: 0, failed: 0, na: 0, bad: [] };
    if (r.verdict === 'passed') g.passed++;
    else if (r.verdict === 'failed') {
      g.failed++;
      g.bad.push(`${r.section}.${r.testCase}`);
    } else g.na++;
    groups.set(key, g);
  }
  const lines = [...groups].map(
    ([key, g]) =>
      `${key.padEnd(16)} ${g.passed} passed, ${g.failed} failed, ${g.na} N/A` +
      (g.bad.length ? `  (${g.bad.join(' ')})` : ''),
  );
  return ['libzbc results (layout section):', ...lines].join('\n');
}
