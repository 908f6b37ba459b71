#!/usr/bin/env node
// `npm run fuzz -- --runs N [--session-runs M]`: the PDU framer, random-CDB and parameter-list
// properties with N cases each, and the TCP session properties (mutated logins, junk after
// login) with M cases each (default N / 1000: each case waits out a quiet period). Not part of
// `npm test`; a failure prints fast-check's seed and path, which replay it.
import { parseArgs } from 'node:util';
import { positiveInteger, runLongVitest } from './vitest-long.mjs';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '1000000' }, 'session-runs': { type: 'string' } },
});
const runs = positiveInteger('runs', values.runs);
const sessionRuns = positiveInteger(
  'session-runs',
  values['session-runs'] ?? Math.max(1, Math.floor(runs / 1000)),
);
console.log(
  `zbc-target: fuzz: ${runs} cases per in-process property, ${sessionRuns} per session property`,
);
runLongVitest('fuzz', ['test/unit/transport/fuzz.test.ts', 'test/unit/scsi/random-cdbs.test.ts'], {
  FUZZ_RUNS: String(runs),
  FUZZ_SESSION_RUNS: String(sessionRuns),
});
