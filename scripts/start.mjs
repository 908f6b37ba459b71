#!/usr/bin/env node
// `npm start -- [flags]`: installs dependencies on first run, builds, then runs the target in the
// foreground (signals are forwarded so Ctrl-C shuts it down cleanly). The control server is on
// by default here (127.0.0.1:3280); --admin HOST:PORT moves it, --no-admin turns it off.
// `npm run ctl -- ...` runs the control CLI the same way.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureDeps, build, root } from './ensure-deps.mjs';

ensureDeps();
build();
const args = process.argv.slice(2);
const chooses = args.some((a) => a === '--admin' || a.startsWith('--admin=') || a === '--no-admin');
const help = args.includes('--help') || args.includes('-h');
const adminDefault = args[0] === 'ctl' || chooses || help ? [] : ['--admin', '127.0.0.1:3280'];
const main = join(root, 'dist', 'src', 'main.js');
// A high initial old-generation limit: the socket chunks that writes hold until the thread pool
// has written them count as old-generation memory, and a small heap's low limit made a full
// garbage collection every few writes (docs/bench.md). Node refuses this flag in NODE_OPTIONS.
const nodeArgs = ['--initial-old-space-size=256'];
const child = spawn(process.execPath, [...nodeArgs, main, ...args, ...adminDefault], {
  stdio: 'inherit',
  env: { UV_THREADPOOL_SIZE: '32', ...process.env },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
