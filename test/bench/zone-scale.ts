// REPORT ZONES speed and memory per zone on a drive-sized host-managed LU (issue #6): a 20 TB
// profile with 256 MiB zones (hm-20tb, docs/zones.md), kept in memory so no file system limit
// (ext4 files stop at 16 TiB) gets in the way; its RSS is compared with a small target's.
import { readFile } from 'node:fs/promises';
import { startTargetProcess } from '../helpers/target-process.js';
import { OUR_NODE_ARGS, ourEnv } from './contenders.js';
import { type LoadResult, runLoad } from './load-generator.js';
import { cpuNanosecondsOf } from './process-cpu.js';
import type { ZoneScaleResult } from './report-table.js';
import { median } from './stats.js';

/** The drive-like profile of zbc/profiles.ts (74,507 zones of 256 MiB, 745 conventional). */
export const LARGE_ARGS: readonly string[] = ['--memory', '--profile', 'hm-20tb'];
export const LARGE_TITLE = 'hm-20tb: 20 TB host-managed, 256 MiB zones, in memory';
/** The small reference: the embedded default profile, in memory. */
export const SMALL_ARGS: readonly string[] = ['--memory', '--profile', 'default'];

/** Resident set size in bytes, from /proc/PID/status (VmRSS, in kB). */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 1_000));

/** RSS of a freshly started target, after a short settle. */
async function startedRss(args: readonly string[]): Promise<number> {
  const p = await startTargetProcess(args, {
    env: ourEnv(),
    nodeArgs: OUR_NODE_ARGS,
    timeoutMs: 120_000,
  });
  try {
    await settle();
    return await rssBytes(p.child.pid ?? 0);
  } finally {
    await p.stop();
  }
}

/** RSS varies by up to ~2.5 MiB between starts of the small target: take the median of a few. */
const RSS_SAMPLES = 5;

export async function measureZoneScale(
  binary: string,
  seconds: number,
  progress: (what: string) => void,
): Promise<ZoneScaleResult> {
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < RSS_SAMPLES - 1; i++) {
    progress(`zone scale: RSS after start, small and 20 TB targets (${i + 1}/${RSS_SAMPLES})`);
    small.push(await startedRss(SMALL_ARGS));
    large.push(await startedRss(LARGE_ARGS));
  }
  progress(`zone scale: RSS after start, small and 20 TB targets (${RSS_SAMPLES}/${RSS_SAMPLES})`);
  small.push(await startedRss(SMALL_ARGS));

  const target = await startTargetProcess(LARGE_ARGS, {
    env: ourEnv(),
    nodeArgs: OUR_NODE_ARGS,
    timeoutMs: 120_000,
  });
  let fullReport: LoadResult | undefined;
  let pageReport: LoadResult | undefined;
  let rssAfterReport: number | undefined;
  let fullReportCpuUs: number | undefined;
  try {
    await settle();
    const pid = target.child.pid ?? 0;
    large.push(await rssBytes(pid));
    const url = `iscsi://${target.host}:${target.port}/${target.iqns[0] ?? ''}/0`;
    progress('zone scale: one full REPORT ZONES, then RSS');
    await runLoad(binary, url, {
      mode: 'reportzones',
      report: 'full',
      seconds: 0,
      ops: 1,
      label: 'ours report once',
    });
    rssAfterReport = await rssBytes(pid);
    progress('zone scale: full REPORT ZONES');
    // Unmeasured reports first: the first ones run V8's cold code (25 ms where a warm one takes 2).
    await runLoad(binary, url, {
      mode: 'reportzones',
      report: 'full',
      seconds: 0,
      ops: 10,
      label: 'ours report warm-up',
    });
    const cpuBefore = await cpuNanosecondsOf([pid]);
    fullReport = await runLoad(binary, url, {
      mode: 'reportzones',
      report: 'full',
      seconds,
      label: 'ours report full',
    });
    fullReportCpuUs = ((await cpuNanosecondsOf([pid])) - cpuBefore) / 1000 / fullReport.ops;
    progress('zone scale: one-page REPORT ZONES');
    pageReport = await runLoad(binary, url, {
      mode: 'reportzones',
      report: 'page',
      seconds,
      label: 'ours report page',
    });
  } finally {
    await target.stop();
  }
  return {
    profile: LARGE_TITLE,
    zones: fullReport.zones,
    fullReport,
    pageReport,
    fullReportCpuUs,
    rssBaseline: median(small),
    rssAfterStart: median(large),
    rssAfterReport,
    rssSamples: { small, large },
  };
}
