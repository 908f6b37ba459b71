// `npm run bench` (scripts/bench.mjs runs this file): zbc-target against tgt and the loopback TCP
// ceiling, interleaved rounds, a table of medians with ratios, spread and tgt's noise floor, plus
// REPORT ZONES speed and memory per zone on a 20 TB profile. Results go to bench-results/
// (git-ignored) and to stdout.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BENCH_CASES,
  type BenchSizes,
  FULL_SIZES,
  type LuRole,
  type Measurement,
  prefillSpecs,
  rolesFor,
  sessionSpec,
  warmupSpecs,
  QUICK_SIZES,
  TARGET_IDS,
  TARGET_TITLES,
  type TargetId,
} from './cases.js';
import { type Contender, startContender } from './contenders.js';
import { type ControlCheck, controlCheckLines, scrapeCommands } from './control-check.js';
import { cpuNanosecondsOf } from './process-cpu.js';
import { repoRoot } from '../helpers/target-process.js';
import { buildLoadGenerator, type LoadResult, runLoad, runSessions } from './load-generator.js';
import {
  addSample,
  ceilingTable,
  roundTripTable,
  runCeiling,
  type Samples,
  summarize,
  throughputTable,
  type ZoneScaleResult,
  zoneScaleTable,
} from './report-table.js';
import { machineLine, profileSections } from './run-context.js';
import { roundOrder } from './stats.js';
import { measureRoundTripFloor, type RoundTripSample } from './rtt-floor.js';
import { type CeilingSample, measureTcpCeiling } from './tcp-ceiling.js';
import { measureZoneScale } from './zone-scale.js';

const USAGE = `usage: npm run bench -- [--quick] [--rounds N] [--seconds S] [--targets ours,tgt-tuned,...]
                       [--cases ID,...] [--no-zones] [--cpu-prof]
  --quick      2 rounds of 1 s on smaller regions (about 2 minutes)
  --targets    subset of ${TARGET_IDS.join(',')}
  --cases      subset of ${BENCH_CASES.map((c) => c.id).join(',')}
  --no-zones   skip the 20 TB REPORT ZONES / memory measurement
  --cpu-prof   profile our target with V8's CPU profiler (files in bench-results/cpu-prof-*/,
               summarised in the report)`;

function parseFlags() {
  return parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      targets: { type: 'string' },
      cases: { type: 'string' },
      'no-zones': { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  }).values;
}

let args: ReturnType<typeof parseFlags>;
try {
  args = parseFlags();
} catch (err) {
  console.error(`bench: ${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

const base = args.quick ? QUICK_SIZES : FULL_SIZES;
function positive(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`bench: --${flag} must be a positive number, got ${value}`);
    process.exit(2);
  }
  return n;
}
const sizes: BenchSizes = {
  ...base,
  rounds: Math.round(positive('rounds', args.rounds, base.rounds)),
  seconds: positive('seconds', args.seconds, base.seconds),
};
const targets = (args.targets ? args.targets.split(',') : [...TARGET_IDS]) as TargetId[];
for (const t of targets) {
  if (!TARGET_IDS.includes(t)) {
    console.error(`bench: unknown target ${t}\n${USAGE}`);
    process.exit(2);
  }
}

const cases = args.cases
  ? BENCH_CASES.filter((c) => args.cases?.split(',').includes(c.id))
  : BENCH_CASES;
if (cases.length === 0) {
  console.error(`bench: no case matches ${args.cases}\n${USAGE}`);
  process.exit(2);
}

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const resultsDir = join(repoRoot, 'bench-results');
mkdirSync(resultsDir, { recursive: true });
const rawFile = join(resultsDir, `bench-${stamp}.jsonl`);
const reportFile = join(resultsDir, `bench-${stamp}.md`);
const started = Date.now();
const loadAtStart = loadavg()[0] ?? Number.NaN;

// ---- progress line: rewritten in place on a terminal, one line per step otherwise ----
const tty = process.stderr.isTTY === true;
function progress(what: string): void {
  const s = Math.round((Date.now() - started) / 1000);
  const line = `bench [${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}] ${what}`;
  if (tty) process.stderr.write(`\r\x1b[K${line}`);
  else process.stderr.write(`${line}\n`);
}
function endProgress(): void {
  if (tty) process.stderr.write('\r\x1b[K');
}

function record(kind: string, target: string, result: LoadResult | object): void {
  appendFileSync(rawFile, `${JSON.stringify({ kind, target, ...result })}\n`);
}

/** fdatasync of every file in `dir` (Linux syncs through a read-only descriptor too). */
async function syncFiles(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const fh = await open(join(dir, name), 'r');
    try {
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }
}

async function main(): Promise<number> {
  progress('building the load generator');
  const binary = buildLoadGenerator();
  const dir = await mkdtemp(join(tmpdir(), 'zbc-bench-'));
  const contenders = new Map<TargetId, Contender>();
  const samples: Samples = new Map();
  const ceilings: CeilingSample[] = [];
  const floors: RoundTripSample[] = [];
  let zoneScale: ZoneScaleResult | undefined;
  let failure: string | undefined;
  // Commands completed per LU role of ours, checked against the control server's counter.
  const oursOps = new Map<LuRole, number>();
  const countOurs = (id: TargetId, lu: LuRole, r: LoadResult): void => {
    if (id === 'ours') oursOps.set(lu, (oursOps.get(lu) ?? 0) + r.ops);
  };
  const controlChecks: ControlCheck[] = [];
  const cpuProfDir = join(resultsDir, `cpu-prof-${stamp}`);
  // node refuses --cpu-prof in NODE_OPTIONS; a preload module does the same job.
  const preload = pathToFileURL(join(repoRoot, 'test', 'bench', 'cpu-profile-preload.mjs')).href;
  const ourExtraEnv: NodeJS.ProcessEnv = args['cpu-prof']
    ? {
        NODE_OPTIONS: `--import=${preload}`,
        ZBC_CPU_PROF_DIR: cpuProfDir,
        ZBC_CPU_PROF_ON_SIGNAL: '1',
      }
    : {};

  // Ctrl-C: stop the targets (tgtd would outlive us) before leaving.
  const onSignal = (): void => {
    endProgress();
    console.error('bench: interrupted, stopping the targets');
    void Promise.all([...contenders.values()].map((c) => c.stop().catch(() => undefined)))
      .then(() => rm(dir, { recursive: true, force: true }))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    for (const id of targets) {
      progress(`starting ${TARGET_TITLES[id]}`);
      const roles = rolesFor(id, cases, sizes);
      contenders.set(id, await startContender(id, { dir, sizes, roles, ourEnv: ourExtraEnv }));
    }
    for (const [id, c] of contenders) {
      for (const { lu, spec } of prefillSpecs(id, sizes, rolesFor(id, cases, sizes))) {
        const url = c.urls[lu];
        if (!url) continue;
        progress(`prefill ${TARGET_TITLES[id]} (${lu} LU)`);
        const r = await runLoad(binary, url, spec);
        countOurs(id, lu, r);
        record('prefill', id, r);
      }
    }
    // Write the prefill's freshly allocated blocks back before measuring: left dirty, they make
    // every later fdatasync on the file system (our durable RESET WRITE POINTER) wait for an ext4
    // journal commit that flushes gigabytes of ordered data, a cost of the prefill, not of steady use.
    progress('writing the prefilled backing files back to disk');
    await syncFiles(dir);
    for (const [id, c] of contenders) {
      for (const { lu, spec } of warmupSpecs(id, sizes, rolesFor(id, cases, sizes))) {
        const url = c.urls[lu];
        if (!url) continue;
        progress(`warm-up ${TARGET_TITLES[id]} (${lu} LU)`);
        const r = await runLoad(binary, url, spec);
        countOurs(id, lu, r);
        record('warm-up', id, r);
      }
    }
    // Profile the measured rounds only, not the prefill (cpu-profile-preload.mjs).
    if (args['cpu-prof'])
      for (const pid of contenders.get('ours')?.pids ?? []) process.kill(pid, 'SIGUSR2');
    const totalRuns =
      sizes.rounds *
      cases.reduce((n, c) => n + targets.filter((t) => c.plan(t, sizes) !== undefined).length, 0);
    let done = 0;
    for (let round = 0; round < sizes.rounds; round++) {
      progress(`round ${round + 1}/${sizes.rounds} · loopback TCP ceiling`);
      const ceiling = await measureTcpCeiling(sizes.seconds);
      ceilings.push(ceiling);
      record('tcp-ceiling', 'loopback', { round, ...ceiling });
      if (cases.some((c) => c.id === 'randread-4k-qd1')) {
        progress(`round ${round + 1}/${sizes.rounds} · loopback round-trip floor`);
        const floor = await measureRoundTripFloor();
        floors.push(floor);
        record('rtt-floor', 'loopback', { round, ...floor });
      }
      // Cases rotate too, so a variant and its reference (control server on / off, SATA / SCSI)
      // do not always run in the same order, one after the other's writeback.
      for (const c of roundOrder(cases, round)) {
        for (const id of roundOrder(targets, round)) {
          const planned = c.plan(id, sizes);
          const url = planned ? contenders.get(id)?.urls[planned.lu] : undefined;
          if (!planned || !url) continue;
          done++;
          progress(
            `round ${round + 1}/${sizes.rounds} · ${c.title} · ${TARGET_TITLES[id]} (${done}/${totalRuns})`,
          );
          const pids = contenders.get(id)?.pids ?? [];
          const cpuBefore = await cpuNanosecondsOf(pids);
          const spec = { ...planned.spec, seed: round * 7919 + 1 };
          const sessions = c.sessions ?? 1;
          const result = await runSessions(binary, url, sessions, (i) =>
            sessionSpec(spec, sessions, i),
          );
          const cpuNs = (await cpuNanosecondsOf(pids)) - cpuBefore;
          countOurs(id, planned.lu, result);
          const measurement: Measurement = { ...result, cpu_us_per_op: cpuNs / 1000 / result.ops };
          addSample(samples, c.id, id, measurement);
          record(c.id, id, { round, ...measurement });
        }
      }
    }
  } catch (err) {
    failure = (err as Error).message;
  } finally {
    for (const [role, adminUrl] of Object.entries(contenders.get('ours')?.adminUrls ?? {})) {
      const sent = oursOps.get(role as LuRole) ?? 0;
      try {
        controlChecks.push({ role, sent, counted: await scrapeCommands(adminUrl) });
      } catch (err) {
        controlChecks.push({ role, sent, error: (err as Error).message });
      }
    }
    progress('stopping the targets');
    await Promise.all([...contenders.values()].map((c) => c.stop().catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
  }

  if (!failure && targets.includes('ours') && !args['no-zones']) {
    try {
      zoneScale = await measureZoneScale(binary, sizes.reportSeconds, progress);
      record('zone-scale', 'ours', zoneScale);
    } catch (err) {
      failure = `zone scale: ${(err as Error).message}`;
    }
  }
  endProgress();

  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const parts = [
    `## Benchmark ${new Date().toISOString()}${args.quick ? ' (--quick)' : ''}`,
    '',
    `Machine: ${machineLine(loadAtStart)}.`,
    `Rounds: ${sizes.rounds} × ${sizes.seconds} s per measurement, targets interleaved in rotating order; ` +
      `medians over rounds; spread = (max − min) ÷ median. Took ${minutes} min.`,
    '',
    ceilingTable(ceilings),
    '',
    ...(floors.length > 0 ? [roundTripTable(floors), ''] : []),
    throughputTable(summarize(samples, cases, runCeiling(ceilings))),
  ];
  if (controlChecks.length > 0) parts.push('', ...controlCheckLines(controlChecks));
  if (zoneScale) parts.push('', zoneScaleTable(zoneScale));
  if (args['cpu-prof']) parts.push('', ...profileSections(cpuProfDir));
  if (failure) parts.push('', `**FAILED:** ${failure}`);
  parts.push('', `Raw results: ${rawFile.slice(repoRoot.length + 1)}`);
  const report = parts.join('\n');
  writeFileSync(reportFile, `${report}\n`);
  writeFileSync(join(resultsDir, 'latest.md'), `${report}\n`);
  console.log(report);
  if (failure) console.error(`bench: FAILED: ${failure}`);
  return failure ? 1 : 0;
}

// Failures before the measurements (compiling the load generator, say) end in one line, not a stack.
process.exitCode = await main().catch((err: unknown) => {
  endProgress();
  console.error(`bench: FAILED: ${err instanceof Error ? err.message : String(err)}`);
  return 1;
});
