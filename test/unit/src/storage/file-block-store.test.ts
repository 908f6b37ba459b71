import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileBlockStore, StorageError } from '../../../../src/storage/file-block-store.js';

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
