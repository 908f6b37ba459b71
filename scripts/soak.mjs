#!/usr/bin/env node
// `npm run soak -- --minutes M [--sessions N] [--warmup W]`: runs test/soak/main.ts through
// vite-node (installed with vitest). Not part of `npm test`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureDeps, root } from './ensure-deps.mjs';

ensureDeps();
const viteNode = join(root, 'node_modules', 'vite-node', 'vite-node.mjs');
const r = spawnSync(
  process.execPath,
  [viteNode, join(root, 'test', 'soak', 'main.ts'), '--', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(r.status ?? 1);
