// What the benchmark measures (issues #6 and #13), on which target, and the goals it reports
// against: tgt, the loopback TCP ceiling measured in the same run, fixed times, or our own
// single-session figure.
import type { LoadMode, LoadResult, LoadSpec } from './load-generator.js';

/** The contenders. tgt-tuned-b is a second, identical tuned tgtd: B ÷ A is the noise floor. */
export const TARGET_IDS = ['ours', 'tgt-tuned', 'tgt-stock', 'tgt-tuned-b'] as const;
export type TargetId = (typeof TARGET_IDS)[number];

export const TARGET_TITLES: Readonly<Record<TargetId, string>> = {
  ours: 'zbc-target',
  'tgt-tuned': 'tgt tuned',
  'tgt-stock': 'tgt stock',
  'tgt-tuned-b': 'tgt tuned B',
};

export interface BenchSizes {
  readonly rounds: number;
  /** Run time of one measurement. */
  readonly seconds: number;
  /** Every backing file has this size (sparse). */
  readonly lunBytes: number;
  /** Prefilled with stamped blocks, then read (sequential and random). */
  readonly readRegion: number;
  /** Sequential writes wrap inside it; the zoned write uses the sequential zones inside it. */
  readonly writeRegion: number;
  /** Zone size of our host-managed LU; one conventional zone leads, the rest are sequential. */
  readonly zoneBytes: number;
  readonly conventionalZones: number;
  /** How long each REPORT ZONES variant runs on the 20 TB profile. */
  readonly reportSeconds: number;
}

const KiB = 2 ** 10;
const MiB = 2 ** 20;
const GiB = 2 ** 30;

export const FULL_SIZES: BenchSizes = {
  rounds: 5,
  seconds: 3,
  lunBytes: 8 * GiB,
  readRegion: 1 * GiB,
  writeRegion: 2 * GiB,
  zoneBytes: 64 * MiB,
  conventionalZones: 1,
  reportSeconds: 3,
};

export const QUICK_SIZES: BenchSizes = {
  rounds: 2,
  seconds: 1,
  lunBytes: 2 * GiB,
  readRegion: 256 * MiB,
  writeRegion: 512 * MiB,
  zoneBytes: 32 * MiB,
  conventionalZones: 1,
  reportSeconds: 1,
};

/**
 * Which LU of a target a case runs on. tgt has only 'plain'. Ours runs one process per role it
 * needs: a plain LU and a host-managed one (control server off, `--no-admin`), the same two with
 * metrics and the control server on (`--admin`), and a host-managed one with `--interface sata`.
 */
export const LU_ROLES = ['plain', 'zoned', 'plain-admin', 'zoned-admin', 'zoned-sata'] as const;
export type LuRole = (typeof LU_ROLES)[number];

export interface LuRoleKind {
  readonly zoned: boolean;
  /** Metrics on and the control server up (no fault armed). */
  readonly admin: boolean;
  readonly sata: boolean;
}

export const LU_ROLE_KINDS: Readonly<Record<LuRole, LuRoleKind>> = {
  plain: { zoned: false, admin: false, sata: false },
  zoned: { zoned: true, admin: false, sata: false },
  'plain-admin': { zoned: false, admin: true, sata: false },
  'zoned-admin': { zoned: true, admin: true, sata: false },
  'zoned-sata': { zoned: true, admin: false, sata: true },
};

/** One run's result plus the CPU time the target process(es) spent during it. */
export type Measurement = LoadResult & {
  /** Target CPU (user + system, all threads) per completed command, in µs. */
  readonly cpu_us_per_op: number;
};

export type MetricKey = keyof Pick<
  Measurement,
  'mbps' | 'iops' | 'p50_us' | 'p99_us' | 'cpu_us_per_op' | 'reset_p50_us' | 'reset_p99_us'
>;

/** Metrics only our target has (tgt has no zones): their tgt cells stay empty. */
export const OURS_ONLY_METRICS: readonly MetricKey[] = ['reset_p50_us', 'reset_p99_us'];

/**
 * What a goal divides our median by: tgt tuned's median, the loopback TCP ceiling of the run,
 * nothing (an absolute bound, in the metric's unit), or our own median of another case.
 */
export type GoalRef = 'tgt-tuned' | 'ceiling' | 'absolute' | { readonly oursCase: string };

export interface Goal {
  /** ours ÷ the reference must be at least (`min`) or at most (`max`) this. */
  readonly metric: MetricKey;
  readonly ref: GoalRef;
  readonly min?: number;
  readonly max?: number;
  readonly text: string;
}

export interface BenchCase {
  readonly id: string;
  readonly title: string;
  readonly metrics: readonly MetricKey[];
  /** Shown after `metrics`. */
  readonly extraMetrics?: readonly MetricKey[];
  /** Returns undefined where the case does not run on that target. */
  readonly plan: (
    target: TargetId,
    sizes: BenchSizes,
  ) => { lu: LuRole; spec: LoadSpec } | undefined;
  /** For tgt columns: take the samples of this case instead (tgt has no zones). */
  readonly tgtFrom?: string;
  /** Generators (iSCSI sessions) at once; results are summed (runSessions). Default 1. */
  readonly sessions?: number;
  readonly goals?: readonly Goal[];
}

function io(mode: LoadMode, bs: number, qd: number, region: (s: BenchSizes) => number) {
  return (label: string, sizes: BenchSizes): LoadSpec => ({
    mode,
    bs,
    qd,
    seconds: sizes.seconds,
    offset: 0,
    region: region(sizes),
    label,
  });
}

const seqWrite = io('seqwrite', MiB, 8, (s) => s.writeRegion);
const seqRead = io('seqread', MiB, 8, (s) => s.readRegion);
const seqWrite64k = io('seqwrite', 64 * KiB, 8, (s) => s.writeRegion);
const seqRead64k = io('seqread', 64 * KiB, 8, (s) => s.readRegion);
const rand1 = io('randread', 4096, 1, (s) => s.readRegion);
const rand32 = io('randread', 4096, 32, (s) => s.readRegion);

/** The zoned writer over the write region's sequential zones (`mode` picks SCSI or ATA). */
function zonedWrite(mode: 'zonedwrite' | 'zonedwrite-ata', label: string, s: BenchSizes): LoadSpec {
  return {
    mode,
    bs: MiB,
    qd: 8,
    seconds: s.seconds,
    offset: s.conventionalZones * s.zoneBytes,
    region: s.writeRegion,
    label,
  };
}

/** Ours with the control server up ÷ ours without, on the same case: at most 3 % slower. */
function adminCost(oursCase: string): Goal[] {
  return [
    { metric: 'mbps', ref: { oursCase }, min: 0.97, text: '≥ 0.97× with --no-admin' },
    {
      metric: 'cpu_us_per_op',
      ref: { oursCase },
      max: 1.03,
      text: '≤ 1.03× with --no-admin',
    },
  ];
}

const vsTgt = (metric: MetricKey, bound: { min?: number; max?: number }, text: string): Goal => ({
  metric,
  ref: 'tgt-tuned',
  ...bound,
  text,
});
const ofCeiling = (min: number): Goal => ({
  metric: 'mbps',
  ref: 'ceiling',
  min,
  text: `≥ ${min} of the TCP ceiling`,
});

/** A variant of the zoned write on another LU of ours (tgt has no counterpart to run). */
function oursZonedWrite(v: {
  id: string;
  title: string;
  lu: LuRole;
  mode: 'zonedwrite' | 'zonedwrite-ata';
  goals: readonly Goal[];
}): BenchCase {
  return {
    id: v.id,
    title: v.title,
    metrics: ['mbps', 'p50_us', 'p99_us', 'cpu_us_per_op'],
    extraMetrics: ['reset_p50_us', 'reset_p99_us'],
    plan: (t, s) =>
      t === 'ours' ? { lu: v.lu, spec: zonedWrite(v.mode, `ours ${v.id}`, s) } : undefined,
    goals: v.goals,
  };
}

/**
 * Session `i` of `n` running `spec`: sequential I/O gets its own slice of the region (n streams,
 * not one stream read n times over), random I/O its own seed.
 */
export function sessionSpec(spec: LoadSpec, n: number, i: number): LoadSpec {
  const label = n > 1 ? `${spec.label ?? spec.mode} #${i + 1}` : (spec.label ?? spec.mode);
  if (spec.mode !== 'seqread' && spec.mode !== 'seqwrite') {
    return { ...spec, label, seed: (spec.seed ?? 1) + 104_729 * i };
  }
  const bs = spec.bs ?? MiB;
  const slice = Math.floor((spec.region ?? 0) / n / bs) * bs;
  return { ...spec, label, offset: (spec.offset ?? 0) + i * slice, region: slice };
}

export const BENCH_CASES: readonly BenchCase[] = [
  {
    id: 'seqread-1m-qd8',
    title: 'seq read 1 MiB QD8',
    metrics: ['mbps', 'p50_us', 'p99_us', 'cpu_us_per_op'],
    plan: (t, s) => ({ lu: 'plain', spec: seqRead(`${t} seqread`, s) }),
    goals: [ofCeiling(0.9)],
  },
  {
    id: 'seqwrite-1m-qd8',
    title: 'seq write 1 MiB QD8',
    metrics: ['mbps', 'p50_us', 'p99_us', 'cpu_us_per_op'],
    plan: (t, s) => ({ lu: 'plain', spec: seqWrite(`${t} seqwrite`, s) }),
    goals: [ofCeiling(0.6)],
  },
  {
    id: 'zonedwrite-1m-qd8',
    title: 'zoned write 1 MiB QD8 (tgt: its seq write)',
    metrics: ['mbps', 'p50_us', 'p99_us', 'cpu_us_per_op'],
    plan: (t, s) =>
      t === 'ours'
        ? { lu: 'zoned', spec: zonedWrite('zonedwrite', 'ours zonedwrite', s) }
        : undefined,
    tgtFrom: 'seqwrite-1m-qd8',
    extraMetrics: ['reset_p50_us', 'reset_p99_us'],
    goals: [
      ofCeiling(0.6),
      { metric: 'reset_p50_us', ref: 'absolute', max: 2000, text: '≤ 2 ms' },
      { metric: 'reset_p99_us', ref: 'absolute', max: 10_000, text: '≤ 10 ms' },
    ],
  },
  {
    id: 'seqread-1m-qd8-admin',
    title: 'seq read 1 MiB QD8, metrics and control server on',
    metrics: ['mbps', 'p50_us', 'p99_us', 'cpu_us_per_op'],
    plan: (t, s) =>
      t === 'ours' ? { lu: 'plain-admin', spec: seqRead('ours seqread admin', s) } : undefined,
    goals: adminCost('seqread-1m-qd8'),
  },
  oursZonedWrite({
    id: 'zonedwrite-1m-qd8-admin',
    title: 'zoned write 1 MiB QD8, metrics and control server on',
    lu: 'zoned-admin',
    mode: 'zonedwrite',
    goals: adminCost('zonedwrite-1m-qd8'),
  }),
  oursZonedWrite({
    id: 'zonedwrite-1m-qd8-sata',
    title: 'zoned write 1 MiB QD8, SATA: ATA WRITE DMA EXT, ZAC RESET',
    lu: 'zoned-sata',
    mode: 'zonedwrite-ata',
    goals: [
      {
        metric: 'mbps',
        ref: { oursCase: 'zonedwrite-1m-qd8' },
        min: 0.9,
        text: '≥ 0.9× the SCSI zoned write',
      },
    ],
  }),
  {
    id: 'seqread-64k-qd8',
    title: 'seq read 64 KiB QD8',
    metrics: ['mbps', 'p50_us', 'p99_us', 'cpu_us_per_op'],
    plan: (t, s) => ({ lu: 'plain', spec: seqRead64k(`${t} seqread 64k`, s) }),
    goals: [vsTgt('mbps', { min: 1.25 }, '≥ 1.25× tgt tuned')],
  },
  {
    id: 'seqwrite-64k-qd8',
    title: 'seq write 64 KiB QD8',
    metrics: ['mbps', 'p50_us', 'p99_us', 'cpu_us_per_op'],
    plan: (t, s) => ({ lu: 'plain', spec: seqWrite64k(`${t} seqwrite 64k`, s) }),
    goals: [vsTgt('mbps', { min: 1.25 }, '≥ 1.25× tgt tuned')],
  },
  {
    id: 'randread-4k-qd1',
    title: 'random read 4 KiB QD1',
    metrics: ['iops', 'p50_us', 'p99_us', 'cpu_us_per_op'],
    plan: (t, s) => ({ lu: 'plain', spec: rand1(`${t} randread qd1`, s) }),
    goals: [vsTgt('p50_us', { max: 0.8 }, 'p50 ≤ 0.8× tgt tuned')],
  },
  {
    id: 'randread-4k-qd32',
    title: 'random read 4 KiB QD32',
    metrics: ['iops', 'p50_us', 'p99_us', 'cpu_us_per_op'],
    plan: (t, s) => ({ lu: 'plain', spec: rand32(`${t} randread qd32`, s) }),
    goals: [vsTgt('iops', { min: 1.2 }, '≥ 1.2× tgt tuned')],
  },
  {
    id: 'seqread-1m-qd8-x4',
    title: '4 sessions × seq read 1 MiB QD8 (aggregate)',
    metrics: ['mbps', 'p50_us', 'p99_us', 'cpu_us_per_op'],
    sessions: 4,
    plan: (t, s) => ({ lu: 'plain', spec: seqRead(`${t} seqread`, s) }),
    goals: [vsTgt('mbps', { min: 1.25 }, '≥ 1.25× tgt tuned'), ofCeiling(0.9)],
  },
  {
    id: 'randread-4k-qd32-x8',
    title: '8 sessions × random read 4 KiB QD32 (aggregate)',
    metrics: ['iops', 'p50_us', 'p99_us', 'cpu_us_per_op'],
    sessions: 8,
    plan: (t, s) => ({ lu: 'plain', spec: rand32(`${t} randread qd32`, s) }),
    goals: [
      vsTgt('iops', { min: 1.2 }, '≥ 1.2× tgt tuned'),
      {
        metric: 'iops',
        ref: { oursCase: 'randread-4k-qd32' },
        min: 1.3,
        text: '≥ 1.3× our one session',
      },
    ],
  },
];

/** The LU roles a target needs for these cases: 'plain' always (the warm-up runs there). */
export function rolesFor(
  target: TargetId,
  cases: readonly BenchCase[],
  sizes: BenchSizes,
): LuRole[] {
  const roles = new Set<LuRole>(['plain']);
  for (const c of cases) {
    const lu = c.plan(target, sizes)?.lu;
    if (lu) roles.add(lu);
  }
  return LU_ROLES.filter((r) => roles.has(r));
}

/**
 * Prefill before the rounds, one per LU role: stamps the read region and makes writes overwrite,
 * as in steady use; on a zoned LU one pass of the zoned writer over every sequential zone of the
 * write region (through ATA on the SATA LU), so the measured rounds find full zones and reset
 * them as they go.
 */
export function prefillSpecs(
  target: TargetId,
  sizes: BenchSizes,
  roles: readonly LuRole[] = target === 'ours' ? ['plain', 'zoned'] : ['plain'],
): { lu: LuRole; spec: LoadSpec }[] {
  return roles.map((lu) => {
    const kind = LU_ROLE_KINDS[lu];
    if (!kind.zoned) {
      const spec: LoadSpec = {
        mode: 'seqwrite',
        bs: MiB,
        qd: 8,
        seconds: 0,
        offset: 0,
        region: Math.max(sizes.readRegion, sizes.writeRegion),
        once: true,
        label: `${target} ${lu} prefill`,
      };
      return { lu, spec };
    }
    const mode = kind.sata ? 'zonedwrite-ata' : 'zonedwrite';
    const spec: LoadSpec = {
      ...zonedWrite(mode, `${target} ${lu} prefill`, sizes),
      seconds: 0,
      ops: Math.floor(sizes.writeRegion / MiB),
    };
    return { lu, spec };
  });
}

/**
 * Warm-up after the prefill, unmeasured, on every plain LU and the same for every target: the
 * prefill only writes, so without it our first measured read round also pays for V8 compiling
 * the read path (seen as a slow first QD1 round in --quick runs).
 */
export function warmupSpecs(
  target: TargetId,
  sizes: BenchSizes,
  roles: readonly LuRole[] = ['plain'],
): { lu: LuRole; spec: LoadSpec }[] {
  return roles
    .filter((lu) => !LU_ROLE_KINDS[lu].zoned)
    .map((lu) => ({ lu, spec: { ...rand32(`${target} ${lu} warm-up`, sizes), seconds: 1 } }));
}
