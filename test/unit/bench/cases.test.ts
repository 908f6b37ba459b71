import { describe, expect, it } from 'vitest';
import { BENCH_CASES, FULL_SIZES, prefillSpecs, QUICK_SIZES, TARGET_IDS } from '../../bench/cases.js';

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
