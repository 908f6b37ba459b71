// Property tests: random command sequences against the reference model (same answers, same
// zone states) and the invariants; capture/restore round trips under random in-flight writes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZoneModel } from '../../../zbc/zone-model.js';
import { ZoneCondition as C, type WritePlan, type ZoneLayoutConfig } from '../../../zbc/types.js';
import { expectRestoredMatches, gapLayout, journalOf, smallLayout } from './fixtures.js';
import { ReferenceModel } from './reference-model.js';
import { isZoneFault, settled } from '../../helpers/zone-result.js';

type Cmd =
  | { t: 'write'; zone: number; at: 'wp' | number; blocks: number }
  | { t: 'read'; lba: number; blocks: number }
  | {
      t: 'action';
      kind: 'open' | 'close' | 'finish' | 'reset';
      zone: number;
      misalign: boolean;
      count: number;
      all: boolean;
    };

const cmdArb = (zones: number): fc.Arbitrary<Cmd> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        t: fc.constant('write' as const),
        zone: fc.nat(zones - 1),
        at: fc.oneof(fc.constant('wp' as const), fc.nat(70)),
        blocks: fc.oneof(
          fc.nat(5).map((n) => n * 8),
          fc.nat(70),
        ),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant('read' as const),
        lba: fc.nat(10_000),
        blocks: fc.nat(150),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        t: fc.constant('action' as const),
        kind: fc.constantFrom('open', 'close', 'finish', 'reset'),
        zone: fc.nat(zones),
        misalign: fc.boolean(),
        count: fc.constantFrom(0, 0, 1, 2, 3),
        all: fc.boolean(),
      }),
    },
  );

function checkInvariants(m: ZoneModel, layout: ZoneLayoutConfig): void {
  let open = 0;
  for (let i = 0; i < m.zoneCount; i++) {
    const z = m.zoneAt(i);
    const end = z.start + z.length;
    expect(z.writePointer).toBeGreaterThanOrEqual(z.start);
    expect(z.writePointer).toBeLessThanOrEqual(end);
    if (z.condition === C.EMPTY) expect(z.writePointer).toBe(z.start);
    if (z.condition === C.FULL) expect(z.writePointer).toBe(end);
    if (z.condition === C.CLOSED || z.condition === C.IMPLICITLY_OPENED) {
      expect(z.writePointer > z.start && z.writePointer < end).toBe(true);
    }
    if (z.condition === C.EXPLICITLY_OPENED) expect(z.writePointer).toBeLessThan(end);
    if (z.condition === C.IMPLICITLY_OPENED || z.condition === C.EXPLICITLY_OPENED) open++;
  }
  if (layout.maxOpen !== null) expect(open).toBeLessThanOrEqual(layout.maxOpen);
  expect(m.openCounts.implicit + m.openCounts.explicit).toBe(open);
}

function runAgainstReference(layout: ZoneLayoutConfig, cmds: Cmd[]): void {
  const m = new ZoneModel(layout);
  const ref = new ReferenceModel(layout);
  expect(ref.zones.length).toBe(m.zoneCount);
  for (const cmd of cmds) {
    if (cmd.t === 'write') {
      const z = ref.zones[cmd.zone % ref.zones.length]!;
      const lba = cmd.at === 'wp' ? z.wp : z.start + cmd.at;
      const blocks = Math.min(cmd.blocks, layout.capacityBlocks - lba);
      if (lba >= layout.capacityBlocks) continue;
      const p = settled(m.planWrite(lba, blocks));
      const got = isZoneFault(p) ? p.kind : 'ok';
      expect(got, JSON.stringify(cmd)).toBe(ref.write(lba, blocks));
      if (!isZoneFault(p)) {
        m.commitWrite(p);
        m.writeCompleted(p);
      }
    } else if (cmd.t === 'read') {
      const lba = cmd.lba % layout.capacityBlocks;
      const blocks = Math.min(cmd.blocks, layout.capacityBlocks - lba);
      const r = settled(m.checkRead(lba, blocks));
      const got = isZoneFault(r)
        ? r.kind
        : r.filter((s) => s.zeroFill).reduce((a, s) => a + s.blocks, 0);
      expect(got, JSON.stringify(cmd)).toBe(ref.read(lba, blocks));
      if (!isZoneFault(r)) expect(r.reduce((a, s) => a + s.blocks, 0)).toBe(blocks);
    } else {
      const z = ref.zones[cmd.zone];
      const zoneId = (z ? z.start : layout.capacityBlocks) + (cmd.misalign ? 1 : 0);
      const r = settled(m.zoneAction({ action: cmd.kind, zoneId, count: cmd.count, all: cmd.all }));
      const got = isZoneFault(r) ? r.kind : 'ok';
      expect(got, JSON.stringify(cmd)).toBe(ref.action(cmd.kind, zoneId, cmd.count, cmd.all));
    }
    for (let i = 0; i < m.zoneCount; i++) {
      const a = m.zoneAt(i);
      const b = ref.zones[i]!;
      expect(
        [a.type, a.condition, a.start, a.length, a.writePointer],
        `zone ${i} after ${JSON.stringify(cmd)}`,
      ).toEqual([b.type, b.cond, b.start, b.len, b.wp]);
    }
    checkInvariants(m, layout);
  }
}

describe('zone model against the reference model', () => {
  it('host-managed, max 2 open, read-only and offline zones', () => {
    const layout = smallLayout({ readOnlyZones: [6], offlineZones: [7], capacityBlocks: 10 * 64 });
    fc.assert(
      fc.property(fc.array(cmdArb(10), { maxLength: 60 }), (cmds) =>
        runAgainstReference(layout, cmds),
      ),
      {
        numRuns: 300,
      },
    );
  });

  it('host-managed with gap zones and a runt, max 3 open', () => {
    const layout = gapLayout({ capacityBlocks: 7 * 64 + 24, maxOpen: 3 });
    fc.assert(
      fc.property(fc.array(cmdArb(12), { maxLength: 60 }), (cmds) =>
        runAgainstReference(layout, cmds),
      ),
      {
        numRuns: 300,
      },
    );
  });

  it('host-managed without an open limit', () => {
    const layout = smallLayout({ maxOpen: null });
    fc.assert(
      fc.property(fc.array(cmdArb(8), { maxLength: 40 }), (cmds) =>
        runAgainstReference(layout, cmds),
      ),
      {
        numRuns: 150,
      },
    );
  });
});

describe('capture / restore round trips', () => {
  it('with writes in flight: restored WPs never pass completed writes, conditions load normalised', () => {
    const layout = smallLayout({ maxOpen: null, capacityBlocks: 6 * 64 });
    const step = fc.oneof(
      fc.record({
        t: fc.constant('start' as const),
        zone: fc.integer({ min: 2, max: 5 }),
        blocks: fc.integer({ min: 1, max: 3 }),
      }),
      fc.record({ t: fc.constant('complete' as const), pick: fc.nat() }),
      fc.record({ t: fc.constant('capture' as const) }),
      fc.record({
        t: fc.constant('action' as const),
        kind: fc.constantFrom('open', 'close', 'finish', 'reset'),
        zone: fc.integer({ min: 2, max: 5 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 50 }), (steps) => {
        const m = new ZoneModel(layout);
        const journal = journalOf(m);
        const inflight: WritePlan[] = [];
        /** Per zone: the WP up to which every write has completed (data on the "store"). */
        const completedTo = (zone: number): number => {
          const z = m.zoneAt(zone);
          const pending = inflight.filter((p) => m.zoneIndexOf(p.lba) === zone).map((p) => p.lba);
          return Math.min(z.writePointer, ...pending);
        };
        for (const s of steps) {
          if (s.t === 'start') {
            const z = m.zoneAt(s.zone);
            const p = settled(m.planWrite(z.writePointer, s.blocks * 8));
            if (!isZoneFault(p)) {
              m.commitWrite(p);
              inflight.push(p);
            }
          } else if (s.t === 'complete') {
            if (inflight.length > 0)
              m.writeCompleted(inflight.splice(s.pick % inflight.length, 1)[0]!);
          } else if (s.t === 'action') {
            if (s.kind === 'reset' && inflight.some((p) => m.zoneIndexOf(p.lba) === s.zone))
              continue;
            settled(m.zoneAction({ action: s.kind, zoneId: s.zone * 64, count: 0, all: false }));
          } else {
            journal.apply(m.captureDurable());
            for (let i = 2; i < m.zoneCount; i++) {
              expect(journal.state.writePointer[i]).toBeLessThanOrEqual(completedTo(i));
            }
          }
        }
        for (const p of inflight.splice(0)) m.writeCompleted(p);
        journal.apply(m.captureDurable());
        const restored = new ZoneModel(layout, journal.state);
        expectRestoredMatches(m, restored);
        expect(restored.openCounts.implicit + restored.openCounts.explicit).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
