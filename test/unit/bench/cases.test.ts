import { describe, expect, it } from 'vitest';
import {
  BENCH_CASES,
  FULL_SIZES,
  prefillSpecs,
  QUICK_SIZES,
  sessionSpec,
  TARGET_IDS,
} from '../../bench/cases.js';

describe('bench cases', () => {
  it.each([FULL_SIZES, QUICK_SIZES])('fit the LU and give the zoned writer more zones than its queue depth (%#)', (sizes) => {
    expect(sizes.conventionalZones * sizes.zoneBytes + sizes.writeRegion).toBeLessThanOrEqual(sizes.lunBytes);
    const zoned = BENCH_CASES.find((c) => c.id === 'zonedwrite-1m-qd8')?.plan('ours', sizes);
    expect(zoned?.lu).toBe('zoned');
    expect(sizes.writeRegion / sizes.zoneBytes).toBeGreaterThan(zoned?.spec.qd ?? Number.POSITIVE_INFINITY);
  });

  it('runs the zoned write on ours only, and compares tgt through its sequential write', () => {
    const zoned = BENCH_CASES.find((c) => c.id === 'zonedwrite-1m-qd8');
    for (const t of TARGET_IDS) expect(zoned?.plan(t, FULL_SIZES) === undefined).toBe(t !== 'ours');
    expect(BENCH_CASES.some((c) => c.id === zoned?.tgtFrom)).toBe(true);
  });

  it('reads only what the prefill stamped', () => {
    for (const t of TARGET_IDS) {
      const fill = prefillSpecs(t, FULL_SIZES).find((p) => p.lu === 'plain')?.spec;
      expect(fill?.once).toBe(true);
      for (const c of BENCH_CASES) {
        const p = c.plan(t, FULL_SIZES);
        if (!p || !p.spec.mode.endsWith('read')) continue;
        expect((p.spec.offset ?? 0) + (p.spec.region ?? 0)).toBeLessThanOrEqual((fill?.offset ?? 0) + (fill?.region ?? 0));
      }
    }
  });
});

describe('sessionSpec', () => {
  it('gives each session of a sequential case its own slice of the region', () => {
    const spec = { mode: 'seqread' as const, bs: 1 << 20, seconds: 1, offset: 0, region: 1 << 30 };
    const parts = [0, 1, 2, 3].map((i) => sessionSpec(spec, 4, i));
    expect(parts.map((p) => p.offset)).toEqual([0, 1, 2, 3].map((i) => i * (256 << 20)));
    expect(parts.every((p) => p.region === 256 << 20)).toBe(true);
  });

  it('gives each session of a random case its own seed over the whole region', () => {
    const spec = {
      mode: 'randread' as const, bs: 4096, seconds: 1, offset: 0, region: 1 << 30, seed: 5,
    };
    const parts = [0, 1].map((i) => sessionSpec(spec, 2, i));
    expect(new Set(parts.map((p) => p.seed)).size).toBe(2);
    expect(parts.every((p) => p.region === 1 << 30)).toBe(true);
  });
});
