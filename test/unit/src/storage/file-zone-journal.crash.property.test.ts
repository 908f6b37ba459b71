// Property: with persists overlapping (several rounds of page writes in flight, landing in any
// order), a crash at any point loses nothing a persist acknowledged. The journal's page writes
// are held here and landed one at a time in an order fast-check picks; at the crash every write
// still in flight is either lost or torn (half of the new image over the old copy). Reopening
// must then give, for every page, the page as some persist left it that is no older than the
// newest acknowledged persist touching that page (docs/zones.md: durable before GOOD).
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FileZoneJournal,
  PAGE_SIZE,
  RECORDS_PER_PAGE,
} from '../../../../src/storage/file-zone-journal.js';
import { ZoneCondition } from '../../../../zbc/types.js';
import { COUNT, layout, PAGES, ZONE } from './journal-property-layout.js';

const pageOf = (z: number): number => Math.floor(z / RECORDS_PER_PAGE);

/** Zones on few pages, so rounds keep rewriting the same pages. */
const update = fc.record({
  zone: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 250, max: 260 })),
  fill: fc.integer({ min: 0, max: ZONE }),
});
/** A persist of some zones, or the landing of one held page write (index modulo those held). */
const step = fc.oneof(
  fc.record({ persist: fc.array(update, { minLength: 1, maxLength: 4 }) }),
  fc.record({ land: fc.nat() }),
);
const scenario = fc.record({
  steps: fc.array(step, { minLength: 1, maxLength: 30 }),
  /** Per write in flight at the crash: torn (true) or lost (false). */
  tears: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
});

interface HeldWrite {
  readonly image: Buffer;
  readonly position: number;
  readonly land: () => Promise<void>;
}

/** Replaces the journal's page writes by held ones the test lands (really writes) one by one. */
function holdWrites(j: FileZoneJournal): { held: HeldWrite[]; fh: FileHandle } {
  const fh = (j as unknown as { fh: FileHandle }).fh;
  const held: HeldWrite[] = [];
  const write = (buffer: Buffer, offset: number, length: number, position: number) =>
    new Promise((resolve, reject) => {
      const image = Buffer.from(buffer.subarray(offset, offset + length));
      const land = () => fh.write(image, 0, length, position).then(resolve, reject);
      held.push({ image, position, land });
    });
  Object.assign(j as unknown as { fh: unknown }, { fh: { fd: fh.fd, write } });
  return { held, fh };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('FileZoneJournal, overlapping rounds and a crash (property)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zbc-journal-crash-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a restart never loses an acknowledged persist, whatever lands and tears', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ steps, tears }) => {
        const path = join(dir, `c${run++}.zbcmeta`);
        const j = await FileZoneJournal.open(path, layout);
        const { held, fh } = holdWrites(j);
        const cond = new Uint8Array(COUNT).fill(ZoneCondition.EMPTY);
        cond[0] = ZoneCondition.NOT_WRITE_POINTER;
        const wp = Float64Array.from({ length: COUNT }, (_, i) => i * ZONE);
        // Per page, its state after every persist that touched it; and the newest acknowledged.
        const versions = Array.from({ length: PAGES }, () => [
          { cond: cond.slice(), wp: wp.slice() },
        ]);
        const acked = new Array<number>(PAGES).fill(0);
        for (const s of steps) {
          if ('land' in s) {
            const w = held.splice(s.land % Math.max(1, held.length), 1)[0];
            if (w !== undefined) await w.land();
            await settle();
            continue;
          }
          const zones = [...new Set(s.persist.map((u) => u.zone))];
          for (const u of s.persist) {
            cond[u.zone] = u.fill === 0 ? ZoneCondition.EMPTY : ZoneCondition.CLOSED;
            wp[u.zone] = u.zone * ZONE + u.fill;
          }
          const touched = [...new Set(zones.map(pageOf))];
          const made = touched.map((p) => {
            versions[p]?.push({ cond: cond.slice(), wp: wp.slice() });
            return [p, (versions[p]?.length ?? 1) - 1] as const;
          });
          void j
            .persist({
              zones: Uint32Array.from(zones),
              condition: Uint8Array.from(zones.map((z) => cond[z] as number)),
              writePointer: Float64Array.from(zones.map((z) => wp[z] as number)),
              attributes: new Uint8Array(zones.length),
            })
            .then(() => {
              for (const [p, v] of made) acked[p] = Math.max(acked[p] as number, v);
            });
          await settle();
        }
        // The crash: writes still held are lost or torn.
        for (const [i, w] of held.entries()) {
          if (tears[i % tears.length]) await fh.write(w.image, 0, PAGE_SIZE / 2, w.position);
        }
        await fh.close();
        const again = await FileZoneJournal.open(path, layout);
        await again.close();
        const s = again.loaded;
        for (let p = 0; p < PAGES; p++) {
          const first = p * RECORDS_PER_PAGE;
          const zones = Array.from({ length: RECORDS_PER_PAGE }, (_, i) => first + i).filter(
            (z) => z < COUNT,
          );
          const page = zones.map((z) => [s?.condition[z], s?.writePointer[z]]);
          const found = (versions[p] ?? []).findIndex(
            (v, k) =>
              k >= (acked[p] as number) &&
              zones.every((z, i) => page[i]?.[0] === v.cond[z] && page[i]?.[1] === v.wp[z]),
          );
          expect(found, `page ${p}: acknowledged version ${acked[p]}`).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 150 },
    );
  });
});
