import { describe, expect, it } from 'vitest';
import type { Measurement, TargetId } from '../../bench/cases.js';
import {
  addSample,
  bytesPerZone,
  judge,
  roundTripTable,
  runCeiling,
  type Samples,
  summarize,
  throughputTable,
  zoneScaleTable,
} from '../../bench/report-table.js';

function m(
  mode: string,
  mbps: number,
  iops: number,
  p50: number,
  extra: Partial<Measurement> = {},
): Measurement {
  return {
    label: '',
    mode,
    bs: 1 << 20,
    qd: 8,
    block_size: 512,
    ops: 100,
    bytes: 100 << 20,
    seconds: 1,
    mbps,
    iops,
    p50_us: p50,
    p99_us: p50 * 2,
    max_us: p50 * 3,
    resets: 0,
    reset_p50_us: 0,
    reset_p99_us: 0,
    reset_max_us: 0,
    zones: 0,
    cpu_us_per_op: 10,
    ...extra,
  };
}

function samplesOf(entries: [string, TargetId, Measurement[]][]): Samples {
  const s: Samples = new Map();
  for (const [caseId, target, list] of entries)
    for (const x of list) addSample(s, caseId, target, x);
  return s;
}

describe('summarize', () => {
  it('takes medians over rounds; divides ours by tgt tuned, tgt stock and the TCP ceiling', () => {
    const s = samplesOf([
      [
        'seqread-1m-qd8',
        'ours',
        [m('seqread', 1300, 0, 5), m('seqread', 1500, 0, 5), m('seqread', 9000, 0, 5)],
      ],
      ['seqread-1m-qd8', 'tgt-tuned', [m('seqread', 1000, 0, 5), m('seqread', 1000, 0, 5)]],
      ['seqread-1m-qd8', 'tgt-stock', [m('seqread', 750, 0, 5)]],
      ['seqread-1m-qd8', 'tgt-tuned-b', [m('seqread', 1100, 0, 5)]],
    ]);
    const row = summarize(s, undefined, 2000).find(
      (r) => r.caseId === 'seqread-1m-qd8' && r.metric === 'mbps',
    );
    expect(row?.cells.ours?.median).toBe(1500);
    expect(row?.oursVsTuned).toBe(1.5);
    expect(row?.oursVsStock).toBe(2);
    expect(row?.noise).toBeCloseTo(1.1);
    expect(row?.oursVsCeiling).toBe(0.75);
    expect(row?.goals).toEqual([{ text: '≥ 0.9 of the TCP ceiling', verdict: 'missed' }]);
    expect(throughputTable(summarize(s, undefined, 1600))).toContain('| 0.94 |');
  });

  it('judges a goal against tgt tuned next to one against the ceiling', () => {
    const s = samplesOf([
      ['seqread-1m-qd8-x4', 'ours', [m('seqread', 2000, 0, 5)]],
      ['seqread-1m-qd8-x4', 'tgt-tuned', [m('seqread', 1000, 0, 5)]],
    ]);
    const row = summarize(s, undefined, 2500).find(
      (r) => r.caseId === 'seqread-1m-qd8-x4' && r.metric === 'mbps',
    );
    expect(row?.goals).toEqual([
      { text: '≥ 1.25× tgt tuned', verdict: 'met' },
      { text: '≥ 0.9 of the TCP ceiling', verdict: 'missed' },
    ]);
  });

  it('compares the 8-session aggregate with our own one-session figure', () => {
    const s = samplesOf([
      ['randread-4k-qd32', 'ours', [m('randread', 0, 40_000, 5)]],
      ['randread-4k-qd32-x8', 'ours', [m('randread', 0, 50_000, 5)]],
    ]);
    const row = summarize(s).find((r) => r.caseId === 'randread-4k-qd32-x8' && r.metric === 'iops');
    expect(row?.goals).toEqual([
      { text: '≥ 1.3× our one session', verdict: 'missed', ratio: 1.25 },
    ]);
  });

  it('divides the control-server-on runs by the --no-admin runs, throughput and CPU', () => {
    const s = samplesOf([
      ['seqread-1m-qd8', 'ours', [m('seqread', 1000, 0, 5, { cpu_us_per_op: 800 })]],
      ['seqread-1m-qd8-admin', 'ours', [m('seqread', 980, 0, 5, { cpu_us_per_op: 840 })]],
      ['zonedwrite-1m-qd8', 'ours', [m('zonedwrite', 800, 0, 5)]],
      ['zonedwrite-1m-qd8-admin', 'ours', [m('zonedwrite', 760, 0, 5)]],
    ]);
    const rows = summarize(s);
    const goals = (caseId: string, metric: string) =>
      rows.find((r) => r.caseId === caseId && r.metric === metric)?.goals;
    expect(goals('seqread-1m-qd8-admin', 'mbps')).toEqual([
      { text: '≥ 0.97× with --no-admin', verdict: 'met', ratio: 0.98 },
    ]);
    expect(goals('seqread-1m-qd8-admin', 'cpu_us_per_op')).toEqual([
      { text: '≤ 1.03× with --no-admin', verdict: 'missed', ratio: 1.05 },
    ]);
    expect(goals('zonedwrite-1m-qd8-admin', 'mbps')?.[0]?.verdict).toBe('missed'); // 0.95
    expect(throughputTable(rows)).toContain('≥ 0.97× with --no-admin (0.98×): **met**');
  });

  it('divides the SATA zoned write by the SCSI zoned write of the same run', () => {
    const sata = m('zonedwrite-ata', 850, 0, 5, { reset_p50_us: 1500 });
    const s = samplesOf([
      ['zonedwrite-1m-qd8', 'ours', [m('zonedwrite', 1000, 0, 5)]],
      ['zonedwrite-1m-qd8-sata', 'ours', [sata]],
    ]);
    const rows = summarize(s).filter((r) => r.caseId === 'zonedwrite-1m-qd8-sata');
    expect(rows.find((r) => r.metric === 'mbps')?.goals).toEqual([
      { text: '≥ 0.9× the SCSI zoned write', verdict: 'missed', ratio: 0.85 },
    ]);
    expect(rows.find((r) => r.metric === 'reset_p50_us')?.cells.ours?.median).toBe(1500);
    expect(rows.every((r) => r.cells['tgt-tuned'] === undefined)).toBe(true);
  });

  it('judges RESET WRITE POINTER latency against fixed bounds', () => {
    const zoned = m('zonedwrite', 1100, 0, 5, { reset_p50_us: 1500, reset_p99_us: 12_000 });
    const s = samplesOf([['zonedwrite-1m-qd8', 'ours', [zoned]]]);
    const rows = summarize(s).filter((r) => r.caseId === 'zonedwrite-1m-qd8');
    const goals = (metric: string) => rows.find((r) => r.metric === metric)?.goals;
    expect(goals('reset_p50_us')).toEqual([{ text: '≤ 2 ms', verdict: 'met' }]);
    expect(goals('reset_p99_us')).toEqual([{ text: '≤ 10 ms', verdict: 'missed' }]);
  });

  it('compares our zoned write with tgt sequential write', () => {
    const s = samplesOf([
      ['zonedwrite-1m-qd8', 'ours', [m('zonedwrite', 1100, 0, 5)]],
      ['seqwrite-1m-qd8', 'tgt-tuned', [m('seqwrite', 1000, 0, 5)]],
    ]);
    const row = summarize(s, undefined, 1500).find(
      (r) => r.caseId === 'zonedwrite-1m-qd8' && r.metric === 'mbps',
    );
    expect(row?.cells['tgt-tuned']?.median).toBe(1000);
    expect(row?.oursVsTuned).toBeCloseTo(1.1);
    expect(row?.goals).toEqual([{ text: '≥ 0.6 of the TCP ceiling', verdict: 'met' }]);
  });

  it('shows the RESET WRITE POINTER latency for ours only', () => {
    const s = samplesOf([
      ['zonedwrite-1m-qd8', 'ours', [m('zonedwrite', 1100, 0, 5, { reset_p50_us: 3000 })]],
      ['seqwrite-1m-qd8', 'tgt-tuned', [m('seqwrite', 1000, 0, 5)]],
    ]);
    const row = summarize(s).find(
      (r) => r.caseId === 'zonedwrite-1m-qd8' && r.metric === 'reset_p50_us',
    );
    expect(row?.cells.ours?.median).toBe(3000);
    expect(row?.cells['tgt-tuned']).toBeUndefined();
  });

  it('judges the QD1 latency goal as a ratio of at most 0.8', () => {
    const s = samplesOf([
      ['randread-4k-qd1', 'ours', [m('randread', 0, 10000, 80)]],
      ['randread-4k-qd1', 'tgt-tuned', [m('randread', 0, 10000, 99)]],
    ]);
    const row = summarize(s).find((r) => r.caseId === 'randread-4k-qd1' && r.metric === 'p50_us');
    expect(row?.goals[0]?.verdict).toBe('missed');
    expect(throughputTable(summarize(s))).toContain('p50 ≤ 0.8× tgt tuned: **missed**');
  });

  it('leaves cells and ratios empty where a target did not run', () => {
    const rows = summarize(new Map());
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => Number.isNaN(r.oursVsTuned) && r.goals.length === 0)).toBe(true);
    expect(throughputTable(rows)).toMatch(/\| – \| – \| – \|/);
  });
});

describe('judge', () => {
  it('calls a miss smaller than the tgt-vs-tgt difference "within noise"', () => {
    expect(judge({ min: 1.25 }, 1.3, 1.1)).toBe('met');
    expect(judge({ min: 1.25 }, 1.2, 1.05)).toBe('within noise'); // 1.2 >= 1.25 * 0.95
    expect(judge({ min: 1.25 }, 1.1, 1.05)).toBe('missed');
    expect(judge({ max: 1 }, 1.003, 0.98)).toBe('within noise');
    expect(judge({ max: 1 }, 1.003, Number.NaN)).toBe('missed');
  });
});

describe('zone scale table', () => {
  it('computes bytes per zone over the small target and judges both goals', () => {
    expect(bytesPerZone(100 * 2 ** 20 + 64 * 1000, 100 * 2 ** 20, 1000)).toBe(64);
    const text = zoneScaleTable({
      profile: '20 TB',
      zones: 1000,
      fullReport: m('reportzones', 0, 20, 51_000),
      rssBaseline: 50 * 2 ** 20,
      rssAfterStart: 50 * 2 ** 20 + 65 * 1000,
    });
    expect(text).toContain('p50 ≤ 20 ms: **missed**; p99 ≤ 30 ms: **missed**');
    expect(text).toContain('| 65.0 | ≤ 64: **missed** |');
  });
});

describe('TCP ceiling', () => {
  it('takes per round the faster measurer, then the median over rounds', () => {
    const ceiling = runCeiling([
      { nodeMbps: 1000, iperfMbps: 2000 },
      { nodeMbps: 1500, iperfMbps: Number.NaN },
      { nodeMbps: 3000, iperfMbps: 2500 },
    ]);
    expect(ceiling).toBe(2000);
    expect(runCeiling([{ nodeMbps: Number.NaN, iperfMbps: 900 }])).toBe(900);
  });
});

describe('round-trip floor table', () => {
  it('prints the median p50 of each server over rounds, and why when every round failed', () => {
    const table = roundTripTable([
      { cP50Us: 50.1, nodeP50Us: 61 },
      { cP50Us: 52.3, nodeP50Us: 59 },
      { cP50Us: 49.9, nodeP50Us: Number.NaN },
    ]);
    expect(table).toContain('| C client, C server | 50.1 (spread 5 %) |');
    expect(table).toContain('| C client, Node server (corked writes, as our connection) | 60.0 ');
    const failed = roundTripTable([{ cP50Us: Number.NaN, nodeP50Us: Number.NaN, error: 'no cc' }]);
    expect(failed).toContain('| C client, C server | – (no cc) |');
  });
});
