// Property test of what reaches the journal, as LogicalUnit drives it: flushes persist
// captureDurable() once completed writes are durable, RESET persists its own resetCapture with
// no data flush. Invariant (docs/zones.md): a persisted WP (or a FULL record's data end)
// never points past durable data; after a restart every zone reads back as before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZoneModel } from '../../../zbc/zone-model.js';
import { ZoneCondition as C, type WritePlan, type ZoneCapture } from '../../../zbc/types.js';
import { expectRestoredMatches, journalOf, smallLayout } from './fixtures.js';
import { isZoneFault, settled } from '../../helpers/zone-result.js';

type Step =
  | { t: 'start'; zone: number; blocks: number }
  | { t: 'complete'; pick: number }
  | { t: 'fail'; pick: number }
  | { t: 'flush' }
  | { t: 'action'; kind: 'open' | 'close' | 'finish' | 'reset'; zone: number; all: boolean };

const ZONES = { first: 2, last: 7 };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('start' as const),
      zone: fc.integer({ min: ZONES.first, max: ZONES.last }),
      blocks: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('complete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('fail' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('flush' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('action' as const),
      kind: fc.constantFrom('open' as const, 'close' as const, 'finish' as const, 'reset' as const),
      zone: fc.integer({ min: ZONES.first, max: ZONES.last }),
      all: fc.boolean(),
    }),
  },
);

describe('journal invariant under flushes and flush-free RESET captures', () => {
  it('persisted WPs and data ends never pass durable data; a restart reads back the same', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 60 }),
        fc.constantFrom(null, 2),
        (steps, maxOpen) => {
          const layout = smallLayout({ maxOpen });
          const m = new ZoneModel(layout);
          const journal = journalOf(m);
          /** Writes in flight, and whether a RESET of their zone made them stale. */
          const inflight: { plan: WritePlan; zone: number; stale: boolean }[] = [];
          /** Per zone since its last reset: completed ranges, and the durable ones (flushed). */
          const completed = new Map<number, [number, number][]>();
          const durable = new Map<number, [number, number][]>();
          /** Per zone since its last reset: ranges of writes whose completion stood. */
          const stood = new Map<number, [number, number][]>();
          const coverage = (zone: number): number => {
            let to = m.zoneAt(zone).start;
            const ranges = [...(durable.get(zone) ?? [])].sort((a, b) => a[0] - b[0]);
            for (const [from, end] of ranges) if (from <= to) to = Math.max(to, end);
            return to;
          };
          const check = (c: ZoneCapture) => {
            journal.apply(c);
            for (let i = ZONES.first; i <= ZONES.last; i++) {
              const cond = journal.state.condition[i];
              const bound = journal.state.writePointer[i] as number;
              if (cond === C.EMPTY) expect(bound).toBe(m.zoneAt(i).start);
              else expect(bound, `zone ${i} record ${cond}`).toBeLessThanOrEqual(coverage(i));
            }
          };
          const resetZones = (zones: readonly number[]) => {
            for (const z of zones) {
              completed.delete(z);
              durable.delete(z);
              stood.delete(z);
              for (const w of inflight) if (w.zone === z) w.stale = true;
            }
          };
          for (const s of steps) {
            if (s.t === 'start') {
              const z = m.zoneAt(s.zone);
              if (z.condition === C.FULL) continue; // its WP is the next zone's start
              const p = settled(m.planWrite(z.writePointer, s.blocks * 8));
              if (isZoneFault(p)) continue;
              m.commitWrite(p);
              inflight.push({ plan: p, zone: s.zone, stale: false });
            } else if (s.t === 'complete') {
              if (inflight.length === 0) continue;
              const [w] = inflight.splice(s.pick % inflight.length, 1);
              const range: [number, number] = [w!.plan.lba, w!.plan.lba + w!.plan.blocks];
              const stands = m.writeCompleted(w!.plan);
              if (!w!.stale) completed.set(w!.zone, [...(completed.get(w!.zone) ?? []), range]);
              if (!w!.stale && stands) stood.set(w!.zone, [...(stood.get(w!.zone) ?? []), range]);
            } else if (s.t === 'fail') {
              // The store write failed: nothing of it may read back or be persisted as written.
              if (inflight.length === 0) continue;
              const [w] = inflight.splice(s.pick % inflight.length, 1);
              m.writeFailed(w!.plan);
            } else if (s.t === 'flush') {
              // LogicalUnit.flushMedium: capture, data flush (completed writes durable), persist.
              const c = m.captureDurable();
              for (const [z, r] of completed) durable.set(z, [...r]);
              check(c);
            } else {
              const before = Array.from({ length: m.zoneCount }, (_, i) => m.zoneAt(i));
              const r = settled(
                m.zoneAction({
                  action: s.kind,
                  zoneId: s.all ? 0 : m.zoneAt(s.zone).start,
                  count: 0,
                  all: s.all,
                }),
              );
              if (isZoneFault(r)) continue;
              if (s.kind !== 'reset') {
                expect(r.resetCapture).toBeUndefined();
                continue;
              }
              const c = r.resetCapture;
              if (c === undefined) throw new Error('RESET without a capture');
              // Every zone whose state the RESET changed is in its capture, EMPTY at its start.
              for (let i = 0; i < m.zoneCount; i++) {
                const a = before[i]!;
                const b = m.zoneAt(i);
                const changed =
                  a.condition !== b.condition ||
                  a.writePointer !== b.writePointer ||
                  a.attributes !== b.attributes;
                if (changed) expect(Array.from(c.zones)).toContain(i);
              }
              resetZones(Array.from(c.zones));
              check(c); // no data flush
            }
          }
          for (const w of inflight.splice(0)) {
            const stands = m.writeCompleted(w.plan);
            if (!w.stale && stands)
              stood.set(w.zone, [
                ...(stood.get(w.zone) ?? []),
                [w.plan.lba, w.plan.lba + w.plan.blocks],
              ]);
          }
          // Every block that reads as data was written by a write that stood (zeros otherwise).
          for (let i = ZONES.first; i <= ZONES.last; i++) {
            const z = m.zoneAt(i);
            const r = settled(m.checkRead(z.start, z.length));
            if (isZoneFault(r)) throw new Error(r.kind);
            const ranges = stood.get(i) ?? [];
            for (const seg of r.filter((x) => !x.zeroFill)) {
              for (let lba = seg.lba; lba < seg.lba + seg.blocks; lba++) {
                expect(
                  ranges.some(([a, b]) => lba >= a && lba < b),
                  `zone ${i} LBA ${lba} reads as data`,
                ).toBe(true);
              }
            }
          }
          const finalCapture = m.captureDurable();
          journal.apply(finalCapture);
          const restored = new ZoneModel(layout, journal.state);
          expectRestoredMatches(m, restored, { reads: true });
        },
      ),
      { numRuns: 400 },
    );
  });
});
