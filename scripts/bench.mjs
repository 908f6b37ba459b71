#!/usr/bin/env node
// `npm run bench [-- --quick ...]`: installs what is missing (npm deps; tgt, libiscsi-dev, gcc),
// builds the target, then runs test/bench/main.ts through vite-node (vitest's TypeScript runner,
// already installed with vitest), passing the flags on. Not part of `npm test`.
import { spawnSync, execSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureDeps, build, root } from './ensure-deps.mjs';

ensureDeps();
execSync('node scripts/ensure-packages.mjs bench', { cwd: root, stdio: 'inherit' });
build();
const viteNode = join(root, 'node_modules', 'vite-node', 'vite-node.mjs');
const r = spawnSync(process.execPath, [viteNode, join(root, 'test', 'bench', 'main.ts'), '--', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
