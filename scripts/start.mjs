#!/usr/bin/env node
// `npm start -- [flags]`: installs dependencies on first run, builds, then runs the target in the
// foreground (signals are forwarded so Ctrl-C shuts it down cleanly).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureDeps, build, root } from './ensure-deps.mjs';

ensureDeps();
build();
const child = spawn(process.execPath, [join(root, 'dist', 'src', 'main.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { UV_THREADPOOL_SIZE: '32', ...process.env },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
