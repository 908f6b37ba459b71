import { constants as fsc } from 'node:fs';
import {
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FileZoneJournal,
  JournalError,
  PAGE_COPIES,
  PAGE_SIZE,
  RECORDS_PER_PAGE,
} from '../../../../src/storage/file-zone-journal.js';
import { ZoneModel } from '../../../../zbc/zone-model.js';
import { ZoneCondition, type ZoneCapture, type ZoneLayoutConfig } from '../../../../zbc/types.js';
import { isZoneFault, settled } from '../../../helpers/zone-result.js';

// 600 zones of 8 blocks: three zone-table pages (254 records each).
const layout: ZoneLayoutConfig = {
  model: 'host-managed',
  blockSize: 512,
  physicalBlockSize: 4096,
  capacityBlocks: 600 * 8,
  zoneSizeBlocks: 8,
  zoneCapacityBlocks: 8,
  conventionalZones: 2,
  maxOpen: 4,
  urswrz: true,
  readOnlyZones: [],
  offlineZones: [],
};
const PAGES = 3;

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zbc-journal-'));
  path = join(dir, 'disk.img.zbcmeta');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture(
  rows: readonly [zone: number, cond: number, wp: number, attr?: number][],
): ZoneCapture {
  return {
    zones: Uint32Array.from(rows.map((r) => r[0])),
    condition: Uint8Array.from(rows.map((r) => r[1])),
    writePointer: Float64Array.from(rows.map((r) => r[2])),
    attributes: Uint8Array.from(rows.map((r) => r[3] ?? 0)),
  };
}

/** The generation field of every copy of a zone-table page (0 in a never-written copy). */
async function pageGens(page: number, copies: number = PAGE_COPIES): Promise<number[]> {
  const buf = await readFile(path);
  const first = PAGE_SIZE * (1 + copies * page);
  return Array.from({ length: copies }, (_, c) => buf.readDoubleLE(first + c * PAGE_SIZE + 16));
}

async function corrupt(offset: number): Promise<void> {
  const fh = await open(path, 'r+');
  const b = Buffer.alloc(1);
  await fh.read(b, 0, 1, offset);
  b[0] = (b[0] as number) ^ 0x5a;
  await fh.write(b, 0, 1, offset);
  await fh.close();
}

async function loadOnce(l: ZoneLayoutConfig) {
  const j = await FileZoneJournal.open(path, l);
  await j.close();
  return j.loaded;
}

/** open(2) flags of this process's descriptors on `file` (Linux /proc/self/fdinfo). */
async function openFlags(file: string): Promise<number[]> {
  const flags: number[] = [];
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target !== file) continue;
    const info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8');
    flags.push(Number.parseInt(/^flags:\s+([0-7]+)/m.exec(info)?.[1] ?? '0', 8));
  }
  return flags;
}

async function openError(l: ZoneLayoutConfig = layout): Promise<JournalError> {
  const e = await FileZoneJournal.open(path, l).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(JournalError);
  return e as JournalError;
}

describe('FileZoneJournal', () => {
  it('creates a fresh medium: loaded is null, superblock plus three copies per page', async () => {
    expect([RECORDS_PER_PAGE, PAGE_COPIES]).toEqual([254, 3]);
    const j = await FileZoneJournal.open(path, layout);
    expect(j.loaded).toBeNull();
    await j.close();
    const sb = await readFile(path);
    expect([sb.length, sb.readUInt32LE(8)]).toEqual([PAGE_SIZE * (1 + 3 * PAGES), 3]);
    expect(await pageGens(0)).toEqual([1, 0, 0]);
  });

  it('writes through O_DSYNC (durable at return) into a table with no holes', async () => {
    for (const reopen of [false, true]) {
      const j = await FileZoneJournal.open(path, layout);
      const flags = await openFlags(path);
      expect(flags.length, reopen ? 'loaded' : 'created').toBe(1);
      expect((flags[0] as number) & fsc.O_DSYNC, reopen ? 'loaded' : 'created').toBe(fsc.O_DSYNC);
      await j.close();
    }
    // Every page copy has blocks: a persist never allocates (no file system commit).
    const { size, blocks } = await stat(path);
    expect(blocks * 512).toBeGreaterThanOrEqual(size);
  });

  it('round-trips persisted zones; untouched zones keep their initial state', async () => {
    const j = await FileZoneJournal.open(path, layout);
    await j.persist(
      capture([
        [5, ZoneCondition.CLOSED, 43, 1],
        [300, ZoneCondition.FULL, 2408],
      ]),
    );
    await j.close();
    const again = await FileZoneJournal.open(path, layout);
    const s = again.loaded;
    expect(s).not.toBeNull();
    expect(s?.condition.length).toBe(600);
    expect([s?.condition[5], s?.writePointer[5], s?.attributes[5]]).toEqual([
      ZoneCondition.CLOSED,
      43,
      1,
    ]);
    expect([s?.condition[300], s?.writePointer[300]]).toEqual([ZoneCondition.FULL, 2408]);
    expect([s?.condition[6], s?.writePointer[6]]).toEqual([ZoneCondition.EMPTY, 48]);
    expect(s?.condition[0]).toBe(ZoneCondition.NOT_WRITE_POINTER);
    expect(s?.condition[1]).toBe(ZoneCondition.NOT_WRITE_POINTER);
    await again.close();
  });

  it('applies power-on rules at load: open zones close (or empty), WPs stay in their zone', async () => {
    const j = await FileZoneJournal.open(path, layout);
    await j.persist(
      capture([
        [10, ZoneCondition.IMPLICITLY_OPENED, 83],
        [11, ZoneCondition.EXPLICITLY_OPENED, 88],
        [12, ZoneCondition.CLOSED, 500],
      ]),
    );
    await j.close();
    const s = await loadOnce(layout);
    expect([s?.condition[10], s?.writePointer[10]]).toEqual([ZoneCondition.CLOSED, 83]);
    expect([s?.condition[11], s?.writePointer[11]]).toEqual([ZoneCondition.EMPTY, 88]);
    expect(s?.writePointer[12]).toBe(104); // clamped to the zone end (96 + 8)
  });

  it('writes changed pages to alternate copies, each with a higher generation', async () => {
    const j = await FileZoneJournal.open(path, layout);
    await j.persist(capture([[5, ZoneCondition.CLOSED, 41]]));
    expect(await pageGens(0)).toEqual([1, 2, 0]);
    await j.persist(capture([[5, ZoneCondition.CLOSED, 42]]));
    expect(await pageGens(0)).toEqual([3, 2, 0]);
    expect(await pageGens(1)).toEqual([1, 0, 0]); // page 1 never rewritten
    await j.close();
  });

  it('a persist does not wait for the round in flight: the third copy takes it', async () => {
    const j = await FileZoneJournal.open(path, layout);
    const first = j.persist(capture([[5, ZoneCondition.CLOSED, 41]]));
    await Promise.resolve(); // the first round has started (its page write is in flight)
    const second = j.persist(capture([[6, ZoneCondition.CLOSED, 49]]));
    await Promise.resolve();
    const third = j.persist(capture([[7, ZoneCondition.CLOSED, 57]]));
    await Promise.all([first, second, third]);
    // Rounds 1 and 2 overlapped (copies 1 and 2); round 3 waited for a free copy.
    expect(await pageGens(0)).toEqual([4, 2, 3]);
    await j.close();
    const s = await loadOnce(layout);
    expect([s?.writePointer[5], s?.writePointer[6], s?.writePointer[7]]).toEqual([41, 49, 57]);
  });

  it('still reads and writes format 1 (two copies per page, one round at a time)', async () => {
    const j = await FileZoneJournal.open(path, layout, { format: true, copies: 2 });
    const first = j.persist(capture([[5, ZoneCondition.CLOSED, 41]]));
    await Promise.resolve();
    const second = j.persist(capture([[6, ZoneCondition.CLOSED, 49]]));
    await Promise.all([first, second]);
    expect(await pageGens(0, 2)).toEqual([3, 2]);
    await j.close();
    const sb = await readFile(path);
    expect([sb.length, sb.readUInt32LE(8)]).toEqual([PAGE_SIZE * (1 + 2 * PAGES), 1]);
    const again = await FileZoneJournal.open(path, layout);
    expect([again.loaded?.writePointer[5], again.loaded?.writePointer[6]]).toEqual([41, 49]);
    await again.persist(capture([[5, ZoneCondition.CLOSED, 42]]));
    await again.close();
    expect(await pageGens(0, 2)).toEqual([3, 4]);
  });

  it('a torn newest copy falls back to the older valid copy', async () => {
    const j = await FileZoneJournal.open(path, layout);
    await j.persist(capture([[5, ZoneCondition.CLOSED, 42]])); // copy 1, gen 2
    await j.persist(capture([[5, ZoneCondition.CLOSED, 44]])); // copy 0, gen 3
    await j.close();
    await corrupt(PAGE_SIZE + 32 + 5 * 16); // inside zone 5's record of copy A
    const again = await FileZoneJournal.open(path, layout);
    expect(again.loaded?.writePointer[5]).toBe(42);
    // The next persist overwrites the bad copy, never the good one.
    await again.persist(capture([[5, ZoneCondition.CLOSED, 46]]));
    await again.close();
    expect((await loadOnce(layout))?.writePointer[5]).toBe(46);
  });

  it('every copy bad: the start stops with an error naming the page', async () => {
    const j = await FileZoneJournal.open(path, layout);
    await j.persist(capture([[300, ZoneCondition.CLOSED, 2403]]));
    await j.persist(capture([[300, ZoneCondition.CLOSED, 2404]]));
    const second = j.persist(capture([[300, ZoneCondition.CLOSED, 2405]]));
    await Promise.resolve();
    await Promise.all([second, j.persist(capture([[300, ZoneCondition.CLOSED, 2406]]))]);
    await j.close();
    expect(await pageGens(1)).toEqual([3, 4, 5]); // the last two rounds overlapped
    await corrupt(PAGE_SIZE * 6 + 100);
    await corrupt(PAGE_SIZE * 5 + 100);
    expect((await loadOnce(layout))?.writePointer[300]).toBe(2404); // gen 3, copy 0
    await corrupt(PAGE_SIZE * 4 + 100);
    const e = await openError();
    expect(e.code).toBe('META_PAGE_CRC');
    expect(e.message).toBe(
      `metadata ${path}: zone table page 1 (zones 254-507): CRC32C mismatch in every copy (use --format to re-create)`,
    );
  });

  it('refuses a geometry mismatch with a one-line error naming the field', async () => {
    await (await FileZoneJournal.open(path, layout)).close();
    const e = await openError({ ...layout, zoneSizeBlocks: 16, zoneCapacityBlocks: 16 });
    expect(e.code).toBe('META_GEOMETRY');
    expect(e.message).toBe(
      `metadata ${path}: zone size 8 blocks (4 KiB) does not match --zone-size 16 blocks (8 KiB) (use --format to re-create)`,
    );
    expect((await openError({ ...layout, model: 'host-aware' })).message).toBe(
      `metadata ${path}: zoned model host-managed does not match --model host-aware (use --format to re-create)`,
    );
    expect((await openError({ ...layout, maxOpen: null })).message).toBe(
      `metadata ${path}: max open zones 4 does not match --max-open unlimited (use --format to re-create)`,
    );
    expect((await openError({ ...layout, conventionalZones: 3 })).message).toBe(
      `metadata ${path}: conventional zone count 2 does not match --conventional-zones 3 (use --format to re-create)`,
    );
  });

  it('--format re-creates the metadata on purpose', async () => {
    const j = await FileZoneJournal.open(path, layout);
    await j.persist(capture([[5, ZoneCondition.FULL, 48]]));
    await j.close();
    const other = { ...layout, capacityBlocks: 300 * 8 };
    await openError(other);
    const f = await FileZoneJournal.open(path, other, { format: true });
    expect(f.loaded).toBeNull();
    await f.close();
    const s = await loadOnce(other);
    expect(s?.condition.length).toBe(300);
    expect(s?.condition[5]).toBe(ZoneCondition.EMPTY);
  });

  it('names wrong magic, unsupported version, superblock CRC and truncation', async () => {
    await writeFile(path, Buffer.alloc(PAGE_SIZE * 7, 0x41));
    expect((await openError()).message).toBe(
      `metadata ${path}: wrong magic (not a zbc-target metadata file) (use --format to re-create)`,
    );
    await (await FileZoneJournal.open(path, layout, { format: true })).close();
    const fh = await open(path, 'r+');
    await fh.write(Buffer.from([9, 0, 0, 0]), 0, 4, 8);
    await fh.close();
    expect((await openError()).message).toBe(
      `metadata ${path}: unsupported format version 9 (this build reads 1, 2, 3, 4) (use --format to re-create)`,
    );
    await (await FileZoneJournal.open(path, layout, { format: true })).close();
    await corrupt(40);
    const crc = await openError();
    expect(crc.code).toBe('META_CRC');
    expect(crc.message).toBe(
      `metadata ${path}: superblock CRC32C mismatch (use --format to re-create)`,
    );
    await (await FileZoneJournal.open(path, layout, { format: true })).close();
    const fh2 = await open(path, 'r+');
    await fh2.truncate(PAGE_SIZE * 4);
    await fh2.close();
    expect((await openError()).message).toBe(
      `metadata ${path}: is truncated (16384 bytes, the zone table needs ${PAGE_SIZE * 10}) (use --format to re-create)`,
    );
    await writeFile(path, Buffer.alloc(100));
    expect((await openError()).message).toBe(
      `metadata ${path}: is truncated (100 bytes, the superblock needs 4096) (use --format to re-create)`,
    );
  });

  it('a metadata path that cannot be opened or created is one line with the errno code', async () => {
    await mkdir(path);
    const e = await openError();
    expect([e.code, e.message]).toEqual([
      'META_UNREADABLE',
      `metadata ${path}: cannot open: EISDIR`,
    ]);
    const f = await FileZoneJournal.open(path, layout, { format: true }).catch((x: unknown) => x);
    expect(f).toBeInstanceOf(JournalError);
    expect((f as JournalError).message).toBe(`metadata ${path}: cannot create: EISDIR`);
  });

  it('writes a small round synchronously; after a slow page write rounds use the pool', async () => {
    // The clock moves 3 ms per reading: every synchronous page write looks slow (> 2 ms).
    let t = 0;
    let readings = 0;
    const now = () => {
      readings++;
      t += 3;
      return t;
    };
    const j = await FileZoneJournal.open(path, layout, { now });
    const persist = async (rows: Parameters<typeof capture>[0]) => {
      const before = readings;
      await j.persist(capture(rows));
      return readings - before;
    };
    // Synchronous: the valve is read, then the write is timed (two more readings).
    expect(await persist([[5, ZoneCondition.CLOSED, 41]])).toBe(3);
    // That write was slow: the next rounds go to the pool (only the valve is read).
    expect(await persist([[6, ZoneCondition.CLOSED, 49]])).toBe(1);
    expect(await persist([[300, ZoneCondition.FULL, 2408]])).toBe(1);
    t += 1000; // the pause is over
    expect(await persist([[7, ZoneCondition.CLOSED, 57]])).toBe(3);
    await j.close();
    const s = await loadOnce(layout);
    expect([s?.writePointer[5], s?.writePointer[6], s?.writePointer[7]]).toEqual([41, 49, 57]);
    expect(s?.condition[300]).toBe(ZoneCondition.FULL);
  });

  it('coalesces concurrent persists into one round', async () => {
    const j = await FileZoneJournal.open(path, layout);
    const all = [41, 42, 43, 44, 45].map((wp) =>
      j.persist(capture([[5, ZoneCondition.CLOSED, wp]])),
    );
    expect(new Set(all).size).toBe(1); // every caller shares the one queued round
    await Promise.all(all);
    expect(Math.max(...(await pageGens(0)))).toBe(2); // format (1) + one round
    await j.persist(capture([[6, ZoneCondition.CLOSED, 49]]));
    expect(Math.max(...(await pageGens(0)))).toBe(3); // a later persist is a new round
    await j.close();
    expect((await loadOnce(layout))?.writePointer[5]).toBe(45);
  });

  it('restores a ZoneModel exactly from what the model captured', async () => {
    const big = { ...layout, zoneSizeBlocks: 64, zoneCapacityBlocks: 64, capacityBlocks: 600 * 64 };
    const j = await FileZoneJournal.open(path, big);
    const model = new ZoneModel(big, j.loaded);
    for (const [lba, blocks] of [
      [128, 64],
      [192, 16],
      [16000, 8],
    ] as const) {
      const plan = settled(model.planWrite(lba, blocks));
      if (isZoneFault(plan)) throw new Error(`unexpected fault ${plan.kind}`);
      model.commitWrite(plan);
      model.writeCompleted(plan);
    }
    await j.persist(model.captureDurable());
    await j.close();
    const again = await FileZoneJournal.open(path, big);
    const restored = new ZoneModel(big, again.loaded);
    for (const z of [2, 3, 250, 251]) {
      const a = model.zoneAt(z);
      const b = restored.zoneAt(z);
      const closed =
        a.condition === ZoneCondition.IMPLICITLY_OPENED ? ZoneCondition.CLOSED : a.condition;
      expect([b.condition, b.writePointer], `zone ${z}`).toEqual([closed, a.writePointer]);
    }
    expect(restored.zoneAt(2).condition).toBe(ZoneCondition.FULL);
    expect([restored.zoneAt(3).condition, restored.zoneAt(3).writePointer]).toEqual([
      ZoneCondition.CLOSED,
      208,
    ]);
    expect(restored.zoneAt(250).writePointer).toBe(16008);
    expect(restored.zoneAt(251).condition).toBe(ZoneCondition.EMPTY);
    await again.close();
  });
});
