// BlockStore over regular files: positional reads straight into the caller's buffer, one
// positional writev per command, fdatasync for flush. Files are created sparse at the requested
// size; an existing file is never resized (a too-small file is a configuration error).
//
// ext4 caps a file at 16 TiB, below a 20 TB drive profile, so a backing larger than one segment
// (8 TiB) spans `<backing>`, `<backing>.seg1`, `<backing>.seg2`... Anything up to 8 TiB is one
// plain file, byte for byte the disk image.
import {
  constants,
  read as readCallback,
  readSync,
  writev as writevCallback,
  writevSync,
} from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type FileHandle, open, stat, unlink } from 'node:fs/promises';
import createDebug from 'debug';
import type { BlockStore } from '../../scsi/ports/block-store.js';
import { type BackingLock, lockBacking } from './backing-lock.js';
import { errnoOf } from './errno.js';
import { SyncValve } from './sync-valve.js';

const log = createDebug('zbc:storage');

/** Bytes per backing segment file: half of ext4's 16 TiB file size limit. */
export const SEGMENT_BYTES = 2 ** 43;

/**
 * Reads up to this size run synchronously on the main thread. A page-cache hit then costs a few
 * microseconds instead of a libuv pool round trip (two thread wake-ups, measured at ~40 us per
 * 4 KiB read, docs/bench.md); a cold read blocks the loop for one disk read, which an
 * emulator whose data is mostly cached can afford. Larger reads stay asynchronous.
 */
export const SYNC_READ_MAX = 64 * 1024;

/**
 * Writes up to this size inside one file run synchronously too while the valve is open (a slow
 * one closes it, sync-valve.ts), skipping the pool round trip (a futex wake, a context switch
 * each way, the pool's mutex): 64 KiB sequential writes at QD8 cost ~20 % less target CPU per
 * command, but the page-cache copy no longer overlaps the network work (docs/bench.md). Larger
 * writes stay asynchronous.
 */
export const SYNC_WRITE_MAX = 64 * 1024;

// The callback fs API on the FileHandle's fd: no FileHandle ref/unref or FSReqPromise per call.
function readAt(
  fd: number,
  target: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    readCallback(fd, target, offset, length, position, (err, n) =>
      err ? reject(err) : resolve(n),
    );
  });
}

function writevAt(fd: number, buffers: readonly Buffer[], position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    writevCallback(fd, buffers as Buffer[], position, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

export class StorageError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'StorageError';
    this.code = code;
  }
}

export interface FileBlockStoreOptions {
  /** Opens the files read-only (no writes, no creation). */
  readonly readOnly?: boolean;
  /** Segment size (tests use a small one to cross boundaries). */
  readonly segmentBytes?: number;
  /** Milliseconds clock timing the synchronous writes (tests make one slow). */
  readonly now?: () => number;
}

interface Segment {
  readonly path: string;
  readonly size: number;
}

/** The files of a backing of `byteLength` bytes, in order. */
function segmentLayout(path: string, byteLength: number, segmentBytes = SEGMENT_BYTES): Segment[] {
  const count = Math.max(1, Math.ceil(byteLength / segmentBytes));
  return Array.from({ length: count }, (_, i) => ({
    path: i === 0 ? path : `${path}.seg${i}`,
    size: i < count - 1 ? segmentBytes : byteLength - (count - 1) * segmentBytes,
  }));
}

export class FileBlockStore implements BlockStore {
  private readonly dirty: boolean[];
  /** Closed for a while after a slow synchronous write: small writes go to the pool then. */
  private readonly syncWrites: SyncValve;

  private constructor(
    private readonly files: readonly FileHandle[],
    private readonly lock: BackingLock,
    private readonly segmentBytes: number,
    readonly path: string,
    readonly byteLength: number,
    /** True when this open created the file(s). */
    readonly created: boolean,
    now: () => number,
  ) {
    this.dirty = files.map(() => false);
    this.syncWrites = new SyncValve(now);
  }

  /**
   * Opens `path`, creating it sparse at `byteLength` bytes when absent. An existing file must be a
   * regular file of at least its size; extra bytes beyond it are left alone.
   */
  static async open(
    path: string,
    byteLength: number,
    opts: FileBlockStoreOptions = {},
  ): Promise<FileBlockStore> {
    const lock = await lockBacking(path);
    try {
      return await FileBlockStore.openLocked(path, byteLength, opts, lock);
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  private static async openLocked(
    path: string,
    byteLength: number,
    opts: FileBlockStoreOptions,
    lock: BackingLock,
  ): Promise<FileBlockStore> {
    const segmentBytes = opts.segmentBytes ?? SEGMENT_BYTES;
    const now = opts.now ?? (() => performance.now());
    const segments = segmentLayout(path, byteLength, segmentBytes);
    const existing = await stat(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw new StorageError('BACKING_UNREADABLE', `backing file ${path}: ${errnoOf(e)}`);
    });
    if (existing === null) {
      if (opts.readOnly)
        throw new StorageError(
          'BACKING_MISSING',
          `backing file ${path} does not exist (read-only LUN)`,
        );
      const files = await FileBlockStore.createAll(segments);
      log('created sparse backing %s (%d bytes in %d file(s))', path, byteLength, files.length);
      return new FileBlockStore(files, lock, segmentBytes, path, byteLength, true, now);
    }
    const files: FileHandle[] = [];
    try {
      for (const seg of segments) {
        const st = seg.path === path ? existing : await stat(seg.path).catch(() => null);
        if (st === null) {
          throw new StorageError(
            'BACKING_MISSING',
            `backing file ${seg.path} is missing (a backing of ${byteLength} bytes spans ${segments.length} files)`,
          );
        }
        if (!st.isFile())
          throw new StorageError(
            'BACKING_NOT_FILE',
            `backing file ${seg.path} is not a regular file`,
          );
        if (st.size < seg.size) {
          const what = segments.length === 1 ? 'the capacity' : 'its segment size';
          throw new StorageError(
            'BACKING_TOO_SMALL',
            `backing file ${seg.path} is ${st.size} bytes, smaller than ${what} ${seg.size} bytes (not resized; remove it or choose a smaller capacity)`,
          );
        }
        try {
          files.push(await open(seg.path, opts.readOnly ? 'r' : 'r+'));
        } catch (e) {
          throw new StorageError(
            'BACKING_UNREADABLE',
            `backing file ${seg.path}: cannot open: ${errnoOf(e)}`,
          );
        }
      }
    } catch (e) {
      await Promise.all(files.map((f) => f.close().catch(() => undefined)));
      throw e;
    }
    log('opened backing %s (%d bytes in %d file(s))', path, byteLength, files.length);
    return new FileBlockStore(files, lock, segmentBytes, path, byteLength, false, now);
  }

  /** Creates every segment sparse; on any failure removes what it created. */
  private static async createAll(segments: readonly Segment[]): Promise<FileHandle[]> {
    const files: FileHandle[] = [];
    try {
      for (const seg of segments) {
        let fh: FileHandle;
        try {
          // O_EXCL: never truncate a file that appeared meanwhile.
          fh = await open(seg.path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o644);
        } catch (e) {
          throw new StorageError(
            'BACKING_UNREADABLE',
            `backing file ${seg.path}: cannot create: ${errnoOf(e)}`,
          );
        }
        files.push(fh);
        try {
          await fh.truncate(seg.size); // sparse: no blocks allocated
        } catch (e) {
          const hint =
            errnoOf(e) === 'EFBIG'
              ? ' (file too large for this file system; choose a smaller --capacity)'
              : '';
          throw new StorageError(
            'BACKING_CREATE_FAILED',
            `backing file ${seg.path}: cannot size it to ${seg.size} bytes: ${errnoOf(e)}${hint}`,
          );
        }
      }
      return files;
    } catch (e) {
      for (let i = 0; i < files.length; i++) {
        await (files[i] as FileHandle).close().catch(() => undefined);
        await unlink((segments[i] as Segment).path).catch(() => undefined);
      }
      throw e;
    }
  }

  async readInto(target: Buffer, byteOffset: number): Promise<void> {
    if (this.readIntoSync(target, byteOffset)) return;
    let done = 0;
    while (done < target.length) {
      const pos = byteOffset + done;
      const index = Math.floor(pos / this.segmentBytes);
      const within = pos - index * this.segmentBytes;
      const n = Math.min(target.length - done, this.segmentBytes - within);
      const fh = this.files[index];
      if (fh === undefined) {
        target.fill(0, done); // past the end: cannot happen for ranges the caller checked
        return;
      }
      const bytesRead = await readAt(fh.fd, target, done, n, within);
      if (bytesRead === 0) {
        target.fill(0, done, done + n); // past the end of a file that is exactly its size
        done += n;
      } else {
        done += bytesRead;
      }
    }
  }

  /** A small read inside one file, synchronously; false when larger or spanning files (go async). */
  readIntoSync(target: Buffer, byteOffset: number): boolean {
    if (target.length > SYNC_READ_MAX) return false;
    const index = Math.floor(byteOffset / this.segmentBytes);
    const within = byteOffset - index * this.segmentBytes;
    const fh = this.files[index];
    if (fh === undefined || within + target.length > this.segmentBytes) return false;
    let done = 0;
    while (done < target.length) {
      const n = readSync(fh.fd, target, done, target.length - done, within + done);
      if (n === 0) {
        target.fill(0, done);
        break;
      }
      done += n;
    }
    return true;
  }

  /** Not async: the common one-file write costs the caller one promise, not three. */
  writev(segments: readonly Buffer[], byteOffset: number): Promise<void> {
    let total = 0;
    for (const s of segments) total += s.length;
    const index = Math.floor(byteOffset / this.segmentBytes);
    const within = byteOffset - index * this.segmentBytes;
    if (within + total <= this.segmentBytes) return this.writeAll(index, segments, within, total);
    return this.writevAcross(segments, byteOffset, index, within);
  }

  /** A write that crosses a segment file boundary, one file after the other. */
  private async writevAcross(
    segments: readonly Buffer[],
    byteOffset: number,
    index: number,
    within: number,
  ): Promise<void> {
    // Crosses a segment boundary: cut the buffers (views, no copies) at the boundary.
    const head = this.segmentBytes - within;
    const first: Buffer[] = [];
    const rest: Buffer[] = [];
    let seen = 0;
    for (const s of segments) {
      if (seen + s.length <= head) first.push(s);
      else if (seen >= head) rest.push(s);
      else {
        first.push(s.subarray(0, head - seen));
        rest.push(s.subarray(head - seen));
      }
      seen += s.length;
    }
    await this.writeAll(index, first, within, head);
    await this.writev(rest, byteOffset + head);
  }

  /** One positional writev; a short one (disk full, signal) is finished by finishShortWrite. */
  private writeAll(
    index: number,
    segments: readonly Buffer[],
    position: number,
    total: number,
  ): Promise<void> {
    const fh = this.files[index];
    if (fh === undefined) {
      return Promise.reject(
        new StorageError('OUT_OF_RANGE', `backing ${this.path}: write past the end`),
      );
    }
    if (total <= SYNC_WRITE_MAX && this.syncWrites.open) {
      return this.writeAllSync(fh, index, segments, position, total);
    }
    return writevAt(fh.fd, segments, position).then((n) =>
      n < total ? this.finishShortWrite(index, segments, position, total, n) : this.written(index),
    );
  }

  /** writeAll on the main thread: settled when it returns, unless the write came up short. */
  private writeAllSync(
    fh: FileHandle,
    index: number,
    segments: readonly Buffer[],
    position: number,
    total: number,
  ): Promise<void> {
    const valve = this.syncWrites;
    const started = valve.begin();
    let n: number;
    try {
      n = writevSync(fh.fd, segments as Buffer[], position);
    } catch (e) {
      valve.end(started);
      return Promise.reject(e);
    }
    const slow = valve.end(started);
    if (slow > 0) log('sync write took %d ms: small writes use the pool for a while', slow);
    if (n < total) return this.finishShortWrite(index, segments, position, total, n);
    this.written(index);
    return Promise.resolve();
  }

  /** Marked once complete: a flush only promises writes that completed before it was called. */
  private written(index: number): void {
    this.dirty[index] = true;
  }

  /** The rest of a short positional writev, segment views from where it stopped. */
  private async finishShortWrite(
    index: number,
    segments: readonly Buffer[],
    position: number,
    total: number,
    done: number,
  ): Promise<void> {
    const fh = this.files[index] as FileHandle;
    let bytesWritten = done;
    while (bytesWritten < total) {
      let skip = bytesWritten;
      const rest: Buffer[] = [];
      for (const s of segments) {
        if (skip >= s.length) {
          skip -= s.length;
          continue;
        }
        rest.push(skip > 0 ? s.subarray(skip) : s);
        skip = 0;
      }
      const n = await writevAt(fh.fd, rest, position + bytesWritten);
      if (n === 0)
        throw new StorageError('SHORT_WRITE', `backing file ${this.path}: write made no progress`);
      bytesWritten += n;
    }
    this.written(index);
  }

  async flush(): Promise<void> {
    const syncs: Promise<void>[] = [];
    for (let i = 0; i < this.files.length; i++) {
      if (!this.dirty[i]) continue;
      this.dirty[i] = false; // writes completing from here on are covered by the next flush
      syncs.push(
        (this.files[i] as FileHandle).datasync().catch((e: unknown) => {
          this.dirty[i] = true;
          throw e;
        }),
      );
    }
    await Promise.all(syncs);
  }

  async close(): Promise<void> {
    try {
      await Promise.all(this.files.map((f) => f.close()));
    } finally {
      await this.lock.release();
    }
  }
}
