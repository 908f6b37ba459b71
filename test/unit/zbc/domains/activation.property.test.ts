// Property tests: random ZONE ACTIVATE / ZONE QUERY requests mixed with writes and resets, against
// the separately written reference (activation-reference.ts): same answers, same zone states, same
// realm table, for every combination of CMR domain type and restricted realms.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isActivationFault } from '../../../../zbc/domains/activation.js';
import { ZoneModel } from '../../../../zbc/zone-model.js';
import { ZoneType, type ZoneLayoutConfig } from '../../../../zbc/types.js';
import { ActivationReference, type RefOutcome, type RefRequest } from './activation-reference.js';
import { domainsLayout, Z } from './fixtures.js';
import { isZoneFault, settled } from '../../../helpers/zone-result.js';

type Cmd =
  | { t: 'activate'; req: RefRequest; misalign: boolean }
  | { t: 'write'; zone: number; blocks: number }
  | { t: 'reset'; zone: number };

const cmdArb = (zones: number): fc.Arbitrary<Cmd> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        t: fc.constant('activate' as const),
        misalign: fc.boolean(),
        req: fc.record({
          query: fc.boolean(),
          all: fc.boolean(),
          zoneId: fc.nat(zones).map((z) => z * Z),
          zoneCount: fc.nat(8),
          domainId: fc.oneof(fc.constant(null), fc.nat(2)),
          maxActivation: fc.constantFrom(0, 0, 1, 2),
        }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        t: fc.constant('write' as const),
        zone: fc.nat(zones - 1),
        blocks: fc.constantFrom(8, 64),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('reset' as const), zone: fc.nat(zones - 1) }),
    },
  );

/** What the runs reached, so a property that never activates anything cannot pass. */
const seen = { activated: 0, unmet: new Set<number>(), faults: new Set<string>() };

function run(layout: ZoneLayoutConfig, cmds: Cmd[]): void {
  const m = new ZoneModel(layout);
  const ref = new ActivationReference(layout);
  for (const cmd of cmds) {
    const label = JSON.stringify(cmd);
    if (cmd.t === 'activate') {
      const req = { ...cmd.req, zoneId: cmd.req.zoneId + (cmd.misalign ? 8 : 0) };
      const got = m.domains!.activate(req);
      const want: RefOutcome = ref.activate(req);
      if (isActivationFault(got)) {
        const kind = got.kind === 'activation-field' ? got.field : 'lba-out-of-range';
        seen.faults.add(kind);
        expect({ fault: kind }, label).toEqual(want);
      } else {
        const { activated, unmet, ziwup, ranges } = got;
        if (activated) seen.activated++;
        for (let bit = 1; bit < 0x40; bit <<= 1) if ((unmet & bit) !== 0) seen.unmet.add(bit);
        expect({ activated, unmet, ziwup, ranges }, label).toEqual(want);
      }
    } else if (cmd.t === 'write') {
      const z = ref.zones[cmd.zone]!;
      // At the WP, within the zone; a FULL zone is written from its start (SOBR overwrites).
      const full = z.wp === z.start + z.len;
      const blocks = full ? cmd.blocks : Math.min(cmd.blocks, z.start + z.len - z.wp);
      const got = settled(m.planWrite(full ? z.start : z.wp, blocks));
      const want = ref.write(cmd.zone, blocks);
      if (isZoneFault(got)) expect(got.kind, label).toBe(want);
      else {
        expect('ok', label).toBe(want);
        m.commitWrite(got);
        m.writeCompleted(got);
      }
    } else {
      const got = settled(
        m.zoneAction({ action: 'reset', zoneId: cmd.zone * Z, count: 0, all: false }),
      );
      const want = ref.reset(cmd.zone);
      expect(isZoneFault(got) ? got.kind : 'ok', label).toBe(want);
    }
    for (let i = 0; i < m.zoneCount; i++) {
      const z = m.zoneAt(i);
      const r = ref.zones[i]!;
      expect([i, z.type, z.condition, z.writePointer], label).toEqual([i, r.type, r.cond, r.wp]);
    }
    expect(Array.from(m.domains!.activeDomains), label).toEqual(ref.active);
  }
}

describe('ZONE ACTIVATE / ZONE QUERY against the reference model', () => {
  const cases: [string, ZoneLayoutConfig][] = [
    ['conventional + SWR', domainsLayout(ZoneType.CONVENTIONAL)],
    ['SOBR + SWR', domainsLayout(ZoneType.SEQUENTIAL_OR_BEFORE_REQUIRED)],
    [
      'conventional + SWR, realm 1 restricted',
      domainsLayout(ZoneType.CONVENTIONAL, { restrictedRealms: [1] }),
    ],
    [
      'SWR + conventional (SMR first), no gap',
      (() => {
        const l = domainsLayout(ZoneType.SEQUENTIAL_WRITE_REQUIRED, { gapZones: 0 });
        const d = l.domains!;
        const domains = {
          ...d,
          domains: [d.domains[0]!, { type: ZoneType.CONVENTIONAL, zonesPerRealm: 3 }],
        };
        return { ...l, capacityBlocks: 20 * Z, domains };
      })(),
    ],
  ];
  it.each(cases)('%s', (_name, layout) => {
    const zones = new ZoneModel(layout).zoneCount;
    // One fixed run as well: realm 1 to SMR, whole realm (restricted in one layout).
    const realm1: Cmd = {
      t: 'activate',
      misalign: false,
      req: {
        query: false,
        all: false,
        zoneId: 12 * Z,
        zoneCount: 3,
        domainId: 1,
        maxActivation: 0,
      },
    };
    fc.assert(
      fc.property(fc.array(cmdArb(zones), { maxLength: 40 }), (cmds) => run(layout, cmds)),
      { numRuns: 150, examples: [[[realm1]]] },
    );
  });

  it('reached activations, every unmet prerequisite and every CDB fault', () => {
    expect(seen.activated).toBeGreaterThan(50);
    expect([...seen.unmet].sort((a, b) => a - b)).toEqual([0x01, 0x02, 0x04, 0x08, 0x10, 0x20]);
    expect([...seen.faults].sort()).toEqual([
      'domain-id',
      'lba-out-of-range',
      'zone-count',
      'zone-id',
    ]);
  });
});
