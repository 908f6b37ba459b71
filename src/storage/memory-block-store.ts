// BlockStore in RAM, sparse: 1 MiB chunks are allocated on first write, so a large --memory disk
// costs memory only for what was written. Unwritten ranges read as zeros.
import type { BlockStore } from '../../scsi/ports/block-store.js';

const CHUNK_SHIFT = 20;
const CHUNK = 1 << CHUNK_SHIFT;

export class MemoryBlockStore implements BlockStore {
  private readonly chunks = new Map<number, Buffer>();

  constructor(readonly byteLength: number) {}

  /** Bytes of RAM held by data chunks (for tests and diagnostics). */
  get allocatedBytes(): number {
    return this.chunks.size * CHUNK;
  }

  async readInto(target: Buffer, byteOffset: number): Promise<void> {
    this.readIntoSync(target, byteOffset);
  }

  /** RAM copies are always cheap: every read completes here. */
  readIntoSync(target: Buffer, byteOffset: number): true {
    let done = 0;
    while (done < target.length) {
      const pos = byteOffset + done;
      const index = Math.floor(pos / CHUNK);
      const within = pos - index * CHUNK;
      const n = Math.min(CHUNK - within, target.length - done);
      const chunk = this.chunks.get(index);
      if (chunk) chunk.copy(target, done, within, within + n);
      else target.fill(0, done, done + n);
      done += n;
    }
    return true;
  }

  async writev(segments: readonly Buffer[], byteOffset: number): Promise<void> {
    let pos = byteOffset;
    for (const seg of segments) {
      let done = 0;
      while (done < seg.length) {
        const index = Math.floor(pos / CHUNK);
        const within = pos - index * CHUNK;
        const n = Math.min(CHUNK - within, seg.length - done);
        let chunk = this.chunks.get(index);
        if (!chunk) {
          chunk = Buffer.alloc(CHUNK);
          this.chunks.set(index, chunk);
        }
        seg.copy(chunk, within, done, done + n);
        done += n;
        pos += n;
      }
    }
  }

  async flush(): Promise<void> {}

  /** Frees whole chunks inside the range and zeroes the partial ends. */
  async discard(byteOffset: number, byteLength: number): Promise<void> {
    let pos = byteOffset;
    const end = byteOffset + byteLength;
    while (pos < end) {
      const index = Math.floor(pos / CHUNK);
      const within = pos - index * CHUNK;
      const n = Math.min(CHUNK - within, end - pos);
      if (n === CHUNK) this.chunks.delete(index);
      else this.chunks.get(index)?.fill(0, within, within + n);
      pos += n;
    }
  }

  async close(): Promise<void> {
    this.chunks.clear();
  }
}
