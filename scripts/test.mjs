#!/usr/bin/env node
// `npm test`: installs what is missing, builds, runs the unit layer, then the end-to-end layer.
import { ensureDeps, build, run } from './ensure-deps.mjs';

ensureDeps();
run('node scripts/ensure-packages.mjs test', 'package check');
run('npx biome format .', 'format check (npm run format fixes it)');
build();
run('npx vitest run --project unit', 'unit tests');
// The guest image is built (or found in .cache/) before vitest starts: the build is synchronous,
// and inside a vitest worker a long one starves the worker's RPC to the main process.
run('npx vite-node test/e2e/guest/build-guest-cli.ts > /dev/null', 'guest image build');
run('npx vitest run --project e2e', 'e2e tests');
