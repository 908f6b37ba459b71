import { describe, expect, it } from 'vitest';
import {
  BENCH_CASES,
  FULL_SIZES,
  LU_ROLES,
  prefillSpecs,
  QUICK_SIZES,
  rolesFor,
  sessionSpec,
  TARGET_IDS,
  warmupSpecs,
} from '../../bench/cases.js';
import { ourRoleArgs } from '../../bench/contenders.js';

describe('bench cases', () => {
  it.each([FULL_SIZES, QUICK_SIZES])(
    'fit the LU and give the zoned writer more zones than its queue depth (%#)',
    (sizes) => {
      expect(sizes.conventionalZones * sizes.zoneBytes + sizes.writeRegion).toBeLessThanOrEqual(
        sizes.lunBytes,
      );
      const zoned = BENCH_CASES.find((c) => c.id === 'zonedwrite-1m-qd8')?.plan('ours', sizes);
      expect(zoned?.lu).toBe('zoned');
      expect(sizes.writeRegion / sizes.zoneBytes).toBeGreaterThan(
        zoned?.spec.qd ?? Number.POSITIVE_INFINITY,
      );
    },
  );

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
        expect((p.spec.offset ?? 0) + (p.spec.region ?? 0)).toBeLessThanOrEqual(
          (fill?.offset ?? 0) + (fill?.region ?? 0),
        );
      }
    }
  });
});

describe('control server and SATA variants', () => {
  const byId = (id: string) => BENCH_CASES.find((c) => c.id === id);

  it('run on ours only, each on its own LU role, with the reference case in the same run', () => {
    const variants = {
      'seqread-1m-qd8-admin': ['plain-admin', 'seqread-1m-qd8'],
      'zonedwrite-1m-qd8-admin': ['zoned-admin', 'zonedwrite-1m-qd8'],
      'zonedwrite-1m-qd8-sata': ['zoned-sata', 'zonedwrite-1m-qd8'],
    } as const;
    for (const [id, [lu, reference]] of Object.entries(variants)) {
      const c = byId(id);
      for (const t of TARGET_IDS) {
        expect(c?.plan(t, QUICK_SIZES)?.lu).toBe(t === 'ours' ? lu : undefined);
      }
      const refs = c?.goals?.map((g) => (typeof g.ref === 'object' ? g.ref.oursCase : g.ref));
      expect(new Set(refs)).toEqual(new Set([reference]));
      const ref = byId(reference)?.plan('ours', QUICK_SIZES)?.spec;
      const spec = c?.plan('ours', QUICK_SIZES)?.spec;
      expect({ ...spec, mode: ref?.mode, label: '' }).toEqual({ ...ref, label: '' });
    }
    const sata = byId('zonedwrite-1m-qd8-sata')?.plan('ours', QUICK_SIZES)?.spec;
    expect(sata?.mode).toBe('zonedwrite-ata');
  });

  it('start only the processes the chosen cases need, with the right flags', () => {
    const cases = ['seqread-1m-qd8-admin', 'zonedwrite-1m-qd8-sata'].map((id) => byId(id)!);
    expect(rolesFor('ours', cases, QUICK_SIZES)).toEqual(['plain', 'plain-admin', 'zoned-sata']);
    expect(rolesFor('tgt-tuned', BENCH_CASES, QUICK_SIZES)).toEqual(['plain']);
    expect(rolesFor('ours', BENCH_CASES, QUICK_SIZES)).toEqual([...LU_ROLES]);
    const args = (role: (typeof LU_ROLES)[number]) =>
      ourRoleArgs(role, 'iqn.x', 'f.img', QUICK_SIZES);
    expect(args('plain')).toContain('--no-admin');
    expect(args('zoned')).toContain('--no-admin');
    expect(args('plain-admin').join(' ')).toContain('--admin 127.0.0.1:0');
    expect(args('zoned-admin').join(' ')).toContain('--model host-managed');
    expect(args('zoned-sata').join(' ')).toMatch(
      /--model host-managed.*--interface sata --no-admin/,
    );
  });

  it('prefill every role (the SATA LU through ATA) and warm up every plain LU', () => {
    const fill = prefillSpecs('ours', QUICK_SIZES, ['plain', 'plain-admin', 'zoned-sata']);
    expect(fill.map((f) => [f.lu, f.spec.mode])).toEqual([
      ['plain', 'seqwrite'],
      ['plain-admin', 'seqwrite'],
      ['zoned-sata', 'zonedwrite-ata'],
    ]);
    const warm = warmupSpecs('ours', QUICK_SIZES, ['plain', 'zoned', 'plain-admin']);
    expect(warm.map((w) => w.lu)).toEqual(['plain', 'plain-admin']);
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
      mode: 'randread' as const,
      bs: 4096,
      seconds: 1,
      offset: 0,
      region: 1 << 30,
      seed: 5,
    };
    const parts = [0, 1].map((i) => sessionSpec(spec, 2, i));
    expect(new Set(parts.map((p) => p.seed)).size).toBe(2);
    expect(parts.every((p) => p.region === 1 << 30)).toBe(true);
  });
});
