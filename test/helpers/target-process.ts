// Starts the real target (`node dist/src/main.js ...`) as a child process for e2e tests.
// Builds dist/ first when it is missing or older than any source file, so a test run always
// exercises the current sources. The child reports its actual port on one line
// (`zbc-target: listening on HOST:PORT`), which is why `--listen 127.0.0.1:0` works.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const mainJs = join(repoRoot, 'dist', 'src', 'main.js');
const SOURCE_DIRS = ['src', 'scsi', 'zbc', 'transport', 'sense-tables'];

export interface TargetProcess {
  readonly host: string;
  readonly port: number;
  /** Target names announced by `zbc-target: target IQN` lines, in order. */
  readonly iqns: readonly string[];
  readonly child: ChildProcess;
  /** Everything the child wrote to stdout / stderr so far. */
  output(): { stdout: string; stderr: string };
  /** SIGINT (clean shutdown), then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Sends a signal (default SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  /** Milliseconds to wait for the listening line (default 30 s). */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Node flags before the script (V8 heap flags, which NODE_OPTIONS refuses). */
  readonly nodeArgs?: readonly string[];
}

function newestSourceMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function distIsStale(): boolean {
  if (!existsSync(mainJs)) return true;
  const built = statSync(mainJs).mtimeMs;
  return SOURCE_DIRS.some((d) => newestSourceMtime(join(repoRoot, d)) > built);
}

/**
 * Builds dist/ if stale. tsc emits even when some other file has a type error, so the build
 * counts as done when dist/src/main.js exists afterwards; otherwise the compiler output is thrown.
 */
export function ensureBuilt(): void {
  if (!distIsStale()) return;
  // A directory lock keeps two test files (or two helpers) from building at once.
  const lock = join(
    tmpdir(),
    `zbc-target-build-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 12)}.lock`,
  );
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 3 minutes was left by a killed build (another waiter may remove it first).
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new Error(`target-process: build lock ${lock} held for 3 minutes`);
      else spawnSync(process.execPath, ['-e', 'setTimeout(()=>{},200)']);
    }
  }
  try {
    if (!distIsStale()) return;
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    if (
      !existsSync(mainJs) ||
      statSync(mainJs).mtimeMs < newestSourceMtime(join(repoRoot, 'src')) - 1
    ) {
      throw new Error(
        `target-process: build failed (tsc exit ${r.status}):\n${r.stdout}${r.stderr}`,
      );
    }
  } finally {
    rmdirSync(lock);
  }
}

function hasListen(args: readonly string[]): boolean {
  return args.some((a) => a === '--listen' || a.startsWith('--listen='));
}

const LISTEN_RE = /^zbc-target: listening on (\[[^\]]+\]|[^\s:]+):(\d+)\s*$/m;
const TARGET_RE = /^zbc-target: target (\S+)\s*$/gm;

export async function startTargetProcess(
  args: readonly string[],
  opts: StartOptions = {},
): Promise<TargetProcess> {
  ensureBuilt();
  const fullArgs = hasListen(args) ? [...args] : [...args, '--listen', '127.0.0.1:0'];
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), mainJs, ...fullArgs], {
    cwd: opts.cwd ?? repoRoot,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((res) => {
    if (child.exitCode !== null || child.signalCode !== null) res(child.exitCode);
    else child.once('exit', (code) => res(code));
  });

  const timeoutMs = opts.timeoutMs ?? 30_000;
  const { host, port } = await new Promise<{ host: string; port: number }>((res, rej) => {
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      rej(
        new Error(
          `target-process: no 'listening on' line within ${timeoutMs} ms; stderr:\n${stderr}\nstdout:\n${stdout}`,
        ),
      );
    }, timeoutMs);
    const onData = (): void => {
      const m = LISTEN_RE.exec(stdout);
      if (!m) return;
      cleanup();
      const rawHost = m[1] ?? '';
      res({ host: rawHost.replace(/^\[|\]$/g, ''), port: Number(m[2]) });
    };
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup();
      rej(
        new Error(
          `target-process: exited (code ${code}, signal ${signal}) before listening; stderr:\n${stderr}\nstdout:\n${stdout}`,
        ),
      );
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });

  // Target lines are printed before the listening line.
  const iqns = [...stdout.matchAll(TARGET_RE)].map((m) => m[1] as string);

  return {
    host,
    port,
    iqns,
    child,
    output: () => ({ stdout, stderr }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** A 32 MiB host-managed LU of 4096-byte blocks, 1 MiB zones, 2 conventional, max open 8. */
export const SMALL_HOST_MANAGED_4K: readonly string[] = [
  '--capacity',
  '32MiB',
  '--block-size',
  '4096',
  '--physical-block-size',
  '4096',
  '--zone-size',
  '1MiB',
  '--conventional-zones',
  '2',
  '--max-open',
  '8',
  '--model',
  'host-managed',
];
