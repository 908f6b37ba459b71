// Turns the samples of all rounds into the tables the reader sees: medians per target, ratios of
// ours to tgt (tuned and stock) and to the loopback TCP ceiling, tgt tuned B ÷ A as the noise
// floor, spread and goals.
import {
  BENCH_CASES,
  type BenchCase,
  type Goal,
  type Measurement,
  type MetricKey,
  OURS_ONLY_METRICS,
  type TargetId,
} from './cases.js';
import type { LoadResult } from './load-generator.js';
import { median, ratio, spread } from './stats.js';
import { type CeilingSample, ceilingOf } from './tcp-ceiling.js';
import type { RoundTripSample } from './rtt-floor.js';

/** caseId -> target -> one result per round. */
export type Samples = Map<string, Map<TargetId, Measurement[]>>;

export function addSample(
  samples: Samples,
  caseId: string,
  target: TargetId,
  result: Measurement,
): void {
  let byTarget = samples.get(caseId);
  if (!byTarget) {
    byTarget = new Map();
    samples.set(caseId, byTarget);
  }
  const list = byTarget.get(target) ?? [];
  list.push(result);
  byTarget.set(target, list);
}

export interface Cell {
  readonly median: number;
  readonly spread: number;
  readonly n: number;
}

/**
 * 'within noise': missed, but by less than two identical tgt instances differ in this run
 * (|tuned B ÷ A − 1|), so the run cannot tell it from met.
 */
export type Verdict = 'met' | 'missed' | 'within noise';

export function judge(goal: { min?: number; max?: number }, value: number, noise: number): Verdict {
  const ok = (slack: number): boolean =>
    (goal.min === undefined || value >= goal.min * (1 - slack)) &&
    (goal.max === undefined || value <= goal.max * (1 + slack));
  if (ok(0)) return 'met';
  return Number.isFinite(noise) && ok(Math.abs(noise - 1)) ? 'within noise' : 'missed';
}

export interface Row {
  readonly caseId: string;
  readonly test: string;
  readonly metric: MetricKey;
  readonly cells: Readonly<Partial<Record<TargetId, Cell>>>;
  readonly oursVsTuned: number;
  readonly oursVsStock: number;
  /** tgt tuned B ÷ tgt tuned: how far two identical targets differ in this run. */
  readonly noise: number;
  /** Our MB/s ÷ the run's TCP ceiling (MB/s rows only). */
  readonly oursVsCeiling: number;
  readonly goals: readonly GoalResult[];
}

export interface GoalResult {
  readonly text: string;
  readonly verdict: Verdict;
  /** Ours ÷ our own median of another case (no column shows it, so the Goal cell does). */
  readonly ratio?: number;
}

const METRIC_TITLES: Readonly<Record<MetricKey, string>> = {
  mbps: 'MB/s',
  iops: 'IOPS',
  p50_us: 'p50 µs (lower is better)',
  p99_us: 'p99 µs (lower is better)',
  cpu_us_per_op: 'target CPU µs per command (lower is better)',
  reset_p50_us: 'RESET WRITE POINTER p50 µs',
  reset_p99_us: 'RESET WRITE POINTER p99 µs',
};

function cell(results: readonly Measurement[] | undefined, metric: MetricKey): Cell | undefined {
  if (!results || results.length === 0) return undefined;
  const values = results.map((r) => r[metric]);
  return { median: median(values), spread: spread(values), n: values.length };
}

/** Our median of `metric` in `caseId`, NaN when it did not run. */
function oursMedian(samples: Samples, caseId: string, metric: MetricKey): number {
  return cell(samples.get(caseId)?.get('ours'), metric)?.median ?? Number.NaN;
}

/** The value a goal bounds (a ratio, or the metric itself) and the noise that may excuse a miss. */
function goalValue(
  goal: Goal,
  row: Row,
  samples: Samples,
  ceiling: number,
): { value: number; noise: number } {
  const ours = row.cells.ours?.median ?? Number.NaN;
  const ref = goal.ref;
  if (ref === 'tgt-tuned') return { value: row.oursVsTuned, noise: row.noise };
  if (ref === 'ceiling') return { value: ratio(ours, ceiling), noise: Number.NaN };
  if (ref === 'absolute') return { value: ours, noise: Number.NaN };
  return { value: ratio(ours, oursMedian(samples, ref.oursCase, goal.metric)), noise: Number.NaN };
}

/** `ceiling`: the run's loopback TCP ceiling in MB/s (NaN when not measured). */
export function summarize(
  samples: Samples,
  cases: readonly BenchCase[] = BENCH_CASES,
  ceiling = Number.NaN,
): Row[] {
  const rows: Row[] = [];
  for (const c of cases) {
    const own = samples.get(c.id);
    const tgt = samples.get(c.tgtFrom ?? c.id);
    for (const metric of [...c.metrics, ...(c.extraMetrics ?? [])]) {
      const cells: Partial<Record<TargetId, Cell>> = {};
      const ours = cell(own?.get('ours'), metric);
      if (ours) cells.ours = ours;
      const tgtIds = OURS_ONLY_METRICS.includes(metric)
        ? []
        : (['tgt-tuned', 'tgt-stock', 'tgt-tuned-b'] as const);
      for (const t of tgtIds) {
        const v = cell(tgt?.get(t), metric);
        if (v) cells[t] = v;
      }
      const m = (t: TargetId): number => cells[t]?.median ?? Number.NaN;
      const oursVsTuned = ratio(m('ours'), m('tgt-tuned'));
      const row: Row = {
        caseId: c.id,
        test: c.title,
        metric,
        cells,
        oursVsTuned,
        oursVsStock: ratio(m('ours'), m('tgt-stock')),
        noise: ratio(m('tgt-tuned-b'), m('tgt-tuned')),
        oursVsCeiling: metric === 'mbps' ? ratio(m('ours'), ceiling) : Number.NaN,
        goals: [],
      };
      const goals = (c.goals ?? [])
        .filter((g) => g.metric === metric)
        .flatMap((g): GoalResult[] => {
          const { value, noise } = goalValue(g, row, samples, ceiling);
          if (!Number.isFinite(value)) return [];
          const verdict = judge(g, value, noise);
          const own = typeof g.ref === 'object';
          return [own ? { text: g.text, verdict, ratio: value } : { text: g.text, verdict }];
        });
      rows.push({ ...row, goals });
    }
  }
  return rows;
}

function formatValue(v: number, metric: MetricKey): string {
  if (!Number.isFinite(v)) return '–';
  if (metric === 'mbps') return v.toFixed(0);
  if (metric === 'iops') return Math.round(v).toLocaleString('en-US');
  return v < 100 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US');
}

export function formatRatio(v: number): string {
  return Number.isFinite(v) ? `${v.toFixed(2)}×` : '–';
}

export function formatPercent(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(0)} %` : '–';
}

export function throughputTable(rows: readonly Row[]): string {
  const head =
    '| Test | Metric | zbc-target | tgt tuned | tgt stock | ours ÷ tuned | ours ÷ stock | ' +
    'ours ÷ TCP ceiling | noise: tuned B ÷ A | spread ours / tuned | Goal |';
  const lines = [head, `|${' --- |'.repeat(11)}`];
  for (const r of rows) {
    const v = (t: TargetId): string => formatValue(r.cells[t]?.median ?? Number.NaN, r.metric);
    const goal = r.goals
      .map((g) => {
        const shown = g.ratio === undefined ? '' : ` (${formatRatio(g.ratio)})`;
        return `${g.text}${shown}: **${g.verdict}**`;
      })
      .join('; ');
    const vsCeiling = Number.isFinite(r.oursVsCeiling) ? r.oursVsCeiling.toFixed(2) : '–';
    lines.push(
      `| ${r.test} | ${METRIC_TITLES[r.metric]} | ${v('ours')} | ${v('tgt-tuned')} | ${v('tgt-stock')} | ` +
        `${formatRatio(r.oursVsTuned)} | ${formatRatio(r.oursVsStock)} | ${vsCeiling} | ` +
        `${formatRatio(r.noise)} | ` +
        `${formatPercent(r.cells.ours?.spread ?? Number.NaN)} / ` +
        `${formatPercent(r.cells['tgt-tuned']?.spread ?? Number.NaN)} | ${goal} |`,
    );
  }
  return lines.join('\n');
}

/** The run's ceiling: the median over rounds of each round's faster measurer. */
export function runCeiling(samples: readonly CeilingSample[]): number {
  return median(samples.map(ceilingOf));
}

/**
 * One measurer's cell: the median over the rounds that gave a number and its spread, or a dash
 * and why when none did.
 */
function medianCell(values: readonly number[], digits: number, why?: string): string {
  const xs = values.filter(Number.isFinite);
  if (xs.length === 0) return why ? `– (${why})` : '–';
  return `${median(xs).toFixed(digits)} (spread ${formatPercent(spread(xs))})`;
}

export function ceilingTable(samples: readonly CeilingSample[]): string {
  const cell = (
    pick: (x: CeilingSample) => number,
    why: (x: CeilingSample) => string | undefined,
  ) =>
    medianCell(
      samples.map(pick),
      0,
      samples.map(why).find((w) => w !== undefined),
    );
  return [
    '| Loopback TCP ceiling, one stream (median over rounds) | MB/s |',
    '| --- | --- |',
    `| Node socket pair (a sender and a sink process) | ${cell(
      (x) => x.nodeMbps,
      (x) => x.nodeError,
    )} |`,
    `| iperf3 | ${cell(
      (x) => x.iperfMbps,
      (x) => x.iperfError,
    )} |`,
    `| ceiling used for the ratios (the faster, per round) | ` +
      `${formatValue(runCeiling(samples), 'mbps')} |`,
  ].join('\n');
}

/** The QD1 round-trip floor (rtt-floor.ts): what the loopback alone costs a 4 KiB read. */
export function roundTripTable(samples: readonly RoundTripSample[]): string {
  const why = samples.find((x) => x.error)?.error;
  const cell = (pick: (x: RoundTripSample) => number) => medianCell(samples.map(pick), 1, why);
  return [
    '| Loopback round trip at QD1, 48-byte request, 4,144-byte reply, no storage (median over rounds) | p50 µs |',
    '| --- | --- |',
    `| C client, C server | ${cell((x) => x.cP50Us)} |`,
    `| C client, Node server (corked writes, as our connection) | ${cell((x) => x.nodeP50Us)} |`,
  ].join('\n');
}

export interface ZoneScaleResult {
  readonly profile: string;
  readonly zones: number;
  readonly fullReport?: LoadResult;
  readonly pageReport?: LoadResult;
  /** Target CPU (all threads) per full report, µs. */
  readonly fullReportCpuUs?: number;
  /** RSS in bytes. */
  readonly rssBaseline?: number;
  readonly rssAfterStart?: number;
  readonly rssAfterReport?: number;
  /** Every RSS sample taken after a start, bytes. */
  readonly rssSamples?: { readonly small: readonly number[]; readonly large: readonly number[] };
  readonly error?: string;
}

const MiB = 2 ** 20;

/** Bytes per zone: the large profile's RSS above a small profile's, spread over its zones. */
export function bytesPerZone(
  rss: number | undefined,
  baseline: number | undefined,
  zones: number,
): number {
  if (rss === undefined || baseline === undefined || zones <= 0) return Number.NaN;
  return (rss - baseline) / zones;
}

export function zoneScaleTable(z: ZoneScaleResult): string {
  const ms = (us: number | undefined): string => (us === undefined ? '–' : (us / 1000).toFixed(1));
  const mib = (b: number | undefined): string =>
    b === undefined ? '–' : `${(b / MiB).toFixed(1)} MiB`;
  const perStart = bytesPerZone(z.rssAfterStart, z.rssBaseline, z.zones);
  const perReport = bytesPerZone(z.rssAfterReport, z.rssBaseline, z.zones);
  const fullP50 = z.fullReport?.p50_us;
  const fullP99 = z.fullReport?.p99_us;
  const verdict = (ok: boolean | undefined): string =>
    ok === undefined ? '' : ok ? ': **met**' : ': **missed**';
  const under = (v: number | undefined, ms: number): boolean | undefined =>
    v === undefined ? undefined : v <= ms * 1000;
  const lines = [
    `| Measure (${z.profile}, ${z.zones.toLocaleString('en-US')} zones) | Value | Goal |`,
    '| --- | --- | --- |',
    `| full REPORT ZONES (${mib(z.fullReport ? z.fullReport.bytes / Math.max(1, z.fullReport.ops) : undefined)} per report) p50 / p99 ms | ` +
      `${ms(fullP50)} / ${ms(fullP99)} | p50 ≤ 20 ms${verdict(under(fullP50, 20))}; ` +
      `p99 ≤ 30 ms${verdict(under(fullP99, 30))} |`,
    `| target CPU per full REPORT ZONES ms | ${ms(z.fullReportCpuUs)} | |`,
    `| one-page REPORT ZONES (4 KiB, PARTIAL=1, random zone) p50 / p99 ms | ${ms(z.pageReport?.p50_us)} / ${ms(z.pageReport?.p99_us)} | |`,
    `| RSS of a small (default-profile) target after start (median of ${z.rssSamples?.small.length ?? 1} starts) | ${mib(z.rssBaseline)} | |`,
    `| RSS after start (median of ${z.rssSamples?.large.length ?? 1} starts) | ${mib(z.rssAfterStart)} | |`,
    `| RSS after one full REPORT ZONES | ${mib(z.rssAfterReport)} | |`,
    `| bytes per zone after start ((RSS − small RSS) ÷ zones) | ${Number.isFinite(perStart) ? perStart.toFixed(1) : '–'} | ≤ 64${verdict(Number.isFinite(perStart) ? perStart <= 64 : undefined)} |`,
    `| bytes per zone after one full REPORT ZONES | ${Number.isFinite(perReport) ? perReport.toFixed(1) : '–'} | |`,
  ];
  if (z.rssSamples) {
    const list = (xs: readonly number[]): string => xs.map((x) => (x / MiB).toFixed(1)).join(', ');
    lines.push(
      '',
      `RSS samples after start (MiB): small ${list(z.rssSamples.small)}; 20 TB ${list(z.rssSamples.large)}.`,
    );
  }
  if (z.error) lines.push('', `Zone scale run failed: ${z.error}`);
  return lines.join('\n');
}
