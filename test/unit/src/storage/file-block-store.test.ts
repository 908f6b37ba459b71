import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FileBlockStore,
  StorageError,
  SYNC_READ_MAX,
  SYNC_WRITE_MAX,
} from '../../../../src/storage/file-block-store.js';
import { SLOW_SYNC_WRITE_MS, SYNC_WRITE_PAUSE_MS } from '../../../../src/storage/sync-valve.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zbc-fbs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileBlockStore', () => {
  it('creates an absent file sparse at the requested size', async () => {
    const path = join(dir, 'disk.img');
    const size = 1024 ** 3; // 1 GiB
    const store = await FileBlockStore.open(path, size);
    expect(store.created).toBe(true);
    const st = await stat(path);
    expect(st.size).toBe(size);
    expect(st.blocks * 512).toBeLessThan(1024 * 1024); // nothing allocated
    await store.close();
  });

  it('reads and writes at positions; segments land back to back', async () => {
    const path = join(dir, 'disk.img');
    const store = await FileBlockStore.open(path, 1 << 20);
    const a = Buffer.alloc(512, 0xaa);
    const b = Buffer.alloc(1024, 0xbb);
    await store.writev([a, b], 4096);
    await store.flush();
    const out = Buffer.alloc(2048, 0x11);
    await store.readInto(out, 3584);
    expect(out.subarray(0, 512).every((x) => x === 0)).toBe(true); // unwritten reads zero
    expect(out.subarray(512, 1024).every((x) => x === 0xaa)).toBe(true);
    expect(out.subarray(1024, 2048).every((x) => x === 0xbb)).toBe(true);
    await store.close();
    // Durable across reopen, and the file is not resized.
    const again = await FileBlockStore.open(path, 1 << 20);
    expect(again.created).toBe(false);
    const back = Buffer.alloc(1536);
    await again.readInto(back, 4096);
    expect(back.subarray(0, 512).every((x) => x === 0xaa)).toBe(true);
    expect(back.subarray(512).every((x) => x === 0xbb)).toBe(true);
    await again.close();
  });

  it('reads small (synchronous path) and large (asynchronous path) ranges alike', async () => {
    const store = await FileBlockStore.open(join(dir, 'r'), 1 << 20);
    const data = Buffer.alloc(200 * 1024);
    for (let i = 0; i < data.length; i += 4) data.writeUInt32BE(i, i);
    await store.writev([data], 4096);
    const big = Buffer.alloc(data.length);
    await store.readInto(big, 4096);
    expect(big.equals(data)).toBe(true);
    const small = Buffer.alloc(4096);
    await store.readInto(small, 4096 + 65536);
    expect(small.equals(data.subarray(65536, 65536 + 4096))).toBe(true);
    await store.close();
  });

  it('readIntoSync fills small reads inside one file now and declines larger ones', async () => {
    const store = await FileBlockStore.open(join(dir, 'sync'), 1 << 20);
    const data = Buffer.alloc(SYNC_READ_MAX + 512);
    for (let i = 0; i < data.length; i += 4) data.writeUInt32BE(i + 1, i);
    await store.writev([data], 8192);
    const small = Buffer.alloc(4096, 0xee);
    expect(store.readIntoSync(small, 8192 + 512)).toBe(true);
    expect(small.equals(data.subarray(512, 512 + 4096))).toBe(true);
    // Past the end of the file: zeros, still synchronous.
    const tail = Buffer.alloc(1024, 0xee);
    expect(store.readIntoSync(tail, (1 << 20) - 512)).toBe(true);
    expect(tail.every((x) => x === 0)).toBe(true);
    const big = Buffer.alloc(SYNC_READ_MAX + 512, 0xee);
    expect(store.readIntoSync(big, 8192)).toBe(false);
    expect(big.every((x) => x === 0xee)).toBe(true); // untouched: the caller goes async
    await store.close();
  });

  /** True when the write's promise settles within two microtask turns (no pool round trip). */
  async function settlesAtOnce(write: Promise<void>): Promise<boolean> {
    let settled = false;
    const done = write.then(() => {
      settled = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    const atOnce = settled;
    await done;
    return atOnce;
  }

  it('writes up to SYNC_WRITE_MAX in one file before writev returns; larger go async', async () => {
    const path = join(dir, 'w');
    const store = await FileBlockStore.open(path, 1 << 20);
    const small = Buffer.alloc(SYNC_WRITE_MAX, 0x5c);
    const write = store.writev([small.subarray(0, 512), small.subarray(512)], 8192);
    // On the file already, before any callback could have run.
    const onFile = readFileSync(path).subarray(8192, 8192 + SYNC_WRITE_MAX);
    expect(onFile.equals(small)).toBe(true);
    await write;
    const big = Buffer.alloc(SYNC_WRITE_MAX + 512, 0x6d);
    expect(await settlesAtOnce(store.writev([big], 8192))).toBe(false);
    expect(await settlesAtOnce(store.writev([small], 8192))).toBe(true);
    await store.close();
  });

  it('sends small writes to the pool for a while after a slow synchronous one', async () => {
    let clock = 0;
    const readings: number[] = []; // clock readings to come, before `clock` takes over
    const now = (): number => readings.shift() ?? clock;
    const store = await FileBlockStore.open(join(dir, 'slow'), 1 << 20, { now });
    const data = Buffer.alloc(4096, 0x7e);
    expect(await settlesAtOnce(store.writev([data], 0))).toBe(true);
    // The pause check, the start and the end of a write that took longer than allowed.
    const end = SLOW_SYNC_WRITE_MS + 1;
    readings.push(0, 0, end);
    expect(await settlesAtOnce(store.writev([data], 4096))).toBe(true); // slow, but done
    expect(await settlesAtOnce(store.writev([data], 8192))).toBe(false); // paused: the pool
    clock = end + SYNC_WRITE_PAUSE_MS;
    expect(await settlesAtOnce(store.writev([data], 12288))).toBe(true); // the pause is over
    const back = Buffer.alloc(4 * 4096);
    await store.readInto(back, 0);
    expect(back.every((x) => x === 0x7e)).toBe(true);
    await store.close();
  });

  it('accepts subarray views as segments without copying them first', async () => {
    const store = await FileBlockStore.open(join(dir, 'd'), 8192);
    const big = Buffer.alloc(4096);
    for (let i = 0; i < big.length; i++) big[i] = i & 0xff;
    await store.writev([big.subarray(100, 612), big.subarray(1000, 1512)], 0);
    const out = Buffer.alloc(1024);
    await store.readInto(out, 0);
    expect(out.subarray(0, 512).equals(big.subarray(100, 612))).toBe(true);
    expect(out.subarray(512).equals(big.subarray(1000, 1512))).toBe(true);
    await store.close();
  });

  it('refuses an existing file smaller than the capacity, without resizing it', async () => {
    const path = join(dir, 'small.img');
    await writeFile(path, Buffer.alloc(4096));
    const err = await FileBlockStore.open(path, 8192).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe('BACKING_TOO_SMALL');
    expect((err as Error).message).toBe(
      `backing file ${path} is 4096 bytes, smaller than the capacity 8192 bytes (not resized; remove it or choose a smaller capacity)`,
    );
    expect((await stat(path)).size).toBe(4096);
  });

  it('accepts a larger existing file and leaves its size alone', async () => {
    const path = join(dir, 'big.img');
    await writeFile(path, Buffer.alloc(16384, 7));
    const store = await FileBlockStore.open(path, 8192);
    const out = Buffer.alloc(512);
    await store.readInto(out, 7680);
    expect(out.every((x) => x === 7)).toBe(true);
    await store.close();
    expect((await stat(path)).size).toBe(16384);
  });

  it('refuses a directory as backing file', async () => {
    const err = await FileBlockStore.open(dir, 8192).catch((e: unknown) => e);
    expect((err as StorageError).code).toBe('BACKING_NOT_FILE');
    expect((err as Error).message).toBe(`backing file ${dir} is not a regular file`);
  });

  it('read-only open of a missing file is an error, not a creation', async () => {
    const path = join(dir, 'none.img');
    const err = await FileBlockStore.open(path, 8192, { readOnly: true }).catch((e: unknown) => e);
    expect((err as StorageError).code).toBe('BACKING_MISSING');
    await expect(stat(path)).rejects.toThrow();
  });
});

describe('FileBlockStore backing lock', () => {
  it('refuses a backing file held by a live process, takes over a stale lock, releases at close', async () => {
    const path = join(dir, 'l.img');
    // PID 1 is alive on every system: a lock it holds is respected.
    await writeFile(`${path}.zbclock`, '1\n');
    const err = await FileBlockStore.open(path, 8192).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `backing file ${path} is in use by process 1 (lock ${path}.zbclock)`,
    );
    await expect(stat(path)).rejects.toThrow(); // nothing was created
    // A PID that cannot exist: a stale lock from a killed target.
    await writeFile(`${path}.zbclock`, '2147483646\n');
    const store = await FileBlockStore.open(path, 8192);
    expect((await readFile(`${path}.zbclock`, 'utf8')).trim()).toBe(String(process.pid));
    const second = await FileBlockStore.open(path, 8192).catch((e: unknown) => e);
    expect((second as Error).message).toBe(`backing file ${path} is already open in this process`);
    await store.close();
    await expect(stat(`${path}.zbclock`)).rejects.toThrow();
    // Our own PID in a lock we do not hold: left by an earlier process that had the same PID.
    await writeFile(`${path}.zbclock`, `${process.pid}\n`);
    const reused = await FileBlockStore.open(path, 8192);
    await reused.close();
  });
});

describe('FileBlockStore segments', () => {
  const SEG = 64 * 1024;

  it('spreads a backing over segment files and reads and writes across the boundary', async () => {
    const path = join(dir, 's.img');
    const store = await FileBlockStore.open(path, 2 * SEG + 4096, { segmentBytes: SEG });
    expect((await stat(path)).size).toBe(SEG);
    expect((await stat(`${path}.seg1`)).size).toBe(SEG);
    expect((await stat(`${path}.seg2`)).size).toBe(4096);
    const a = Buffer.alloc(3000, 0xa1);
    const b = Buffer.alloc(3000, 0xb2);
    await store.writev([a, b], SEG - 4000); // crosses into seg1 inside b... and a
    await store.flush();
    const out = Buffer.alloc(6000);
    await store.readInto(out, SEG - 4000);
    expect(out.subarray(0, 3000).every((x) => x === 0xa1)).toBe(true);
    expect(out.subarray(3000).every((x) => x === 0xb2)).toBe(true);
    await store.writev([Buffer.alloc(4096, 0xc3)], 2 * SEG);
    await store.close();
    const raw = await readFile(`${path}.seg1`);
    expect(raw.subarray(0, 2000).every((x) => x === 0xb2)).toBe(true);
    expect((await readFile(`${path}.seg2`)).every((x) => x === 0xc3)).toBe(true);
    const again = await FileBlockStore.open(path, 2 * SEG + 4096, { segmentBytes: SEG });
    const back = Buffer.alloc(6000);
    await again.readInto(back, SEG - 4000);
    expect(back.equals(out)).toBe(true);
    await again.close();
  });

  it('readIntoSync declines a read that spans two segment files', async () => {
    const store = await FileBlockStore.open(join(dir, 'x.img'), 2 * SEG, { segmentBytes: SEG });
    await store.writev([Buffer.alloc(2048, 0x5a)], SEG - 1024);
    const out = Buffer.alloc(2048);
    expect(store.readIntoSync(out, SEG - 1024)).toBe(false);
    expect(store.readIntoSync(out.subarray(0, 1024), SEG - 1024)).toBe(true);
    expect(out.subarray(0, 1024).every((x) => x === 0x5a)).toBe(true);
    await store.readInto(out, SEG - 1024);
    expect(out.every((x) => x === 0x5a)).toBe(true);
    await store.close();
  });

  it('names a missing segment file', async () => {
    const path = join(dir, 'm.img');
    await (await FileBlockStore.open(path, 2 * SEG, { segmentBytes: SEG })).close();
    await rm(`${path}.seg1`);
    await expect(FileBlockStore.open(path, 2 * SEG, { segmentBytes: SEG })).rejects.toThrow(
      `backing file ${path}.seg1 is missing (a backing of ${2 * SEG} bytes spans 2 files)`,
    );
  });

  it('a file system refusing the size leaves no file behind and says why', async () => {
    const path = join(dir, 'huge.img');
    // ext4 and most file systems refuse 1 PiB in one file.
    const err = await FileBlockStore.open(path, 2 ** 50, { segmentBytes: 2 ** 50 }).catch(
      (e: unknown) => e,
    );
    if (err instanceof FileBlockStore) {
      // xfs, btrfs and tmpfs accept it: nothing to refuse here.
      await err.close();
      return;
    }
    expect((err as Error).message).toMatch(
      new RegExp(`^backing file ${path}: cannot size it to ${2 ** 50} bytes: (EFBIG|EINVAL)`),
    );
    await expect(stat(path)).rejects.toThrow();
  });
});
