// READ data comes from shared slabs: a READ's buffer must never be written by a later READ, even
// after the slab it came from is full and replaced.
import { describe, expect, it } from 'vitest';
import { readBuffer } from '../../../scsi/read-buffer.js';
import { cdb16, expectGood, harness } from './harness.js';

describe('read buffers', () => {
  it('are disjoint views, 8-byte aligned, and large reads get their own memory', () => {
    const a = readBuffer(4096);
    const b = readBuffer(4100);
    const c = readBuffer(512);
    for (const [x, y] of [
      [a, b],
      [b, c],
      [a, c],
    ] as const) {
      if (x.buffer !== y.buffer) continue;
      const xEnd = x.byteOffset + x.length;
      const yEnd = y.byteOffset + y.length;
      expect(xEnd <= y.byteOffset || yEnd <= x.byteOffset).toBe(true);
    }
    expect(c.byteOffset % 8).toBe(0);
    const big = readBuffer(1 << 20);
    expect(big.length).toBe(1 << 20);
    expect(big.buffer).not.toBe(c.buffer);
  });

  it("keep a READ's data while more than a slab of later READs return other data", async () => {
    const h = harness({ blockSize: 4096, capacityBlocks: 64 });
    h.store.bytes.fill(0xa1, 0, 4096);
    h.store.bytes.fill(0xb2, 4096, 8192);
    const first = expectGood(await h.run(cdb16(0x88, 0, 1)));
    for (let i = 0; i < 600; i++) expectGood(await h.run(cdb16(0x88, 1, 1))); // 2.4 MB
    expect(first.every((byte) => byte === 0xa1)).toBe(true);
  });
});

describe('pooled READ buffers through dispatch', () => {
  it('a large READ answers with a release that returns its buffer; a small one with none', async () => {
    const h = harness({ blockSize: 512, capacityBlocks: 2048 });
    const big = await h.run(cdb16(0x88, 0, 512)); // 256 KiB: pooled
    const small = await h.run(cdb16(0x88, 0, 8)); // 4 KiB: cut from a slab
    expect(big.dataInWritten).toBeTypeOf('function');
    expect(small.dataInWritten).toBeUndefined();
    const meanwhile = await h.run(cdb16(0x88, 512, 512));
    expect(meanwhile.dataIn?.buffer).not.toBe(big.dataIn?.buffer);
    big.dataInWritten?.();
    const again = await h.run(cdb16(0x88, 1024, 512));
    expect(again.dataIn?.buffer).toBe(big.dataIn?.buffer);
  });
});
