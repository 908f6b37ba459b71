import { describe, expect, it } from 'vitest';
import { MemoryBlockStore } from '../../../../src/storage/memory-block-store.js';

describe('MemoryBlockStore', () => {
  it('takes no memory up front, even for a 20 TB disk', () => {
    const store = new MemoryBlockStore(20e12);
    expect(store.byteLength).toBe(20e12);
    expect(store.allocatedBytes).toBe(0);
  });

  it('reads zeros where nothing was written and allocates only touched chunks', async () => {
    const store = new MemoryBlockStore(20e12);
    const out = Buffer.alloc(4096, 0xff);
    await store.readInto(out, 10e12);
    expect(out.every((x) => x === 0)).toBe(true);
    await store.writev([Buffer.alloc(512, 1)], 19e12);
    expect(store.allocatedBytes).toBe(1 << 20);
  });

  it('writes segments back to back across chunk boundaries', async () => {
    const store = new MemoryBlockStore(8 << 20);
    const edge = (1 << 20) - 700;
    const a = Buffer.alloc(1000, 0xa1);
    const b = Buffer.alloc(3000, 0xb2);
    await store.writev([a, b], edge);
    const out = Buffer.alloc(4200);
    await store.readInto(out, edge - 100);
    expect(out.subarray(0, 100).every((x) => x === 0)).toBe(true);
    expect(out.subarray(100, 1100).every((x) => x === 0xa1)).toBe(true);
    expect(out.subarray(1100, 4100).every((x) => x === 0xb2)).toBe(true);
    expect(out.subarray(4100).every((x) => x === 0)).toBe(true);
    expect(store.allocatedBytes).toBe(2 << 20);
  });

  it('readIntoSync serves every read at once, across chunks, zeros where unwritten', async () => {
    const store = new MemoryBlockStore(4 << 20);
    await store.writev([Buffer.alloc(1000, 0x33)], (1 << 20) - 500);
    const out = Buffer.alloc(2000, 0xff);
    expect(store.readIntoSync(out, (1 << 20) - 1000)).toBe(true);
    expect(out.subarray(0, 500).every((x) => x === 0)).toBe(true);
    expect(out.subarray(500, 1500).every((x) => x === 0x33)).toBe(true);
    expect(out.subarray(1500).every((x) => x === 0)).toBe(true);
  });

  it('discard frees whole chunks and zeroes partial ones', async () => {
    const store = new MemoryBlockStore(4 << 20);
    await store.writev([Buffer.alloc(3 << 20, 9)], 0);
    await store.discard(512, (2 << 20) - 512);
    expect(store.allocatedBytes).toBe(2 << 20); // chunk 1 freed, chunks 0 and 2 kept
    const out = Buffer.alloc(3 << 20);
    await store.readInto(out, 0);
    expect(out.subarray(0, 512).every((x) => x === 9)).toBe(true);
    expect(out.subarray(512, 2 << 20).every((x) => x === 0)).toBe(true);
    expect(out.subarray(2 << 20).every((x) => x === 9)).toBe(true);
  });
});
