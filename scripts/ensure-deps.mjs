// Installs npm dependencies on first run (fresh clone), so `npm start` and `npm test` just work.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function ensureDeps() {
  if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
    console.log('zbc-target: installing npm dependencies (first run)...');
    execSync(existsSync(join(root, 'package-lock.json')) ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
  }
}

export function build() {
  execSync('npx tsc -p tsconfig.json', { cwd: root, stdio: 'inherit' });
}
