#!/usr/bin/env node
// `npm run fuzz -- --runs N [--session-runs M] [--seed S]`: the PDU framer, random-CDB and
// parameter-list properties with N cases each, and the TCP session properties (mutated logins,
// junk after login) with M cases each (default N / 1000: each case waits out a quiet period).
// Not part of `npm test`; prints fast-check's seed on a failure so it can be replayed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDeps, root } from './ensure-deps.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000000' },
    'session-runs': { type: 'string' },
  },
});
const runs = Number(values.runs);
const sessionRuns = Number(values['session-runs'] ?? Math.max(1, Math.floor(runs / 1000)));
if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(sessionRuns) || sessionRuns < 1) {
  console.error('zbc-target: fuzz: --runs and --session-runs take a positive integer');
  process.exit(2);
}
ensureDeps();
const FILES = ['test/unit/transport/fuzz.test.ts', 'test/unit/scsi/random-cdbs.test.ts'];
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const started = Date.now();
console.log(`zbc-target: fuzz: ${runs} cases per in-process property, ${sessionRuns} per session property`);
const r = spawnSync(
  process.execPath,
  [vitest, 'run', '--project', 'unit', '--testTimeout', String(7 * 24 * 3600_000), ...FILES],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SESSION_RUNS: String(sessionRuns) },
  },
);
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
if (r.status !== 0) {
  console.error(`zbc-target: fuzz failed after ${minutes} min (exit ${r.status ?? 'signal'})`);
  process.exit(r.status ?? 1);
}
console.log(`zbc-target: fuzz: all properties held (${minutes} min)`);
