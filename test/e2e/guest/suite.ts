// vitest glue for guest scenarios: one boot per describe block (beforeAll), then one test per
// group of checks, so a failure names the scenario, the group and each failed step with its detail.
import { beforeAll, describe, expect, it } from 'vitest';
import { startTargetProcess, type TargetProcess } from '../../helpers/target-process.js';
import { buildGuest, type GuestImage } from './build-guest.js';
import { groupVerdict } from './group-verdict.js';
import { type GuestResult, describeFailure } from './run-guest.js';

/** The host-managed geometry the zoned scenarios run against (profile "default", docs/zones.md). */
export const HM_GEOMETRY = {
  LBS: 512,
  PBS: 4096,
  ZONE_SECTORS: 8192,
  NR_ZONES: 256,
  NR_CONV: 8,
  MAX_OPEN: 8,
} as const;

/** Target flags giving HM_GEOMETRY explicitly (src/cli.ts). */
export const HM_TARGET_ARGS = [
  '--model',
  'host-managed',
  '--capacity',
  '1GiB',
  '--zone-size',
  '4MiB',
  '--conventional-zones',
  '8',
  '--max-open',
  '8',
  '--block-size',
  '512',
  '--physical-block-size',
  '4096',
];

/** scsi_debug as Linux's reference model, with the same zone geometry on a smaller disk. */
export const SCSI_DEBUG_GEOMETRY = { ...HM_GEOMETRY, NR_ZONES: 64 } as const;
export const SCSI_DEBUG_PARAMS =
  'zbc=host-managed dev_size_mb=256 zone_size_mb=4 zone_nr_conv=8 zone_max_open=8 physblk_exp=3 sector_size=512';

/** Check groups (name prefixes before the first dot) that zoned.sh reports. */
export const ZONED_GROUPS = [
  'sysfs',
  'vpd',
  'readcap16',
  'blkzone',
  'sd',
  'sg_zone',
  'sg_reset_wp',
  'wp',
  'boundary',
  'full',
  'range',
  'read',
  'zone_op',
  'rep_zones',
  'resources',
  'fio',
];
export const FS_GROUPS = ['btrfs', 'f2fs', 'zonefs'];

export interface Deviation {
  /** The FAIL detail the reference produces (it asserts the standard, so it fails there). */
  detail: RegExp;
  why: string;
}

export interface GuestSuite {
  title: string;
  groups: string[];
  run: () => Promise<GuestResult>;
  /** Checks that must FAIL with this detail (a reference model that departs from the standard). */
  deviations?: Record<string, Deviation>;
}

let image: GuestImage | undefined;
/** Builds (or finds cached) the guest image once per test file. */
export function guestImage(): GuestImage {
  image ??= buildGuest();
  return image;
}

const groupOf = (name: string): string => name.split('.')[0] ?? name;

export function defineGuestSuite(s: GuestSuite): void {
  describe(s.title, () => {
    let result: GuestResult | undefined;
    let error: unknown;
    beforeAll(async () => {
      try {
        result = await s.run();
      } catch (e) {
        error = e;
      }
    });
    const deviations = s.deviations ?? {};

    it('boots, runs the scenario to its end and reports no check outside the known groups', () => {
      if (error) throw error;
      const r = result as GuestResult;
      expect(r.status, describeFailure(r)).toBe('completed');
      const stray = r.checks.filter(
        (c) => !c.ok && !s.groups.includes(groupOf(c.name)) && !(c.name in deviations),
      );
      expect(
        stray.map((c) => `${c.name}: ${c.detail}`),
        describeFailure(r),
      ).toEqual([]);
    });

    it.for(s.groups)('%s', (group, ctx) => {
      if (error) throw error;
      const r = result as GuestResult;
      const verdict = groupVerdict(r.checks, group, new Set(Object.keys(deviations)));
      // The message lists each failed step with its detail, so the one-line summary names it.
      if (verdict.kind === 'failed') {
        expect.fail(`${s.title}: ${verdict.message}\n${describeFailure(r)}`);
      }
      if (verdict.kind === 'skipped') ctx.skip(verdict.reason);
    });

    const devNames = Object.keys(deviations);
    if (devNames.length > 0) {
      it.each(devNames)('deviates from the standard as documented: %s', (name) => {
        if (error) throw error;
        const d = deviations[name] as Deviation;
        const c = (result as GuestResult).checks.find((x) => x.name === name);
        expect(c, `${name} not reported`).toBeDefined();
        expect(c?.ok, `${name} now passes: ${d.why} no longer holds; drop the deviation`).toBe(
          false,
        );
        expect(c?.detail).toMatch(d.detail);
      });
    }
  });
}

/** Starts the target with args, runs fn, and always stops the target (SIGINT, then SIGKILL). */
export async function withTarget<T>(
  args: string[],
  fn: (t: TargetProcess) => Promise<T>,
): Promise<T> {
  const t = await startTargetProcess(args);
  try {
    return await fn(t);
  } finally {
    await t.stop();
  }
}

/**
 * A guest console hook (runGuest onLine) for scenarios that have the host stop or crash the
 * target: on a marker line it stops (SIGINT) or kills (SIGKILL) `holder.target`, starts it again
 * with `args` on the same port (same backing files), and answers `restarted` (or
 * `restart-failed`, keeping the error in holder.error) on the guest's console.
 */
export function restartOnMarkers(
  holder: { target: TargetProcess | undefined; error?: unknown },
  args: readonly string[],
  markers: Readonly<Record<string, 'SIGINT' | 'SIGKILL'>>,
): (line: string, reply: (text: string) => void) => void {
  return (line, reply) => {
    const signal = markers[line.trim()];
    if (signal === undefined) return;
    void (async () => {
      try {
        const port = holder.target?.port;
        if (signal === 'SIGINT') await holder.target?.stop();
        else await holder.target?.kill('SIGKILL');
        holder.target = await startTargetProcess([...args, '--listen', `127.0.0.1:${port}`]);
        reply('restarted\n');
      } catch (e) {
        holder.error = e;
        reply('restart-failed\n');
      }
    })();
  };
}

/** The check that reports a failed host-side restart (restartOnMarkers' holder.error). */
export function hostSideFailure(error: unknown): GuestResult['checks'][number] {
  return { name: 'restart.host_side', ok: false, skipped: false, detail: String(error) };
}

/** The guest's view of a target on the host's loopback. */
export function portalFor(t: TargetProcess): string {
  return `10.0.2.2:${t.port}`;
}
