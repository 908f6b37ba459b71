// Installs npm dependencies on first run (fresh clone), so `npm start` and `npm test` just work.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs a command in the repository with its output shown; on failure prints one line and exits. */
export function run(cmd, what = cmd) {
  try {
    execSync(cmd, { cwd: root, stdio: 'inherit' });
  } catch (e) {
    const status = typeof e?.status === 'number' && e.status > 0 ? e.status : 1;
    console.error(`zbc-target: ${what} failed (exit ${status})`);
    process.exit(status);
  }
}

export function ensureDeps() {
  if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
    console.log('zbc-target: installing npm dependencies (first run)...');
    run(
      existsSync(join(root, 'package-lock.json'))
        ? 'npm ci --no-audit --no-fund'
        : 'npm install --no-audit --no-fund',
      'npm dependency install',
    );
  }
}

export function build() {
  run('npx tsc -p tsconfig.json', 'build (tsc)');
}
