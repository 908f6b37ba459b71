// Builds the C load generator (load-generator.c, libiscsi) into .cache/bench/ and runs it.
// One run = one process = one iSCSI session; it prints one JSON line (see load-generator.c).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { repoRoot } from '../helpers/target-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(here, 'load-generator.c');
const BINARY = join(repoRoot, '.cache', 'bench', 'zbc-load');

/** Compiles the generator when the binary is missing or older than its source. */
export function buildLoadGenerator(): string {
  if (existsSync(BINARY) && statSync(BINARY).mtimeMs >= statSync(SOURCE).mtimeMs) return BINARY;
  mkdirSync(dirname(BINARY), { recursive: true });
  execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-o', BINARY, SOURCE, '-liscsi'], {
    stdio: 'inherit',
  });
  return BINARY;
}

export type LoadMode = 'seqwrite' | 'seqread' | 'randread' | 'zonedwrite' | 'reportzones';

export interface LoadSpec {
  readonly mode: LoadMode;
  readonly bs?: number;
  readonly qd?: number;
  /** Run time; 0 leaves the bound to `ops` or `once`. */
  readonly seconds: number;
  readonly ops?: number;
  readonly offset?: number;
  readonly region?: number;
  readonly once?: boolean;
  readonly report?: 'full' | 'page';
  readonly seed?: number;
  readonly label?: string;
}

const LoadResultSchema = z.object({
  label: z.string(),
  mode: z.string(),
  bs: z.number(),
  qd: z.number(),
  block_size: z.number(),
  ops: z.number(),
  bytes: z.number(),
  seconds: z.number(),
  mbps: z.number(),
  iops: z.number(),
  p50_us: z.number(),
  p99_us: z.number(),
  max_us: z.number(),
  resets: z.number(),
  /** RESET WRITE POINTER latency (zonedwrite), 0 when none was sent. */
  reset_p50_us: z.number(),
  reset_max_us: z.number(),
  zones: z.number(),
});
export type LoadResult = z.infer<typeof LoadResultSchema>;

const LoadErrorSchema = z.object({ label: z.string(), mode: z.string(), error: z.string() });

export function loadArgs(url: string, spec: LoadSpec): string[] {
  const args = ['--url', url, '--mode', spec.mode, '--seconds', String(spec.seconds)];
  const opt = (flag: string, v: number | string | undefined): void => {
    if (v !== undefined) args.push(flag, String(v));
  };
  opt('--bs', spec.bs);
  opt('--qd', spec.qd);
  opt('--ops', spec.ops);
  opt('--offset', spec.offset);
  opt('--region', spec.region);
  opt('--report', spec.report);
  opt('--seed', spec.seed);
  opt('--label', spec.label);
  if (spec.once) args.push('--once');
  return args;
}

/** Parses the generator's one JSON line; a reported error becomes a thrown Error with its text. */
export function parseLoadOutput(stdout: string, what: string): LoadResult {
  const line = stdout.trim().split('\n').pop() ?? '';
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error(`${what}: load generator printed no JSON line: ${JSON.stringify(stdout.slice(-500))}`);
  }
  const failed = LoadErrorSchema.safeParse(json);
  if (failed.success) throw new Error(`${what}: ${failed.data.error}`);
  const ok = LoadResultSchema.safeParse(json);
  if (!ok.success) throw new Error(`${what}: unexpected load generator output ${line}`);
  return ok.data;
}

export function runLoad(binary: string, url: string, spec: LoadSpec): Promise<LoadResult> {
  const what = `${spec.label ?? spec.mode} (${url})`;
  const timeout = Math.max(60_000, (spec.seconds + 60) * 1000);
  return new Promise((resolvePromise, reject) => {
    execFile(binary, loadArgs(url, spec), { timeout, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      try {
        resolvePromise(parseLoadOutput(stdout, what));
      } catch (parseErr) {
        const extra = err && !stdout.includes('"error"') ? ` (${err.message.split('\n')[0]}; ${stderr.trim()})` : '';
        reject(new Error(`${(parseErr as Error).message}${extra}`));
      }
    });
  });
}
