#!/usr/bin/env node
// `npm test`: installs what is missing, builds, runs the unit layer, then the end-to-end layer.
import { execSync } from 'node:child_process';
import { ensureDeps, build, root } from './ensure-deps.mjs';

ensureDeps();
execSync('node scripts/ensure-packages.mjs test', { cwd: root, stdio: 'inherit' });
build();
const run = (project) => execSync(`npx vitest run --project ${project}`, { cwd: root, stdio: 'inherit' });
try {
  run('unit');
  run('e2e');
} catch {
  process.exit(1);
}
