// A BlockStore in memory for unit tests of scsi/ (src/storage has the real ones). It records the
// order of calls so tests can check write -> flush ordering, and can be told to fail.
import type { BlockStore } from '../../scsi/ports/block-store.js';

export interface TestStore extends BlockStore {
  readonly bytes: Buffer;
  readonly calls: string[];
  /** Segment counts of each writev, to check one writev per command and no concatenation. */
  readonly writevSegments: number[];
  /** Fails the next call; `write` may name the errno code to fail with (e.g. 'ENOSPC'). */
  failNext: { read?: boolean; write?: boolean | string; flush?: boolean };
}

export function memoryStore(byteLength: number, opts: { discard?: boolean } = {}): TestStore {
  const bytes = Buffer.alloc(byteLength);
  const store: TestStore = {
    byteLength,
    bytes,
    calls: [],
    writevSegments: [],
    failNext: {},
    async readInto(target, byteOffset) {
      store.calls.push(`read ${byteOffset} ${target.length}`);
      if (store.failNext.read) {
        store.failNext.read = false;
        throw new Error('injected read failure');
      }
      bytes.copy(target, 0, byteOffset, byteOffset + target.length);
    },
    async writev(segments, byteOffset) {
      let at = byteOffset;
      for (const s of segments) at += s.length;
      store.calls.push(`writev ${byteOffset} ${at - byteOffset}`);
      store.writevSegments.push(segments.length);
      const fail = store.failNext.write;
      if (fail) {
        store.failNext.write = false;
        const code = typeof fail === 'string' ? fail : 'EIO';
        throw Object.assign(new Error(`injected write failure (${code})`), { code });
      }
      at = byteOffset;
      for (const s of segments) at += s.copy(bytes, at);
    },
    async flush() {
      store.calls.push('flush');
      if (store.failNext.flush) {
        store.failNext.flush = false;
        throw new Error('injected flush failure');
      }
    },
    async close() {
      store.calls.push('close');
    },
  };
  if (opts.discard) {
    Object.assign(store, {
      async discard(byteOffset: number, length: number) {
        store.calls.push(`discard ${byteOffset} ${length}`);
        bytes.fill(0, byteOffset, byteOffset + length);
      },
    });
  }
  return store;
}
