// `npm run soak -- --minutes M` (scripts/soak.mjs runs this file): 32 sessions of mixed I/O
// (test/soak/session-loop.ts) against a started target process for M minutes. Prints the
// target's RSS every minute and fails if a command fails or RSS grows after warm-up (rss.ts).
import { parseArgs } from 'node:util';
import { startTargetProcess } from '../helpers/target-process.js';
import { type MinuteRss, rssGrowthFailure, rssOf } from './rss.js';
import { BS, type SessionCounters, SoakSession } from './session-loop.js';

const USAGE = 'usage: npm run soak -- [--minutes M] [--sessions N] [--warmup W]';
const ZONE_BYTES = 2 ** 20;
const ZONE_COUNT = 256;
const CONVENTIONAL = 4;

function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`zbc-target: soak: --${name} takes a positive integer, got ${raw}\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      sessions: { type: 'string', default: '32' },
      warmup: { type: 'string' },
    },
  });
  const minutes = positive('minutes', values.minutes);
  const sessions = positive('sessions', values.sessions);
  // Warm-up: long enough for every zone's data chunks to be allocated once.
  const warmup =
    values.warmup === undefined ? (minutes >= 5 ? 2 : 1) : positive('warmup', values.warmup);
  if (minutes < warmup + 2) {
    console.error(`zbc-target: soak: --minutes must be at least warm-up (${warmup}) + 2\n${USAGE}`);
    return 2;
  }
  const target = await startTargetProcess([
    '--model',
    'host-managed',
    '--memory',
    '--capacity',
    `${ZONE_BYTES * ZONE_COUNT}`,
    '--zone-size',
    `${ZONE_BYTES}`,
    '--conventional-zones',
    String(CONVENTIONAL),
    '--max-open',
    'unlimited',
  ]);
  const pid = target.child.pid!;
  const zoneBlocks = ZONE_BYTES / BS;
  const counters: SessionCounters = { commands: 0, reconnects: 0 };
  const started = Date.now();
  const stopAt = started + minutes * 60_000;
  console.log(
    `zbc-target: soak: ${sessions} sessions for ${minutes} min (warm-up ${warmup}), ` +
      `target pid ${pid}`,
  );

  const loops = Array.from({ length: sessions }, (_, i) => {
    const zones: number[] = [];
    for (let z = CONVENTIONAL + i; z < ZONE_COUNT; z += sessions) zones.push(z * zoneBlocks);
    const where = { host: target.host, port: target.port, targetName: target.iqns[0]!, zoneBlocks };
    const s = new SoakSession(
      where,
      zones,
      counters,
      1000 + i,
      `iqn.2026-11.dev.zbc-target:soak-${i}`,
    );
    return s.loop(stopAt);
  });
  let failure: unknown;
  const all = Promise.all(loops).catch((e: unknown) => {
    failure = e;
  });

  const perMinute: MinuteRss[] = [];
  let minute = 1;
  let samples: number[] = [];
  let lastCommands = 0;
  const closeMinute = (): void => {
    const row = { minute, min: Math.min(...samples), max: Math.max(...samples) };
    perMinute.push(row);
    const mib = (n: number) => (n / 2 ** 20).toFixed(1);
    const seconds = (Date.now() - started) / 1000 - (minute - 1) * 60;
    const rate = Math.round((counters.commands - lastCommands) / seconds);
    console.log(
      `minute ${minute}: RSS ${mib(row.min)}-${mib(row.max)} MiB, ${rate} commands/s, ` +
        `${counters.commands} commands, ${counters.reconnects} reconnects` +
        (minute <= warmup ? ' (warm-up)' : ''),
    );
    lastCommands = counters.commands;
    samples = [];
    minute++;
  };
  const sampler = setInterval(() => {
    samples.push(rssOf(pid));
    if (Date.now() - started >= minute * 60_000) closeMinute();
  }, 2000);
  await all;
  clearInterval(sampler);
  // The last minute ends with the sessions (a sample or two may miss the timer).
  if (minute <= minutes) {
    samples.push(rssOf(pid));
    closeMinute();
  }
  const exit = await target.stop();
  if (failure !== undefined) {
    console.error(
      `zbc-target: soak failed: ${failure instanceof Error ? failure.message : String(failure)}`,
    );
    return 1;
  }
  if (exit !== 0) {
    console.error(`zbc-target: soak: target exited with ${exit}\n${target.output().stderr}`);
    return 1;
  }
  const growth = rssGrowthFailure(perMinute, warmup);
  if (growth !== null) {
    console.error(`zbc-target: soak failed: ${growth}`);
    return 1;
  }
  console.log(
    `zbc-target: soak passed: ${counters.commands} commands, none failed; ` +
      'RSS did not grow after warm-up',
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`zbc-target: soak: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
