// Property: after any sequence of persists, reopening yields exactly the last persisted state; and
// if the newest copy of one page is torn, that page comes back as of its previous version while
// every other page stays current (one persist at a time writes two of the copies alternately,
// docs/zones.md; overlapping rounds: file-zone-journal.crash.property.test.ts).
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FileZoneJournal,
  JournalError,
  PAGE_COPIES,
  PAGE_SIZE,
  RECORDS_PER_PAGE,
} from '../../../../src/storage/file-zone-journal.js';
import { ZoneCondition } from '../../../../zbc/types.js';
import { COUNT, layout, PAGES, ZONE } from './journal-property-layout.js';

/** One zone update: a sequential zone, a WP inside it, the condition that WP implies. */
const update = fc.record({
  zone: fc.integer({ min: 1, max: COUNT - 1 }),
  fill: fc.integer({ min: 0, max: ZONE }),
});
const scenario = fc.record({
  persists: fc.array(fc.array(update, { minLength: 1, maxLength: 12 }), {
    minLength: 0,
    maxLength: 8,
  }),
  tear: fc.option(fc.integer({ min: 0, max: PAGES - 1 }), { nil: undefined }),
});

function condFor(fill: number): number {
  return fill === 0
    ? ZoneCondition.EMPTY
    : fill === ZONE
      ? ZoneCondition.FULL
      : ZoneCondition.CLOSED;
}

describe('FileZoneJournal (property)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zbc-journal-prop-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reopens to the last persisted state, or the previous version of a torn page', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ persists, tear }) => {
        const path = join(dir, `p${run++}.zbcmeta`);
        const j = await FileZoneJournal.open(path, layout);
        // Fresh state: conventional zone 0, the rest EMPTY at their start.
        const cond = new Uint8Array(COUNT).fill(ZoneCondition.EMPTY);
        cond[0] = ZoneCondition.NOT_WRITE_POINTER;
        const wp = Float64Array.from({ length: COUNT }, (_, i) => i * ZONE);
        const versions: { cond: Uint8Array; wp: Float64Array }[][] = Array.from(
          { length: PAGES },
          () => [{ cond: cond.slice(), wp: wp.slice() }],
        );
        for (const batch of persists) {
          const zones = batch.map((u) => u.zone);
          for (const u of batch) {
            cond[u.zone] = condFor(u.fill);
            wp[u.zone] = u.zone * ZONE + u.fill;
          }
          await j.persist({
            zones: Uint32Array.from(zones),
            condition: Uint8Array.from(zones.map((z) => cond[z] as number)),
            writePointer: Float64Array.from(zones.map((z) => wp[z] as number)),
            attributes: new Uint8Array(zones.length),
          });
          for (const p of new Set(zones.map((z) => Math.floor(z / RECORDS_PER_PAGE)))) {
            versions[p]?.push({ cond: cond.slice(), wp: wp.slice() });
          }
        }
        await j.close();
        let expectedPageVersion = versions.map((v) => v.length - 1);
        if (tear !== undefined) {
          const n = versions[tear]?.length ?? 1; // generation of the newest copy
          const newestCopy = (n - 1) % 2;
          const fh = await open(path, 'r+');
          await fh.write(
            Buffer.from([0xff, 0xee]),
            0,
            2,
            PAGE_SIZE * (1 + PAGE_COPIES * tear + newestCopy) + 100,
          );
          await fh.close();
          if (n === 1) {
            // Only the format copy existed: every copy is now bad.
            const e = await FileZoneJournal.open(path, layout).catch((x: unknown) => x);
            expect(e).toBeInstanceOf(JournalError);
            expect((e as JournalError).code).toBe('META_PAGE_CRC');
            return;
          }
          expectedPageVersion = expectedPageVersion.map((v, p) => (p === tear ? v - 1 : v));
        }
        const again = await FileZoneJournal.open(path, layout);
        await again.close();
        const s = again.loaded;
        expect(s).not.toBeNull();
        for (let z = 0; z < COUNT; z++) {
          const p = Math.floor(z / RECORDS_PER_PAGE);
          const v = versions[p]?.[expectedPageVersion[p] as number];
          expect([s?.condition[z], s?.writePointer[z]], `zone ${z}`).toEqual([
            v?.cond[z],
            v?.wp[z],
          ]);
        }
      }),
      { numRuns: 40 },
    );
  });
});
