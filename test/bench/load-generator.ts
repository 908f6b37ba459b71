// Builds the C load generator (load-generator.c, libiscsi) into .cache/bench/ and runs it.
// One run = one process = one iSCSI session; it prints one JSON line (see load-generator.c).
// runSessions starts several at once and adds their results up (the multi-session cases).
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { repoRoot } from '../helpers/target-process.js';

const here = dirname(fileURLToPath(import.meta.url));
/**
 * Compiles `source` (a C file beside this one) unless a binary of this exact source exists. The
 * name carries a hash of the source: checkouts of other versions share .cache/ and must not run
 * each other's binary.
 */
export function buildBenchTool(source: string, name: string, libs: readonly string[] = []): string {
  const path = join(here, source);
  const hash = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12);
  const binary = join(repoRoot, '.cache', 'bench', `${name}-${hash}`);
  if (existsSync(binary)) return binary;
  mkdirSync(dirname(binary), { recursive: true });
  const building = `${binary}.${process.pid}.tmp`;
  execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-o', building, path, ...libs], {
    stdio: 'inherit',
  });
  execFileSync('mv', ['-f', building, binary]);
  return binary;
}

/** The libiscsi load generator (load-generator.c). */
export function buildLoadGenerator(): string {
  return buildBenchTool('load-generator.c', 'zbc-load', ['-liscsi']);
}

export type LoadMode =
  | 'seqwrite'
  | 'seqread'
  | 'randread'
  | 'zonedwrite'
  | 'zonedwrite-ata'
  | 'reportzones';

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
  reset_p99_us: z.number(),
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
    throw new Error(
      `${what}: load generator printed no JSON line: ${JSON.stringify(stdout.slice(-500))}`,
    );
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
    execFile(
      binary,
      loadArgs(url, spec),
      { timeout, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        try {
          resolvePromise(parseLoadOutput(stdout, what));
        } catch (parseErr) {
          const extra =
            err && !stdout.includes('"error"')
              ? ` (${err.message.split('\n')[0]}; ${stderr.trim()})`
              : '';
          reject(new Error(`${(parseErr as Error).message}${extra}`));
        }
      },
    );
  });
}

/**
 * `sessions` generators at once, each its own iSCSI session; `part(i)` adapts the spec per
 * session (its slice of the region, its seed). Sums ops, bytes, MB/s and IOPS; latencies are the
 * worst session's (a p99 of p99s would hide the slow session).
 */
export async function runSessions(
  binary: string,
  url: string,
  sessions: number,
  part: (session: number) => LoadSpec,
): Promise<LoadResult> {
  const results = await Promise.all(
    Array.from({ length: sessions }, (_, i) => runLoad(binary, url, part(i))),
  );
  const first = results[0];
  if (first === undefined || sessions === 1) return first as LoadResult;
  const sum = (k: 'ops' | 'bytes' | 'mbps' | 'iops' | 'resets'): number =>
    results.reduce((n, r) => n + r[k], 0);
  const worst = (k: 'p50_us' | 'p99_us' | 'max_us'): number =>
    Math.max(...results.map((r) => r[k]));
  return {
    ...first,
    label: `${first.label} ×${sessions}`,
    ops: sum('ops'),
    bytes: sum('bytes'),
    mbps: sum('mbps'),
    iops: sum('iops'),
    resets: sum('resets'),
    seconds: Math.max(...results.map((r) => r.seconds)),
    p50_us: worst('p50_us'),
    p99_us: worst('p99_us'),
    max_us: worst('max_us'),
  };
}
