// Zone-state persistence in a sidecar file (`<backing>.zbcmeta`), see docs/zones.md.
//
//   offset 0         superblock, 4 KiB: magic, format version, geometry, CRC32C
//   offset 4 KiB...  zone table: page p has C copies at 4 KiB * (1 + C * p + copy), C = 3 since
//                    format versions 3 and 4 (2 in versions 1 and 2, still read and written);
//                    each page holds RECORDS_PER_PAGE 16-byte zone records, a generation and a
//                    CRC32C. A persist writes the changed pages to a copy that is neither the
//                    newest valid version nor being written (page-copies.ts), so a torn page
//                    write leaves the newest durable copy intact. With three copies two rounds of
//                    page writes may be in flight at once: a persist never waits for an earlier
//                    round's device flush before starting its own.
//
// Invariant kept by the caller (LogicalUnit.flushMedium): persist() is called only after the data
// the captured write pointers describe is durable, so a persisted WP never passes durable data.
//
// The file is opened O_DSYNC and written in full at format (both copies, no holes): a page write
// is durable when it returns (one syscall, on the main thread for small rounds, not write + fdatasync), and it
// never allocates blocks, so it needs no file system journal commit, only the device flush.
import { randomInt } from 'node:crypto';
import { constants as fsc, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { crc32c } from '@node-rs/crc32';
import createDebug from 'debug';
import { ZoneCondition, type ZoneCapture, type ZoneLayoutConfig } from '../../zbc/types.js';
import type { PersistedZoneState, ZoneJournal } from '../../zbc/zone-journal.js';
import { formatSize } from '../sizes.js';
import { errnoOf } from './errno.js';
import {
  decodeRealmPage,
  DOMAINS_FORMAT_VERSION,
  domainsSignature,
  encodeRealmPage,
} from './realm-page.js';
import { type ClaimedCopy, PageCopies } from './page-copies.js';
import { SyncValve } from './sync-valve.js';
import { ZoneShapes } from './zone-shape.js';

const log = createDebug('zbc:storage:journal');

export const PAGE_SIZE = 4096;
const SUPER_MAGIC = Buffer.from('ZBCMETA\0', 'latin1');
/** Format versions and their layouts: 1 and 2 predate the third page copy. */
const FORMATS = [
  { version: 1, domains: false, copies: 2 },
  { version: DOMAINS_FORMAT_VERSION, domains: true, copies: 2 },
  { version: 3, domains: false, copies: 3 },
  { version: 4, domains: true, copies: 3 },
] as const;
/** Copies per zone-table page of a new format (`copies` option aside). */
export const PAGE_COPIES = 3;
const PAGE_MAGIC = 0x5a42_4350; // 'ZBCP'
const PAGE_HEADER = 32;
const RECORD_SIZE = 16;
export const RECORDS_PER_PAGE = Math.floor((PAGE_SIZE - PAGE_HEADER) / RECORD_SIZE); // 254
const NO_LIMIT = 0xffff_ffff;
/** Rounds of up to this many page writes run synchronously (each one device write). */
const MAX_SYNC_PAGES = 4;
const MODEL_CODES = { none: 0, 'host-managed': 1, 'host-aware': 2 } as const;
const FORMAT_HINT = '(use --format to re-create)';

export class JournalError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'JournalError';
    this.code = code;
  }
}

/** Superblock fields (byte offset, reader) compared against the configured layout at open. */
interface GeometryField {
  readonly what: string;
  readonly flag: string;
  readonly unit: string;
  readonly at: number;
  readonly kind: 'u8' | 'u32' | 'f64';
  readonly value: (l: ZoneLayoutConfig, zoneCount: number) => number;
  readonly show?: (v: number) => string;
}

const modelName = (v: number): string =>
  (Object.keys(MODEL_CODES) as (keyof typeof MODEL_CODES)[]).find((k) => MODEL_CODES[k] === v) ??
  `code ${v}`;

const GEOMETRY: readonly GeometryField[] = [
  {
    what: 'zoned model',
    flag: '--model',
    unit: '',
    at: 20,
    kind: 'u8',
    value: (l) => MODEL_CODES[l.model],
    show: modelName,
  },
  {
    what: 'block size',
    flag: '--block-size',
    unit: 'bytes',
    at: 24,
    kind: 'u32',
    value: (l) => l.blockSize,
  },
  {
    what: 'physical block size',
    flag: '--physical-block-size',
    unit: 'bytes',
    at: 28,
    kind: 'u32',
    value: (l) => l.physicalBlockSize,
  },
  {
    what: 'capacity',
    flag: '--capacity',
    unit: 'blocks',
    at: 32,
    kind: 'f64',
    value: (l) => l.capacityBlocks,
  },
  {
    what: 'zone size',
    flag: '--zone-size',
    unit: 'blocks',
    at: 40,
    kind: 'f64',
    value: (l) => l.zoneSizeBlocks,
  },
  {
    what: 'zone capacity',
    flag: '--zone-capacity',
    unit: 'blocks',
    at: 48,
    kind: 'f64',
    value: (l) => l.zoneCapacityBlocks,
  },
  {
    what: 'conventional zone count',
    flag: '--conventional-zones',
    unit: '',
    at: 56,
    kind: 'u32',
    value: (l) => l.conventionalZones,
  },
  {
    what: 'max open zones',
    flag: '--max-open',
    unit: '',
    at: 60,
    kind: 'u32',
    value: (l) => l.maxOpen ?? NO_LIMIT,
    show: (v) => (v === NO_LIMIT ? 'unlimited' : String(v)),
  },
  {
    what: 'URSWRZ',
    flag: '--urswrz',
    unit: '',
    at: 21,
    kind: 'u8',
    value: (l) => (l.urswrz ? 1 : 0),
    show: (v) => (v ? 'on' : 'off'),
  },
  {
    what: 'zone count',
    flag: '--capacity/--zone-size',
    unit: '',
    at: 64,
    kind: 'u32',
    value: (_l, n) => n,
  },
];

/** Version 2 (zone-domains) superblock fields, after version 1's. */
const DOMAINS_GEOMETRY: readonly GeometryField[] = [
  {
    what: 'realm count',
    flag: '--profile',
    unit: '',
    at: 88,
    kind: 'u32',
    value: (l) => l.domains?.realms ?? 0,
  },
  {
    what: 'zone domains layout',
    flag: '--profile',
    unit: '',
    at: 92,
    kind: 'u32',
    value: domainsSignature,
    show: (v) => `#${v.toString(16)}`,
  },
];

/** Superblock fields of a layout: a zone-domains format adds the realm table's. */
function fieldsOf(layout: ZoneLayoutConfig): readonly GeometryField[] {
  return layout.domains === undefined ? GEOMETRY : [...GEOMETRY, ...DOMAINS_GEOMETRY];
}

function versionOf(layout: ZoneLayoutConfig, copies: number): number {
  const domains = layout.domains !== undefined;
  const row = FORMATS.find((f) => f.domains === domains && f.copies === copies);
  if (row === undefined) throw new Error(`no format with ${copies} copies per page`);
  return row.version;
}

function readField(buf: Buffer, f: GeometryField): number {
  if (f.kind === 'u8') return buf.readUInt8(f.at);
  if (f.kind === 'u32') return buf.readUInt32LE(f.at);
  return buf.readDoubleLE(f.at);
}

function writeField(buf: Buffer, f: GeometryField, v: number): void {
  if (f.kind === 'u8') buf.writeUInt8(v, f.at);
  else if (f.kind === 'u32') buf.writeUInt32LE(v, f.at);
  else buf.writeDoubleLE(v, f.at);
}

/** Offset of a zone-table page copy; page = pageCount is the realm table's pair. */
const pageOffset = (page: number, copy: number, copies: number): number =>
  PAGE_SIZE * (1 + copies * page + copy);

/** Every write through these flags is durable at return (POSIX synchronized I/O data integrity). */
const OPEN_EXISTING = fsc.O_RDWR | fsc.O_DSYNC;
const OPEN_CREATE = fsc.O_RDWR | fsc.O_CREAT | fsc.O_TRUNC | fsc.O_DSYNC;
/** Pages per write while formatting: bounded memory for any zone count. */
const FORMAT_PAGES_PER_WRITE = 256;

export interface FileZoneJournalOptions {
  /** Re-creates the metadata (every zone back to its initial condition). */
  readonly format?: boolean;
  /** Copies per page of a new format: PAGE_COPIES, or 2 for the version 1 and 2 layout. */
  readonly copies?: 2 | 3;
  /** Milliseconds clock timing the synchronous page writes (tests make one slow). */
  readonly now?: () => number;
}

interface PendingRound {
  readonly done: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

function pendingRound(): PendingRound {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { done, resolve, reject };
}

export class FileZoneJournal implements ZoneJournal {
  /**
   * State found at open. Its arrays ARE the journal's mirror (10 bytes per zone, not 20): read it
   * before the first persist (ZoneModel copies it in its constructor); persists update it.
   */
  readonly loaded: PersistedZoneState | null;
  private readonly shapes: ZoneShapes;
  private readonly pageCount: number;
  /** Mirror of the persisted table: pages are rebuilt from it (10 bytes per zone). */
  private readonly condition: Uint8Array;
  private readonly writePointer: Float64Array;
  private readonly attributes: Uint8Array;
  /** Per page: which copy holds the newest durable version, which are being written. */
  private readonly pages: PageCopies;
  private readonly dirty = new Set<number>();
  /** Zone-domains LUs: the realm table, its page's newest generation and copy, unwritten change. */
  private realmDomains: Uint8Array | null;
  private realmGen = 0;
  private realmCopy = 0;
  private realmDirty = false;
  /** The round every persist joins until it starts; rounds running; the one writing the realm. */
  private pending: PendingRound | null = null;
  private readonly running = new Set<Promise<void>>();
  private realmRunning = false;
  private closed = false;
  /** Small rounds write their pages synchronously while open (sync-valve.ts). */
  private syncWrites = new SyncValve(() => performance.now());

  private constructor(
    private readonly fh: FileHandle,
    readonly path: string,
    private readonly formatId: number,
    shapes: ZoneShapes,
    state: PersistedZoneState,
    pages: PageCopies,
    fresh: boolean,
  ) {
    this.shapes = shapes;
    this.pageCount = Math.ceil(shapes.count / RECORDS_PER_PAGE);
    this.condition = state.condition;
    this.writePointer = state.writePointer;
    this.attributes = state.attributes;
    this.pages = pages;
    this.realmDomains = state.realmDomains ?? null;
    this.loaded = fresh ? null : state;
  }

  /** After load or format: where the realm page's newest copy is. */
  private setRealmPage(gen: number, copy: number): void {
    this.realmGen = gen;
    this.realmCopy = copy;
  }

  /** Metadata path used for a backing file. */
  static pathFor(backing: string): string {
    return `${backing}.zbcmeta`;
  }

  /**
   * Opens (or creates) the metadata for `layout`. Any inconsistency stops with a one-line
   * JournalError naming the problem; `format` re-creates the file on purpose.
   */
  static async open(
    path: string,
    layout: ZoneLayoutConfig,
    opts: FileZoneJournalOptions = {},
  ): Promise<FileZoneJournal> {
    const journal = await FileZoneJournal.openOrCreate(path, layout, opts);
    if (opts.now !== undefined) journal.syncWrites = new SyncValve(opts.now);
    return journal;
  }

  private static async openOrCreate(
    path: string,
    layout: ZoneLayoutConfig,
    opts: FileZoneJournalOptions,
  ): Promise<FileZoneJournal> {
    const shapes = new ZoneShapes(layout);
    const exists = await stat(path).then(
      () => true,
      (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return false;
        throw new JournalError('META_UNREADABLE', `metadata ${path}: ${errnoOf(e)}`);
      },
    );
    if (!exists || opts.format)
      return FileZoneJournal.create(path, layout, shapes, opts.copies ?? PAGE_COPIES);
    let fh: FileHandle;
    try {
      fh = await open(path, OPEN_EXISTING);
    } catch (e) {
      throw new JournalError('META_UNREADABLE', `metadata ${path}: cannot open: ${errnoOf(e)}`);
    }
    try {
      return await FileZoneJournal.load(fh, path, layout, shapes);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  private static initialState(shapes: ZoneShapes): PersistedZoneState {
    const n = shapes.count;
    const domains = shapes.layout.domains;
    const state = {
      condition: new Uint8Array(n),
      writePointer: new Float64Array(n),
      attributes: new Uint8Array(n),
      ...(domains !== undefined ? { realmDomains: Uint8Array.from(domains.initialDomain) } : {}),
    };
    for (let i = 0; i < n; i++) {
      state.condition[i] = shapes.initialCondition(i);
      state.writePointer[i] = shapes.shape(i).start;
    }
    return state;
  }

  private static async create(
    path: string,
    layout: ZoneLayoutConfig,
    shapes: ZoneShapes,
    copies: number,
  ): Promise<FileZoneJournal> {
    const fh = await open(path, OPEN_CREATE, 0o644).catch((e: unknown) => {
      throw new JournalError('META_UNREADABLE', `metadata ${path}: cannot create: ${errnoOf(e)}`);
    });
    try {
      const formatId = randomInt(1, 0xffff_ffff);
      const pageCount = Math.ceil(shapes.count / RECORDS_PER_PAGE);
      const state = FileZoneJournal.initialState(shapes);
      const pages = new PageCopies(copies, pageCount);
      const journal = new FileZoneJournal(fh, path, formatId, shapes, state, pages, true);
      // Zone table first (copy 0 generation 1, the other copies zeros, so no page is ever a hole),
      // superblock last: a torn format has no valid superblock and is refused at the next open
      // instead of being half-trusted. Each write is durable at return (O_DSYNC).
      for (let first = 0; first < pageCount; first += FORMAT_PAGES_PER_WRITE) {
        const last = Math.min(pageCount, first + FORMAT_PAGES_PER_WRITE);
        const chunk = Buffer.alloc(copies * PAGE_SIZE * (last - first));
        for (let p = first; p < last; p++) {
          journal.encodePage(p, 1).copy(chunk, copies * PAGE_SIZE * (p - first));
          pages.found(p, 1, 0);
        }
        await fh.write(chunk, 0, chunk.length, pageOffset(first, 0, copies));
      }
      const realms = state.realmDomains;
      if (realms !== undefined) {
        // Zone-domains LUs: the realm table page pair right after, copy 0 generation 1, 1 zeros.
        const pair = Buffer.alloc(2 * PAGE_SIZE);
        encodeRealmPage(PAGE_SIZE, realms, formatId, 1).copy(pair, 0);
        await fh.write(pair, 0, pair.length, pageOffset(pageCount, 0, copies));
        journal.setRealmPage(1, 0);
      }
      const sb = encodeSuperblock(layout, shapes.count, pageCount, formatId, copies);
      await fh.write(sb, 0, PAGE_SIZE, 0);
      log('formatted %s: %d zones in %d pages', path, shapes.count, pageCount);
      return journal;
    } catch (e) {
      await fh.close();
      throw e instanceof JournalError
        ? e
        : new JournalError('META_IO', `metadata ${path}: ${(e as Error).message}`);
    }
  }

  private static async load(
    fh: FileHandle,
    path: string,
    layout: ZoneLayoutConfig,
    shapes: ZoneShapes,
  ): Promise<FileZoneJournal> {
    const fail = (code: string, what: string): never => {
      throw new JournalError(code, `metadata ${path}: ${what} ${FORMAT_HINT}`);
    };
    const { size } = await fh.stat();
    if (size < PAGE_SIZE)
      fail('META_TRUNCATED', `is truncated (${size} bytes, the superblock needs ${PAGE_SIZE})`);
    const sb = Buffer.alloc(PAGE_SIZE);
    await fh.read(sb, 0, PAGE_SIZE, 0);
    if (!sb.subarray(0, 8).equals(SUPER_MAGIC))
      fail('META_MAGIC', 'wrong magic (not a zbc-target metadata file)');
    const version = sb.readUInt32LE(8);
    const reads = FORMATS.map((f) => f.version).join(', ');
    const format =
      FORMATS.find((f) => f.version === version) ??
      fail('META_VERSION', `unsupported format version ${version} (this build reads ${reads})`);
    if (sb.readUInt32LE(12) !== crc32c(sb.subarray(16)))
      fail('META_CRC', 'superblock CRC32C mismatch');
    const wantDomains = layout.domains !== undefined;
    if (format.domains !== wantDomains) {
      const has = (d: boolean): string => (d ? 'zone domains' : 'no zone domains');
      fail('META_GEOMETRY', `has ${has(format.domains)} but --model asks for ${has(wantDomains)}`);
    }
    const copies = format.copies;
    for (const f of fieldsOf(layout)) {
      const stored = readField(sb, f);
      const wanted = f.value(layout, shapes.count);
      if (stored !== wanted) {
        // Block counts also in bytes, as the flags take them (block sizes matched already).
        const show = (v: number): string =>
          f.unit === 'blocks'
            ? `${v} blocks (${formatSize(v * layout.blockSize)})`
            : `${(f.show ?? String)(v)}${f.unit ? ` ${f.unit}` : ''}`;
        fail('META_GEOMETRY', `${f.what} ${show(stored)} does not match ${f.flag} ${show(wanted)}`);
      }
    }
    const formatId = sb.readUInt32LE(16);
    const pageCount = Math.ceil(shapes.count / RECORDS_PER_PAGE);
    const realmCount = layout.domains?.realms;
    const needed = pageOffset(pageCount, realmCount === undefined ? 0 : 2, copies);
    if (size < needed)
      fail('META_TRUNCATED', `is truncated (${size} bytes, the zone table needs ${needed})`);

    const table = Buffer.alloc(pageOffset(pageCount, 0, copies) - PAGE_SIZE);
    await fh.read(table, 0, table.length, PAGE_SIZE);
    const n = shapes.count;
    const state = {
      condition: new Uint8Array(n),
      writePointer: new Float64Array(n),
      attributes: new Uint8Array(n),
    };
    const pages = new PageCopies(copies, pageCount);
    for (let p = 0; p < pageCount; p++) {
      let best = -1;
      let bestGen = -1;
      for (let copy = 0; copy < copies; copy++) {
        const at = PAGE_SIZE * (copies * p + copy);
        const page = table.subarray(at, at + PAGE_SIZE);
        if (!pageValid(page, p, formatId)) continue;
        const gen = page.readDoubleLE(16);
        if (gen > bestGen) {
          bestGen = gen;
          best = copy;
        }
      }
      if (best < 0)
        fail(
          'META_PAGE_CRC',
          `zone table page ${p} (zones ${p * RECORDS_PER_PAGE}-${Math.min(n, (p + 1) * RECORDS_PER_PAGE) - 1}): CRC32C mismatch in every copy`,
        );
      pages.found(p, bestGen, best);
      const page = table.subarray(PAGE_SIZE * (copies * p + best));
      const first = p * RECORDS_PER_PAGE;
      const last = Math.min(n, first + RECORDS_PER_PAGE);
      for (let z = first; z < last; z++) {
        const at = PAGE_HEADER + (z - first) * RECORD_SIZE;
        state.writePointer[z] = page.readDoubleLE(at);
        state.condition[z] = page.readUInt8(at + 8);
        state.attributes[z] = page.readUInt8(at + 9);
      }
    }
    powerOn(state, shapes);
    let realmPage: { gen: number; copy: number } | null = null;
    if (realmCount !== undefined) {
      const pair = Buffer.alloc(2 * PAGE_SIZE);
      await fh.read(pair, 0, pair.length, pageOffset(pageCount, 0, copies));
      const copyOf = (c: number): Buffer => pair.subarray(c * PAGE_SIZE, (c + 1) * PAGE_SIZE);
      const realms = [0, 1].map((c) => decodeRealmPage(copyOf(c), formatId, realmCount));
      const best = (realms[1]?.gen ?? -1) > (realms[0]?.gen ?? -1) ? 1 : 0;
      const chosen =
        realms[best] ?? fail('META_PAGE_CRC', 'realm table page: CRC32C mismatch in both copies');
      Object.assign(state, { realmDomains: chosen.table });
      realmPage = { gen: chosen.gen, copy: best };
    }
    log('loaded %s: %d zones, %d pages', path, n, pageCount);
    const journal = new FileZoneJournal(fh, path, formatId, shapes, state, pages, false);
    if (realmPage !== null) journal.setRealmPage(realmPage.gen, realmPage.copy);
    return journal;
  }

  persist(capture: ZoneCapture): Promise<void> {
    if (this.closed)
      return Promise.reject(
        new JournalError('META_CLOSED', `metadata ${this.path}: persist after close`),
      );
    const { zones, condition, writePointer, attributes } = capture;
    for (let i = 0; i < zones.length; i++) {
      const z = zones[i] as number;
      if (z >= this.shapes.count) continue;
      this.condition[z] = condition[i] as number;
      this.writePointer[z] = writePointer[i] as number;
      this.attributes[z] = attributes[i] as number;
      this.dirty.add(Math.floor(z / RECORDS_PER_PAGE));
    }
    if (capture.realmDomains !== undefined && this.realmDomains !== null) {
      this.realmDomains.set(capture.realmDomains.subarray(0, this.realmDomains.length));
      this.realmDirty = true;
    }
    // Coalesce: every persist that arrives before the pending round starts joins it. It starts
    // on a later microtask, so the persists of one turn of the event loop share it.
    if (this.pending === null) {
      const round = pendingRound();
      this.pending = round;
      queueMicrotask(() => this.startRound());
    }
    return this.pending.done;
  }

  /**
   * Starts the pending round when a copy of every page is free for it: at most copies - 1 rounds
   * in flight. The realm table has two copies: a round that writes it runs alone.
   */
  private startRound(): void {
    const round = this.pending;
    if (round === null || this.realmRunning) return;
    if (this.running.size >= this.pages.maxInFlight) return;
    const withRealm = this.realmDirty && this.realmDomains !== null;
    if (withRealm && this.running.size > 0) return;
    this.pending = null;
    this.realmRunning = withRealm;
    const run = this.writeDirtyPages().then(round.resolve, round.reject);
    this.running.add(run);
    void run.finally(() => {
      this.running.delete(run);
      if (withRealm) this.realmRunning = false;
      this.startRound();
    });
  }

  private async writeDirtyPages(): Promise<void> {
    if (this.dirty.size === 0 && !this.realmDirty) return;
    const pages = [...this.dirty].sort((a, b) => a - b);
    this.dirty.clear();
    const realm = this.takeRealmImage();
    // Pages are claimed and encoded before the first await, so later captures cannot tear a page
    // image, and a later round's image of a page (a newer generation) holds this one's records.
    const claims = pages.map((p) => this.pages.claim(p));
    const buffers = claims.map(({ page, gen }) => this.encodePage(page, gen));
    const copies = this.pages.copies;
    try {
      // Distinct pages, so the writes may run at once; each is durable when it returns (O_DSYNC).
      const sync = claims.length + (realm === null ? 0 : 1) <= MAX_SYNC_PAGES;
      const settled = await Promise.allSettled(
        claims.map(({ page, copy }, i) =>
          this.writePage(buffers[i] as Buffer, pageOffset(page, copy, copies), sync),
        ),
      );
      settled.forEach((r, i) =>
        this.pages.release(claims[i] as ClaimedCopy, r.status === 'fulfilled'),
      );
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      // The realm table last: the authority at load, it settles any zone record written before.
      if (realm !== null) {
        const at = pageOffset(this.pageCount, realm.copy, copies);
        await this.writePage(realm.image, at, sync);
        this.setRealmPage(realm.gen, realm.copy);
      }
    } catch (e) {
      for (const p of pages) this.dirty.add(p); // retried by the next persist
      if (realm !== null) this.realmDirty = true;
      throw new JournalError(
        'META_IO',
        `metadata ${this.path}: write failed: ${(e as Error).message}`,
      );
    }
  }

  /**
   * One page write, durable when it settles (O_DSYNC). A small round writes synchronously while
   * the valve is open: a RESET's one page then costs one device write (tens of microseconds)
   * instead of a pool trip whose completion waits for the event loop's turn (about 1 ms under a
   * heavy write load, docs/bench.md). A slow one closes the valve; rounds use the pool then.
   */
  private writePage(image: Buffer, at: number, sync: boolean): Promise<unknown> {
    if (!sync || !this.syncWrites.open) return this.fh.write(image, 0, PAGE_SIZE, at);
    try {
      const n = this.syncWrites.time(
        () => writeSync(this.fh.fd, image, 0, PAGE_SIZE, at),
        (ms) =>
          log('metadata %s: page write took %d ms, rounds use the pool a while', this.path, ms),
      );
      if (n !== PAGE_SIZE) throw new Error(`short write (${n} of ${PAGE_SIZE} bytes)`);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** The realm page image to write, if the realm table changed (encoded before any await). */
  private takeRealmImage(): { image: Buffer; gen: number; copy: number } | null {
    if (!this.realmDirty || this.realmDomains === null) return null;
    this.realmDirty = false;
    const gen = this.realmGen + 1;
    const image = encodeRealmPage(PAGE_SIZE, this.realmDomains, this.formatId, gen);
    return { image, gen, copy: 1 - this.realmCopy };
  }

  private encodePage(page: number, gen: number): Buffer {
    const buf = Buffer.alloc(PAGE_SIZE);
    const first = page * RECORDS_PER_PAGE;
    const last = Math.min(this.shapes.count, first + RECORDS_PER_PAGE);
    buf.writeUInt32LE(PAGE_MAGIC, 0);
    buf.writeUInt32LE(page, 8);
    buf.writeUInt32LE(this.formatId, 12);
    buf.writeDoubleLE(gen, 16);
    buf.writeUInt32LE(last - first, 24);
    for (let z = first; z < last; z++) {
      const at = PAGE_HEADER + (z - first) * RECORD_SIZE;
      buf.writeDoubleLE(this.writePointer[z] as number, at);
      buf.writeUInt8(this.condition[z] as number, at + 8);
      buf.writeUInt8(this.attributes[z] as number, at + 9);
      buf.writeUInt8(this.shapes.shape(z).type, at + 10);
    }
    buf.writeUInt32LE(crc32c(buf.subarray(8)), 4);
    return buf;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    while (this.pending !== null || this.running.size > 0) {
      await Promise.allSettled([this.pending?.done, ...this.running]);
    }
    this.closed = true;
    await this.fh.close();
  }
}

function encodeSuperblock(
  layout: ZoneLayoutConfig,
  zoneCount: number,
  pageCount: number,
  formatId: number,
  copies: number,
): Buffer {
  const sb = Buffer.alloc(PAGE_SIZE);
  SUPER_MAGIC.copy(sb, 0);
  sb.writeUInt32LE(versionOf(layout, copies), 8);
  sb.writeUInt32LE(formatId, 16);
  for (const f of fieldsOf(layout)) writeField(sb, f, f.value(layout, zoneCount));
  sb.writeUInt32LE(RECORDS_PER_PAGE, 68);
  sb.writeUInt32LE(pageCount, 72);
  sb.writeDoubleLE(1, 80); // superblock generation: written once per format
  sb.writeUInt32LE(crc32c(sb.subarray(16)), 12);
  return sb;
}

function pageValid(page: Buffer, index: number, formatId: number): boolean {
  return (
    page.readUInt32LE(0) === PAGE_MAGIC &&
    page.readUInt32LE(8) === index &&
    page.readUInt32LE(12) === formatId &&
    page.readUInt32LE(4) === crc32c(page.subarray(8))
  );
}

/** ZBC power-on: open zones become CLOSED (EMPTY at the zone start); WPs stay inside the zone. */
function powerOn(
  state: { condition: Uint8Array; writePointer: Float64Array },
  shapes: ZoneShapes,
): void {
  for (let z = 0; z < shapes.count; z++) {
    const cond = state.condition[z];
    if (
      cond === ZoneCondition.NOT_WRITE_POINTER ||
      cond === ZoneCondition.OFFLINE ||
      cond === ZoneCondition.READ_ONLY
    )
      continue;
    const { start, length } = shapes.shape(z);
    const wp = Math.min(Math.max(state.writePointer[z] as number, start), start + length);
    state.writePointer[z] = wp;
    if (cond === ZoneCondition.IMPLICITLY_OPENED || cond === ZoneCondition.EXPLICITLY_OPENED) {
      state.condition[z] = wp === start ? ZoneCondition.EMPTY : ZoneCondition.CLOSED;
    }
  }
}
