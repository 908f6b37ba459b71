// BlockStore over one regular file: positional reads straight into the caller's buffer, one
// positional writev per command, fdatasync for flush. The file is created sparse at the
// requested size; an existing file is never resized (a too-small file is a configuration error).
import { constants } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import createDebug from 'debug';
import type { BlockStore } from '../../scsi/ports/block-store.js';

const log = createDebug('zbc:storage');

export class StorageError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'StorageError';
    this.code = code;
  }
}

export interface FileBlockStoreOptions {
  /** Opens the file read-only (no writes, no creation). */
  readonly readOnly?: boolean;
}

export class FileBlockStore implements BlockStore {
  private constructor(
    private readonly fh: FileHandle,
    readonly path: string,
    readonly byteLength: number,
    /** True when this open created the file. */
    readonly created: boolean,
  ) {}

  /**
   * Opens `path`, creating it sparse at `byteLength` bytes when absent. An existing file must be a
   * regular file of at least `byteLength` bytes; extra bytes beyond it are left alone.
   */
  static async open(path: string, byteLength: number, opts: FileBlockStoreOptions = {}): Promise<FileBlockStore> {
    const existing = await stat(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw new StorageError('BACKING_UNREADABLE', `backing file ${path}: ${e.message}`);
    });
    if (existing === null) {
      if (opts.readOnly) throw new StorageError('BACKING_MISSING', `backing file ${path} does not exist (read-only LUN)`);
      let fh: FileHandle;
      try {
        // O_EXCL: never truncate a file that appeared meanwhile.
        fh = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o644);
      } catch (e) {
        throw new StorageError('BACKING_UNREADABLE', `backing file ${path}: cannot create: ${(e as Error).message}`);
      }
      await fh.truncate(byteLength); // sparse: no blocks allocated
      log('created sparse backing file %s (%d bytes)', path, byteLength);
      return new FileBlockStore(fh, path, byteLength, true);
    }
    if (!existing.isFile()) {
      throw new StorageError('BACKING_NOT_FILE', `backing file ${path} is not a regular file`);
    }
    if (existing.size < byteLength) {
      throw new StorageError(
        'BACKING_TOO_SMALL',
        `backing file ${path} is ${existing.size} bytes, smaller than the capacity ${byteLength} bytes (not resized; remove it or choose a smaller capacity)`,
      );
    }
    let fh: FileHandle;
    try {
      fh = await open(path, opts.readOnly ? 'r' : 'r+');
    } catch (e) {
      throw new StorageError('BACKING_UNREADABLE', `backing file ${path}: cannot open: ${(e as Error).message}`);
    }
    log('opened backing file %s (%d of %d bytes used)', path, byteLength, existing.size);
    return new FileBlockStore(fh, path, byteLength, false);
  }

  async readInto(target: Buffer, byteOffset: number): Promise<void> {
    let done = 0;
    while (done < target.length) {
      const { bytesRead } = await this.fh.read(target, done, target.length - done, byteOffset + done);
      if (bytesRead === 0) {
        // Past the end of file (cannot happen for a file of byteLength): read as zeros.
        target.fill(0, done);
        return;
      }
      done += bytesRead;
    }
  }

  async writev(segments: readonly Buffer[], byteOffset: number): Promise<void> {
    let total = 0;
    for (const s of segments) total += s.length;
    let { bytesWritten } = await this.fh.writev(segments as Buffer[], byteOffset);
    // Short writes are rare (disk full, signals); finish the rest segment by segment.
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
      const r = await this.fh.writev(rest, byteOffset + bytesWritten);
      if (r.bytesWritten === 0) throw new StorageError('SHORT_WRITE', `backing file ${this.path}: write made no progress`);
      bytesWritten += r.bytesWritten;
    }
  }

  async flush(): Promise<void> {
    await this.fh.datasync();
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
