// Model-based test through the wire: a seeded stream of commands over a real iSCSI session (the
// test's own initiator, loopback) against an in-process target on a memory store, each response
// and every REPORT ZONES compared with the separately written reference model. A divergence
// throws with the seed and step, which replay it (`npm run test:model -- --seed S --steps N`).
import { createScsiTarget } from '../../../scsi/target-device.js';
import { type IscsiServer, startIscsiServer } from '../../../transport/server.js';
import { ZoneModel } from '../../../zbc/zone-model.js';
import type { ZoneLayoutConfig } from '../../../zbc/types.js';
import { memoryStore, type TestStore } from '../../helpers/memory-store.js';
import {
  MiniInitiator,
  type ScsiResult,
  TaskAborted,
  type Task,
} from '../../helpers/mini-initiator.js';
import { cdb10, cdb16 } from '../../helpers/cdb.js';
import { Prng } from '../../helpers/prng.js';
import { triple } from '../../helpers/sense.js';
import { ReferenceModel } from '../zbc/reference-model.js';
import {
  check,
  difference,
  type Expected,
  faultSense,
  GOOD,
  LBA_OUT_OF_RANGE,
  POWER_ON_RESET,
} from './expected-outcome.js';

const TARGET = 'iqn.2026-11.dev.zbc-target:model';
const BS = 512;
const ZONE = 128;
const ZONES = 24;
const MAX_TRANSFER = 256;
/** Transfer lengths: aligned (8 a physical block), unaligned, past a zone, past FirstBurst. */
const LENGTHS = [0, 1, 7, 8, 8, 16, 16, 24, 64, 120, 136, 256, 264];
const ACTIONS = [
  ['close', 0x01],
  ['finish', 0x02],
  ['open', 0x03],
  ['reset', 0x04],
  ['sequentialize', 0x10],
] as const;
const REPORT_OPTIONS = [
  0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x10, 0x11, 0x3e, 0x3f, 0x09, 0x3d,
];

export class Divergence extends Error {}

export interface ModelRunOptions {
  readonly seed: number;
  readonly steps: number;
  /** Called every `progressEvery` steps. */
  readonly onProgress?: (step: number) => void;
  readonly progressEvery?: number;
}

/** A layout drawn from the seed: gaps or not, 1-3 conventional zones, 1-3 or unlimited open. */
function layoutFor(rng: Prng): ZoneLayoutConfig {
  const gaps = rng.chance(0.5);
  const conventionalZones = rng.int(1, 3);
  const sequential = Array.from(
    { length: ZONES - conventionalZones },
    (_, k) => conventionalZones + k,
  );
  const special = !gaps && rng.chance(0.5);
  const maxOpen = rng.pick([1, 2, 3, null]);
  const urswrz = rng.chance(0.7);
  return {
    model: 'host-managed',
    blockSize: BS,
    physicalBlockSize: 4096,
    capacityBlocks: ZONES * ZONE,
    zoneSizeBlocks: ZONE,
    zoneCapacityBlocks: gaps ? 96 : ZONE,
    conventionalZones,
    maxOpen,
    urswrz,
    readOnlyZones: special ? [rng.pick(sequential)] : [],
    offlineZones: special ? [sequential[sequential.length - 1]!] : [],
  };
}

function describeLayout(l: ZoneLayoutConfig): string {
  const gaps = l.zoneCapacityBlocks < l.zoneSizeBlocks ? 'gaps' : 'no gaps';
  const special = l.readOnlyZones.length + l.offlineZones.length > 0 ? ', read-only+offline' : '';
  const reads = l.urswrz ? '' : ', URSWRZ=0';
  const open = `max open ${l.maxOpen ?? 'none'}`;
  return `layout: ${l.conventionalZones} conventional, ${gaps}, ${open}${special}${reads}`;
}

/** Block contents that name their LBA and step, so a misplaced or stale block shows. */
function blocksFor(lba: number, blocks: number, step: number): Buffer {
  const b = Buffer.alloc(blocks * BS, step & 0xff);
  for (let k = 0; k < blocks; k++) {
    b.writeUInt32BE(lba + k, k * BS);
    b.writeUInt32BE(step, k * BS + 4);
  }
  return b;
}

class WireModel {
  private readonly rng: Prng;
  private readonly layout: ZoneLayoutConfig;
  private readonly ref: ReferenceModel;
  /** What each block holds where the reference says it is not zero-filled. */
  private readonly disk: Buffer;
  private readonly history: string[] = [];
  /** How often each command ended in each outcome, to show what a run covered. */
  readonly outcomes = new Map<string, number>();
  private step = 0;
  private ini!: MiniInitiator;

  constructor(
    private readonly seed: number,
    private readonly server: IscsiServer,
    private readonly store: TestStore,
    layout: ZoneLayoutConfig,
    rng: Prng,
  ) {
    this.rng = rng;
    this.layout = layout;
    this.ref = new ReferenceModel(layout);
    this.disk = Buffer.alloc(layout.capacityBlocks * BS);
  }

  private get capacity(): number {
    return this.layout.capacityBlocks;
  }

  async connect(): Promise<void> {
    const port = this.server.address().port;
    this.ini = await MiniInitiator.login({ host: '127.0.0.1', port, targetName: TARGET });
    // A new I_T nexus first sees the power-on unit attention (SAM-5 6.3.2), then nothing.
    const tur = () => this.ini.command(Buffer.alloc(6));
    this.expect('TEST UNIT READY on a new nexus', check(POWER_ON_RESET), await tur());
    this.expect('TEST UNIT READY after the unit attention', GOOD, await tur());
  }

  async close(): Promise<void> {
    await this.ini.close();
  }

  private count(key: string): void {
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
  }

  private fail(what: string, why: string): never {
    const recent = this.history.slice(-12).join('\n  ');
    throw new Divergence(
      `seed ${this.seed} step ${this.step}: ${what}: ${why}\n  recent steps:\n  ${recent}`,
    );
  }

  private expect(what: string, e: Expected, r: ScsiResult): void {
    const outcome = e.status === 'good' ? 'GOOD' : triple(e.sense);
    this.count(`${what.replace(/ (lba|zone|option|count) .*$/, '')} ${outcome}`);
    const d = difference(e, r);
    if (d !== null) this.fail(what, d);
  }

  /** An LBA worth trying: a write pointer, a zone start, near them, anywhere, or past the end. */
  private lba(): number {
    const zone = this.ref.zones[this.rng.int(0, this.ref.zones.length - 1)]!;
    const aligned = (n: number) => n - (n % 8);
    switch (this.rng.int(0, 7)) {
      case 0:
      case 1:
      case 2:
        return zone.wp;
      case 3:
        return zone.start;
      case 4:
        return Math.max(0, zone.wp + this.rng.pick([-8, 8, 1, -1]));
      case 5:
        return aligned(this.rng.int(0, this.capacity - 1));
      case 6:
        return this.capacity - this.rng.pick([8, 16, 1]);
      default:
        return this.capacity + this.rng.int(0, 64);
    }
  }

  /**
   * The outcome SBC-4 gives before any zone rule: LBA range (4.5), then MAXIMUM TRANSFER LENGTH.
   * A zero-length transfer at the LBA just past the end moves nothing and is GOOD (as libiscsi's
   * READ/WRITE 0-blocks tests expect); past that, or any block past the end, is out of range.
   */
  private blockAccessFault(lba: number, blocks: number, lengthByte: number): Expected | null {
    if (lba > this.capacity || lba + blocks > this.capacity) return check(LBA_OUT_OF_RANGE);
    if (blocks > MAX_TRANSFER)
      return check({ key: 5, asc: 0x24, ascq: 0, field: { byte: lengthByte } });
    return null;
  }

  private writeCommand(): { cdb: Buffer; lba: number; blocks: number; data: Buffer; what: string } {
    const lba = this.lba();
    const blocks = this.rng.pick(LENGTHS);
    const fua = this.rng.chance(0.2);
    const ten = this.rng.chance(0.3) && lba < 2 ** 32;
    const cdb = ten
      ? cdb10(0x2a, lba, blocks, fua ? 0x08 : 0)
      : cdb16(0x8a, lba, blocks, fua ? 0x08 : 0);
    const data = blocksFor(lba, blocks, this.step);
    return {
      cdb,
      lba,
      blocks,
      data,
      what: `WRITE(${ten ? 10 : 16}) lba ${lba} blocks ${blocks}${fua ? ' FUA' : ''}`,
    };
  }

  /** The expected outcome of a write on `ref`, applied there when it succeeds. */
  private expectWrite(
    ref: ReferenceModel,
    w: { cdb: Buffer; lba: number; blocks: number; data: Buffer },
  ): Expected {
    const lengthByte = w.cdb[0] === 0x2a ? 7 : 10; // WRITE(10) or WRITE(16)
    const early = this.blockAccessFault(w.lba, w.blocks, lengthByte);
    if (early) return early;
    const r = ref.write(w.lba, w.blocks);
    if (r !== 'ok') return check(faultSense(r, w.lba, 2));
    return GOOD;
  }

  private async write(): Promise<void> {
    const w = this.writeCommand();
    this.history.push(`${this.step}: ${w.what}`);
    const e = this.expectWrite(this.ref, w);
    if (e.status === 'good') w.data.copy(this.disk, w.lba * BS);
    this.expect(w.what, e, await this.ini.command(w.cdb, { dataOut: w.data }));
  }

  /** What a read returns according to the reference (zero-filled blocks as zeros). */
  private readData(lba: number, blocks: number): Buffer {
    const out = Buffer.from(this.disk.subarray(lba * BS, (lba + blocks) * BS));
    for (let k = 0; k < blocks; k++)
      if (this.ref.readsZero(lba + k)) out.fill(0, k * BS, (k + 1) * BS);
    return out;
  }

  private async read(): Promise<void> {
    const lba = this.lba();
    const blocks = this.rng.pick(LENGTHS);
    const ten = this.rng.chance(0.3) && lba < 2 ** 32;
    const cdb = ten ? cdb10(0x28, lba, blocks) : cdb16(0x88, lba, blocks);
    const what = `READ(${ten ? 10 : 16}) lba ${lba} blocks ${blocks}`;
    this.history.push(`${this.step}: ${what}`);
    let e = this.blockAccessFault(lba, blocks, ten ? 7 : 10);
    if (e === null) {
      const r = this.ref.read(lba, blocks);
      e =
        typeof r === 'string'
          ? check(faultSense(r, lba, 2))
          : { status: 'good', data: this.readData(lba, blocks) };
    }
    this.expect(what, e, await this.ini.command(cdb, { dataInLength: blocks * BS }));
  }

  private async zoneAction(): Promise<void> {
    const [kind, sa] = this.rng.pick(ACTIONS);
    const all = this.rng.chance(0.15);
    const zone = this.ref.zones[this.rng.int(0, this.ref.zones.length - 1)]!;
    const zoneId = this.rng.chance(0.9)
      ? zone.start
      : this.rng.pick([zone.start + 8, this.capacity, zone.wp]);
    const count = this.rng.pick([0, 0, 1, 2, 3, 5, ZONES]);
    const cdb = Buffer.alloc(16);
    cdb[0] = 0x94;
    cdb[1] = sa;
    cdb.writeBigUInt64BE(BigInt(zoneId), 2);
    cdb.writeUInt16BE(count, 12);
    cdb[14] = all ? 1 : 0;
    const what = `ZBC OUT ${kind} zone ${zoneId} count ${count}${all ? ' ALL' : ''}`;
    this.history.push(`${this.step}: ${what}`);
    const r = this.ref.action(kind, zoneId, count, all);
    this.expect(
      what,
      r === 'ok' ? GOOD : check(faultSense(r, zoneId, 2)),
      await this.ini.command(cdb),
    );
  }

  private async reportZones(): Promise<void> {
    const option = this.rng.pick(REPORT_OPTIONS);
    const partial = this.rng.chance(0.4);
    const start = this.rng.chance(0.9)
      ? this.rng.int(0, this.capacity - 1)
      : this.capacity + this.rng.int(0, 9);
    const alloc = this.rng.chance(0.5)
      ? 64 * this.rng.int(0, ZONES + 2)
      : this.rng.int(0, 64 * (ZONES + 2));
    const cdb = cdb16(0x95, start, alloc);
    cdb[1] = 0x00;
    cdb[14] = (partial ? 0x80 : 0) | option;
    const what =
      `REPORT ZONES option ${option.toString(16)} from ${start} alloc ${alloc}` +
      (partial ? ' PARTIAL' : '');
    this.history.push(`${this.step}: ${what}`);
    const r = this.ref.reportZones(option, start, partial, alloc);
    const e: Expected =
      typeof r === 'string' ? check(faultSense(r, start, 2)) : { status: 'good', data: r };
    this.expect(what, e, await this.ini.command(cdb, { dataInLength: alloc }));
  }

  private async synchronizeCache(): Promise<void> {
    const sixteen = this.rng.chance(0.5);
    const cdb = sixteen ? cdb16(0x91, 0, 0) : cdb10(0x35, 0, 0);
    const what = `SYNCHRONIZE CACHE(${sixteen ? 16 : 10})`;
    this.history.push(`${this.step}: ${what}`);
    this.expect(what, GOOD, await this.ini.command(cdb));
  }

  /**
   * A WRITE and an ABORT TASK for it, at once or after a round trip. RFC 7143 §11.6.1: a task
   * the target still holds is aborted with Function complete (0), and then never answers; one
   * already answered is outside the CmdSN window: Task does not exist (1). An aborted write must
   * have had all its effect or none, which a read-back decides.
   */
  private async abort(): Promise<void> {
    const w = this.writeCommand();
    const what = `${w.what} + ABORT TASK`;
    this.history.push(`${this.step}: ${what}`);
    const task: Task = this.ini.start(w.cdb, { dataOut: w.data });
    if (this.rng.chance(0.5)) await this.ini.command(Buffer.alloc(6));
    const response = await this.ini.abortTask(task.itt);
    let result: ScsiResult | undefined;
    try {
      result = await task.result;
    } catch (e) {
      if (!(e instanceof TaskAborted)) throw e;
    }
    const expectedResponse = result === undefined ? 0 : 1;
    if (response !== expectedResponse) {
      const state = result === undefined ? 'unanswered' : 'answered';
      this.fail(
        what,
        `TMF response ${response} for an ${state} task, expected ${expectedResponse}`,
      );
    }
    this.count(`ABORT TASK ${result === undefined ? 'aborted the write' : 'after the response'}`);
    if (result !== undefined) {
      const e = this.expectWrite(this.ref, w);
      if (e.status === 'good') w.data.copy(this.disk, w.lba * BS);
      this.expect(what, e, result);
      return;
    }
    const trial = this.ref.clone();
    if (this.expectWrite(trial, w).status !== 'good' || w.blocks === 0) return;
    const back = await this.ini.command(cdb16(0x88, w.lba, w.blocks), {
      dataInLength: w.blocks * BS,
    });
    if (back.status === 0 && back.data.equals(w.data)) {
      this.expectWrite(this.ref, w);
      w.data.copy(this.disk, w.lba * BS);
      return;
    }
    const ref = this.ref.read(w.lba, w.blocks);
    const old: Expected =
      typeof ref === 'string'
        ? check(faultSense(ref, w.lba, 2))
        : { status: 'good', data: this.readData(w.lba, w.blocks) };
    const d = difference(old, back);
    if (d !== null)
      this.fail(`${what}: read-back`, `neither all nor none of the aborted write: ${d}`);
  }

  /** Logout (or a dropped connection) and a new session with a new ISID. */
  private async reconnect(): Promise<void> {
    const drop = this.rng.chance(0.5);
    this.history.push(`${this.step}: reconnect${drop ? ' (dropped)' : ''}`);
    if (drop) this.ini.destroy();
    else await this.ini.close();
    await this.connect();
  }

  async run(opts: ModelRunOptions): Promise<void> {
    const every = opts.progressEvery ?? 10_000;
    for (this.step = 1; this.step <= opts.steps; this.step++) {
      const op = this.rng.weighted({
        write: 40,
        read: 25,
        zoneAction: 12,
        reportZones: 12,
        synchronizeCache: 3,
        abort: 5,
        reconnect: 1,
      });
      await this[op]();
      if (this.history.length > 64) this.history.splice(0, 32);
      if (this.step % 1000 === 0) this.store.calls.length = 0;
      if (this.step % every === 0) opts.onProgress?.(this.step);
    }
  }
}

/**
 * Starts a target for the seed's layout, runs the steps, and stops it; throws Divergence.
 * Returns how often each command ended in each outcome ("WRITE(16) 5/21/04" -> count).
 */
export async function runWireModel(opts: ModelRunOptions): Promise<ReadonlyMap<string, number>> {
  const rng = new Prng(opts.seed);
  const layout = layoutFor(rng);
  const store = memoryStore(layout.capacityBlocks * BS);
  const scsi = createScsiTarget({
    name: TARGET,
    luns: [
      {
        lun: 0,
        store,
        blockSize: BS,
        physicalBlockSize: layout.physicalBlockSize,
        capacityBlocks: layout.capacityBlocks,
        serial: 'MODEL0001',
        zones: new ZoneModel(layout),
        maxTransferBlocks: MAX_TRANSFER,
      },
    ],
  });
  const server = await startIscsiServer({
    host: '127.0.0.1',
    port: 0,
    targets: [{ name: TARGET, scsi }],
    limits: { nopIntervalMs: 0 },
  });
  const model = new WireModel(opts.seed, server, store, layout, rng);
  model.outcomes.set(describeLayout(layout), 1);
  try {
    await model.connect();
    await model.run(opts);
    await model.close();
    return model.outcomes;
  } finally {
    await server.close();
    await scsi.close();
  }
}
