#!/usr/bin/env node
// `npm test`: installs what is missing, builds, runs the unit layer, then the end-to-end layer.
import { ensureDeps, build, run } from './ensure-deps.mjs';

ensureDeps();
run('node scripts/ensure-packages.mjs test', 'package check');
build();
for (const project of ['unit', 'e2e']) run(`npx vitest run --project ${project}`, `${project} tests`);
