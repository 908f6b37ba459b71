// Runs unit test files through vitest with no test timeout and extra environment, for the long
// runs that are not part of `npm test` (fuzz, model); exits with one line on failure.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureDeps, root } from './ensure-deps.mjs';

export function runLongVitest(what, files, env) {
  ensureDeps();
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const started = Date.now();
  const week = String(7 * 24 * 3600_000);
  const r = spawnSync(
    process.execPath,
    [vitest, 'run', '--project', 'unit', '--testTimeout', week, ...files],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    },
  );
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  if (r.status !== 0) {
    console.error(`zbc-target: ${what} failed after ${minutes} min (exit ${r.status ?? 'signal'})`);
    process.exit(r.status ?? 1);
  }
  console.log(`zbc-target: ${what}: passed (${minutes} min)`);
}

/** A positive integer option, or one line and exit 2. */
export function positiveInteger(name, raw) {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`zbc-target: --${name} takes a positive integer, got ${raw}`);
    process.exit(2);
  }
  return n;
}
