// REPORT ZONES speed and memory per zone on a drive-sized host-managed LU (issue #6): a 20 TB
// profile with 256 MiB zones (zbc-reference §9.5, §11.1), kept in memory so no file system limit
// (ext4 files stop at 16 TiB) gets in the way; its RSS is compared with a small target's.
import { readFile } from 'node:fs/promises';
import { startTargetProcess } from '../helpers/target-process.js';
import { ourEnv } from './contenders.js';
import { type LoadResult, runLoad } from './load-generator.js';
import type { ZoneScaleResult } from './report-table.js';

/** The drive-like geometry; flags rather than a profile name so it does not depend on naming. */
export const LARGE_ARGS: readonly string[] = [
  '--memory',
  '--model', 'host-managed',
  '--capacity', '20TB',
  '--block-size', '512',
  '--physical-block-size', '4096',
  '--zone-size', '256MiB',
  '--conventional-zones', '745',
  '--max-open', '128',
];
export const LARGE_TITLE = '20 TB host-managed, 256 MiB zones, in memory';
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

export async function measureZoneScale(
  binary: string,
  seconds: number,
  progress: (what: string) => void,
): Promise<ZoneScaleResult> {
  let rssBaseline: number | undefined;
  progress('zone scale: small target RSS');
  const small = await startTargetProcess(SMALL_ARGS, { env: ourEnv() });
  try {
    await settle();
    rssBaseline = await rssBytes(small.child.pid ?? 0);
  } finally {
    await small.stop();
  }

  progress('zone scale: starting the 20 TB target');
  const large = await startTargetProcess(LARGE_ARGS, { env: ourEnv(), timeoutMs: 120_000 });
  let fullReport: LoadResult | undefined;
  let pageReport: LoadResult | undefined;
  let rssAfterStart: number | undefined;
  let rssAfterReport: number | undefined;
  try {
    await settle();
    const pid = large.child.pid ?? 0;
    rssAfterStart = await rssBytes(pid);
    const url = `iscsi://${large.host}:${large.port}/${large.iqns[0] ?? ''}/0`;
    progress('zone scale: full REPORT ZONES');
    fullReport = await runLoad(binary, url, { mode: 'reportzones', report: 'full', seconds, label: 'ours report full' });
    rssAfterReport = await rssBytes(pid);
    progress('zone scale: one-page REPORT ZONES');
    pageReport = await runLoad(binary, url, { mode: 'reportzones', report: 'page', seconds, label: 'ours report page' });
  } finally {
    await large.stop();
  }
  const result: ZoneScaleResult = {
    profile: LARGE_TITLE,
    zones: fullReport.zones,
    fullReport,
    pageReport,
    rssBaseline,
    rssAfterStart,
    rssAfterReport,
  };
  return result;
}
