#!/usr/bin/env node
// `npm run bench [-- --quick ...]`: installs what is missing (npm deps; tgt, libiscsi-dev, gcc),
// then runs test/bench/main.ts through vite-node (vitest's TypeScript runner, installed with
// vitest), passing the flags on. The target is built on first start by test/helpers/
// target-process.ts (when dist/ is missing or stale). Not part of `npm test`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureDeps, root, run } from './ensure-deps.mjs';

ensureDeps();
run('node scripts/ensure-packages.mjs bench', 'package check');
const viteNode = join(root, 'node_modules', 'vite-node', 'vite-node.mjs');
const r = spawnSync(
  process.execPath,
  [viteNode, join(root, 'test', 'bench', 'main.ts'), '--', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(r.status ?? 1);
